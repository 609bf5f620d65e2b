/**
 * Answering questions with the VQA model.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { questionTokens } from '../grammar/tokens.js';
import { ANSWER_VOCAB, QUESTION_LENGTH } from '../grammar/vocab.js';
import type { SceneImage } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';

/** The model's answer to one question. */
export interface ModelAnswer {
  answer: string;
  /** Index of the answer in `ANSWER_VOCAB`. */
  index: number;
  /** Softmax probability of the answer. */
  probability: number;
  /** Every answer's logit, indexed like `ANSWER_VOCAB`. */
  logits: Float32Array;
}

/**
 * Answers `questions[i]` (a list of words) about `scenes[i]`, in batches of `batchSize` (default 64).
 * Leaves no tensors behind.
 */
export function answerQuestions(vqa: tfl.LayersModel, scenes: readonly SceneImage[], questions: readonly (readonly string[])[], batchSize = 64): ModelAnswer[] {
  if (scenes.length !== questions.length) throw new RangeError(`${scenes.length} scenes but ${questions.length} questions`);
  const A = ANSWER_VOCAB.size;
  const out: ModelAnswer[] = [];
  for (let i = 0; i < scenes.length; i += batchSize) {
    const s = scenes.slice(i, i + batchSize);
    const q = new Int32Array(s.length * QUESTION_LENGTH);
    questions.slice(i, i + batchSize).forEach((w, j) => q.set(questionTokens(w), j * QUESTION_LENGTH));
    const logits = tf.tidy(() => vqa.predict([scenesToTensor(s), tf.tensor2d(q, [s.length, QUESTION_LENGTH], 'int32')]) as tf.Tensor);
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    for (let j = 0; j < s.length; j++) {
      const row = data.slice(j * A, (j + 1) * A);
      let best = 0;
      for (let k = 1; k < A; k++) if (row[k]! > row[best]!) best = k;
      let z = 0;
      for (let k = 0; k < A; k++) z += Math.exp(row[k]! - row[best]!);
      out.push({ answer: ANSWER_VOCAB.word(best), index: best, probability: 1 / z, logits: row });
    }
  }
  return out;
}
