// cutOnnx: an ONNX model explained through @gradcam/core. The tiny CNN fixture (exported by
// torch.onnx.export, see fixtures/tiny-cnn/generate.py) gives the same Grad-CAM through @gradcam/onnx
// as the equivalent tfjs LayersModel (same weights) through the core — every method, a cut with a
// skip connection around it, several targets — and the ViT encoder of ../shared is cut at a token
// tensor reshaped to its patch grid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, METHODS, scoreFunction, type MethodId } from '@gradcam/core';
import { cutOnnx, OnnxSession } from '../src/index.js';
import { loadOnnx } from '../src/node.js';
import { describeShared, fixture, maxAbsDiff, seeded, tensorDelta } from './helpers.js';

interface Weights {
  weights: Record<string, { shape: number[]; data: number[] }>;
  bn_eps: number;
  sample: { input: number[]; logits: number[] };
}

const W = JSON.parse(readFileSync(fixture('tiny-cnn', 'tiny-cnn.weights.json'), 'utf8')) as Weights;
const bytes = readFileSync(fixture('tiny-cnn', 'tiny-cnn.onnx'));

/** OIHW → HWIO. */
function kernel(name: string): tf.Tensor {
  const w = W.weights[`${name}.weight`]!;
  return tf.transpose(tf.tensor(w.data, w.shape), [2, 3, 1, 0]);
}
const vec = (name: string): tf.Tensor => tf.tensor1d(W.weights[name]!.data);

/** The same network as the ONNX file, as a tfjs LayersModel (NHWC). Layer names match the docs of generate.py. */
function layersModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [16, 16, 3] });
  const conv = (name: string, filters: number) =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', weights: [kernel(name), vec(`${name}.bias`)] });
  const bn = (name: string) =>
    tfl.layers.batchNormalization({
      name,
      epsilon: W.bn_eps,
      weights: [vec(`${name}.weight`), vec(`${name}.bias`), vec(`${name}.running_mean`), vec(`${name}.running_var`)],
    });
  const stem = tfl.layers.activation({ name: 'stem', activation: 'relu' }).apply(bn('bn1').apply(conv('conv1', 8).apply(input))) as tfl.SymbolicTensor;
  const bn2 = bn('bn2').apply(conv('conv2', 8).apply(stem)) as tfl.SymbolicTensor;
  const block = tfl.layers.activation({ name: 'block', activation: 'relu' }).apply(tfl.layers.add().apply([bn2, stem])) as tfl.SymbolicTensor;
  const pooled = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(block);
  const c3 = tfl.layers.activation({ activation: 'relu' }).apply(conv('conv3', 12).apply(pooled));
  const gap = tfl.layers.globalAveragePooling2d({}).apply(c3);
  const fcw = W.weights['fc.weight']!;
  const fc = tfl.layers.dense({ units: 5, weights: [tf.transpose(tf.tensor(fcw.data, fcw.shape)), vec('fc.bias')] }).apply(gap);
  return tfl.model({ inputs: input, outputs: fc as tfl.SymbolicTensor });
}

