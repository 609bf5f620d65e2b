import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, guidedBackprop, guidedGradCam, initBackend, inputGradients, smoothGrad } from '../src/index.js';
import { maxAbsDiff } from './helpers/fixture.js';
import { residualGraphModel } from './helpers/graph-builder.js';
import { residualLayersModel, seededWeights } from './helpers/residual.js';

// y = mean over 2 pixels of (−1·relu(x) + 3·relu(−x)), input x = (2, −1).
//   plain gradient:  pixel0 (x=2): ½·(−1) = −0.5;  pixel1 (x=−1): ½·3·(−1) = −1.5
//   guided rule:     pixel0: relu(x) receives ½·(−1) < 0 → blocked → 0
//                    pixel1: relu(−x) receives ½·3 > 0 and is active → 1.5, times d(−x)/dx = −1 → −1.5
function tinyNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [1, 2, 1] });
  const c1 = tfl.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, activation: 'relu', name: 'c1' });
  const c2 = tfl.layers.conv2d({ filters: 1, kernelSize: 1, useBias: false, name: 'c2' });
  const out = tfl.layers.globalAveragePooling2d({}).apply(c2.apply(c1.apply(input))) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  c1.setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2])]);
  c2.setWeights([tf.tensor4d([-1, 3], [1, 1, 2, 1])]);
  return model;
}
const X = () => tf.tensor4d([2, -1], [1, 1, 2, 1]);

describe.each(['cpu', 'wasm'] as const)('guided backprop on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  it('applies the guided rule (checked by hand) and leaves the model as it was', async () => {
    const model = tinyNet();
    const x = X();
    const plainGrad = () => tf.grad((xi: tf.Tensor) => tf.sum(model.predict(xi) as tf.Tensor))(x).dataSync();
    const before = { out: (model.predict(x) as tf.Tensor).dataSync()[0], grad: Array.from(plainGrad()) };
    expect(before.out).toBeCloseTo(-2 / 2 + 3 / 2, 6);
    expect(before.grad).toEqual([-0.5, -1.5]);
    const plain = await inputGradients(model, x, { targets: 0, layer: 'c1' });
    expect(Array.from(plain.gradients.dataSync())).toEqual([-0.5, -1.5]);
    plain.dispose();
    const guided = await guidedBackprop(model, x, { targets: 0, layer: 'c1' });
    expect(Array.from(guided.gradients.dataSync())).toEqual([0, -1.5]);
    guided.dispose();
    // Same outputs and same (non-guided) gradients afterwards.
    expect((model.predict(x) as tf.Tensor).dataSync()[0]).toBe(before.out);
    expect(Array.from(plainGrad())).toEqual(before.grad);
  });

  it('restores the gradients when the guided call throws', async () => {
    const model = tinyNet();
    await expect(guidedBackprop(model, X(), { targets: 5, layer: 'c1' })).rejects.toThrow(/class 5 is out of range/);
    expect(Array.from(tf.grad((xi: tf.Tensor) => tf.sum(model.predict(xi) as tf.Tensor))(X()).dataSync())).toEqual([-0.5, -1.5]);
  });

  it('guided Grad-CAM = guided backprop ⊙ the upsampled map, batched over images and targets; no leaks', async () => {
    for (const model of [residualLayersModel(seededWeights(5)), await residualGraphModel(seededWeights(5))]) {
      const x = tf.randomUniform([2, 20, 20, 3], -1, 1, 'float32', 4);
      const start = tf.memory().numTensors;
      const r = await guidedGradCam(model, x, { layer: 'block_relu', targets: [[0, 2], 4] });
      expect(r.cam.rows.map((row) => [row.item, row.target])).toEqual([[0, 0], [0, 2], [1, 4]]);
      // Each row's guided gradients equal a separate single-target guided backprop of that image.
      for (const [m, [item, target]] of [[0, [0, 0]], [1, [0, 2]], [2, [1, 4]]] as const) {
        const xi = tf.slice(x, item, 1);
        const one = await guidedBackprop(model, xi, { targets: target, layer: 'block_relu' });
        tf.tidy(() => {
          expect(maxAbsDiff(tf.slice(r.guided, m, 1).dataSync(), one.gradients.dataSync())).toBeLessThan(1e-6);
          const expected = tf.mul(one.gradients, tf.reshape(tf.slice(r.cam.maps, m, 1), [1, 20, 20, 1]));
          expect(maxAbsDiff(tf.slice(r.product, m, 1).dataSync(), expected.dataSync())).toBeLessThan(1e-6);
        });
        one.dispose();
        xi.dispose();
      }
      // Guided backprop differs from the plain gradient (negative gradients were blocked somewhere).
      const plain = await inputGradients(model, x, { targets: [[0, 2], 4], layer: 'block_relu' });
      expect(maxAbsDiff(plain.gradients.dataSync(), r.guided.dataSync())).toBeGreaterThan(1e-3);
      plain.dispose();
      r.dispose();
      x.dispose();
      expect(tf.memory().numTensors).toBe(start - 1); // x was created before `start`
    }
  });
});

