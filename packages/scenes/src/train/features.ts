/**
 * Encoder features of many scenes, computed once: the captioner and the VQA model train on them with
 * the encoder frozen.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Scene } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';

/** Cached features: `data` holds `count` maps of `size` floats each (NHWC [count, 8, 8, 64] flattened). */
export interface FeatureCache {
  data: Float32Array;
  count: number;
  /** Floats per scene (8·8·64). */
  size: number;
  /** Shape of one map, [8, 8, 64]. */
  shape: [number, number, number];
}

/** Runs `encoder` (image → [N, 8, 8, 64]) over `scenes` in batches. */
export function encodeScenes(encoder: tfl.LayersModel, scenes: readonly Scene[], batchSize = 64): FeatureCache {
  const shape = (encoder.outputs[0]!.shape.slice(1) as number[]) as [number, number, number];
  const size = shape[0] * shape[1] * shape[2];
  const data = new Float32Array(scenes.length * size);
  for (let i = 0; i < scenes.length; i += batchSize) {
    const chunk = scenes.slice(i, i + batchSize);
    const f = tf.tidy(() => encoder.predict(scenesToTensor(chunk)) as tf.Tensor);
    data.set(f.dataSync(), i * size);
    f.dispose();
  }
  return { data, count: scenes.length, size, shape };
}

/** The features of the scenes `rows` as a tensor [rows.length, 8, 8, 64]. The caller disposes it. */
export function featureBatch(cache: FeatureCache, rows: readonly number[]): tf.Tensor4D {
  const out = new Float32Array(rows.length * cache.size);
  rows.forEach((r, i) => out.set(cache.data.subarray(r * cache.size, (r + 1) * cache.size), i * cache.size));
  return tf.tensor4d(out, [rows.length, ...cache.shape]);
}
