import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, elementwiseCam, requireGradients } from './method.js';

/**
 * HiResCAM (Draelos & Carin, 2020, arXiv:2011.08891): map = Σ_c (∂y/∂A^c ⊙ A^c), the gradient
 * multiplied element-wise instead of averaged, so the map is faithful to the model's computation.
 */
export const hiResCam: CamMethod = {
  id: 'hirescam',
  title: 'HiResCAM: element-wise gradient × activation, summed over channels (Draelos & Carin 2020)',
  usesGradients: true,
  cam: (ctx) => elementwiseCam(ctx, tf.mul(requireGradients(ctx, 'hirescam'), ctx.activations) as tf.Tensor4D),
};
