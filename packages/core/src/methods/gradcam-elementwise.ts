import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, elementwiseCam, requireGradients } from './method.js';

/**
 * Grad-CAM element-wise (pytorch-grad-cam's `GradCAMElementWise`): map = Σ_c ReLU(∂y/∂A^c ⊙ A^c),
 * HiResCAM with the ReLU applied per element before the channel sum.
 */
export const gradCamElementWise: CamMethod = {
  id: 'gradcam-elementwise',
  title: 'Grad-CAM element-wise: Σ_c ReLU(gradient × activation) (pytorch-grad-cam)',
  usesGradients: true,
  cam: (ctx) => elementwiseCam(ctx, tf.relu(tf.mul(requireGradients(ctx, 'gradcam-elementwise'), ctx.activations)) as tf.Tensor4D),
};
