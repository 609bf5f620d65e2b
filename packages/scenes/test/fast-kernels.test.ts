import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@gradcam/core';
import { useFastTrainingKernels } from '../src/node.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('fast training kernels (wasm)', () => {
  it('give the gradients of the native kernels for conv (stride 1, same) and 2×2 max pooling, and fall back otherwise', () => {
    const x = tf.randomNormal([2, 8, 8, 5], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 5, 7], 0, 1, 'float32', 2);
    const w5 = tf.randomNormal([5, 5, 5, 7], 0, 1, 'float32', 4);
    const probe = tf.randomNormal([2, 4, 4, 7], 0, 1, 'float32', 3);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')), 2, 2, 'valid'), probe));
    const strided = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'));
    const g = tf.grads(f);
    const gs = tf.grads(strided);
    const ref = [...g([x, w]), ...g([x, w5]), ...gs([x, w])];
    const restore = useFastTrainingKernels();
    let fast: tf.Tensor[];
    try {
      fast = [...g([x, w]), ...g([x, w5]), ...gs([x, w])];
    } finally {
      restore();
    }
    ref.forEach((r, i) => {
      const scale = tf.tidy(() => tf.max(tf.abs(r)).dataSync()[0]!);
      expect(scale).toBeGreaterThan(0);
      expect(maxDiff(r, fast[i]!)).toBeLessThan(1e-4 * scale);
    });
    // restored: the registry holds the original kernels again
    const again = g([x, w]);
    expect(maxDiff(again[0]!, ref[0]!)).toBe(0);
    tf.dispose([x, w, w5, probe, ...ref, ...fast!, ...again]);
  });
});
