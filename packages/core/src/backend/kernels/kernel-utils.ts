/**
 * Small helpers shared by the wasm gradient kernels in this folder.
 *
 * Every helper dispatches a kernel that the active backend (wasm, when these
 * kernels run) already implements, through `tf.engine().runKernel`. Kernels run
 * inside another kernel are not recorded on the gradient tape; their outputs are
 * ordinary tracked tensors, so callers wrap their work in `tf.tidy` and return
 * the final tensor (the engine accepts a `Tensor` as a kernel's output and does
 * not wrap it again, so ownership passes to the caller of the outer kernel).
 *
 * The helpers accept plain `TensorInfo`s (what a kernelFunc receives) as well as
 * tensors, because `runKernel` hands its inputs to the kernelFunc untouched.
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;
type Pair = [number, number];

/** Runs a registered kernel on the active backend and returns its single output. */
export function runKernel(name: string, inputs: Record<string, Info> | Info[], attrs: object = {}): tf.Tensor {
  return tf.engine().runKernel(
    name,
    inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}

/** Reshape (shares the data buffer; no copy). */
export function reshape(x: Info, shape: number[]): tf.Tensor {
  return runKernel(tf.Reshape, { x }, { shape });
}

/** Transpose by `perm`. */
export function transpose(x: Info, perm: number[]): tf.Tensor {
  return runKernel(tf.Transpose, { x }, { perm });
}

/** Constant (zero) padding; `paddings` has one [before, after] pair per axis. */
export function pad(x: Info, paddings: Pair[], constantValue = 0): tf.Tensor {
  return runKernel(tf.PadV2, { x }, { paddings, constantValue });
}

/** Contiguous slice. */
export function slice(x: Info, begin: number[], size: number[]): tf.Tensor {
  return runKernel(tf.Slice, { x }, { begin, size });
}

/** Strided slice without any masks: `[begin, end)` with `strides` on every axis. */
export function stridedSlice(x: Info, begin: number[], end: number[], strides: number[]): tf.Tensor {
  return runKernel(
    tf.StridedSlice,
    { x },
    { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
  );
}

/** Reverses the given axes. */
export function reverse(x: Info, dims: number[]): tf.Tensor {
  return runKernel(tf.Reverse, { x }, { dims });
}

/** Sum-reduces `axis`. */
export function sum(x: Info, axis: number | number[], keepDims = false): tf.Tensor {
  return runKernel(tf.Sum, { x }, { axis, keepDims });
}

/** Concatenates along `axis`. */
export function concat(xs: Info[], axis: number): tf.Tensor {
  if (xs.length === 1) return reshape(xs[0]!, xs[0]!.shape.slice());
  return runKernel(tf.Concat, xs, { axis });
}

/** (Batched) matrix product of rank >= 2 operands. */
export function batchMatMul(a: Info, b: Info, transposeA = false, transposeB = false): tf.Tensor {
  return runKernel(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
}

/** Depthwise convolution (NHWC), as the forward kernel computes it. */
export function depthwiseConv2d(
  x: Info,
  filter: Info,
  strides: Pair,
  padding: 'valid' | 'same' | number,
  dilations: Pair,
): tf.Tensor {
  return runKernel(tf.DepthwiseConv2dNative, { x, filter }, { strides, pad: padding, dilations });
}

/** A filled tensor, created on the active backend. */
export function fill(shape: number[], value: number, dtype: tf.DataType): tf.Tensor {
  return runKernel(tf.Fill, {}, { shape, value, dtype });
}

/** Normalises a `number | [number, number]` conv attribute to a pair. */
export function toPair(v: number | number[] | undefined | null, dflt = 1): Pair {
  if (v == null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  if (v.length === 1) return [v[0]!, v[0]!];
  return [v[0]!, v[1]!];
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an
 * NHWC tensor. Cropping runs first so that no more is padded than is kept.
 */
export function padOrCropSpatial(x: Info, top: number, bottom: number, left: number, right: number): tf.Tensor | Info {
  let cur: Info = x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cropT = Math.max(0, -top);
  const cropB = Math.max(0, -bottom);
  const cropL = Math.max(0, -left);
  const cropR = Math.max(0, -right);
  if (cropT + cropB + cropL + cropR > 0) {
    cur = slice(cur, [0, cropT, cropL, 0], [n, h - cropT - cropB, w - cropL - cropR, c]);
  }
  const padT = Math.max(0, top);
  const padB = Math.max(0, bottom);
  const padL = Math.max(0, left);
  const padR = Math.max(0, right);
  if (padT + padB + padL + padR > 0) {
    cur = pad(cur, [
      [0, 0],
      [padT, padB],
      [padL, padR],
      [0, 0],
    ]);
  }
  return cur;
}

/**
 * "Zero-dilates" the spatial axes of an NHWC tensor: inserts `sh - 1` zero rows
 * after every row and `sw - 1` zero columns after every column, giving
 * `[n, h * sh, w * sw, c]` (the trailing zeros are included; callers crop them
 * with {@link padOrCropSpatial}). Built from Reshape + PadV2 + Reshape, so it is a
 * single copy.
 */
export function zeroDilateSpatial(x: Info, sh: number, sw: number): Info {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const x6 = reshape(x, [n, h, 1, w, 1, c]);
  const padded = pad(x6, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return reshape(padded, [n, h * sh, w * sw, c]);
}

/** Reads the ids of an int32 tensor held by `backend` (cheap on wasm: a heap copy). */
export function readInt32(backend: tf.KernelBackend, t: Info): Int32Array {
  const vals = backend.readSync(t.dataId) as ArrayLike<number>;
  return vals instanceof Int32Array ? vals : Int32Array.from(vals);
}
