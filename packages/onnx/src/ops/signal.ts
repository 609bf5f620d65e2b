/**
 * Signal processing (opset 17): HannWindow HammingWindow BlackmanWindow, DFT and STFT (as matrix
 * products with host-built cosine/sine matrices, so they are differentiable), MelWeightMatrix.
 * Complex tensors are ONNX's [..., 2] (real, imaginary) layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dtypeFromCode } from '../dtypes.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp } from './registry.js';
import { input, normAxis, optInput, out } from './util.js';

function windowOp(name: string, coeffs: number[]): void {
  registerOp(name, (inputs, ctx) => {
    const size = Math.trunc(input(inputs, 0, ctx).numbers()[0]!);
    const periodic = ctx.attrs.int('periodic', 1) === 1;
    const dtype = dtypeFromCode(ctx.attrs.int('output_datatype', 1));
    const n = periodic ? size : size - 1;
    const w = Array.from({ length: size }, (_, k) =>
      coeffs.reduce((acc, a, j) => acc + (j % 2 === 0 ? a : -a) * Math.cos((2 * Math.PI * j * k) / n), 0),
    );
    const v = Value.fromHost(w, [size], dtype);
    return [size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), dtype)];
  });
}

windowOp('HannWindow', [0.5, 0.5]);
windowOp('HammingWindow', [25 / 46, 21 / 46]);
windowOp('BlackmanWindow', [0.42, 0.5, 0.08]);

/**
 * DFT along the second-to-last axis of x [..., N, 2] (complex) for `length` output bins:
 * returns [..., bins, 2]. `inverse` flips the sign and divides by `length`.
 */
function dftLastComplex(x: tf.Tensor, length: number, bins: number, inverse: boolean): tf.Tensor {
  const n = x.shape[x.rank - 2]!;
  const cos = new Float32Array(bins * n);
  const sin = new Float32Array(bins * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < bins; k++) {
    for (let j = 0; j < n; j++) {
      const a = (2 * Math.PI * ((k * j) % length)) / length;
      cos[k * n + j] = Math.cos(a);
      sin[k * n + j] = sign * Math.sin(a);
    }
  }
  const lead = x.shape.slice(0, -2);
  const flat = tf.reshape(x, [-1, n, 2]);
  const re = tf.reshape(tf.slice(flat, [0, 0, 0], [-1, n, 1]), [-1, n]);
  const im = tf.reshape(tf.slice(flat, [0, 0, 1], [-1, n, 1]), [-1, n]);
  const C = tf.tensor2d(cos, [bins, n]);
  const S = tf.tensor2d(sin, [bins, n]);
  // (re + i·im)(cos + i·sin) summed over j.
  let outRe = tf.sub(tf.matMul(re, C, false, true), tf.matMul(im, S, false, true));
  let outIm = tf.add(tf.matMul(re, S, false, true), tf.matMul(im, C, false, true));
  if (inverse) {
    outRe = tf.div(outRe, length);
    outIm = tf.div(outIm, length);
  }
  return tf.reshape(tf.stack([outRe, outIm], -1), [...lead, bins, 2]);
}

/** Makes [..., N, 1] real signals complex [..., N, 2]. */
function asComplex(x: tf.Tensor): tf.Tensor {
  return x.shape[x.rank - 1] === 2 ? x : tf.concat([x, tf.zerosLike(x)], -1);
}

registerOp('DFT', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  let x = asComplex(xv.floatTensor());
  const axis = normAxis(ctx.attrs.int('axis', 1), x.rank);
  const inverse = ctx.attrs.int('inverse', 0) === 1;
  const onesided = ctx.attrs.int('onesided', 0) === 1;
  const lenV = optInput(inputs, 1);
  const n = x.shape[axis]!;
  const length = lenV ? Math.trunc(lenV.numbers()[0]!) : n;
  // Pad or truncate the signal to `length` along the axis.
  if (length > n) x = tf.pad(x, x.shape.map((_, i) => (i === axis ? [0, length - n] : [0, 0]) as [number, number]));
  else if (length < n) x = tf.slice(x, x.shape.map(() => 0), x.shape.map((d, i) => (i === axis ? length : d)));
  const bins = onesided ? Math.floor(length / 2) + 1 : length;
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  // Move the axis to position r - 2 (just before the complex pair).
  perm.splice(axis, 1);
  perm.splice(r - 2, 0, axis);
  const inv = perm.map((_, i) => perm.indexOf(i));
  const moved = axis === r - 2 ? x : tf.transpose(x, perm);
  const y = dftLastComplex(moved, length, bins, inverse);
  return [out(axis === r - 2 ? y : tf.transpose(y, inv), xv.dtype)];
});

registerOp('STFT', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = asComplex(xv.floatTensor()); // [batch, len, 2]
  const step = Math.trunc(input(inputs, 1, ctx).numbers()[0]!);
  const win = optInput(inputs, 2);
  const lenV = optInput(inputs, 3);
  const frameLength = lenV ? Math.trunc(lenV.numbers()[0]!) : win!.size;
  const onesided = ctx.attrs.int('onesided', 1) === 1;
  const len = x.shape[1]!;
  const frames = Math.floor((len - frameLength) / step) + 1;
  const idx: number[] = [];
  for (let f = 0; f < frames; f++) for (let j = 0; j < frameLength; j++) idx.push(f * step + j);
  // [batch, frames·frameLength, 2] → [batch, frames, frameLength, 2]
  let framed = tf.reshape(tf.gather(x, idx, 1), [x.shape[0]!, frames, frameLength, 2]);
  if (win) framed = tf.mul(framed, tf.reshape(win.floatTensor(), [1, 1, frameLength, 1]));
  const bins = onesided ? Math.floor(frameLength / 2) + 1 : frameLength;
  return [out(dftLastComplex(framed, frameLength, bins, false), xv.dtype)];
});

registerOp('MelWeightMatrix', (inputs, ctx) => {
  const [melBins, dftLength, sampleRate] = [0, 1, 2].map((i) => Math.trunc(input(inputs, i, ctx).numbers()[0]!)) as [number, number, number];
  const lowHz = input(inputs, 3, ctx).numbers()[0]!;
  const highHz = input(inputs, 4, ctx).numbers()[0]!;
  const dtype = dtypeFromCode(ctx.attrs.int('output_datatype', 1));
  const specBins = Math.floor(dftLength / 2) + 1;
  const mel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
  const lowMel = mel(lowHz);
  const stepMel = (mel(highHz) - lowMel) / (melBins + 2);
  // Edges of the triangles in spectrogram bins.
  const edges = Array.from({ length: melBins + 2 }, (_, i) => {
    const hz = 700 * (10 ** ((i * stepMel + lowMel) / 2595) - 1);
    return Math.trunc(Math.floor(((dftLength + 1) * hz) / sampleRate));
  });
  const w = new Float64Array(specBins * melBins);
  for (let m = 0; m < melBins; m++) {
    const [lo, mid, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    if (mid === lo) w[mid * melBins + m] = 1;
    else for (let j = lo; j <= mid; j++) w[j * melBins + m] = (j - lo) / (mid - lo);
    if (hi > mid) for (let j = mid; j < hi; j++) w[j * melBins + m] = (hi - j) / (hi - mid);
  }
  const v = Value.fromHost(w, [specBins, melBins], dtype);
  return [v.size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), dtype)];
});
