/**
 * Explaining the captioner: a map per caption word, the score being log p(word_t | image, words_<t)
 * under teacher forcing with the caption explained (the model's own or one supplied by the user).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { captionWords } from '../grammar/caption.js';
import { captionTokens } from '../grammar/tokens.js';
import { CAPTION_LENGTH, CAPTION_VOCAB } from '../grammar/vocab.js';
import { captionScenes } from '../models/caption.js';
import { CAPTIONER_LAYER } from '../models/captioner.js';
import type { SceneImage } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';
import { type SceneExplainOptions, type TargetMap, explainMaps } from './run.js';
import { captionWordScore } from './scores.js';

/** Options of {@link explainSceneCaption}. */
export interface ExplainCaptionOptions extends SceneExplainOptions {
  /** The caption to explain (text or words); default: the model's own greedy caption. */
  caption?: string | readonly string[];
  /** Positions (0-based) of the words to explain; default: every word. */
  positions?: readonly number[];
}

/** The map of one caption word. */
export interface WordExplanation extends TargetMap {
  /** 0-based position in the caption (also the decoder step that predicts it). */
  position: number;
  word: string;
  /** score = log p(word | image, previous words), natural log. */
}

/** Result of {@link explainSceneCaption}. */
export interface SceneCaptionExplanation {
  /** The caption explained. */
  caption: string;
  /** The model's own greedy caption of the image. */
  modelCaption: string;
  words: WordExplanation[];
}

/**
 * Explains each word of a caption of one scene image (64×64 RGB in [0, 1]): one `explain` call with a
 * score function per word (one trunk pass, one batched head gradient), default layer `CAPTIONER_LAYER` (`cap_class_evidence`, 16×16).
 * Words outside the caption vocabulary are rejected with the vocabulary listed. Leaves no tensors behind.
 */
export async function explainSceneCaption(captioner: tfl.LayersModel, scene: SceneImage, options: ExplainCaptionOptions = {}): Promise<SceneCaptionExplanation> {
  const modelCaption = captionScenes(captioner, [scene])[0]!.text;
  const words = options.caption === undefined ? captionWords(modelCaption) : typeof options.caption === 'string' ? captionWords(options.caption) : [...options.caption];
  if (words.length === 0) throw new RangeError('the caption to explain is empty');
  if (words.length >= CAPTION_LENGTH) throw new RangeError(`a caption has at most ${CAPTION_LENGTH - 1} words, got ${words.length}`);
  const tokens = captionTokens(words);
  const positions = options.positions ?? words.map((_, i) => i);
  for (const p of positions) if (!Number.isInteger(p) || p < 0 || p >= words.length) throw new RangeError(`word position ${p} is out of range (0–${words.length - 1})`);
  const targets = positions.map((p) => captionWordScore(p, CAPTION_VOCAB.index(words[p]!)));
  const inputs = [scenesToTensor([scene]), tf.tensor2d(tokens.input, [1, CAPTION_LENGTH], 'int32')];
  const [maps] = await explainMaps(captioner, inputs, [targets], options.layer ?? CAPTIONER_LAYER, options);
  return {
    caption: words.join(' '),
    modelCaption,
    words: positions.map((p, k) => ({ ...maps![k]!, position: p, word: words[p]! })),
  };
}
