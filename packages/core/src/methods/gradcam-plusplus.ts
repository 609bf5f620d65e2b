import * as tf from '@tensorflow/tfjs-core';
import { type CamMethod, channelWeightedCam, requireGradients } from './method.js';

/**
 * Grad-CAM++ (Chattopadhay et al., WACV 2018, arXiv:1710.11063), with pytorch-grad-cam's closed form
 * for exponential scores: α = g² / (2g² + Σ_ij A · g³ + 1e-6) where g ≠ 0 (else 0),
 * weight_c = Σ_ij α · ReLU(g).
 */
export const gradCamPlusPlus: CamMethod = {
  id: 'gradcam++',
  title: 'Grad-CAM++: positive gradients weighted by higher-order terms (Chattopadhay et al. 2018)',
  usesGradients: true,
  cam(ctx) {
    const g = requireGradients(ctx, 'gradcam++');
    const g2 = tf.square(g);
    const g3 = tf.mul(g2, g);
    const sumA = tf.sum(ctx.activations, [1, 2], true);
    const aij = tf.div(g2, tf.add(tf.add(tf.mul(g2, 2), tf.mul(sumA, g3)), 1e-6));
    const alpha = tf.where(tf.notEqual(g, 0), aij, tf.zerosLike(aij));
    const weights = tf.sum(tf.mul(tf.relu(g), alpha), [1, 2]) as tf.Tensor2D;
    return channelWeightedCam(ctx, weights);
  },
};
