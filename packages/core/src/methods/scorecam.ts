import * as tf from '@tensorflow/tfjs-core';
import { resizeMaps } from '../normalize.js';
import { type CamMethod, channelWeightedCam, chunkedScores, rowsByItem } from './method.js';

/**
 * Score-CAM (Wang et al., CVPR-W 2020, arXiv:1910.01279), as pytorch-grad-cam computes it: each channel
 * is upsampled to the input size (bilinear, align-corners), min-max normalised ((x-min)/(max-min+1e-8)),
 * used as a mask on the input; the target scores of the masked inputs (forward passes in batches of
 * `batchSize`) are soft-maxed over channels to give the channel weights. No gradients. The masked
 * passes are shared by all targets of an image.
 */
export const scoreCam: CamMethod = {
  id: 'scorecam',
  title: 'Score-CAM: channel weights from the scores of activation-masked inputs, no gradients (Wang et al. 2020)',
  usesGradients: false,
  cam(ctx) {
    const [, H, W] = ctx.images.shape;
    const [m, , , c] = ctx.activations.shape;
    const weightRows: tf.Tensor1D[] = new Array(m);
    for (const [item, rowIdx] of rowsByItem(ctx.rows)) {
      const scores = tf.tidy(() => {
        const acts = tf.squeeze(tf.transpose(tf.gather(ctx.activations, [rowIdx[0]!]), [3, 1, 2, 0]), [3]) as tf.Tensor3D; // [C,h,w]
        const up = resizeMaps(acts, [H, W], true);
        const lo = tf.min(up, [1, 2], true);
        const hi = tf.max(up, [1, 2], true);
        const masks = tf.expandDims(tf.div(tf.sub(up, lo), tf.add(tf.sub(hi, lo), 1e-8)), 3); // [C,H,W,1]
        const image = tf.gather(ctx.images, [item]); // [1,H,W,Cin]
        return chunkedScores(c, ctx.batchSize, (start, size) =>
          ctx.modelScores(tf.mul(image, tf.slice(masks, [start, 0, 0, 0], [size, -1, -1, -1])) as tf.Tensor4D, item, rowIdx),
        ); // [C, R]
      });
      rowIdx.forEach((r, j) => {
        weightRows[r] = tf.tidy(() => tf.softmax(tf.reshape(tf.slice(scores, [0, j], [-1, 1]), [c])) as tf.Tensor1D);
      });
      scores.dispose();
    }
    const weights = tf.stack(weightRows) as tf.Tensor2D;
    weightRows.forEach((w) => w.dispose());
    return channelWeightedCam(ctx, weights);
  },
};
