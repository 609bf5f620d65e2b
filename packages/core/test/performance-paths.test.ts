/**
 * The faster code paths behind benchmarks/ (issue 7) compute the same values as the paths they
 * replace: the scoped BatchNorm gradient, unfused Conv2D/Dense under a gradient tape (no weight
 * gradients), cached cuts, Eigen-CAM's power iteration and per-image dedup, Score-CAM's streamed
 * masks and `maxChannels`. Kernel-level replacements are checked in wasm-kernels.test.ts. No test
 * here measures time.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cutModel, explain, firstComponentProjection, GradCamError, initBackend, inputGradientsSync } from '../src/index.js';
import { valueAndGradSafe, withFastGradients } from '../src/grad.js';
import { maxAbsDiff } from './helpers/fixture.js';

/** conv (linear, bias) → BN → relu6 → conv (linear, no bias) → BN → GAP → dense: every fused/BN path. */
function bnModel(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.randomNormal({ stddev: 0.3, seed: seed + s });
  const input = tfl.input({ shape: [12, 12, 3] });
  let x = tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(1), biasInitializer: init(2) }).apply(input);
  x = tfl.layers.batchNormalization({ gammaInitializer: init(3), betaInitializer: init(4), movingMeanInitializer: init(5), movingVarianceInitializer: 'ones' }).apply(x);
  x = tfl.layers.activation({ activation: 'relu6' }).apply(x);
  x = tfl.layers.conv2d({ filters: 6, kernelSize: 1, useBias: false, kernelInitializer: init(6), name: 'last_conv' }).apply(x);
  x = tfl.layers.batchNormalization({ gammaInitializer: init(7), name: 'last_bn' }).apply(x);
  x = tfl.layers.globalAveragePooling2d({}).apply(x);
  const out = tfl.layers.dense({ units: 4, kernelInitializer: init(8), biasInitializer: init(9) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe.each(['cpu', 'wasm'] as const)('performance paths on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('the scoped BatchNorm gradient equals tfjs\'s for x, mean, variance, scale and offset, and is restored', () => {
    const original = tf.getGradient('FusedBatchNorm');
    const x = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 1);
    const mean = tf.randomNormal([3], 0, 1, 'float32', 2);
    const variance = tf.add(tf.randomUniform([3], 0, 1, 'float32', 3), 0.5);
    const offset = tf.randomNormal([3], 0, 1, 'float32', 4);
    const scale = tf.randomNormal([3], 0, 1, 'float32', 5);
    const r = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 6);
    const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
      tf.sum(tf.mul(tf.batchNorm(a, m, v, o, s, 1e-3), r));
    const args = [x, mean, variance, offset, scale];
    const ref = tf.grads(f)(args);
    const fast = withFastGradients(() => tf.grads(f)(args));
    ref.forEach((g, i) => expect(maxAbsDiff(fast[i]!.dataSync(), g.dataSync()), `input ${i}`).toBeLessThan(1e-4));
    expect(tf.getGradient('FusedBatchNorm')).toBe(original);
    const { value, grad } = valueAndGradSafe((a) => f(a, mean, variance, offset, scale), x);
    expect(maxAbsDiff(grad.dataSync(), ref[0]!.dataSync())).toBeLessThan(1e-4);
    tf.dispose([x, mean, variance, offset, scale, r, ...ref, ...fast, value, grad]);
  });

  it('input gradients through fused Conv2D/Dense and BatchNorm equal tf.grad of predict, without any weight gradient', async () => {
    const model = bnModel(10);
    const x = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 7);
    const ref = tf.grad((a) => tf.sum(tf.mul(model.predict(a) as tf.Tensor, tf.oneHot([1, 3], 4))))(x);
    const before = tf.memory().numTensors;
    const g = inputGradientsSync(model, x, { targets: [1, 3] });
    expect(maxAbsDiff(g.gradients.dataSync(), ref.dataSync())).toBeLessThan(1e-4);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const profile = await tf.profile(() => {
      const h = inputGradientsSync(model, x, { targets: [1, 3] });
      h.dispose();
    });
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain('Conv2DBackpropInput');
    expect(kernels).not.toContain('Conv2DBackpropFilter');
    // Dense: only dy·Wᵀ (one BatchMatMul for the input gradient, one forward), never aᵀ·dy.
    expect(profile.kernels.filter((k) => k.name === 'BatchMatMul').every((k) => !k.outputShapes.some((s) => JSON.stringify(s) === JSON.stringify([1, 6, 4])))).toBe(true);
    tf.dispose([x, ref]);
  });

  it('Grad-CAM through the unfused head equals a hand-computed one from tf.grad of predict\'s layers', async () => {
    const model = bnModel(20);
    const x = tf.randomUniform([1, 12, 12, 3], -1, 1, 'float32', 8);
    const r = await explain(model, x, { layer: 'last_bn', targets: 2 });
    const [cut] = cutModel(model, 'last_bn');
    const { activations } = cut!.trunk([x]);
    const dense = model.layers[model.layers.length - 1] as tfl.layers.Layer;
    const [kernel, bias] = dense.getWeights();
    const g = tf.grad((a) => tf.sum(tf.mul(tf.add(tf.matMul(tf.mean(a, [1, 2]) as tf.Tensor2D, kernel!), bias!), tf.oneHot([2], 4))))(activations);
    const w = tf.mean(g, [1, 2]);
    const raw = tf.sum(tf.mul(activations, tf.reshape(w, [1, 1, 1, -1])), 3);
    expect(maxAbsDiff(r.raw.dataSync(), raw.dataSync())).toBeLessThan(1e-5);
    r.dispose();
    tf.dispose([x, activations, g, w, raw]);
  });

  it('cuts are made once per model and layer', () => {
    const model = bnModel(30);
    expect(cutModel(model, 'last_bn')[0]).toBe(cutModel(model, 'last_bn')[0]);
    expect(cutModel(model)[0]).toBe(cutModel(model)[0]);
    expect(cutModel(bnModel(30), 'last_bn')[0]).not.toBe(cutModel(model, 'last_bn')[0]);
  });

  it('Eigen-CAM\'s power iteration (Gram side > 24) matches a plain float64 reference', () => {
    for (const shape of [
      [2, 7, 7, 64], // P = 49 < C: Gram XXᵀ
      [1, 8, 8, 30], // C = 30 < P: Gram XᵀX
    ] as Array<[number, number, number, number]>) {
      const a = tf.relu(tf.randomNormal(shape, 0.2, 1, 'float32', 9)) as tf.Tensor4D;
      const got = firstComponentProjection(a).dataSync();
      const [m, h, w, c] = shape;
      const p = h * w;
      const data = a.dataSync();
      for (let b = 0; b < m; b++) {
        const x = Array.from({ length: p }, (_, i) => Array.from({ length: c }, (_, k) => data[(b * p + i) * c + k]!));
        const mean = Array.from({ length: c }, (_, k) => x.reduce((s, row) => s + row[k]!, 0) / p);
        const xc = x.map((row) => row.map((v, k) => v - mean[k]!));
        // v₁ of XᵀX by 3000 plain power iterations.
        let v = Array.from({ length: c }, (_, k) => 1 + k / c);
        for (let it = 0; it < 3000; it++) {
          const xv = xc.map((row) => row.reduce((s, t, k) => s + t * v[k]!, 0));
          const y = Array.from({ length: c }, (_, k) => xc.reduce((s, row, i) => s + row[k]! * xv[i]!, 0));
          const n = Math.hypot(...y);
          v = y.map((t) => t / n);
        }
        let proj = xc.map((row) => row.reduce((s, t, k) => s + t * v[k]!, 0));
        const corr = proj.reduce((s, t, i) => s + t * x[i]!.reduce((q, u) => q + u, 0), 0);
        if (corr < 0) proj = proj.map((t) => -t);
        const scale = Math.max(...proj.map(Math.abs));
        const diff = Math.max(...proj.map((t, i) => Math.abs(t - got[b * p + i]!)));
        expect(diff / scale, `${shape} item ${b}`).toBeLessThan(1e-5);
      }
      a.dispose();
    }
  });

  it('Eigen-CAM with several targets computes one map per image, equal to the single-target map', async () => {
    const model = bnModel(40);
    const x = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 10);
    const many = await explain(model, x, { method: 'eigencam', layer: 'last_bn', targets: [[0, 1, 2], [3]] });
    const one = await explain(model, x, { method: 'eigencam', layer: 'last_bn', targets: [0, 3] });
    const m = many.raw.arraySync();
    const o = one.raw.arraySync();
    for (const [row, ref] of [[0, 0], [1, 0], [2, 0], [3, 1]] as const) expect(maxAbsDiff(m[row]!.flat(), o[ref]!.flat())).toBe(0);
    many.dispose();
    one.dispose();
    x.dispose();
  });

  it('Score-CAM maxChannels: all channels = plain Score-CAM; N channels = the N of highest variance, softmax renormalised over them', async () => {
    const model = bnModel(50);
    const x = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 11);
    const opts = { method: 'scorecam' as const, layer: 'last_bn', targets: [[1, 2], [0]], batchSize: 4 };
    const full = await explain(model, x, opts);
    const all = await explain(model, x, { ...opts, maxChannels: 6 });
    expect(maxAbsDiff(all.maps.dataSync(), full.maps.dataSync())).toBe(0);
    const top = await explain(model, x, { ...opts, maxChannels: 3, batchSize: 2 });
    const [cut] = cutModel(model, 'last_bn');
    const { activations } = cut!.trunk([x]);
    const variance = tf.moments(activations, [1, 2]).variance.arraySync() as number[][];
    const wFull = full.weights!.arraySync();
    const wTop = top.weights!.arraySync();
    top.rows.forEach((row, r) => {
      const chosen = variance[row.item]!.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, c]) => c);
      const norm = chosen.reduce((s, c) => s + wFull[r]![c]!, 0);
      wTop[r]!.forEach((w, c) => {
        if (chosen.includes(c)) expect(w).toBeCloseTo(wFull[r]![c]! / norm, 5);
        else expect(w).toBe(0);
      });
    });
    await expect(explain(model, x, { ...opts, maxChannels: 0 })).rejects.toThrow(GradCamError);
    await expect(explain(model, x, { ...opts, maxChannels: 1.5 })).rejects.toThrow(/maxChannels must be a positive integer/);
    tf.dispose([x, activations]);
    [full, all, top].forEach((e) => e.dispose());
  });
});
