/**
 * Convolutions: Conv and ConvTranspose, 1-D/2-D/3-D, with groups, dilations, strides, explicit or
 * automatic padding. ONNX tensors are NCHW (weights OIHW); tfjs convolves NHWC, so each node
 * transposes at its boundary. Padding is applied with tf.pad and dilation by spreading the kernel,
 * so every configuration keeps tfjs gradients (tfjs has none for dilated or explicitly padded convs on
 * some backends).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Attributes } from '../model.js';
import { registerOp } from './registry.js';
import { input, optInput, out } from './util.js';

/** Per spatial axis: [begin, end] padding of a conv/pool from its attributes (NOTSET, VALID, SAME_UPPER, SAME_LOWER). */
export function convPads(
  attrs: Attributes,
  inSpatial: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): Array<[number, number]> {
  const n = inSpatial.length;
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    return inSpatial.map((len, i) => {
      const outLen = Math.ceil(len / strides[i]!);
      const total = Math.max(0, (outLen - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - len);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    });
  }
  if (autoPad === 'VALID') return inSpatial.map(() => [0, 0]);
  const pads = attrs.ints('pads', new Array(2 * n).fill(0));
  return inSpatial.map((_, i) => [pads[i]!, pads[i + n]!]);
}

/** Spreads a channels-last kernel [k1, …, kn, I, O] by the dilations (zeros between taps). */
export function dilateKernel(w: tf.Tensor, dilations: number[]): tf.Tensor {
  let k = w;
  dilations.forEach((d, axis) => {
    if (d === 1) return;
    const shape = k.shape;
    const len = shape[axis]!;
    // [.., len, ..] → [.., len, 1, ..] → pad to [.., len, d, ..] → [.., len*d, ..] → first (len-1)*d+1.
    const expanded = tf.expandDims(k, axis + 1);
    const padding = expanded.shape.map((_, i) => [0, i === axis + 1 ? d - 1 : 0] as [number, number]);
    const merged = tf.reshape(tf.pad(expanded, padding), [...shape.slice(0, axis), len * d, ...shape.slice(axis + 1)]);
    const size = merged.shape.slice();
    size[axis] = (len - 1) * d + 1;
    k = tf.slice(merged, merged.shape.map(() => 0), size);
  });
  return k;
}

/** Inserts (s − 1) zeros between the elements of each spatial axis of a channels-last tensor. */
function dilateSpatial(x: tf.Tensor, strides: number[]): tf.Tensor {
  let t = x;
  strides.forEach((s, i) => {
    if (s === 1) return;
    const axis = i + 1;
    const len = t.shape[axis]!;
    const expanded = tf.expandDims(t, axis + 1);
    const padding = expanded.shape.map((_, j) => [0, j === axis + 1 ? s - 1 : 0] as [number, number]);
    const merged = tf.reshape(tf.pad(expanded, padding), [...t.shape.slice(0, axis), len * s, ...t.shape.slice(axis + 1)]);
    const size = merged.shape.slice();
    size[axis] = (len - 1) * s + 1;
    t = tf.slice(merged, merged.shape.map(() => 0), size);
  });
  return t;
}

const toLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
const toFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];

/** Channels-last conv of one group. x [N, …spatial, C], w [k…, C, M]. */
function convLast(x: tf.Tensor, w: tf.Tensor, strides: number[], depthwise: boolean): tf.Tensor {
  if (x.rank === 4) {
    const s = strides as [number, number];
    if (depthwise) return tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, 'valid');
    return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, 'valid');
  }
  if (x.rank === 5) return tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, strides as [number, number, number], 'valid');
  throw new Error(`Conv of rank ${x.rank} is not supported`);
}

/**
 * ONNX Conv on float tensors: x [N, C, …spatial] (NCHW), w [M, C/group, k…], optional bias [M];
 * returns [N, M, …spatial'] (NCHW).
 */
export function convNCHW(xIn: tf.Tensor, wIn: tf.Tensor, bias: tf.Tensor | undefined, attrs: Attributes): tf.Tensor {
  let x = xIn;
  let w = wIn;
  const oneD = x.rank === 3;
  if (oneD) {
    x = tf.expandDims(x, 2);
    w = tf.expandDims(w, 2);
  }
  const r = x.rank;
  const ns = r - 2;
  const kernel = w.shape.slice(2);
  const nsAttr = oneD ? 1 : ns;
  const lift = (a: number[]): number[] => (oneD ? [1, ...a] : a);
  const strides = lift(attrs.ints('strides', new Array(nsAttr).fill(1)));
  const dilations = lift(attrs.ints('dilations', new Array(nsAttr).fill(1)));
  const group = attrs.int('group', 1);
  const drop = oneD ? 1 : 0;
  let pads = convPads(attrs, x.shape.slice(2 + drop), kernel.slice(drop), strides.slice(drop), dilations.slice(drop));
  if (oneD) pads = [[0, 0], ...pads];
  let xl = tf.transpose(x, toLast(r));
  if (pads.some(([a, b]) => a !== 0 || b !== 0)) xl = tf.pad(xl, [[0, 0], ...pads, [0, 0]]);
  // OIHW → HWIO (spatial…, I, O), dilated.
  let wl = tf.transpose(w, [...Array.from({ length: ns }, (_, i) => i + 2), 1, 0]);
  wl = dilateKernel(wl, dilations);
  const cin = x.shape[1]!;
  const m = w.shape[0]!;
  let y: tf.Tensor;
  if (group === 1) y = convLast(xl, wl, strides, false);
  else if (group === cin && w.shape[1] === 1 && r === 4) {
    // Depthwise: output channel o reads input channel floor(o / multiplier).
    y = convLast(xl, tf.reshape(wl, [...wl.shape.slice(0, ns), cin, m / cin]), strides, true);
  } else {
    const xs = tf.split(xl, group, r - 1);
    const ws = tf.split(wl, group, r - 1);
    y = tf.concat(xs.map((xg, g) => convLast(xg, ws[g]!, strides, false)), r - 1);
  }
  if (bias) y = tf.add(y, bias);
  let res = tf.transpose(y, toFirst(r));
  if (oneD) res = tf.squeeze(res, [2]);
  return res;
}

