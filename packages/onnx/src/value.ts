/**
 * Runtime values of the executor. A tensor value holds either
 * - a tfjs tensor (everything that may carry a gradient, and anything large), or
 * - *host* data, a small JS array: shapes, indices, scalars and the shape arithmetic built from them
 *   (Shape → Gather → Concat → Reshape). Host values are computed on the CPU side without tfjs
 *   kernels or `dataSync`, exactly (int64 up to 2^53), and become a tensor only when a tfjs op needs one.
 *
 * Every value keeps its ONNX element type ({@link DType}); the tfjs storage type follows from it
 * (see `dtypes.ts`). Sequences and optionals (rare: `If` tests of the conformance suite, Loop scans)
 * are {@link SequenceValue} and {@link OptionalValue}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { castToInt, clampInt32, isFloat, isInt, storageOf, type DType } from './dtypes.js';
import { sizeOf, toFloat64, type TensorData } from './tensor-data.js';

/** Host data: exact numbers (bool as 0/1; float32 values already rounded to float32) or strings. */
export type HostData = Float64Array | string[];

/** Largest element count kept on the host by the shape-arithmetic ops. */
export const HOST_LIMIT = 4096;

/** A tensor value: ONNX type + shape + (tfjs tensor or host data). */
export class Value {
  readonly kind = 'tensor' as const;
  readonly dtype: DType;
  readonly shape: number[];
  private hostData: HostData | undefined;
  private tf: tf.Tensor | undefined;
  /** Persistent values (initializers, folded constants) outlive runs; their tensors are kept from tidy scopes. */
  persistent = false;
  /** Borrowed values wrap a caller's tensor (a feed): the executor never disposes them. */
  borrowed = false;

  private constructor(dtype: DType, shape: number[], host: HostData | undefined, t: tf.Tensor | undefined) {
    this.dtype = dtype;
    this.shape = shape;
    this.hostData = host;
    this.tf = t;
  }

  /** Wraps a tfjs tensor (its storage dtype must match `dtype`'s, see `storageOf`; float storage is accepted for integer types). */
  static fromTensor(t: tf.Tensor, dtype: DType): Value {
    return new Value(dtype, t.shape.slice(), undefined, t);
  }

  /** A host value; numbers are normalised to the type (float32 rounding, integer wrap-around, bool 0/1). */
  static fromHost(data: ArrayLike<number> | string[], shape: number[], dtype: DType): Value {
    if (sizeOf(shape) !== data.length) throw new Error(`host value of shape [${shape}] given ${data.length} values`);
    if (dtype === 'string') return new Value(dtype, shape, Array.from(data as string[]), undefined);
    const out = new Float64Array(data.length);
    normaliseInto(out, data as ArrayLike<number>, dtype);
    return new Value(dtype, shape, out, undefined);
  }

