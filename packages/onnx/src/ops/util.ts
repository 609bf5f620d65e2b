/**
 * Helpers shared by the kernels: input access, axis normalisation, broadcasting, and the host
 * (CPU-side, exact) evaluation of small element-wise computations used for shape arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { storageOf, type DType } from '../dtypes.js';
import { sizeOf } from '../tensor-data.js';
import { HOST_LIMIT, Value, type RuntimeValue, type SequenceValue } from '../value.js';
import type { OpContext } from './registry.js';

/** The tensor value of input `i` (throws a clear error when it is missing or not a tensor). */
export function input(inputs: Array<RuntimeValue | undefined>, i: number, ctx?: OpContext): Value {
  const v = inputs[i];
  if (v === undefined) throw new Error(`input ${i}${ctx ? ` ('${ctx.node.inputs[i] ?? ''}')` : ''} is required`);
  if (!(v instanceof Value)) throw new Error(`input ${i} must be a tensor, got a ${v.kind}`);
  return v;
}

/** The tensor value of optional input `i`, or undefined. Empty-named inputs are undefined. */
export function optInput(inputs: Array<RuntimeValue | undefined>, i: number): Value | undefined {
  const v = inputs[i];
  if (v === undefined) return undefined;
  if (!(v instanceof Value)) throw new Error(`input ${i} must be a tensor, got a ${v.kind}`);
  return v;
}

/** The sequence value of input `i`. */
export function seqInput(inputs: Array<RuntimeValue | undefined>, i: number): SequenceValue {
  const v = inputs[i];
  if (!v || v.kind !== 'sequence') throw new Error(`input ${i} must be a sequence`);
  return v;
}

/** The values of an integer tensor (shapes, axes, indices) as numbers. */
export function intsOf(v: Value): number[] {
  return Array.from(v.numbers());
}

/** A scalar (or one-element) value as a number. */
export function scalarOf(v: Value): number {
  const d = v.numbers();
  if (d.length < 1) throw new Error('expected a scalar, got an empty tensor');
  return d[0]!;
}

/** Normalises a possibly negative axis into [0, rank). */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** numpy-style (multidirectional) broadcast of shapes. */
export function broadcastShapes(...shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const v = k >= 0 ? s[k]! : 1;
      if (v === 1) continue;
      if (d !== 1 && d !== v) throw new Error(`shapes ${shapes.map((x) => `[${x}]`).join(' and ')} do not broadcast`);
      d = v;
    }
    // A zero-sized dim wins over 1.
    if (shapes.some((s) => s.length - rank + i >= 0 && s[s.length - rank + i] === 0)) d = 0;
    out.push(d);
  }
  return out;
}

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** For each flat index of `outShape`, the flat index of the broadcast element of `inShape`. */
export function broadcastIndexMap(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const r = outShape.length;
  const inStr = strides(inShape);
  const eff = new Array<number>(r).fill(0);
  for (let i = 0; i < r; i++) {
    const k = inShape.length - r + i;
    if (k >= 0 && inShape[k] !== 1) eff[i] = inStr[k]!;
  }
  const idx = new Array<number>(r).fill(0);
  let off = 0;
  for (let f = 0; f < n; f++) {
    map[f] = off;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]! += 1;
      off += eff[d]!;
      if (idx[d]! < outShape[d]!) break;
      off -= eff[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/** True when every given value lives on the host. */
export function allHost(...vs: Array<Value | undefined>): boolean {
  return vs.every((v) => v === undefined || v.isHost);
}

/**
 * Element-wise on the host with broadcasting: `fn` gets one number per input and returns the output
 * element (normalised to `outType`). Use only when {@link allHost} and the output is small.
 */
export function hostElementwise(vals: Value[], outType: DType, fn: (...xs: number[]) => number): Value {
  const shape = broadcastShapes(...vals.map((v) => v.shape));
  const n = sizeOf(shape);
  const maps = vals.map((v) => broadcastIndexMap(v.shape, shape));
  const datas = vals.map((v) => v.numbers());
  const out = new Float64Array(n);
  const args = new Array<number>(vals.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < vals.length; k++) args[k] = datas[k]![maps[k]![i]!]!;
    out[i] = fn(...args);
  }
  return Value.fromHost(out, shape, outType);
}

/** True when host evaluation applies: all inputs on the host and the output small. */
export function hostEligible(vals: Array<Value | undefined>, outSize?: number): boolean {
  if (!allHost(...vals)) return false;
  const n = outSize ?? sizeOf(broadcastShapes(...vals.filter((v): v is Value => !!v).map((v) => v.shape)));
  return n <= HOST_LIMIT;
}

/** Wraps a fresh tensor as a value of `dtype`, converting it to the dtype's storage if needed. */
export function out(t: tf.Tensor, dtype: DType): Value {
  const storage = storageOf(dtype);
  if (t.dtype !== storage) {
    // tf.cast float→int truncates toward zero, as C does.
    const c = tf.cast(t, storage);
    t.dispose();
    return Value.fromTensor(c, dtype);
  }
  return Value.fromTensor(t, dtype);
}

/** A value with the same data as `v` and a new shape (host: shares the data; tensor: tf.reshape). */
export function reshapeValue(v: Value, shape: number[]): Value {
  if (sizeOf(shape) !== v.size) throw new Error(`cannot reshape [${v.shape}] (${v.size} elements) to [${shape}]`);
  if (v.isHost) {
    const h = v.host!;
    return Value.fromHost(h as Float64Array, shape, v.dtype);
  }
  return Value.fromTensor(tf.reshape(v.tensor(), shape), v.dtype);
}

/** Host transpose. */
export function hostTranspose(v: Value, perm: number[]): Value {
  const shape = perm.map((p) => v.shape[p]!);
  const n = v.size;
  const src = v.isHost ? v.host! : v.numbers();
  const inStr = strides(v.shape);
  const outStr = strides(shape);
  const isStr = Array.isArray(src);
  const outArr: Array<number | string> = new Array(n);
  for (let f = 0; f < n; f++) {
    let rem = f;
    let off = 0;
    for (let d = 0; d < shape.length; d++) {
      const q = Math.floor(rem / outStr[d]!);
      rem -= q * outStr[d]!;
      off += q * inStr[perm[d]!]!;
    }
    outArr[f] = (src as ArrayLike<number | string>)[off]!;
  }
  return isStr ? Value.fromHost(outArr as string[], shape, v.dtype) : Value.fromHost(outArr as number[], shape, v.dtype);
}

/** Flat gather on the host along `axis`. */
export function hostTake(v: Value, indices: number[], idxShape: number[], axis: number): Value {
  const shape = v.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const dim = shape[axis]!;
  const src = v.host ?? v.numbers();
  const outShape = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
  const res: Array<number | string> = new Array(outer * indices.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const ix of indices) {
      const j = ix < 0 ? ix + dim : ix;
      if (j < 0 || j >= dim) throw new Error(`index ${ix} is out of range for a dimension of size ${dim}`);
      const base = (a * dim + j) * inner;
      for (let k = 0; k < inner; k++) res[o++] = (src as ArrayLike<number | string>)[base + k]!;
    }
  }
  return Array.isArray(src) ? Value.fromHost(res as string[], outShape, v.dtype) : Value.fromHost(res as number[], outShape, v.dtype);
}
