/**
 * Pooling: MaxPool (optional Indices output), AveragePool, GlobalAveragePool, GlobalMaxPool, LpPool,
 * GlobalLpPool; 1-D/2-D/3-D, explicit/automatic padding, ceil_mode, dilations, count_include_pad.
 * Inputs are NCHW; tfjs pools NHWC, so each node transposes at its boundary.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isFloat } from '../dtypes.js';
import { sizeOf } from '../tensor-data.js';
import { Value } from '../value.js';
import { convPads } from './conv.js';
import { registerOp, type OpContext } from './registry.js';
import { input, out, strides as rowStrides } from './util.js';

interface PoolGeom {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin, end] padding per spatial axis, including the extra end padding of ceil_mode. */
  pads: Array<[number, number]>;
  /** The explicit (or automatic) padding only. */
  basePads: Array<[number, number]>;
  outSpatial: number[];
}

function geometry(ctx: OpContext, inSpatial: number[]): PoolGeom {
  const n = inSpatial.length;
  const kernel = ctx.attrs.ints('kernel_shape');
  const strides = ctx.attrs.ints('strides', new Array(n).fill(1));
  const dilations = ctx.attrs.ints('dilations', new Array(n).fill(1));
  const basePads = convPads(ctx.attrs, inSpatial, kernel, strides, dilations);
  const ceil = ctx.attrs.int('ceil_mode', 0) === 1;
  const autoPad = ctx.attrs.string('auto_pad', 'NOTSET');
  const outSpatial = inSpatial.map((len, i) => {
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(len / strides[i]!);
    if (autoPad === 'VALID') return Math.floor((len - eff) / strides[i]!) + 1;
    const span = len + basePads[i]![0] + basePads[i]![1] - eff;
    let o = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // A window must start inside the input or its begin padding.
    if (ceil && (o - 1) * strides[i]! >= len + basePads[i]![0]) o -= 1;
    return o;
  });
  const pads = inSpatial.map((len, i) => {
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    const need = (outSpatial[i]! - 1) * strides[i]! + eff - (len + basePads[i]![0] + basePads[i]![1]);
    return [basePads[i]![0], basePads[i]![1] + Math.max(0, need)] as [number, number];
  });
  return { kernel, strides, dilations, pads, basePads, outSpatial };
}

const toLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
const toFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];

/** Runs a 2-D/3-D channels-last pool with 'valid' padding (dilations through tf.pool or subsampling). */
function poolLast(x: tf.Tensor, g: PoolGeom, kind: 'max' | 'avg'): tf.Tensor {
  const dilated = g.dilations.some((d) => d > 1);
  if (x.rank === 5) {
    if (dilated) throw new Error('dilated 3-D pooling is not supported');
    const k = g.kernel as [number, number, number];
    const s = g.strides as [number, number, number];
    if (kind === 'avg') return tf.avgPool3d(x as tf.Tensor5D, k, s, 'valid');
    // Max pooling is separable: (h, w) windows per depth slice, then depth windows. (tfjs-wasm 4.22's
    // MaxPool3D starts its running max at FLT_MIN, wrong for negative inputs.)
    const [n, d, h, w, c] = x.shape as [number, number, number, number, number];
    const hw = tf.maxPool(tf.reshape(x, [n * d, h, w, c]) as tf.Tensor4D, [k[1], k[2]], [s[1], s[2]], 'valid');
    const [, h2, w2] = hw.shape as [number, number, number, number];
    const depth = tf.maxPool(tf.reshape(hw, [n, d, h2 * w2, c]) as tf.Tensor4D, [k[0], 1], [s[0], 1], 'valid');
    return tf.reshape(depth, [n, depth.shape[1]!, h2, w2, c]);
  }
  const k = g.kernel as [number, number];
  const s = g.strides as [number, number];
  if (!dilated) return kind === 'max' ? tf.maxPool(x as tf.Tensor4D, k, s, 'valid') : tf.avgPool(x as tf.Tensor4D, k, s, 'valid');
  // tf.pool takes dilations only with unit strides: pool densely, then subsample.
  const dense = tf.pool(x as tf.Tensor4D, k, kind, 'valid', g.dilations as [number, number], [1, 1]);
  if (s[0] === 1 && s[1] === 1) return dense;
  const rows = Array.from({ length: g.outSpatial[0]! }, (_, i) => i * s[0]);
  const cols = Array.from({ length: g.outSpatial[1]! }, (_, i) => i * s[1]);
  return tf.gather(tf.gather(dense, rows, 1), cols, 2);
}