describe('smoothing', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
  it('SmoothGrad averages noisy gradients: exact for a linear model, equal to the gradient without noise', async () => {
    const model = tinyNet();
    const x = X();
    const noNoise = await smoothGrad(model, x, { targets: 0, layer: 'c1', samples: 3, noise: 0 });
    expect(Array.from(noNoise.gradients.dataSync())).toEqual([-0.5, -1.5]);
    noNoise.dispose();
    // With noise, pixel 0 (x=2) sometimes crosses 0: the average moves between −0.5 and +1.5·… ; compute it by hand.
    const noisy = await smoothGrad(model, x, { targets: 0, layer: 'c1', samples: 8, noise: 0.5, seed: 3 });
    const sigma = 0.5 * 3;
    let expected0 = 0;
    let expected1 = 0;
    for (let s = 0; s < 8; s++) {
      const n = tf.randomNormal([1, 1, 2, 1], 0, sigma, 'float32', 3 * 100003 + s).dataSync();
      const v0 = 2 + n[0]!;
      const v1 = -1 + n[1]!;
      // d/dx of ½(−relu(v) + 3 relu(−v)) = ½(−1[v>0] − 3·1[v<0])
      expected0 += 0.5 * (v0 > 0 ? -1 : -3) / 8;
      expected1 += 0.5 * (v1 > 0 ? -1 : -3) / 8;
    }
    const got = noisy.gradients.dataSync();
    expect(got[0]).toBeCloseTo(expected0, 6);
    expect(got[1]).toBeCloseTo(expected1, 6);
    noisy.dispose();
  });

  it('augSmooth maps flipped and scaled maps back before averaging', async () => {
    const model = residualLayersModel(seededWeights(2));
    const x = tf.randomUniform([1, 20, 20, 3], -1, 1, 'float32', 8);
    const base = await explain(model, x, { layer: 'block_relu', targets: 1 });
    const identity = await explain(model, x, { layer: 'block_relu', targets: 1, augSmooth: { flip: false, multiply: [1] } });
    expect(maxAbsDiff(identity.maps.dataSync(), base.maps.dataSync())).toBe(0);
    const flipped = await explain(model, tf.reverse(x, 2), { layer: 'block_relu', targets: 1 });
    const scaled = await explain(model, tf.image.resizeBilinear(x, [30, 30], false, true), { layer: 'block_relu', targets: 1 });
    const flippedBack = tf.reverse(flipped.maps, 2);
    const scaledBack = tf.squeeze(tf.image.resizeBilinear(tf.expandDims(scaled.maps, 3) as tf.Tensor4D, [20, 20], false, true), [3]);
    const scaledFlipped = await explain(model, tf.reverse(tf.image.resizeBilinear(x, [30, 30], false, true), 2), { layer: 'block_relu', targets: 1 });
    const sfBack = tf.squeeze(tf.image.resizeBilinear(tf.expandDims(tf.reverse(scaledFlipped.maps, 2), 3) as tf.Tensor4D, [20, 20], false, true), [3]);
    const expected = tf.div(tf.addN([base.maps, flippedBack, scaledBack, sfBack]), 4);
    const smooth = await explain(model, x, { layer: 'block_relu', targets: 1, augSmooth: { multiply: [1], scales: [1, 1.5] } });
    expect(maxAbsDiff(smooth.maps.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(smooth.raw.dataSync(), base.raw.dataSync())).toBe(0);
    const before = tf.memory().numTensors;
    (await explain(model, x, { layer: 'block_relu', augSmooth: true })).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
