/**
 * Type conversion: Cast and CastLike with C-cast semantics (float → int truncates; narrow integer
 * types wrap; float16/bfloat16 round). Float → float casts keep the gradient (a tfjs clone);
 * conversions that need exact integer or half-precision arithmetic run on the host.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dtypeFromCode, isFloat, roundToBfloat16, roundToFloat16, storageOf, type DType } from '../dtypes.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp } from './registry.js';
import { input, out } from './util.js';

/** Converts one number from `from` to `to` as ONNX Cast does. */
function castNumber(v: number, to: DType): number {
  if (to === 'float16') return roundToFloat16(v);
  if (to === 'bfloat16') return roundToBfloat16(v);
  return v; // integer wrap and float32 rounding happen in Value.fromHost
}

/** Formats a float32 like numpy's `str(np.float32(v))`: the shortest decimal that round-trips. */
function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'INF';
  if (v === -Infinity) return '-INF';
  const f = Math.fround(v);
  let s = String(f);
  for (let p = 1; p <= 9; p++) {
    const c = f.toPrecision(p);
    if (Math.fround(Number(c)) === f) {
      s = String(Number(c));
      break;
    }
  }
  if (/e/.test(s)) {
    const [m, e] = s.split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return s.includes('.') ? s : `${s}.0`;
}

/** Casts a value to `to`. */
export function castValue(x: Value, to: DType): Value {
  if (to === x.dtype) return x;
  if (x.dtype === 'string' || to === 'string') {
    if (to === 'string') return Value.fromHost(Array.from(x.numbers(), formatFloat), x.shape, 'string');
    const nums = x.strings().map((s) => {
      const t = s.trim().toUpperCase();
      if (t === 'INF' || t === '+INF' || t === 'INFINITY') return Infinity;
      if (t === '-INF' || t === '-INFINITY') return -Infinity;
      return Number(s);
    });
    return Value.fromHost(nums, x.shape, to);
  }
  // Half precision and narrow integers (wrap-around) need exact host arithmetic.
  const exactNeeded = ['float16', 'bfloat16', 'int8', 'uint8', 'int16', 'uint16'].includes(to);
  if (x.isHost || (exactNeeded && x.size <= 1 << 22)) {
    const v = Value.fromHost(Array.from(x.numbers(), (n) => castNumber(to === 'bool' ? (n !== 0 ? 1 : 0) : n, to)), x.shape, to);
    return x.isHost && v.size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), to);
  }
  const t = x.tensor();
  const storage = storageOf(to);
  if (storage === t.dtype) return Value.fromTensor(tf.clone(t), to);
  if (storage === 'bool') return Value.fromTensor(tf.notEqual(t, tf.scalar(0, t.dtype)), to);
  if (storage === 'int32' && isFloat(x.dtype)) {
    // Truncation toward zero; NaN → 0 (tf.cast leaves NaN undefined on some backends).
    const clean = tf.where(tf.isNaN(t), tf.zerosLike(t), t);
    return out(tf.cast(tf.clipByValue(clean, -2147483648, 2147483647), 'int32'), to);
  }
  return out(tf.cast(t, storage), to);
}

registerOp('Cast', (inputs, ctx) => [castValue(input(inputs, 0, ctx), dtypeFromCode(ctx.attrs.int('to')))]);
registerOp('CastLike', (inputs, ctx) => [castValue(input(inputs, 0, ctx), input(inputs, 1, ctx).dtype)]);
