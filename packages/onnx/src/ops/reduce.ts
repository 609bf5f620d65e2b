/**
 * Reductions: ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum
 * ReduceLogSumExp ReduceSumSquare (axes as attribute before opset 13/18, as input after), ArgMax
 * ArgMin (select_last_index), TopK. Small host inputs reduce on the host.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isFloat, type DType } from '../dtypes.js';
import { sizeOf } from '../tensor-data.js';
import { Value } from '../value.js';
import type { OpContext } from './registry.js';
import { registerOp } from './registry.js';
import { hostEligible, input, intsOf, normAxis, optInput, out, strides } from './util.js';

interface Reducer {
  dev(x: tf.Tensor, axes: number[], keep: boolean): tf.Tensor;
  init: number;
  step(acc: number, v: number): number;
  finish?(acc: number, count: number): number;
  pre?(v: number): number;
}

const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { dev: (x, a, k) => tf.sum(x, a, k), init: 0, step: (s, v) => s + v },
  ReduceMean: { dev: (x, a, k) => tf.mean(x, a, k), init: 0, step: (s, v) => s + v, finish: (s, n) => s / n },
  ReduceMax: { dev: (x, a, k) => tf.max(x, a, k), init: -Infinity, step: (s, v) => Math.max(s, v) },
  ReduceMin: { dev: (x, a, k) => tf.min(x, a, k), init: Infinity, step: (s, v) => Math.min(s, v) },
  ReduceProd: { dev: (x, a, k) => tf.prod(x, a, k), init: 1, step: (s, v) => s * v },
  ReduceL1: { dev: (x, a, k) => tf.sum(tf.abs(x), a, k), init: 0, step: (s, v) => s + Math.abs(v) },
  ReduceL2: { dev: (x, a, k) => tf.sqrt(tf.sum(tf.mul(x, x), a, k)), init: 0, step: (s, v) => s + v * v, finish: (s) => Math.sqrt(s) },
  ReduceSumSquare: { dev: (x, a, k) => tf.sum(tf.mul(x, x), a, k), init: 0, step: (s, v) => s + v * v },
  ReduceLogSum: { dev: (x, a, k) => tf.log(tf.sum(x, a, k)), init: 0, step: (s, v) => s + v, finish: (s) => Math.log(s) },
  ReduceLogSumExp: {
    dev: (x, a, k) => {
      // Shifted by the max for stability; the shift cancels in the gradient.
      const m = tf.max(x, a, true);
      const safe = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
      const r = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, safe)), a, true)), safe);
      return k ? r : tf.squeeze(r, a);
    },
    init: 0,
    step: (s, v) => s + Math.exp(v),
    finish: (s) => Math.log(s),
  },
};

/** The axes of a reduction node (attribute or input by opset) and whether it is a no-op. */
function reduceAxes(inputs: Parameters<typeof input>[0], ctx: OpContext, rank: number): number[] | null {
  const asInput = ctx.node.opType === 'ReduceSum' ? ctx.opset >= 13 : ctx.opset >= 18;
  let axes: number[] | undefined;
  if (asInput) {
    const a = optInput(inputs, 1);
    axes = a && a.size > 0 ? intsOf(a) : undefined;
  } else if (ctx.attrs.has('axes')) axes = ctx.attrs.ints('axes');
  if (!axes || axes.length === 0) {
    if (ctx.attrs.int('noop_with_empty_axes', 0) === 1) return null;
    return Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(axes.map((a) => normAxis(a, rank)))].sort((a, b) => a - b);
}

function hostReduce(x: Value, axes: number[], keep: boolean, r: Reducer, dtype: DType): Value {
  const shape = x.shape;
  const outShapeKeep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = sizeOf(outShapeKeep);
  const acc = new Float64Array(n).fill(r.init);
  const data = x.numbers();
  const st = strides(shape);
  const ost = strides(outShapeKeep);
  for (let f = 0; f < data.length; f++) {
    let rem = f;
    let o = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(rem / st[d]!);
      rem -= c * st[d]!;
      if (!axes.includes(d)) o += c * ost[d]!;
    }
    acc[o] = r.step(acc[o]!, data[f]!);
  }
  const count = sizeOf(axes.map((a) => shape[a]!));
  const res = r.finish ? acc.map((v) => r.finish!(v, count)) : acc;
  const outShape = keep ? outShapeKeep : shape.filter((_, i) => !axes.includes(i));
  return Value.fromHost(res, outShape, dtype);
}

for (const [name, r] of Object.entries(REDUCERS)) {
  registerOp(name, (inputs, ctx) => {
    const x = input(inputs, 0, ctx);
    const keep = ctx.attrs.int('keepdims', 1) === 1;
    const axes = reduceAxes(inputs, ctx, x.rank);
    if (axes === null) return [x];
    if (x.rank === 0) return [x];
    const outSize = sizeOf(x.shape.filter((_, i) => !axes.includes(i)));
    // Host for shape arithmetic and for reductions over empty sets (identity values: 0, 1, ±inf).
    if (hostEligible([x], outSize) || x.size === 0) {
      const v = hostReduce(x, axes, keep, r, x.dtype);
      return [x.isHost ? v : Value.fromTensor(v.tensor(), x.dtype)];
    }
    const t = isFloat(x.dtype) || name === 'ReduceMax' || name === 'ReduceMin' ? x.tensor() : x.floatTensor();
    return [out(r.dev(t, axes, keep), x.dtype)];
  });
}

function argReduce(name: string, dev: (x: tf.Tensor, axis: number) => tf.Tensor): void {
  registerOp(name, (inputs, ctx) => {
    const x = input(inputs, 0, ctx);
    const axis = normAxis(ctx.attrs.int('axis', 0), x.rank);
    const keep = ctx.attrs.int('keepdims', 1) === 1;
    const last = ctx.attrs.int('select_last_index', 0) === 1;
    let t = x.tensor();
    if (last) t = tf.reverse(t, axis);
    let idx = dev(t, axis);
    if (last) idx = tf.sub(tf.scalar(x.shape[axis]! - 1, 'int32'), idx);
    if (keep) idx = tf.expandDims(idx, axis);
    return [out(idx, 'int64')];
  });
}

argReduce('ArgMax', (x, a) => tf.argMax(x, a));
argReduce('ArgMin', (x, a) => tf.argMin(x, a));

registerOp('TopK', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const k = ctx.opset < 10 ? ctx.attrs.int('k') : input(inputs, 1, ctx).numbers()[0]!;
  const axis = normAxis(ctx.attrs.int('axis', -1), x.rank);
  const largest = ctx.attrs.int('largest', 1) === 1;
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[axis] = r - 1;
  perm[r - 1] = axis;
  let t = x.floatTensor();
  if (axis !== r - 1) t = tf.transpose(t, perm);
  // tf.topk returns the earlier index first among equal values, as ONNX requires.
  const res = tf.topk(largest ? t : tf.neg(t), k, true);
  let values = largest ? res.values : tf.neg(res.values);
  let indices = res.indices;
  if (axis !== r - 1) {
    values = tf.transpose(values, perm);
    indices = tf.transpose(indices, perm);
  }
  return [out(values, x.dtype), out(indices, 'int64')];
});
