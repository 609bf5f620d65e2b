/**
 * Scene features of many training scenes, computed once (`prepareHeadData`): the captioner and the VQA
 * model train on them with the classifier's layers frozen.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Cached features: `data` holds `count` maps of `size` floats each (NHWC [count, 8, 8, 24] flattened). */
export interface FeatureCache {
  data: Float32Array;
  count: number;
  /** Floats per scene (8·8·24). */
  size: number;
  /** Shape of one map, [8, 8, 24]. */
  shape: [number, number, number];
}

/** The features of the scenes `rows` as a tensor [rows.length, 8, 8, 24]. The caller disposes it. */
export function featureBatch(cache: FeatureCache, rows: readonly number[]): tf.Tensor4D {
  const out = new Float32Array(rows.length * cache.size);
  rows.forEach((r, i) => out.set(cache.data.subarray(r * cache.size, (r + 1) * cache.size), i * cache.size));
  return tf.tensor4d(out, [rows.length, ...cache.shape]);
}
