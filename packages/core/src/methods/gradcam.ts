import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, channelWeightedCam, requireGradients } from './method.js';

/**
 * Grad-CAM (Selvaraju et al., ICCV 2017, arXiv:1610.02391): channel weight = spatial mean of the
 * gradient, α_c = 1/Z Σ_ij ∂y/∂A_ij^c; map = Σ_c α_c A^c.
 */
export const gradCam: CamMethod = {
  id: 'gradcam',
  title: 'Grad-CAM: activations weighted by the spatially averaged gradient (Selvaraju et al. 2017)',
  usesGradients: true,
  cam: (ctx) => channelWeightedCam(ctx, tf.mean(requireGradients(ctx, 'gradcam'), [1, 2]) as tf.Tensor2D),
};
