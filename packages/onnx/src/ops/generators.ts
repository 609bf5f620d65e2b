/**
 * Ops that create tensors: Constant, ConstantOfShape, Range, EyeLike, and the random generators
 * (never folded at load time). Constants and small results are host values.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dtypeFromCode, type DType } from '../dtypes.js';
import { sizeOf, type TensorData } from '../tensor-data.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp } from './registry.js';
import { input, intsOf, optInput, out } from './util.js';

registerOp('Constant', (_inputs, ctx) => {
  const a = ctx.attrs;
  let d: TensorData;
  if (a.has('value')) d = a.tensor('value');
  else if (a.has('value_float')) d = { dtype: 'float32', dims: [], data: [a.float('value_float')] };
  else if (a.has('value_floats')) d = { dtype: 'float32', dims: [a.floats('value_floats').length], data: a.floats('value_floats') };
  else if (a.has('value_int')) d = { dtype: 'int64', dims: [], data: [a.int('value_int')] };
  else if (a.has('value_ints')) d = { dtype: 'int64', dims: [a.ints('value_ints').length], data: a.ints('value_ints') };
  else if (a.has('value_string')) d = { dtype: 'string', dims: [], data: [a.string('value_string')] };
  else if (a.has('value_strings')) d = { dtype: 'string', dims: [a.strings('value_strings').length], data: a.strings('value_strings') };
  else throw new Error('Constant without a value (sparse_value is not supported)');
  return [Value.fromData(d)];
});

registerOp('ConstantOfShape', (inputs, ctx) => {
  const shape = intsOf(input(inputs, 0, ctx));
  let value = 0;
  let dtype: DType = 'float32';
  if (ctx.attrs.has('value')) {
    const t = ctx.attrs.tensor('value');
    dtype = t.dtype;
    value = Number((t.data as ArrayLike<number>)[0] ?? 0);
  }
  const n = sizeOf(shape);
  if (n <= HOST_LIMIT) return [Value.fromHost(new Array(n).fill(value), shape, dtype)];
  const v = Value.fromHost([value], [], dtype);
  return [out(tf.fill(shape, v.numbers()[0]!, v.tensor().dtype as 'float32' | 'int32'), dtype)];
});

registerOp('Range', (inputs, ctx) => {
  const startV = input(inputs, 0, ctx);
  const start = startV.numbers()[0]!;
  const limit = input(inputs, 1, ctx).numbers()[0]!;
  const delta = input(inputs, 2, ctx).numbers()[0]!;
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const dtype = startV.dtype;
  if (n <= HOST_LIMIT) return [Value.fromHost(Array.from({ length: n }, (_, i) => start + i * delta), [n], dtype)];
  return [out(tf.add(tf.mul(tf.range(0, n, 1, 'float32'), delta), start), dtype)];
});

registerOp('EyeLike', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const k = ctx.attrs.int('k', 0);
  const dtype = ctx.attrs.has('dtype') ? dtypeFromCode(ctx.attrs.int('dtype')) : x.dtype;
  const [n, m] = x.shape as [number, number];
  const d = new Float64Array(n * m);
  for (let i = 0; i < n; i++) if (i + k >= 0 && i + k < m) d[i * m + i + k] = 1;
  const v = Value.fromHost(d, [n, m], dtype);
  return [v.size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), dtype)];
});

function randomShape(inputs: Parameters<typeof input>[0], shapeAttr: number[] | undefined): number[] {
  const like = optInput(inputs, 0);
  return like ? like.shape : shapeAttr!;
}

for (const [name, kind] of [
  ['RandomNormal', 'normal'],
  ['RandomUniform', 'uniform'],
  ['RandomNormalLike', 'normal'],
  ['RandomUniformLike', 'uniform'],
] as const) {
  registerOp(
    name,
    (inputs, ctx) => {
      const shape = randomShape(inputs, ctx.attrs.has('shape') ? ctx.attrs.ints('shape') : undefined);
      const dtype: DType = ctx.attrs.has('dtype') ? dtypeFromCode(ctx.attrs.int('dtype')) : optInput(inputs, 0)?.dtype ?? 'float32';
      const seed = ctx.attrs.has('seed') ? ctx.attrs.float('seed') : undefined;
      const t =
        kind === 'normal'
          ? tf.randomNormal(shape, ctx.attrs.float('mean', 0), ctx.attrs.float('scale', 1), 'float32', seed)
          : tf.randomUniform(shape, ctx.attrs.float('low', 0), ctx.attrs.float('high', 1), 'float32', seed);
      return [out(t, dtype)];
    },
    { foldable: false },
  );
}

registerOp(
  'Bernoulli',
  (inputs, ctx) => {
    const p = input(inputs, 0, ctx);
    const dtype: DType = ctx.attrs.has('dtype') ? dtypeFromCode(ctx.attrs.int('dtype')) : p.dtype;
    const seed = ctx.attrs.has('seed') ? ctx.attrs.float('seed') : undefined;
    const u = tf.randomUniform(p.shape, 0, 1, 'float32', seed);
    return [out(tf.cast(tf.less(u, p.floatTensor()), 'float32'), dtype)];
  },
  { foldable: false },
);
