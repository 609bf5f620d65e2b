/**
 * Shape and layout ops: Shape Size Reshape Flatten Squeeze Unsqueeze Transpose Expand Tile Identity
 * Dropout (inference) Pad DepthToSpace SpaceToDepth. Shape-valued results (Shape, Size) are host
 * values; reshaping a host value stays on the host.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf } from '../tensor-data.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp } from './registry.js';
import { broadcastShapes, hostEligible, hostTake, hostTranspose, input, intsOf, normAxis, optInput, out, reshapeValue } from './util.js';

registerOp('Shape', (inputs, ctx) => {
  const x = inputs[0];
  if (!x || !(x instanceof Value)) throw new Error('Shape needs a tensor input');
  const r = x.rank;
  let start = ctx.attrs.int('start', 0);
  let end = ctx.attrs.has('end') ? ctx.attrs.int('end') : r;
  start = Math.min(Math.max(start < 0 ? start + r : start, 0), r);
  end = Math.min(Math.max(end < 0 ? end + r : end, 0), r);
  const dims = x.shape.slice(start, Math.max(start, end));
  return [Value.fromHost(dims, [dims.length], 'int64')];
});

registerOp('Size', (inputs, ctx) => [Value.fromHost([input(inputs, 0, ctx).size], [], 'int64')]);

/** Resolves an ONNX Reshape target (0 = copy the input dim unless allowzero, -1 = inferred). */
export function reshapeTarget(inShape: number[], target: number[], allowZero: boolean): number[] {
  const shape = target.map((d, i) => (d === 0 && !allowZero ? inShape[i]! : d));
  const neg = shape.indexOf(-1);
  if (neg >= 0) {
    const known = shape.reduce((a, d, i) => (i === neg ? a : a * d), 1);
    shape[neg] = known === 0 ? 0 : sizeOf(inShape) / known;
    if (!Number.isInteger(shape[neg])) throw new Error(`cannot reshape [${inShape}] to [${target}]`);
  }
  return shape;
}

registerOp('Reshape', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const target = ctx.opset < 5 ? ctx.attrs.ints('shape') : intsOf(input(inputs, 1, ctx));
  return [reshapeValue(x, reshapeTarget(x.shape, target, ctx.attrs.int('allowzero', 0) === 1))];
});

registerOp('Flatten', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const r = x.rank;
  let axis = ctx.attrs.int('axis', 1);
  if (axis < 0) axis += r;
  const a = sizeOf(x.shape.slice(0, axis));
  return [reshapeValue(x, [a, sizeOf(x.shape.slice(axis))])];
});

registerOp('Squeeze', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const axesV = ctx.opset >= 13 ? optInput(inputs, 1) : undefined;
  const axesRaw = ctx.opset >= 13 ? (axesV ? intsOf(axesV) : undefined) : ctx.attrs.has('axes') ? ctx.attrs.ints('axes') : undefined;
  const axes = axesRaw ? axesRaw.map((a) => normAxis(a, x.rank)) : x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  for (const a of axes) if (x.shape[a] !== 1) throw new Error(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [reshapeValue(x, x.shape.filter((_, i) => !axes.includes(i)))];
});

registerOp('Unsqueeze', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const axesRaw = ctx.opset >= 13 ? intsOf(input(inputs, 1, ctx)) : ctx.attrs.ints('axes');
  const rank = x.rank + axesRaw.length;
  const axes = axesRaw.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]!);
  return [reshapeValue(x, shape)];
});

registerOp('Transpose', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const perm = ctx.attrs.has('perm') ? ctx.attrs.ints('perm') : x.shape.map((_, i) => x.rank - 1 - i);
  if (x.isHost) return [hostTranspose(x, perm)];
  return [out(tf.transpose(x.tensor(), perm), x.dtype)];
});

registerOp('Expand', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const shape = broadcastShapes(x.shape, intsOf(input(inputs, 1, ctx)));
  if (hostEligible([x], sizeOf(shape)) && x.dtype !== 'string') return [hostBroadcast(x, shape)];
  return [out(broadcastTo(x.tensor(), shape), x.dtype)];
});

function hostBroadcast(x: Value, outShape: number[]): Value {
  const xs = x.numbers();
  const r = outShape.length;
  const n = sizeOf(outShape);
  const res = new Float64Array(n);
  const xShape = [...new Array(r - x.rank).fill(1), ...x.shape];
  const xStr: number[] = [];
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    xStr[i] = xShape[i] === 1 ? 0 : acc;
    acc *= xShape[i]!;
  }
  const idx = new Array<number>(r).fill(0);
  for (let f = 0; f < n; f++) {
    let off = 0;
    for (let d = 0; d < r; d++) off += idx[d]! * xStr[d]!;
    res[f] = xs[off]!;
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return Value.fromHost(res, outShape, x.dtype);
}

/** tf.broadcastTo that also handles rank-0 inputs and returns a new tensor object. */
export function broadcastTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const r = t.rank < shape.length ? tf.reshape(t, [...new Array(shape.length - t.rank).fill(1), ...t.shape]) : t;
  const b = tf.broadcastTo(r, shape);
  return b === t ? tf.clone(t) : b;
}