registerOp('Conv', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const bv = optInput(inputs, 2);
  return [out(convNCHW(xv.floatTensor(), input(inputs, 1, ctx).floatTensor(), bv?.floatTensor(), ctx.attrs), xv.dtype)];
});

registerOp('ConvTranspose', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const wv = input(inputs, 1, ctx);
  const bv = optInput(inputs, 2);
  let x = xv.floatTensor();
  let w = wv.floatTensor();
  const oneD = x.rank === 3;
  if (oneD) {
    x = tf.expandDims(x, 2);
    w = tf.expandDims(w, 2);
  }
  const r = x.rank;
  const ns = r - 2;
  const lift = (a: number[], fill: number): number[] => (oneD ? [fill, ...a] : a);
  const nsAttr = oneD ? 1 : ns;
  const kernel = w.shape.slice(2);
  const strides = lift(ctx.attrs.ints('strides', new Array(nsAttr).fill(1)), 1);
  const dilations = lift(ctx.attrs.ints('dilations', new Array(nsAttr).fill(1)), 1);
  const outPad = lift(ctx.attrs.ints('output_padding', new Array(nsAttr).fill(0)), 0);
  const group = ctx.attrs.int('group', 1);
  const inSp = x.shape.slice(2);
  const full = inSp.map((len, i) => (len - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1);
  // Begin/end crop of the full output.
  let pads: Array<[number, number]>;
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  if (ctx.attrs.has('output_shape')) {
    const os = lift(ctx.attrs.ints('output_shape').slice(-nsAttr), 1);
    pads = os.map((o, i) => {
      const total = full[i]! + outPad[i]! - o;
      const half = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
    });
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = inSp.map((len, i) => {
      const total = Math.max(0, full[i]! + outPad[i]! - len * strides[i]!);
      const half = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
    });
  } else {
    const p = ctx.attrs.ints('pads', new Array(2 * nsAttr).fill(0));
    pads = Array.from({ length: nsAttr }, (_, i) => [p[i]!, p[i + nsAttr]!] as [number, number]);
    if (oneD) pads = [[0, 0], ...pads];
  }
  const xl = tf.transpose(x, toLast(r));
  // [C, M/g, k…] → [k…, M/g, C] (tfjs transposed-conv filter: spatial…, out, in), dilated.
  let wl = tf.transpose(w, [...Array.from({ length: ns }, (_, i) => i + 2), 1, 0]);
  wl = dilateKernel(wl, dilations);
  const n = x.shape[0]!;
  const mPer = w.shape[1]!;
  const one = (xg: tf.Tensor, wg: tf.Tensor): tf.Tensor => {
    if (r === 4) {
      return tf.conv2dTranspose(xg as tf.Tensor4D, wg as tf.Tensor4D, [n, full[0]!, full[1]!, mPer], strides as [number, number], 'valid');
    }
    if (r === 5) {
      // A transposed conv is a conv of the stride-dilated input with the flipped kernel (tfjs-wasm
      // 4.22's Conv3DBackpropInputV2, behind tf.conv3dTranspose, gives wrong values).
      const spread = dilateSpatial(xg, strides);
      const k = wg.shape.slice(0, 3);
      const padded = tf.pad(spread, [[0, 0], ...k.map((kk) => [kk - 1, kk - 1] as [number, number]), [0, 0]]);
      const flipped = tf.reverse(tf.transpose(wg, [0, 1, 2, 4, 3]), [0, 1, 2]);
      void n;
      return tf.conv3d(padded as tf.Tensor5D, flipped as tf.Tensor5D, 1, 'valid');
    }
    throw new Error(`ConvTranspose of rank ${r} is not supported`);
  };
  let y: tf.Tensor;
  if (group === 1) y = one(xl, wl);
  else {
    const xs = tf.split(xl, group, r - 1);
    const ws = tf.split(wl, group, r - 1);
    y = tf.concat(xs.map((xg, g) => one(xg, ws[g]!)), r - 1);
  }
  // output_padding adds zeros at the end; then crop (or pad, for negative pads).
  const padEnd = outPad.map((p, i) => p - pads[i]![1]);
  const padBegin = pads.map(([b]) => -b);
  if (padEnd.some((p) => p > 0) || padBegin.some((p) => p > 0)) {
    y = tf.pad(y, [[0, 0], ...padBegin.map((b, i) => [Math.max(0, b), Math.max(0, padEnd[i]!)] as [number, number]), [0, 0]]);
  }
  const begin = [0, ...padBegin.map((b) => Math.max(0, -b)), 0];
  const size = [-1, ...full.map((f, i) => f + outPad[i]! - pads[i]![0] - pads[i]![1]), -1];
  y = tf.slice(y, begin, size);
  if (bv) y = tf.add(y, bv.floatTensor());
  let res = tf.transpose(y, toFirst(r));
  if (oneD) res = tf.squeeze(res, [2]);
  return [out(res, xv.dtype)];
});
