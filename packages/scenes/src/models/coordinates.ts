/**
 * Coordinate channels (CoordConv, Liu et al. 2018; used by FiLM's VQA models) from standard layers only,
 * so that they need no custom layer class: a frozen 1×1 convolution with zero kernel and unit
 * bias turns any map into ones, and frozen 15×15 'same' convolutions whose kernel is 1/8 on the left half
 * of the centre row (x) or the upper half of the centre column (y) count the cells to the left or above:
 * on an 8×8 map, x = (column + 1)/8 and y = (row + 1)/8, both in [0.125, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FEATURE_SIZE } from './encoder.js';
import { type LayerSet, call } from './layer-set.js';

const K = 2 * FEATURE_SIZE - 1;

/** The frozen layers `${prefix}_ones`, `${prefix}_x` and `${prefix}_y`. */
export function createCoordinateLayers(prefix: string): tfl.layers.Layer[] {
  const coord = (axis: 'x' | 'y') =>
    tfl.layers.conv2d({ name: `${prefix}_${axis}`, filters: 1, kernelSize: K, padding: 'same', useBias: false, kernelInitializer: 'zeros', trainable: false });
  return [
    tfl.layers.conv2d({ name: `${prefix}_ones`, filters: 1, kernelSize: 1, kernelInitializer: 'zeros', biasInitializer: 'ones', trainable: false }),
    coord('x'),
    coord('y'),
  ];
}

/** The fixed kernel [K, K, 1, 1] of one coordinate convolution. */
function coordinateKernel(axis: 'x' | 'y'): tf.Tensor4D {
  const k = new Float32Array(K * K);
  const c = FEATURE_SIZE - 1;
  for (let t = 0; t <= c; t++) k[axis === 'x' ? c * K + t : t * K + c] = 1 / FEATURE_SIZE;
  return tf.tensor4d(k, [K, K, 1, 1]);
}

/**
 * Coordinate maps of `like` [N, 8, 8, C] (symbolic): x and y, each [N, 8, 8, 1]; (re)sets the frozen
 * kernels (idempotent: a loaded model holds the same values).
 */
export function applyCoordinates(layers: LayerSet, prefix: string, like: tfl.SymbolicTensor): { x: tfl.SymbolicTensor; y: tfl.SymbolicTensor } {
  const ones = call(layers, `${prefix}_ones`, like);
  const out = { x: call(layers, `${prefix}_x`, ones), y: call(layers, `${prefix}_y`, ones) };
  for (const axis of ['x', 'y'] as const) {
    const kernel = coordinateKernel(axis);
    layers(`${prefix}_${axis}`).setWeights([kernel]);
    kernel.dispose();
  }
  return out;
}
