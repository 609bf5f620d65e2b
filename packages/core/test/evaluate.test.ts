import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cutFromFunctions, evaluateMethods, evaluationTable, initBackend } from '../src/index.js';

// A "model" whose class-0 score is the mean activation inside a fixed square (rows/cols 4–7 of a
// 12×12 map) and whose activations are the input itself: the per-position methods (HiResCAM,
// LayerCAM) must point into the square; the random baseline mostly does not. (Grad-CAM would not:
// with one channel its averaged gradient just rescales the whole input.) Deletion removes the square first (the score drops
// to 0 after 16 of 144 pixels), so the map's deletion AUC is far below the random map's.
const model = cutFromFunctions({
  layer: 'x',
  trunk: ([x]) => tf.clone(x!),
  head: (a) => {
    const inside = tf.slice(a, [0, 4, 4, 0], [-1, 4, 4, -1]);
    return tf.stack([tf.mean(inside, [1, 2, 3]), tf.mean(a, [1, 2, 3])], 1);
  },
});

describe('evaluateMethods', () => {
  it('scores a map that finds the object above the baselines', async () => {
    await initBackend({ backend: 'cpu' });
    const samples = [0, 1, 2].map((i) => ({
      // a bright square (1.0) on a noisy darker background (0.3–0.5)
      input: tf.tidy(() => {
        const bg = tf.add(tf.randomUniform([1, 12, 12, 1], 0, 0.2, 'float32', i), 0.3);
        const square = tf.pad(tf.ones([1, 4, 4, 1]), [[0, 0], [4, 4], [4, 4], [0, 0]]);
        return tf.add(tf.mul(bg, tf.sub(1, square)), square);
      }) as tf.Tensor4D,
      target: 0,
      boxes: [{ x1: 4, y1: 4, x2: 8, y2: 8 }],
    }));
    const before = tf.memory().numTensors;
    const rows = await evaluateMethods(model, samples, { methods: ['hirescam', 'layercam'], steps: 12, tolerance: 0 });
    expect(tf.memory().numTensors).toBe(before);
    const by = Object.fromEntries(rows.map((r) => [r.method, r]));
    for (const m of ['hirescam', 'layercam']) {
      expect(by[m]!.pointing).toBe(1);
      expect(by[m]!.energy).toBeGreaterThan(0.99); // the score ignores pixels outside the square
      expect(by[m]!.iou).toBeCloseTo(1, 6); // the thresholded map's box is the square itself
      expect(by[m]!.deletion).toBeLessThan(by['random']!.deletion);
      expect(by[m]!.insertion).toBeGreaterThan(by['random']!.insertion);
    }
    // HiResCAM's map is the gradient × input: exactly the square (1/16 · x inside, 0 outside).
    expect(by['hirescam']!.energy).toBeCloseTo(1, 6);
    expect(by['random']!.pointing).toBeLessThan(1);
    expect(evaluationTable(rows)).toMatch(/\| hirescam \| 1\.00 \| 1\.000 \| 1\.000 \|/);
    samples.forEach((s) => s.input.dispose());
  });
});
