import * as tf from '@tensorflow/tfjs-core';
import { firstComponentProjection } from '../projection.js';
import { type CamMethod, rowsByItem } from './method.js';

/**
 * Eigen-CAM (Muhammad & Yeasin, IJCNN 2020, arXiv:2008.00299): the projection of the activations on
 * their first principal component. Uses no gradients and no target: every target of an image gets
 * the same map (computed once per image). See {@link firstComponentProjection} for the sign convention.
 */
export const eigenCam: CamMethod = {
  id: 'eigencam',
  title: 'Eigen-CAM: first principal component of the activations, no gradients (Muhammad & Yeasin 2020)',
  usesGradients: false,
  cam(ctx) {
    const groups = [...rowsByItem(ctx.rows).values()];
    if (groups.length === ctx.rows.length) return { raw: firstComponentProjection(ctx.activations), weights: null };
    const slot = new Array<number>(ctx.rows.length);
    groups.forEach((rows, u) => rows.forEach((r) => (slot[r] = u)));
    const raw = tf.tidy(() => tf.gather(firstComponentProjection(tf.gather(ctx.activations, groups.map((g) => g[0]!))), slot) as tf.Tensor3D);
    return { raw, weights: null };
  },
};
