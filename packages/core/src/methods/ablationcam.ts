import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, channelWeightedCam, chunkedScores, rowsByItem } from './method.js';

/**
 * Ablation-CAM (Desai & Ramaswamy, WACV 2020): channel weight = relative score drop when that
 * channel is set to zero, (y − y_ablated_c) / y, as pytorch-grad-cam's AblationCAM (all channels
 * ablated), or (y − y_ablated_c) / |y| with `ablationDivisor: 'magnitude'` (a negative score then keeps
 * its weights' signs); a score of 0 divides by 1. Only the head runs, once per channel, in batches of
 * `batchSize`. No gradients.
 * Difference: pytorch-grad-cam ablates with `min − 1e7` when a layer's minimum is not 0; gradcam
 * always uses the paper's zero (identical for ReLU layers).
 */
export const ablationCam: CamMethod = {
  id: 'ablationcam',
  title: 'Ablation-CAM: channel weights from the score drop when each channel is zeroed, no gradients (Desai & Ramaswamy 2020)',
  usesGradients: false,
  cam(ctx) {
    const [m, h, w, c] = ctx.activations.shape;
    const weightRows: tf.Tensor1D[] = new Array(m);
    for (const [item, rowIdx] of rowsByItem(ctx.rows)) {
      const ablated = tf.tidy(() => {
        const a = tf.gather(ctx.activations, [rowIdx[0]!]); // [1,h,w,C]
        const keep = tf.reshape(tf.sub(1, tf.eye(c)), [c, 1, 1, c]); // row k zeroes channel k
        return chunkedScores(c, ctx.batchSize, (start, size) =>
          ctx.headScores(tf.mul(a, tf.slice(keep, [start, 0, 0, 0], [size, 1, 1, c])) as tf.Tensor4D, item, rowIdx),
        ); // [C, R]
      });
      rowIdx.forEach((r, j) => {
        weightRows[r] = tf.tidy(() => {
          const y = tf.slice(ctx.scores, [r], [1]);
          const d = ctx.ablationDivisor === 'magnitude' ? tf.abs(y) : y;
          const divisor = tf.where(tf.equal(d, 0), tf.onesLike(d), d);
          return tf.div(tf.sub(y, tf.reshape(tf.slice(ablated, [0, j], [-1, 1]), [c])), divisor) as tf.Tensor1D;
        });
      });
      ablated.dispose();
    }
    const weights = tf.stack(weightRows) as tf.Tensor2D;
    weightRows.forEach((x) => x.dispose());
    return channelWeightedCam(ctx, weights);
  },
};
