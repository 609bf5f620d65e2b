import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, channelWeightedCam, requireGradients } from './method.js';

/**
 * XGrad-CAM (Fu et al., BMVC 2020, arXiv:2008.02312): weight_c = Σ_ij (A_ij^c / (Σ_ij A^c + 1e-7)) · ∂y/∂A_ij^c.
 */
export const xGradCam: CamMethod = {
  id: 'xgradcam',
  title: 'XGrad-CAM: gradients weighted by normalised activations (Fu et al. 2020)',
  usesGradients: true,
  cam(ctx) {
    const a = ctx.activations;
    const norm = tf.div(a, tf.add(tf.sum(a, [1, 2], true), 1e-7));
    const weights = tf.sum(tf.mul(requireGradients(ctx, 'xgradcam'), norm), [1, 2]) as tf.Tensor2D;
    return channelWeightedCam(ctx, weights);
  },
};
