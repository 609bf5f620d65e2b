import * as tf from '@tensorflow/tfjs-core';
import { resizeMaps } from '../normalize.js';
import { type CamMethod, channelWeightedCam, chunkedScores, rowsByItem } from './method.js';

/**
 * The channels Score-CAM masks with for one image's activations [1, h, w, C]: all of them, or with
 * `maxChannels` N < C the N of highest spatial variance (Faster Score-CAM, Wang et al.'s
 * reference implementation), in ascending channel order.
 */
function selectedChannels(acts: tf.Tensor4D, maxChannels: number | undefined): number[] | null {
  const c = acts.shape[3];
  if (maxChannels === undefined || maxChannels >= c) return null;
  const indices = tf.tidy(() => tf.topk(tf.moments(tf.reshape(acts, [-1, c]), 0).variance, maxChannels).indices);
  const idx = Array.from(indices.dataSync()).sort((a, b) => a - b);
  indices.dispose();
  return idx;
}

/**
 * Score-CAM (Wang et al., CVPR-W 2020, arXiv:1910.01279), as pytorch-grad-cam computes it: each channel
 * is upsampled to the input size (bilinear, align-corners), min-max normalised ((x-min)/(max-min+1e-8)),
 * used as a mask on the input; the target scores of the masked inputs (forward passes in batches of
 * `batchSize`) are soft-maxed over channels to give the channel weights. No gradients. The masked
 * passes are shared by all targets of an image.
 *
 * Memory: the masks are built per batch of `batchSize` channels (streamed), never all C at once
 * (C masks at the input size: 1280 × 224 × 224 floats = 257 MB per intermediate for MobileNetV2).
 * With `maxChannels` N, only the N highest-variance channels are scored (Faster Score-CAM); the
 * softmax runs over those N and every other channel gets weight 0.
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
      const acts = tf.gather(ctx.activations, [rowIdx[0]!]) as tf.Tensor4D; // [1,h,w,C]
      const channels = selectedChannels(acts, ctx.maxChannels);
      const n = channels ? channels.length : c;
      const scores = tf.tidy(() => {
        const picked = channels ? tf.gather(acts, channels, 3) : acts;
        const perChannel = tf.squeeze(tf.transpose(picked, [3, 1, 2, 0]), [3]) as tf.Tensor3D; // [n,h,w]
        const image = tf.gather(ctx.images, [item]); // [1,H,W,Cin]
        return chunkedScores(n, ctx.batchSize, (start, size) => {
          const up = resizeMaps(tf.slice(perChannel, [start, 0, 0], [size, -1, -1]), [H, W], true);
          const lo = tf.min(up, [1, 2], true);
          const hi = tf.max(up, [1, 2], true);
          const masks = tf.expandDims(tf.div(tf.sub(up, lo), tf.add(tf.sub(hi, lo), 1e-8)), 3); // [size,H,W,1]
          return ctx.modelScores(tf.mul(image, masks) as tf.Tensor4D, item, rowIdx);
        }); // [n, R]
      });
      acts.dispose();
      rowIdx.forEach((r, j) => {
        weightRows[r] = tf.tidy(() => {
          const w = tf.softmax(tf.reshape(tf.slice(scores, [0, j], [-1, 1]), [n])) as tf.Tensor1D;
          if (!channels) return w;
          const full = new Array<number>(c).fill(0);
          const wv = w.dataSync();
          channels.forEach((ch, i) => (full[ch] = wv[i]!));
          return tf.tensor1d(full);
        });
      });
      scores.dispose();
    }
    const weights = tf.stack(weightRows) as tf.Tensor2D;
    weightRows.forEach((w) => w.dispose());
    return channelWeightedCam(ctx, weights);
  },
};
