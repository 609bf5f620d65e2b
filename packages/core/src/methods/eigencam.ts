import { firstComponentProjection } from '../projection.js';
import type { CamMethod } from './method.js';

/**
 * Eigen-CAM (Muhammad & Yeasin, IJCNN 2020, arXiv:2008.00299): the projection of the activations on
 * their first principal component. Uses no gradients and no target: every target of an image gets
 * the same map. See {@link firstComponentProjection} for the sign convention.
 */
export const eigenCam: CamMethod = {
  id: 'eigencam',
  title: 'Eigen-CAM: first principal component of the activations, no gradients (Muhammad & Yeasin 2020)',
  usesGradients: false,
  cam: (ctx) => ({ raw: firstComponentProjection(ctx.activations), weights: null }),
};
