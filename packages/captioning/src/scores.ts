/**
 * The score of a caption word: log p(word | image, previous tokens) = Σ over its tokens t_j of
 * log softmax(logits[j])[t_j], read from the decoder's teacher-forced logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type HeadOutputs, type ScoreFunction, pickOutput, scoreFunction } from '@gradcam/core';

/**
 * A core score function over decoder logits [B, T, V] (input `[start, t_0, …, t_{T−2}]`, so `logits[j]`
 * predicts caption token `t_j`): the summed log-probability of the tokens at `positions`.
 * @param positions token positions of the word in the caption (0-based, start token excluded)
 * @param tokenIds the caption's token ids (start token excluded)
 * @returns a function of the head outputs → [B] log-probabilities (≤ 0).
 */
export function wordLogProbability(positions: readonly number[], tokenIds: readonly number[], label = 'word'): ScoreFunction {
  if (positions.length === 0) throw new Error(`word '${label}' has no tokens`);
  return scoreFunction((outputs: HeadOutputs) => {
    const logits = pickOutput(outputs, 0);
    if (logits.rank !== 3) throw new Error(`decoder logits must be [B, T, V]; got shape [${logits.shape}]`);
    const [b, t, v] = logits.shape as [number, number, number];
    const terms = positions.map((p) => {
      const id = tokenIds[p]!;
      if (p >= t) throw new Error(`token position ${p} is beyond the ${t} decoder positions`);
      if (!(id >= 0 && id < v)) throw new Error(`token id ${id} is outside the vocabulary of ${v}`);
      const row = tf.reshape(tf.slice(logits, [0, p, 0], [b, 1, v]), [b, v]);
      return tf.reshape(tf.slice(tf.logSoftmax(row), [0, id], [b, 1]), [b]);
    });
    return terms.length === 1 ? terms[0]! : tf.addN(terms);
  }, `log p(${label})`);
}
