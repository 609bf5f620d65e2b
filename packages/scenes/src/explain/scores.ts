/**
 * The task logic of the scene explanations: score functions over the models' head outputs, each
 * `(outputs) → Tensor1D [B]` for `@gradcam/core`'s `explain`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type ScoreFunction, classLogit, classMatrix, pickOutput, scoreFunction } from '@gradcam/core';
import { ANSWER_VOCAB, CAPTION_LENGTH, CAPTION_VOCAB } from '../grammar/vocab.js';
import { CLASS_NAMES } from '../world/vocabulary.js';

/** The classifier's logit of class `index` (a colour-shape pair), the raw output Grad-CAM differentiates. */
export function classScore(index: number): ScoreFunction {
  const f = classLogit(index);
  return scoreFunction((o) => f(o), `logit[${CLASS_NAMES[index] ?? index}]`);
}

/**
 * The captioner's log p(token | image, words before it) at decoder step `step` (0-based: step t reads
 * words_<t — START and the caption's first t words — and predicts caption word t, or END at the last
 * step): log_softmax(logits[:, step, :])[token], [B]. Under teacher forcing the `words` input holds the
 * caption being explained.
 */
export function captionWordScore(step: number, token: number): ScoreFunction {
  if (!Number.isInteger(step) || step < 0 || step >= CAPTION_LENGTH) throw new RangeError(`decoder step ${step} is out of range (0–${CAPTION_LENGTH - 1})`);
  const word = CAPTION_VOCAB.word(token);
  return scoreFunction((o) => {
    const logits = pickOutput(o);
    const [b, , v] = logits.shape as [number, number, number];
    const row = tf.reshape(tf.slice(logits, [0, step, 0], [b, 1, v]), [b, v]);
    return tf.reshape(tf.slice(tf.logSoftmax(row), [0, token], [b, 1]), [b]);
  }, `log p(${word} @ ${step})`);
}

/** The VQA model's logit of the answer `index` of `ANSWER_VOCAB`. */
export function answerScore(index: number): ScoreFunction {
  const word = ANSWER_VOCAB.word(index);
  return scoreFunction((o) => tf.reshape(tf.slice(classMatrix(o), [0, index], [-1, 1]), [-1]), `logit[${word}]`);
}
