import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  classLogit,
  cutModel,
  defaultLayer,
  explain,
  GradCamError,
  initBackend,
  listLayers,
  METHODS,
  type MethodId,
  scoreRows,
} from '../src/index.js';
import { residualGraphModel } from './helpers/graph-builder.js';
import { convKernel, residualLayersModel, seededWeights } from './helpers/residual.js';
import { maxAbsDiff } from './helpers/fixture.js';

const weights = seededWeights(7);

/**
 * The residual model's head after relu2 written out directly with tfjs ops from the weights
 * (independent of the cutters): fc(gap(relu(conv3(relu(A + relu1))))). relu1 is the frontier: it
 * feeds the head without descending from the cut.
 */
function directHeadAfterRelu2(a: tf.Tensor4D, relu1: tf.Tensor4D): tf.Tensor2D {
  const conv = (x: tf.Tensor4D, name: string) => tf.add(tf.conv2d(x, convKernel(weights[name]!.weight), 1, 'same'), tf.tensor1d(weights[name]!.bias.data));
  const block = tf.relu(tf.add(a, relu1)) as tf.Tensor4D;
  const r3 = tf.relu(conv(block, 'conv3'));
  const gap = tf.mean(r3, [1, 2]) as tf.Tensor2D;
  const fw = weights['fc']!;
  return tf.add(tf.matMul(gap, tf.tensor2d(fw.weight.data, [5, 8]), false, true), tf.tensor1d(fw.bias.data));
}
function directRelu1(x: tf.Tensor4D): tf.Tensor4D {
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  return tf.relu(tf.add(tf.conv2d(padded, convKernel(weights['conv1']!.weight), 2, 'valid'), tf.tensor1d(weights['conv1']!.bias.data)));
}

const models = {
  LayersModel: async () => residualLayersModel(weights) as tfl.LayersModel | Awaited<ReturnType<typeof residualGraphModel>>,
  GraphModel: () => residualGraphModel(weights),
};