function lift1d(x: tf.Tensor): tf.Tensor {
  return tf.expandDims(x, 2);
}

function pool(ctx: OpContext, xv: Value, kind: 'max' | 'avg'): tf.Tensor {
  let x = xv.floatTensor();
  const oneD = x.rank === 3;
  const g0 = geometry(ctx, x.shape.slice(2));
  let g = g0;
  if (oneD) {
    x = lift1d(x);
    g = {
      kernel: [1, ...g0.kernel],
      strides: [1, ...g0.strides],
      dilations: [1, ...g0.dilations],
      pads: [[0, 0], ...g0.pads],
      basePads: [[0, 0], ...g0.basePads],
      outSpatial: [1, ...g0.outSpatial],
    };
  }
  const r = x.rank;
  const xl = tf.transpose(x, toLast(r));
  const padSpec: Array<[number, number]> = [[0, 0], ...g.pads, [0, 0]];
  const padded = g.pads.some(([a, b]) => a || b);
  let y: tf.Tensor;
  if (kind === 'max') {
    y = poolLast(padded ? tf.pad(xl, padSpec, -Infinity) : xl, g, 'max');
  } else {
    const includePad = ctx.attrs.int('count_include_pad', 0) === 1;
    const sum = poolLast(padded ? tf.pad(xl, padSpec, 0) : xl, g, 'avg');
    if (!padded) y = sum;
    else {
      // Divide by the number of counted cells of each window: the input cells, plus the explicit
      // padding when count_include_pad (never the extra ceil_mode padding).
      const sp = xl.shape.slice(1, -1);
      let mask: tf.Tensor = tf.ones([1, ...sp, 1]);
      if (includePad) mask = tf.pad(mask, [[0, 0], ...g.basePads, [0, 0]], 1);
      const rest: Array<[number, number]> = g.pads.map(([b, e], i) =>
        includePad ? [b - g.basePads[i]![0], e - g.basePads[i]![1]] : [b, e],
      );
      mask = tf.pad(mask, [[0, 0], ...rest, [0, 0]], 0);
      const count = poolLast(mask, g, 'avg');
      y = tf.div(sum, count);
    }
  }
  let res = tf.transpose(y, toFirst(r));
  if (oneD) res = tf.squeeze(res, [2]);
  return res;
}

