/**
 * Resampling: Resize (opsets 10–18: nearest/linear/cubic, every coordinate transformation mode,
 * nearest rounding modes, exclude_outside, tf_crop_and_resize extrapolation, axes) and Upsample.
 *
 * Interpolation is separable, as in the ONNX reference: each resized axis is resampled on its own.
 * Per axis the sampling is precomputed on the host — source indices for nearest (a tfjs gather) or an
 * [out, in] weight matrix for linear/cubic (a matrix product) — so the result is differentiable.
 * Layout-agnostic (any rank; NCHW images resize axes 2 and 3).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Attributes } from '../model.js';
import { registerOp } from './registry.js';
import { input, normAxis, optInput, out } from './util.js';

interface AxisPlan {
  axis: number;
  inLen: number;
  outLen: number;
  /** The spec's length_resized: the output length before flooring (input length × scale when scales are given). */
  resizedLen: number;
  scale: number;
  roi: [number, number];
}

interface Options {
  mode: string;
  coord: string;
  nearest: string;
  cubicA: number;
  excludeOutside: boolean;
  extrapolation: number;
}

/** Source coordinate of output index `o` (ONNX coordinate_transformation_mode). */
function sourceCoord(o: number, p: AxisPlan, coord: string): number {
  const { inLen: L, resizedLen: n, scale: s, roi } = p;
  switch (coord) {
    case 'half_pixel':
      return (o + 0.5) / s - 0.5;
    case 'pytorch_half_pixel':
      return n > 1 ? (o + 0.5) / s - 0.5 : 0;
    case 'align_corners':
      return n === 1 ? 0 : (o * (L - 1)) / (n - 1);
    case 'asymmetric':
      return o / s;
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / s;
    case 'tf_crop_and_resize':
      return n > 1 ? roi[0] * (L - 1) + (o * (roi[1] - roi[0]) * (L - 1)) / (n - 1) : 0.5 * (roi[0] + roi[1]) * (L - 1);
    case 'half_pixel_symmetric': {
      const adj = n / (s * L);
      const center = L / 2;
      const offset = center * (1 - adj);
      return offset + (o + 0.5) / s - 0.5;
    }
    default:
      throw new Error(`coordinate_transformation_mode '${coord}' is not supported`);
  }
}

function cubicCoeffs(r: number, A: number): number[] {
  const a = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 ≤ |x| < 2
  const b = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| < 1
  return [a(r + 1), b(r), b(1 - r), a(2 - r)];
}

/** Row o of the [out, in] interpolation matrix, or null when the point extrapolates (tf_crop_and_resize). */
function weights(x: number, L: number, o: Options): Array<[number, number]> | null {
  if (o.coord === 'tf_crop_and_resize' && (x < 0 || x > L - 1)) return null;
  const base = Math.floor(x);
  let ratio = x - base;
  let coeffs: number[];
  let first: number;
  if (o.mode === 'nearest') {
    let idx: number;
    if (Number.isInteger(x)) idx = x;
    else if (o.nearest === 'round_prefer_floor') idx = ratio <= 0.5 ? base : base + 1;
    else if (o.nearest === 'round_prefer_ceil') idx = ratio < 0.5 ? base : base + 1;
    else if (o.nearest === 'floor') idx = base;
    else if (o.nearest === 'ceil') idx = base + 1;
    else throw new Error(`nearest_mode '${o.nearest}' is not supported`);
    return [[Math.min(Math.max(idx, 0), L - 1), 1]];
  }
  if (ratio === 0) {
    // The reference takes the neighbours [x − 1, x] (linear) / [x − 2 … x + 1] (cubic) with ratio 1.
    ratio = 1;
    first = o.mode === 'linear' ? x - 1 : x - 2;
  } else first = o.mode === 'linear' ? base : base - 1;
  if (o.mode === 'linear') coeffs = [1 - ratio, ratio];
  else if (o.mode === 'cubic') coeffs = cubicCoeffs(ratio, o.cubicA);
  else throw new Error(`Resize mode '${o.mode}' is not supported`);
  const taps: Array<[number, number]> = [];
  let sum = 0;
  coeffs.forEach((c, k) => {
    const idx = first + k;
    if (o.excludeOutside && (idx < 0 || idx >= L)) return;
    sum += c;
    taps.push([Math.min(Math.max(idx, 0), L - 1), c]);
  });
  if (o.excludeOutside && sum !== 0) for (const t of taps) t[1] /= sum;
  return taps;
}

