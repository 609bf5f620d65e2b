/**
 * Explaining the VQA model: the map of an answer's logit to a question about a scene image, for the
 * model's own answer or one supplied by the user.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { questionWords } from '../grammar/question.js';
import { questionTokens } from '../grammar/tokens.js';
import { ANSWER_VOCAB, QUESTION_LENGTH } from '../grammar/vocab.js';
import { answerQuestions } from '../models/answer.js';
import { VQA_LAYER } from '../models/vqa.js';
import type { SceneImage } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';
import { type SceneExplainOptions, type TargetMap, explainMaps } from './run.js';
import { answerScore } from './scores.js';

/** Options of {@link explainSceneAnswer}. */
export interface ExplainAnswerOptions extends SceneExplainOptions {
  /** The answer to explain (an `ANSWER_VOCAB` word); default: the model's answer. */
  answer?: string;
}

/** Result of {@link explainSceneAnswer}: the map of the answer's logit (`score`). */
export interface SceneAnswerExplanation extends TargetMap {
  question: string;
  /** The answer explained. */
  answer: string;
  /** The model's answer and its softmax probability. */
  modelAnswer: string;
  probability: number;
}

/**
 * Explains an answer to `question` (text or words; "color" is read as "colour") about one scene image
 * (64×64 RGB in [0, 1]): score = the answer's logit, default layer `VQA_LAYER` (`vqa_class_evidence`, 16×16×24). Unknown words or
 * answers are rejected with the vocabulary listed. Leaves no tensors behind.
 */
export async function explainSceneAnswer(
  vqa: tfl.LayersModel,
  scene: SceneImage,
  question: string | readonly string[],
  options: ExplainAnswerOptions = {},
): Promise<SceneAnswerExplanation> {
  const words = typeof question === 'string' ? questionWords(question) : [...question];
  if (words.length > 0 && words[words.length - 1] !== '?') words.push('?');
  const tokens = questionTokens(words);
  const model = answerQuestions(vqa, [scene], [words])[0]!;
  const answer = options.answer === undefined ? model.answer : options.answer.trim().toLowerCase();
  const index = ANSWER_VOCAB.index(answer);
  const inputs = [scenesToTensor([scene]), tf.tensor2d(tokens, [1, QUESTION_LENGTH], 'int32')];
  const [maps] = await explainMaps(vqa, inputs, [[answerScore(index)]], options.layer ?? VQA_LAYER, options);
  return { ...maps![0]!, question: words.join(' '), answer, modelAnswer: model.answer, probability: model.probability };
}