/** MaxPool with its Indices output, computed on the host (rarely used: unpooling). */
function maxPoolWithIndices(ctx: OpContext, xv: Value): [Value, Value] {
  const shape = xv.shape;
  const spatial = shape.slice(2);
  const g = geometry(ctx, spatial);
  const data = xv.numbers();
  const nc = shape[0]! * shape[1]!;
  const inSize = sizeOf(spatial);
  const outSize = sizeOf(g.outSpatial);
  const vals = new Float64Array(nc * outSize);
  const idx = new Float64Array(nc * outSize);
  const ost = rowStrides(g.outSpatial);
  const ist = rowStrides(spatial);
  const colMajor = ctx.attrs.int('storage_order', 0) === 1;
  const kernelCount = sizeOf(g.kernel);
  const kst = rowStrides(g.kernel);
  for (let p = 0; p < nc; p++) {
    for (let o = 0; o < outSize; o++) {
      let best = -Infinity;
      let bestIdx = -1;
      for (let kk = 0; kk < kernelCount; kk++) {
        let off = 0;
        let ok = true;
        const coord: number[] = [];
        for (let d = 0; d < spatial.length; d++) {
          const oc = Math.floor(o / ost[d]!) % g.outSpatial[d]!;
          const kc = Math.floor(kk / kst[d]!) % g.kernel[d]!;
          const c = oc * g.strides[d]! - g.pads[d]![0] + kc * g.dilations[d]!;
          if (c < 0 || c >= spatial[d]!) ok = false;
          coord.push(c);
          off += c * ist[d]!;
        }
        if (!ok) continue;
        const v = data[p * inSize + off]!;
        if (v > best || bestIdx < 0) {
          best = v;
          if (colMajor) {
            // Column-major index of [N, C, H, W] over the spatial part.
            let ci = 0;
            let mul = 1;
            for (let d = 0; d < spatial.length; d++) {
              ci += coord[d]! * mul;
              mul *= spatial[d]!;
            }
            bestIdx = p * inSize + ci;
          } else bestIdx = p * inSize + off;
        }
      }
      vals[p * outSize + o] = best;
      idx[p * outSize + o] = bestIdx;
    }
  }
  const outShape = [shape[0]!, shape[1]!, ...g.outSpatial];
  return [Value.fromTensor(Value.fromHost(vals, outShape, xv.dtype).tensor(), xv.dtype), Value.fromHost(idx, outShape, 'int64')];
}

registerOp('MaxPool', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1]) return maxPoolWithIndices(ctx, x);
  const y = pool(ctx, x, 'max');
  return [out(isFloat(x.dtype) ? y : tf.round(y), x.dtype)];
});

registerOp('AveragePool', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  return [out(pool(ctx, x, 'avg'), x.dtype)];
});

const spatialAxes = (r: number): number[] => Array.from({ length: r - 2 }, (_, i) => i + 2);

registerOp('GlobalAveragePool', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  return [out(tf.mean(x.floatTensor(), spatialAxes(x.rank), true), x.dtype)];
});

registerOp('GlobalMaxPool', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  return [out(tf.max(x.floatTensor(), spatialAxes(x.rank), true), x.dtype)];
});

registerOp('GlobalLpPool', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const p = ctx.attrs.int('p', 2);
  const t = x.floatTensor();
  return [out(tf.pow(tf.sum(tf.pow(tf.abs(t), p), spatialAxes(x.rank), true), 1 / p), x.dtype)];
});

/** MaxUnpool (host scatter): places X's values at the flat NCHW positions given by the indices. */
registerOp('MaxUnpool', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const ind = input(inputs, 1, ctx);
  const shapeV = inputs[2] as Value | undefined;
  const spatial = x.shape.slice(2);
  const kernel = ctx.attrs.ints('kernel_shape');
  const strides = ctx.attrs.ints('strides', spatial.map(() => 1));
  const pads = ctx.attrs.ints('pads', new Array(2 * spatial.length).fill(0));
  const inferred = [x.shape[0]!, x.shape[1]!, ...spatial.map((d, i) => (d - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + spatial.length]!)];
  const outShape = shapeV ? Array.from(shapeV.numbers()) : inferred;
  const res = new Float64Array(sizeOf(outShape));
  const xs = x.numbers();
  const is = ind.numbers();
  // Indices address the inferred (unpadded) shape; an explicit output_shape keeps their coordinates.
  const inStr = rowStrides(inferred);
  const outStr = rowStrides(outShape);
  for (let i = 0; i < xs.length; i++) {
    let rem = is[i]!;
    let off = 0;
    for (let d = 0; d < inferred.length; d++) {
      const c = Math.floor(rem / inStr[d]!);
      rem -= c * inStr[d]!;
      off += c * outStr[d]!;
    }
    res[off] = xs[i]!;
  }
  return [Value.fromTensor(Value.fromHost(res, outShape, x.dtype).tensor(), x.dtype)];
});