registerOp('Tile', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const reps = intsOf(input(inputs, 1, ctx));
  const shape = x.shape.map((d, i) => d * reps[i]!);
  if (x.isHost && sizeOf(shape) <= HOST_LIMIT) {
    let v = x;
    for (let a = 0; a < reps.length; a++) {
      if (reps[a] === 1) continue;
      const idx: number[] = [];
      for (let r = 0; r < reps[a]!; r++) for (let i = 0; i < x.shape[a]!; i++) idx.push(i);
      v = hostTake(v, idx, [idx.length], a);
    }
    return [v === x ? reshapeValue(x, x.shape) : v];
  }
  return [out(tf.tile(x.tensor(), reps), x.dtype)];
});

registerOp('Identity', (inputs) => {
  const v = inputs[0];
  if (v === undefined) throw new Error('Identity needs an input');
  return [v];
});

registerOp('Dropout', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const training = ctx.opset >= 12 ? optInput(inputs, 2) : undefined;
  const isTraining = training ? training.numbers()[0] !== 0 : ctx.opset < 7 ? ctx.attrs.int('is_test', 0) === 0 : false;
  const ratioV = ctx.opset >= 12 ? optInput(inputs, 1) : undefined;
  const ratio = ratioV ? ratioV.numbers()[0]! : ctx.attrs.float('ratio', 0.5);
  if (isTraining && ratio > 0) throw new Error('Dropout in training mode is random; @gradcam/onnx runs inference only');
  const mask = Value.fromHost(new Array(x.size).fill(1), x.shape, 'bool');
  return ctx.node.outputs.length > 1 ? [x, x.size <= HOST_LIMIT ? mask : Value.fromTensor(tf.ones(x.shape, 'bool'), 'bool')] : [x];
});

registerOp('Pad', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const r = x.rank;
  let pads: number[];
  let value = 0;
  let axes = Array.from({ length: r }, (_, i) => i);
  const mode = ctx.attrs.string('mode', 'constant');
  if (ctx.opset < 11) {
    pads = ctx.attrs.ints(ctx.opset < 2 ? 'paddings' : 'pads');
    value = ctx.attrs.float('value', 0);
  } else {
    pads = intsOf(input(inputs, 1, ctx));
    const cv = optInput(inputs, 2);
    if (cv && cv.size > 0) value = cv.numbers()[0]!;
    const ax = optInput(inputs, 3);
    if (ax) axes = intsOf(ax).map((a) => normAxis(a, r));
  }
  const begin = new Array<number>(r).fill(0);
  const end = new Array<number>(r).fill(0);
  axes.forEach((a, i) => {
    begin[a] = pads[i]!;
    end[a] = pads[i + axes.length]!;
  });
  let t = x.tensor();
  // Negative pads crop.
  if (begin.some((p) => p < 0) || end.some((p) => p < 0)) {
    const b = begin.map((p) => Math.max(0, -p));
    const size = t.shape.map((d, i) => d - b[i]! - Math.max(0, -end[i]!));
    t = tf.slice(t, b, size);
  }
  const padding = begin.map((p, i) => [Math.max(0, p), Math.max(0, end[i]!)] as [number, number]);
  let res: tf.Tensor;
  if (mode === 'constant') res = tf.pad(t, padding, value);
  else if (mode === 'reflect') res = tf.mirrorPad(t, padding, 'reflect');
  else if (mode === 'edge' || mode === 'wrap') {
    res = t;
    for (let a = 0; a < r; a++) {
      const [pb, pe] = padding[a]!;
      if (pb === 0 && pe === 0) continue;
      const n = res.shape[a]!;
      const idx: number[] = [];
      for (let i = -pb; i < n + pe; i++) idx.push(mode === 'edge' ? Math.min(Math.max(i, 0), n - 1) : ((i % n) + n) % n);
      res = tf.gather(res, idx, a);
    }
    if (res === t) res = tf.clone(t);
  } else throw new Error(`Pad mode '${mode}' is not supported`);
  if (res === x.tensor()) res = tf.clone(res);
  return [out(res, x.dtype)];
});

registerOp('DepthToSpace', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const b = ctx.attrs.int('blocksize');
  const mode = ctx.attrs.string('mode', 'DCR');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const t = x.tensor();
  let y: tf.Tensor;
  if (mode === 'DCR') {
    y = tf.transpose(tf.reshape(t, [n, b, b, c / (b * b), h, w]), [0, 3, 4, 1, 5, 2]);
  } else {
    y = tf.transpose(tf.reshape(t, [n, c / (b * b), b, b, h, w]), [0, 1, 4, 2, 5, 3]);
  }
  return [out(tf.reshape(y, [n, c / (b * b), h * b, w * b]), x.dtype)];
});

registerOp('SpaceToDepth', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const b = ctx.attrs.int('blocksize');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const y = tf.transpose(tf.reshape(x.tensor(), [n, c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]);
  return [out(tf.reshape(y, [n, c * b * b, h / b, w / b]), x.dtype)];
});