/** Resamples tensor `t` along `plan.axis`. */
function resizeAxis(t: tf.Tensor, p: AxisPlan, o: Options): tf.Tensor {
  const rows = Array.from({ length: p.outLen }, (_, i) => weights(sourceCoord(i, p, o.coord), p.inLen, o));
  const extrapolated = rows.some((r) => r === null);
  if (o.mode === 'nearest' && !extrapolated) {
    return tf.gather(t, rows.map((r) => r![0]![0]), p.axis);
  }
  const w = new Float32Array(p.outLen * p.inLen);
  const valid = new Float32Array(p.outLen);
  rows.forEach((r, i) => {
    if (!r) return;
    valid[i] = 1;
    for (const [j, c] of r) w[i * p.inLen + j]! += c;
  });
  const r = t.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[p.axis] = r - 1;
  perm[r - 1] = p.axis;
  const moved = p.axis === r - 1 ? t : tf.transpose(t, perm);
  const lead = moved.shape.slice(0, -1);
  const flat = tf.reshape(moved, [-1, p.inLen]);
  let res = tf.matMul(flat, tf.tensor2d(w, [p.outLen, p.inLen]), false, true);
  if (extrapolated) {
    const v = tf.tensor1d(valid);
    res = tf.add(tf.mul(res, v), tf.mul(tf.sub(1, v), o.extrapolation));
  }
  const back = tf.reshape(res, [...lead, p.outLen]);
  return p.axis === r - 1 ? back : tf.transpose(back, perm);
}

function resize(x: tf.Tensor, plans: AxisPlan[], o: Options): tf.Tensor {
  let t = x;
  for (const p of plans) if (p.outLen !== p.inLen || p.scale !== 1 || o.coord === 'tf_crop_and_resize') t = resizeAxis(t, p, o);
  return t === x ? tf.clone(x) : t;
}

function options(attrs: Attributes, opset: number, mode?: string): Options {
  return {
    mode: mode ?? attrs.string('mode', 'nearest'),
    coord: opset < 11 ? 'asymmetric' : attrs.string('coordinate_transformation_mode', 'half_pixel'),
    nearest: opset < 11 ? 'floor' : attrs.string('nearest_mode', 'round_prefer_floor'),
    cubicA: attrs.float('cubic_coeff_a', -0.75),
    excludeOutside: attrs.int('exclude_outside', 0) === 1,
    extrapolation: attrs.float('extrapolation_value', 0),
  };
}

registerOp('Resize', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const r = xv.rank;
  const o = options(ctx.attrs, ctx.opset);
  if (ctx.attrs.int('antialias', 0) === 1) throw new Error('Resize with antialias is not supported');
  const axes = ctx.attrs.has('axes') ? ctx.attrs.ints('axes').map((a) => normAxis(a, r)) : Array.from({ length: r }, (_, i) => i);
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  let roi: number[] | undefined;
  if (ctx.opset < 11) scales = Array.from(input(inputs, 1, ctx).numbers());
  else {
    const roiV = optInput(inputs, 1);
    const sc = optInput(inputs, 2);
    const sz = optInput(inputs, 3);
    if (roiV && roiV.size > 0) roi = Array.from(roiV.numbers());
    if (sc && sc.size > 0) scales = Array.from(sc.numbers());
    if (sz && sz.size > 0) sizes = Array.from(sz.numbers());
  }
  const n = axes.length;
  if (sizes) {
    const policy = ctx.attrs.string('keep_aspect_ratio_policy', 'stretch');
    if (policy !== 'stretch') {
      const ratios = axes.map((a, i) => sizes![i]! / xv.shape[a]!);
      const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      scales = axes.map(() => s);
      sizes = axes.map((a) => Math.round(xv.shape[a]! * s));
    }
  }
  const plans: AxisPlan[] = axes.map((a, i) => {
    const inLen = xv.shape[a]!;
    const rr: [number, number] = roi ? [roi[i]!, roi[i + n]!] : [0, 1];
    let outLen: number;
    let scale: number;
    if (sizes) {
      outLen = sizes[i]!;
      scale = scales ? scales[i]! : outLen / inLen;
    } else {
      scale = scales![i]!;
      outLen = Math.floor(inLen * (o.coord === 'tf_crop_and_resize' ? rr[1] - rr[0] : 1) * scale);
    }
    const resizedLen = sizes ? outLen : inLen * (o.coord === 'tf_crop_and_resize' ? rr[1] - rr[0] : 1) * scale;
    return { axis: a, inLen, outLen, resizedLen, scale, roi: rr };
  });
  return [out(resize(xv.floatTensor(), plans, o), xv.dtype)];
});