  /** A value from plain {@link TensorData}: host when it is an integer/bool/string tensor or small, else a tensor. */
  static fromData(d: TensorData, preferHost = false): Value {
    const n = sizeOf(d.dims);
    const host = d.dtype === 'string' || ((preferHost || !isFloat(d.dtype)) && n <= HOST_LIMIT) || n <= 16;
    if (d.dtype === 'string') return Value.fromHost(d.data as string[], d.dims.slice(), d.dtype);
    if (host) return Value.fromHost(toFloat64(d.data), d.dims.slice(), d.dtype);
    return Value.fromTensor(makeTensor(toFloat64(d.data), d.dims, d.dtype), d.dtype);
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Rank. */
  get rank(): number {
    return this.shape.length;
  }

  /** True when the value lives on the host (no tfjs tensor created yet). */
  get isHost(): boolean {
    return this.hostData !== undefined;
  }

  /** The host data, if any. */
  get host(): HostData | undefined {
    return this.hostData;
  }

  /** True when a tfjs tensor exists (given or materialised). */
  get hasTensor(): boolean {
    return this.tf !== undefined;
  }

  /**
   * The tfjs tensor of this value (created from the host data on first use; integer values are
   * clamped to int32). Do not dispose it: the executor owns it.
   */
  tensor(): tf.Tensor {
    if (this.tf && !this.tf.isDisposed) return this.tf;
    if (!this.hostData) throw new Error('value has neither host data nor a live tensor (disposed?)');
    if (this.persistent) {
      // A constant's tensor lives for one run only (cached per run, freed by the run's tidy), so that
      // no call leaves tensors behind; host constants are small.
      const cache = runCaches[runCaches.length - 1];
      const hit = cache?.get(this);
      if (hit && !hit.isDisposed) return hit;
      const t = makeTensor(this.hostData, this.shape, this.dtype);
      cache?.set(this, t);
      return t;
    }
    const t = makeTensor(this.hostData, this.shape, this.dtype);
    this.tf = t;
    return t;
  }

  /** The tensor converted to float32 (a new tensor unless it is already float32). */
  floatTensor(): tf.Tensor {
    const t = this.tensor();
    return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
  }

  /** The tensor converted to int32 (integer/bool values; float storage is rounded). */
  intTensor(): tf.Tensor {
    const t = this.tensor();
    if (t.dtype === 'int32') return t;
    return tf.cast(t.dtype === 'float32' ? tf.round(t) : t, 'int32');
  }

  /** The values as exact numbers (host data, or the tensor read with `dataSync`). */
  numbers(): Float64Array {
    if (this.hostData) {
      if (Array.isArray(this.hostData)) throw new Error('string value read as numbers');
      return this.hostData;
    }
    const t = this.tensor();
    if (t.dtype === 'string') throw new Error('string value read as numbers');
    const d = t.dataSync() as Float32Array | Int32Array | Uint8Array;
    return Float64Array.from(d);
  }

  /** The values as strings (string tensors only). */
  strings(): string[] {
    if (this.hostData && Array.isArray(this.hostData)) return this.hostData;
    const t = this.tensor();
    if (t.dtype !== 'string') throw new Error(`${this.dtype} value read as strings`);
    return (t.dataSync() as unknown as Uint8Array[]).map((b) => (typeof b === 'string' ? b : new TextDecoder().decode(b)));
  }

  /** The values as plain {@link TensorData} (reads the tensor back if needed). */
  toData(): TensorData {
    if (this.dtype === 'string') return { dtype: this.dtype, dims: this.shape.slice(), data: this.strings().slice() };
    return { dtype: this.dtype, dims: this.shape.slice(), data: Float64Array.from(this.numbers()) };
  }

  /** Frees the tensor (not for persistent values unless `force`). Host data stays readable. */
  dispose(force = false): void {
    if ((this.persistent || this.borrowed) && !force) return;
    if (this.tf && !this.tf.isDisposed) this.tf.dispose();
    this.tf = undefined;
  }
}

const runCaches: Array<Map<Value, tf.Tensor>> = [];

/** Runs `fn` with a fresh cache for the tensors of host constants (see {@link Value.tensor}). */
export function withRunCache<T>(fn: () => T): T {
  runCaches.push(new Map());
  try {
    return fn();
  } finally {
    runCaches.pop();
  }
}

/** An ONNX sequence: an ordered list of tensor values. */
export interface SequenceValue {
  readonly kind: 'sequence';
  readonly items: Value[];
  /** Element type, when known (empty sequences). */
  readonly elemType?: DType;
}

/** An ONNX optional: a tensor, a sequence or nothing. */
export interface OptionalValue {
  readonly kind: 'optional';
  readonly value: Value | SequenceValue | undefined;
}

/** Anything an ONNX edge can carry. */
export type RuntimeValue = Value | SequenceValue | OptionalValue;

/** Rounds and wraps numbers into the representable set of `dtype` (writes into `out`). */
export function normaliseInto(out: Float64Array, data: ArrayLike<number>, dtype: DType): void {
  const n = data.length;
  if (dtype === 'float32' || dtype === 'float16' || dtype === 'bfloat16') {
    for (let i = 0; i < n; i++) out[i] = Math.fround(data[i]!);
  } else if (dtype === 'float64') {
    for (let i = 0; i < n; i++) out[i] = data[i]!;
  } else if (dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = data[i] ? 1 : 0;
  } else if (isInt(dtype)) {
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      out[i] = Number.isInteger(v) ? castToInt(v, dtype) : castToInt(Math.trunc(v), dtype);
    }
  } else {
    throw new Error(`unsupported host dtype ${dtype}`);
  }
}

/** Creates a tfjs tensor (storage dtype of `dtype`) from exact numbers or strings. */
export function makeTensor(data: HostData | Float64Array, shape: number[], dtype: DType): tf.Tensor {
  const storage = storageOf(dtype);
  if (storage === 'string') return tf.tensor(data as string[], shape, 'string');
  const d = data as Float64Array;
  if (storage === 'float32') return tf.tensor(Float32Array.from(d), shape, 'float32');
  if (storage === 'bool') return tf.tensor(Uint8Array.from(d, (v) => (v ? 1 : 0)), shape, 'bool');
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = clampInt32(d[i]!);
  return tf.tensor(out, shape, 'int32');
}

/** Type guard: a tensor value. */
export function isTensorValue(v: RuntimeValue | undefined): v is Value {
  return v instanceof Value;
}
