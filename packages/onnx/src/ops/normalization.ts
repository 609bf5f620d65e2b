/**
 * Normalisations: Softmax LogSoftmax Hardmax (axis semantics of opset < 13 and ≥ 13),
 * BatchNormalization (inference and training_mode statistics), LayerNormalization,
 * InstanceNormalization, LRN, MeanVarianceNormalization. Channel parameters broadcast over NCHW.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf } from '../tensor-data.js';
import { registerOp, type OpContext } from './registry.js';
import { input, normAxis, optInput, out } from './util.js';

/** Applies `f` (a function over the last axis) along `axis` with ONNX's opset-dependent semantics. */
function alongAxis(ctx: OpContext, x: tf.Tensor, f: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const r = x.rank;
  if (ctx.opset < 13) {
    const axis = normAxis(ctx.attrs.int('axis', 1), Math.max(r, 1));
    const rows = sizeOf(x.shape.slice(0, axis));
    const y = f(tf.reshape(x, [rows, sizeOf(x.shape.slice(axis))]));
    return tf.reshape(y, x.shape);
  }
  const axis = normAxis(ctx.attrs.int('axis', -1), Math.max(r, 1));
  return alongAxisOf(x, axis, f);
}

/** Applies a last-axis function along `axis` through a rank-3 view [before, axis, after] (any rank). */
export function alongAxisOf(x: tf.Tensor, axis: number, f: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const r = x.rank;
  if (axis === r - 1) return f(x);
  const before = sizeOf(x.shape.slice(0, axis));
  const after = sizeOf(x.shape.slice(axis + 1));
  const n = x.shape[axis]!;
  const moved = tf.transpose(tf.reshape(x, [before, n, after]), [0, 2, 1]);
  const y = tf.transpose(f(moved), [0, 2, 1]);
  return tf.reshape(y, x.shape);
}

registerOp('Softmax', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  if (x.size === 0) return [out(tf.clone(x.floatTensor()), x.dtype)];
  return [out(alongAxis(ctx, x.floatTensor(), (t) => tf.softmax(t)), x.dtype)];
});

registerOp('LogSoftmax', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  return [out(alongAxis(ctx, x.floatTensor(), (t) => tf.logSoftmax(t)), x.dtype)];
});

registerOp('Hardmax', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  // One-hot of the first maximum (tf.oneHot with float output is wrong on tfjs-wasm 4.22).
  const f = (t: tf.Tensor): tf.Tensor => {
    const n = t.shape[t.rank - 1]!;
    return tf.cast(tf.equal(tf.expandDims(tf.argMax(t, -1), -1), tf.range(0, n, 1, 'int32')), 'float32');
  };
  return [out(alongAxis(ctx, x.floatTensor(), f), x.dtype)];
});

/** Reshapes a per-channel vector [C] to broadcast over an NC… tensor of rank r. */
function perChannel(v: tf.Tensor, r: number): tf.Tensor {
  return tf.reshape(v, [1, v.size, ...new Array(Math.max(0, r - 2)).fill(1)]);
}

registerOp('BatchNormalization', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const r = x.rank;
  const scale = perChannel(input(inputs, 1, ctx).floatTensor(), r);
  const bias = perChannel(input(inputs, 2, ctx).floatTensor(), r);
  const meanV = input(inputs, 3, ctx).floatTensor();
  const varV = input(inputs, 4, ctx).floatTensor();
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const training = ctx.opset >= 14 && ctx.attrs.int('training_mode', 0) === 1;
  if (training) {
    const momentum = ctx.attrs.float('momentum', 0.9);
    const axes = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)];
    const m = tf.mean(x, axes);
    const d = tf.sub(x, perChannel(m, r));
    const v = tf.mean(tf.mul(d, d), axes);
    const y = tf.add(tf.mul(tf.div(d, tf.sqrt(tf.add(perChannel(v, r), eps))), scale), bias);
    const runMean = tf.add(tf.mul(meanV, momentum), tf.mul(m, 1 - momentum));
    const runVar = tf.add(tf.mul(varV, momentum), tf.mul(v, 1 - momentum));
    return [out(y, xv.dtype), out(runMean, xv.dtype), out(runVar, xv.dtype)];
  }
  const inv = tf.div(scale, tf.sqrt(tf.add(perChannel(varV, r), eps)));
  const y = tf.add(tf.mul(tf.sub(x, perChannel(meanV, r)), inv), bias);
  return [out(y, xv.dtype)];
});

registerOp('LayerNormalization', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const r = x.rank;
  const axis = normAxis(ctx.attrs.int('axis', -1), r);
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const axes = Array.from({ length: r - axis }, (_, i) => axis + i);
  const mean = tf.mean(x, axes, true);
  const d = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(d, d), axes, true);
  const invStd = tf.rsqrt(tf.add(variance, eps));
  let y = tf.mul(tf.mul(d, invStd), input(inputs, 1, ctx).floatTensor());
  const b = optInput(inputs, 2);
  if (b) y = tf.add(y, b.floatTensor());
  return [out(y, xv.dtype), out(mean, 'float32'), out(invStd, 'float32')];
});

registerOp('InstanceNormalization', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const r = x.rank;
  const axes = Array.from({ length: r - 2 }, (_, i) => i + 2);
  const eps = ctx.attrs.float('epsilon', 1e-5);
  const mean = tf.mean(x, axes, true);
  const d = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(d, d), axes, true);
  const y = tf.add(
    tf.mul(tf.div(d, tf.sqrt(tf.add(variance, eps))), perChannel(input(inputs, 1, ctx).floatTensor(), r)),
    perChannel(input(inputs, 2, ctx).floatTensor(), r),
  );
  return [out(y, xv.dtype)];
});

registerOp('LRN', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const size = ctx.attrs.int('size');
  const alpha = ctx.attrs.float('alpha', 1e-4);
  const beta = ctx.attrs.float('beta', 0.75);
  const bias = ctx.attrs.float('bias', 1);
  const c = x.shape[1]!;
  const before = Math.floor((size - 1) / 2);
  const after = Math.ceil((size - 1) / 2);
  const sq = tf.mul(x, x);
  const padded = tf.pad(sq, x.shape.map((_, i) => (i === 1 ? [before, after] : [0, 0]) as [number, number]));
  let sum: tf.Tensor = tf.zerosLike(x);
  for (let k = 0; k < size; k++) {
    const begin = x.shape.map((_, i) => (i === 1 ? k : 0));
    const sz = x.shape.map((d, i) => (i === 1 ? c : d));
    sum = tf.add(sum, tf.slice(padded, begin, sz));
  }
  const y = tf.div(x, tf.pow(tf.add(bias, tf.mul(alpha / size, sum)), beta));
  return [out(y, xv.dtype)];
});

registerOp('MeanVarianceNormalization', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const axes = ctx.attrs.ints('axes', [0, 2, 3]).map((a) => normAxis(a, x.rank));
  const mean = tf.mean(x, axes, true);
  const variance = tf.sub(tf.mean(tf.mul(x, x), axes, true), tf.mul(mean, mean));
  const y = tf.div(tf.sub(x, mean), tf.add(tf.sqrt(variance), 1e-9));
  return [out(y, xv.dtype)];
});