describe.each(['cpu', 'wasm'] as const)('cutting on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  describe.each(Object.keys(models) as Array<keyof typeof models>)('%s', (kind) => {
    it('head(trunk(x)) reproduces the model; the frontier (skip connection around the cut) is fed', async () => {
      const model = await models[kind]();
      const x = tf.randomUniform([2, 20, 20, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
      const [cut] = cutModel(model, 'relu2');
      const { activations, state } = cut!.trunk([x]);
      expect(state.length).toBe(1); // relu1
      expect(maxAbsDiff(state[0]!.dataSync(), directRelu1(x).dataSync())).toBeLessThan(1e-5);
      // A different A at the cut: the head must use it, together with the frontier from the trunk.
      const other = tf.mul(tf.randomUniform(activations.shape, 0, 2, 'float32', 5), activations) as tf.Tensor4D;
      const viaCut = cut!.head(other, state) as tf.Tensor;
      const direct = directHeadAfterRelu2(other, directRelu1(x));
      expect(maxAbsDiff(viaCut.dataSync(), direct.dataSync())).toBeLessThan(1e-4);
    });

    it('head gradients equal central finite differences', async () => {
      const model = await models[kind]();
      const x = tf.randomUniform([1, 20, 20, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      for (const layer of ['relu2', 'block_relu']) {
        const [cut] = cutModel(model, layer);
        const { activations, state } = cut!.trunk([x]);
        const f = (a: tf.Tensor) => scoreRows(cut!.head(a, state), [classLogit(2)]);
        const g = tf.grad(f)(activations).dataSync();
        const a0 = activations.dataSync();
        const eps = 1e-3;
        // Probe the 12 positions with the largest gradients plus 12 spread over the map.
        // Probe away from ReLU kinks (zero activations): the 12 positions with the largest gradients
        // plus 12 spread over the map, among activations > 0.05.
        const live = Array.from(g.keys()).filter((i) => a0[i]! > 0.05);
        const order = [...live].sort((i, j) => Math.abs(g[j]!) - Math.abs(g[i]!));
        const probes = [...order.slice(0, 12), ...Array.from({ length: 12 }, (_, k) => live[Math.floor((k * live.length) / 12)]!)];
        for (const i of probes) {
          const plus = Float32Array.from(a0);
          const minus = Float32Array.from(a0);
          plus[i] = plus[i]! + eps;
          minus[i] = minus[i]! - eps;
          const fp = f(tf.tensor(plus, activations.shape)).dataSync()[0]!;
          const fm = f(tf.tensor(minus, activations.shape)).dataSync()[0]!;
          const fd = (fp - fm) / (2 * eps);
          expect(Math.abs(fd - g[i]!)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(g[i]!)));
        }
      }
    });

    it('lists layers with shapes and picks the last spatial one by default', async () => {
      const model = await models[kind]();
      const layers = listLayers(model as tfl.LayersModel);
      const byName = Object.fromEntries(layers.map((l) => [l.name, l]));
      expect(byName['block_relu']!.shape.slice(1)).toEqual([10, 10, 6]);
      expect(byName['relu3']!.shape.slice(1)).toEqual([10, 10, 8]);
      expect(byName['relu3']!.spatial).toBe(true);
      expect(Object.values(byName).filter((l) => l.name.startsWith('gap')).every((l) => !l.spatial)).toBe(true);
      expect(defaultLayer(model as tfl.LayersModel)).toBe('relu3');
    });

    it('an unknown layer fails with the valid names', async () => {
      const model = await models[kind]();
      expect(() => cutModel(model, 'blok_relu')).toThrow(GradCamError);
      expect(() => cutModel(model, 'blok_relu')).toThrow(/did you mean 'block_relu'/);
      expect(() => cutModel(model, 'blok_relu')).toThrow(/relu1.*relu3/s);
    });

    it('leaves tf.memory().numTensors unchanged after 50 explain calls', async () => {
      const model = await models[kind]();
      const x = tf.randomUniform([2, 20, 20, 3], -1, 1, 'float32', 1);
      const methods = Object.keys(METHODS) as MethodId[];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) {
        const r = await explain(model, x, {
          method: methods[i % methods.length],
          layer: i % 5 === 0 ? ['relu1', 'block_relu'] : 'relu2',
          targets: i % 2 ? [1, [0, 4]] : undefined,
          batchSize: 4,
        });
        r.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      // A failing call leaks nothing either.
      await expect(explain(model, x, { layer: 'relu2', targets: [1, 99] })).rejects.toThrow(/class 99 is out of range: the model output has 5 classes/);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  });
});

describe('input validation', () => {
  it('rejects bad inputs, methods, targets and options with specific errors', async () => {
    await initBackend({ backend: 'cpu' });
    const model = residualLayersModel(weights);
    const x = tf.zeros([1, 20, 20, 3]);
    await expect(explain(model, tf.zeros([20, 20, 3]), {})).rejects.toThrow(/NHWC image batch \[N, H, W, C\]; got shape \[20,20,3\]/);
    await expect(explain(model, x, { method: 'gradcam+' as MethodId })).rejects.toThrow(/unknown method 'gradcam\+'; methods: gradcam, gradcam\+\+/);
    await expect(explain(model, tf.zeros([2, 20, 20, 3]), { targets: [1, 2, 3] })).rejects.toThrow(/targets has 3 entries but the batch has 2 images/);
    await expect(explain(model, x, { method: 'eigencam', counterfactual: true })).rejects.toThrow(/uses none/);
    await expect(explain(model, x, { layer: 'gap' })).rejects.toThrow(/outputs shape \[1,8\].*NHWC/);
    await expect(explain(model, x, { targets: classLogit(7) })).rejects.toThrow(/class 7 is out of range/);
  });

  it('a flat map is all zeros, never NaN', async () => {
    await initBackend({ backend: 'cpu' });
    const model = residualLayersModel(weights);
    // A zero image makes relu1 spatially constant except at the padded border... use a constant cut instead:
    const r = await explain(model, tf.zeros([1, 20, 20, 3]), { layer: 'relu1', targets: 0 });
    const raw = r.raw.dataSync();
    const maps = r.maps.dataSync();
    expect(maps.every((v) => !Number.isNaN(v))).toBe(true);
    const rawFlat = Math.max(...raw) - Math.min(...raw) < 1e-6;
    if (rawFlat) expect(maps.every((v) => v === 0)).toBe(true);
    r.dispose();
  });
});

describe('GraphModel cuts with chosen entry and exit nodes', () => {
  it('starts at an internal node and ends at a chosen node', async () => {
    await initBackend({ backend: 'cpu' });
    const { cutGraphModel, cutFromFunctions } = await import('../src/index.js');
    const model = await residualGraphModel(weights);
    const x = tf.randomUniform([2, 20, 20, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
    const relu1 = directRelu1(x);
    // Entry at relu1 (as if the preprocessing before it were not runnable synchronously), exit at relu3.
    const cut = cutGraphModel(model, 'block_relu', { inputs: ['relu1'], outputs: ['relu3'] });
    const full = cutGraphModel(model, 'block_relu');
    const a = cut.trunk([relu1]);
    const b = full.trunk([x]);
    expect(maxAbsDiff(a.activations.dataSync(), b.activations.dataSync())).toBeLessThan(1e-5);
    const out = cut.head(a.activations, a.state) as tf.Tensor;
    expect(out.shape).toEqual([2, 10, 10, 8]);
    const relu3 = model.execute(x, 'relu3') as tf.Tensor;
    expect(maxAbsDiff(out.dataSync(), relu3.dataSync())).toBeLessThan(1e-5);
    expect(() => cutGraphModel(model, 'block_relu', { inputs: ['nope'] })).toThrow(/entry node 'nope' is not in this graph/);
    // A score that does not depend on the layer is a clear error, not tfjs's internal one.
    const detached = cutFromFunctions({ layer: 'a', trunk: ([t]) => tf.clone(t!), head: (act) => tf.ones([act.shape[0]!, 3]) });
    await expect(explain(detached, tf.ones([1, 4, 4, 2]), { targets: 1 })).rejects.toThrow(/the score does not depend on the activations of layer 'a'/);
  });
});
