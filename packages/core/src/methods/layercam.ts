import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, elementwiseCam, requireGradients } from './method.js';

/**
 * LayerCAM (Jiang et al., IEEE TIP 2021): map = Σ_c ReLU(∂y/∂A^c) ⊙ A^c, a per-position weight that
 * keeps fine detail in shallow layers.
 */
export const layerCam: CamMethod = {
  id: 'layercam',
  title: 'LayerCAM: activations weighted per position by the positive gradient (Jiang et al. 2021)',
  usesGradients: true,
  cam: (ctx) => elementwiseCam(ctx, tf.mul(tf.relu(requireGradients(ctx, 'layercam')), ctx.activations) as tf.Tensor4D),
};