registerOp('Upsample', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const scales = ctx.opset >= 9 ? Array.from(input(inputs, 1, ctx).numbers()) : ctx.attrs.floats('scales');
  const o = options(ctx.attrs, 10);
  const plans: AxisPlan[] = scales.map((s, a) => ({
    axis: a,
    inLen: xv.shape[a]!,
    outLen: Math.floor(xv.shape[a]! * s),
    resizedLen: xv.shape[a]! * s,
    scale: s,
    roi: [0, 1],
  }));
  return [out(resize(xv.floatTensor(), plans, o), xv.dtype)];
});

function reflect(coord: number, twiceLow: number, twiceHigh: number): number {
  if (twiceLow === twiceHigh) return 0;
  const min = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const c = Math.abs(coord - min);
  const extra = c % span;
  const flips = Math.floor(c / span);
  return flips % 2 === 0 ? extra + min : span - extra + min;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/**
 * GridSample (opset 16, 4-D): bilinear/nearest/bicubic sampling of X [N, C, H, W] at the normalised
 * grid [N, Ho, Wo, 2] with zeros/border/reflection padding. Taps and weights are computed on the
 * host from the grid; X flows through a differentiable gather.
 */
registerOp('GridSample', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const grid = input(inputs, 1, ctx);
  const mode = ctx.attrs.string('mode', 'bilinear');
  const padding = ctx.attrs.string('padding_mode', 'zeros');
  const align = ctx.attrs.int('align_corners', 0) === 1;
  const [n, c, h, w] = xv.shape as [number, number, number, number];
  const [, ho, wo] = grid.shape as [number, number, number, number];
  const g = grid.numbers();
  const unnorm = (v: number, size: number): number => (align ? ((v + 1) / 2) * (size - 1) : ((v + 1) * size - 1) / 2);
  const pad = (v: number, size: number): number => {
    if (padding === 'border') return Math.min(Math.max(v, 0), size - 1);
    if (padding === 'reflection') {
      const r = align ? reflect(v, 0, 2 * (size - 1)) : reflect(v, -1, 2 * size - 1);
      return Math.min(Math.max(r, 0), size - 1);
    }
    return v;
  };
  const taps = mode === 'bicubic' ? 16 : mode === 'bilinear' ? 4 : 1;
  const idx = new Int32Array(n * ho * wo * taps);
  const wts = new Float32Array(n * ho * wo * taps);
  const cubic = (t: number): number[] => {
    const A = -0.75;
    const a = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    const b = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
    return [a(t + 1), b(t), b(1 - t), a(2 - t)];
  };
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < ho * wo; p++) {
      const o = (b * ho * wo + p) * taps;
      let x = unnorm(g[(b * ho * wo + p) * 2]!, w);
      let y = unnorm(g[(b * ho * wo + p) * 2 + 1]!, h);
      const put = (k: number, yy: number, xx: number, weight: number): void => {
        if (padding !== 'zeros') {
          xx = pad(xx, w);
          yy = pad(yy, h);
        }
        const inside = yy >= 0 && yy < h && xx >= 0 && xx < w;
        idx[o + k] = inside ? (b * h + yy) * w + xx : 0;
        wts[o + k] = inside ? weight : 0;
      };
      if (mode === 'bicubic') {
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const cx = cubic(x - x0);
        const cy = cubic(y - y0);
        for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) put(i * 4 + j, y0 - 1 + i, x0 - 1 + j, cy[i]! * cx[j]!);
        continue;
      }
      x = pad(x, w);
      y = pad(y, h);
      if (mode === 'nearest') {
        put(0, roundHalfEven(y), roundHalfEven(x), 1);
        continue;
      }
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const lx = x - x0;
      const ly = y - y0;
      put(0, y0, x0, (1 - ly) * (1 - lx));
      put(1, y0, x0 + 1, (1 - ly) * lx);
      put(2, y0 + 1, x0, ly * (1 - lx));
      put(3, y0 + 1, x0 + 1, ly * lx);
    }
  }
  // [N, C, H, W] → rows of pixels [N·H·W, C]; gather taps, weight, sum.
  const rows = tf.reshape(tf.transpose(xv.floatTensor(), [0, 2, 3, 1]), [n * h * w, c]);
  const picked = tf.gather(rows, tf.tensor1d(idx, 'int32'));
  const weighted = tf.mul(picked, tf.tensor2d(wts, [wts.length, 1]));
  const summed = tf.sum(tf.reshape(weighted, [n, ho, wo, taps, c]), 3);
  return [out(tf.transpose(summed, [0, 3, 1, 2]), xv.dtype)];
});
