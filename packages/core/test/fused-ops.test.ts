import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { classLogit, cutModel, explain, initBackend, scoreRows } from '../src/index.js';
import { maxAbsDiff } from './helpers/fixture.js';
import { GraphBuilder } from './helpers/graph-builder.js';

// A graph with the fused ops tfjs graph models contain (MobileNet: _FusedConv2D + BiasAdd + Relu6;
// FusedDepthwiseConv2dNative; _FusedMatMul), built twice: fused, and as separate unfused ops.
// Under a gradient tape tfjs runs fused ops unfused (its fused Relu6 has no gradient of its own);
// this guards that path: the head gradients of the two graphs must agree.
async function model(fused: boolean) {
  const g = new GraphBuilder();
  const k1 = tf.randomNormal([3, 3, 3, 4], 0, 0.6, 'float32', 1) as tf.Tensor4D;
  const b1 = tf.randomNormal([4], 0, 0.3, 'float32', 2) as tf.Tensor1D;
  const kd = tf.randomNormal([3, 3, 4, 1], 0, 0.6, 'float32', 3) as tf.Tensor4D;
  const bd = tf.randomNormal([4], 0, 0.3, 'float32', 4) as tf.Tensor1D;
  const kfc = tf.randomNormal([4, 3], 0, 0.6, 'float32', 5);
  const bfc = tf.randomNormal([3], 0, 0.3, 'float32', 6);
  const x = g.placeholder('x', [-1, 12, 12, 3]);
  const attrs = (extra: Record<string, unknown> = {}) => ({
    strides: GraphBuilder.ints([1, 1, 1, 1]),
    padding: GraphBuilder.s('SAME'),
    data_format: GraphBuilder.s('NHWC'),
    dilations: GraphBuilder.ints([1, 1, 1, 1]),
    ...extra,
  });
  const fusedOps = (act: string) => ({ fused_ops: { list: { s: ['BiasAdd', act].map((v) => Buffer.from(v).toString('base64')) } }, num_args: { i: '1' } });
  let c1: string;
  let d1: string;
  let out: string;
  if (fused) {
    c1 = g.op('c1', '_FusedConv2D', [x, g.const('k1', k1), g.const('b1', b1)], attrs(fusedOps('Relu6')));
    d1 = g.op('d1', 'FusedDepthwiseConv2dNative', [c1, g.const('kd', kd), g.const('bd', bd)], attrs(fusedOps('Relu6')));
  } else {
    c1 = g.op('c1', 'Relu6', [g.op('c1/b', 'BiasAdd', [g.op('c1/c', 'Conv2D', [x, g.const('k1', k1)], attrs()), g.const('b1', b1)], { data_format: GraphBuilder.s('NHWC') })]);
    d1 = g.op('d1', 'Relu6', [g.op('d1/b', 'BiasAdd', [g.op('d1/c', 'DepthwiseConv2dNative', [c1, g.const('kd', kd)], attrs()), g.const('bd', bd)], { data_format: GraphBuilder.s('NHWC') })]);
  }
  const gap = g.op('gap', 'Mean', [d1, g.const('axes', tf.tensor1d([1, 2], 'int32'))], { keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } });
  if (fused) {
    out = g.op('logits', '_FusedMatMul', [gap, g.const('kfc', kfc), g.const('bfc', bfc)], { transpose_a: { b: false }, transpose_b: { b: false }, ...fusedOps('Elu') });
  } else {
    out = g.op('logits', 'Elu', [g.op('fc/b', 'BiasAdd', [g.op('fc', 'MatMul', [gap, g.const('kfc', kfc)], { transpose_a: { b: false }, transpose_b: { b: false } }), g.const('bfc', bfc)])]);
  }
  void out;
  return g.load();
}

describe.each(['cpu', 'wasm'] as const)('fused activations on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  it('gradients through fused Relu6/Elu heads equal those of the unfused graph', async () => {
    const [fused, plain] = await Promise.all([model(true), model(false)]);
    const x = tf.randomUniform([2, 12, 12, 3], -2, 2, 'float32', 9);
    // The fused graph computes the same outputs before and after cutting.
    const before = (fused.execute(x, 'logits') as tf.Tensor).dataSync();
    const grads = [fused, plain].map((m) => {
      const [cut] = cutModel(m, 'c1');
      const { activations, state } = cut!.trunk([x]);
      return tf.grad((a) => scoreRows(cut!.head(a, state), [classLogit(1), classLogit(2)]))(activations).dataSync();
    });
    expect(maxAbsDiff(grads[0]!, grads[1]!)).toBeLessThan(1e-5);
    expect(Math.max(...grads[0]!.map(Math.abs))).toBeGreaterThan(1e-3);
    const after = (fused.execute(x, 'logits') as tf.Tensor).dataSync();
    expect(maxAbsDiff(before, after)).toBe(0);
    expect(maxAbsDiff(after, (plain.execute(x, 'logits') as tf.Tensor).dataSync())).toBeLessThan(1e-5);
    const r = await explain(fused, x, { layer: 'c1', targets: [0, 2] });
    const r2 = await explain(plain, x, { layer: 'c1', targets: [0, 2] });
    expect(maxAbsDiff(r.maps.dataSync(), r2.maps.dataSync())).toBeLessThan(1e-5);
    r.dispose();
    r2.dispose();
  });
});