describe.each(['wasm', 'cpu'] as const)('tiny ONNX CNN vs the same tfjs LayersModel, %s', (backend) => {
  let session: OnnxSession;
  let model: tfl.LayersModel;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await initBackend({ backend });
    session = OnnxSession.fromBytes(bytes);
    model = layersModel();
    x = tf.tensor4d(seeded(2 * 16 * 16 * 3, 5, 0, 1), [2, 16, 16, 3]);
  });

  it('both compute torch’s logits on the generator’s sample', () => {
    const nchw = tf.tensor(W.sample.input, [1, 3, 16, 16]);
    const onnx = session.run({ pixel_values: nchw })['logits']!;
    const layers = model.predict(tf.transpose(nchw, [0, 2, 3, 1])) as tf.Tensor;
    expect(maxAbsDiff(onnx.dataSync(), W.sample.logits)).toBeLessThan(1e-5);
    expect(maxAbsDiff(layers.dataSync(), W.sample.logits)).toBeLessThan(1e-5);
    tf.dispose([nchw, onnx, layers]);
  });

  // The ONNX file has the batch norms folded into the convolutions: conv2's output is bn2's.
  const CUTS: Array<[onnxTensor: string, layer: string]> = [
    ['/Relu_1_output_0', 'block'],
    ['/conv2/Conv_output_0', 'bn2'], // the stem skips around this cut: fed to the head as frontier
  ];

  describe.each(CUTS)('cut at %s (tfjs layer %s)', (tensor, layer) => {
    it.each(Object.keys(METHODS) as MethodId[])('%s: the same maps, raw maps and scores', async (method) => {
      const cut = cutOnnx(session, { tensor });
      const opts = { method, targets: [[0, 3], [4]] as number[][], batchSize: 4 };
      const a = await explain(cut, x, opts);
      const b = await explain(model, x, { ...opts, layer });
      expect(a.maps.shape).toEqual([3, 16, 16]);
      expect(maxAbsDiff(a.maps.dataSync(), b.maps.dataSync())).toBeLessThanOrEqual(1e-5);
      expect(maxAbsDiff(a.raw.dataSync(), b.raw.dataSync())).toBeLessThan(1e-4);
      expect(maxAbsDiff(a.scores.dataSync(), b.scores.dataSync())).toBeLessThan(1e-5);
      a.dispose();
      b.dispose();
    });
  });

  it('the frontier of a cut inside the residual block is the skip connection', () => {
    const cut = cutOnnx(session, { tensor: '/conv2/Conv_output_0' });
    const { activations, state } = cut.trunk([x]);
    expect(activations.shape).toEqual([2, 16, 16, 8]);
    expect(state.length).toBe(1); // /Relu_output_0, one row per image
    expect(state[0]!.shape).toEqual([2, 1, 8, 16, 16]);
    const logits = cut.head(activations, state) as tf.Tensor;
    const direct = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(logits.dataSync(), direct.dataSync())).toBeLessThan(1e-5);
    tf.dispose([activations, ...state, logits, direct]);
  });

  it('explain leaves no tensor behind over repeated calls', async () => {
    const cut = cutOnnx(session, { tensor: '/Relu_1_output_0' });
    const r0 = await explain(cut, x, { targets: 1 });
    r0.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) (await explain(cut, x, { targets: [[1, 2], [0]], method: 'gradcam++' })).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown tensors and outputs that do not depend on the cut', () => {
    expect(() => cutOnnx(session, { tensor: 'nope' })).toThrow(/not a tensor of the ONNX graph/);
    expect(() => cutOnnx(session, { tensor: '/Relu_1_output_0', outputs: ['/Relu_output_0'] })).toThrow(/does not depend on the cut/);
  });
});

describeShared('ViT encoder cut at a token tensor (../shared)', ['models/tiny-vit-gpt2/onnx/encoder_model.onnx'], (shared) => {
  let session: OnnxSession;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    session = await loadOnnx(join(shared, 'models', 'tiny-vit-gpt2', 'onnx', 'encoder_model.onnx'));
    x = tf.tensor4d(seeded(2 * 32 * 32 * 3, 9), [2, 32, 32, 3]);
  });

  it.each(['/encoder/layer.1/output/Add_output_0', '/encoder/layer.0/output/Add_output_0'])(
    'cut at %s: [2, 17, 32] tokens → A [2, 4, 4, 32] (CLS dropped); head(trunk(x)) is the encoder',
    (tensor) => {
      const cut = cutOnnx(session, { tensor });
      const delta = tensorDelta(() => {
        const { activations, state } = cut.trunk([x]);
        expect(activations.shape).toEqual([2, 4, 4, 32]);
        const out = cut.head(activations, state) as tf.Tensor;
        const nchw = tf.transpose(x, [0, 3, 1, 2]);
        const direct = session.run({ pixel_values: nchw })['last_hidden_state']!;
        expect(out.shape).toEqual([2, 17, 32]);
        expect(maxAbsDiff(out.dataSync(), direct.dataSync())).toBeLessThan(1e-5);
        // A's cell (i, j) is patch token 1 + 4i + j of the cut tensor.
        const t = session.run({ pixel_values: nchw }, [tensor])[tensor]!;
        const token6 = tf.slice(t, [1, 1 + 4 * 1 + 2, 0], [1, 1, 32]);
        const cell = tf.slice(activations, [1, 1, 2, 0], [1, 1, 1, 32]);
        expect(maxAbsDiff(token6.dataSync(), cell.dataSync())).toBe(0);
        tf.dispose([activations, ...state, out, nchw, direct, t, token6, cell]);
      });
      expect(delta).toBe(0);
    },
  );

  it('Grad-CAM of a CLS-feature score gives one 32×32 map per target', async () => {
    const cut = cutOnnx(session, { tensor: '/encoder/layer.0/output/Add_output_0' });
    const feature = (k: number) =>
      scoreFunction((o) => tf.reshape(tf.slice(o as tf.Tensor, [0, 0, k], [-1, 1, 1]), [-1]), `cls[${k}]`);
    const r = await explain(cut, x, { targets: [[feature(0), feature(5)], [feature(7)]] });
    expect(r.maps.shape).toEqual([3, 32, 32]);
    expect(r.raw.shape).toEqual([3, 4, 4]);
    const maps = r.maps.dataSync();
    expect(Math.max(...maps)).toBeGreaterThan(0.99);
    r.dispose();
  });
});
