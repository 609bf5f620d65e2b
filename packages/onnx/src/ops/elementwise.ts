/**
 * Element-wise binary and variadic ops with numpy broadcasting: arithmetic (Add Sub Mul Div Pow Mod
 * Max Min Sum Mean), comparisons (Equal Less Greater LessOrEqual GreaterOrEqual), logic (And Or Xor
 * Not), BitShift and Where. Small host inputs are computed on the host (shape arithmetic), everything
 * else with functional tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { castToInt, isFloat, isInt, type DType } from '../dtypes.js';
import { sizeOf } from '../tensor-data.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp, type OpKernel } from './registry.js';
import { broadcastShapes, hostEligible, hostElementwise, input, out } from './util.js';

type TfBinary = (a: tf.Tensor, b: tf.Tensor, dtype: DType) => tf.Tensor;

/** Integer division truncating toward zero (C semantics, what ONNX Runtime does for integer Div). */
function truncDiv(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const q = tf.floorDiv(a, b);
  const r = tf.sub(a, tf.mul(q, b));
  const signsDiffer = tf.notEqual(tf.less(a, 0), tf.less(b, 0));
  const fix = tf.logicalAnd(tf.notEqual(r, 0), signsDiffer);
  return tf.add(q, tf.cast(fix, q.dtype));
}

function hostDiv(dtype: DType): (a: number, b: number) => number {
  if (isInt(dtype)) return (a, b) => (b === 0 ? 0 : Math.trunc(a / b));
  return (a, b) => a / b;
}

function cFmod(a: number, b: number): number {
  return a % b;
}

function floorMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Registers an arithmetic binary op whose output type is its first input's type. */
function arithmetic(name: string, host: (a: number, b: number, dtype: DType) => number, dev: TfBinary): void {
  const k: OpKernel = (inputs, ctx) => {
    const a = input(inputs, 0, ctx);
    const b = input(inputs, 1, ctx);
    const dtype = a.dtype;
    if (hostEligible([a, b])) return [hostElementwise([a, b], dtype, (x, y) => host(x, y, dtype))];
    const ta = a.tensor();
    let tb = b.tensor();
    if (tb.dtype !== ta.dtype) tb = tf.cast(tb, ta.dtype);
    return [out(dev(ta, tb, dtype), dtype)];
  };
  registerOp(name, k);
}

arithmetic('Add', (a, b) => a + b, (a, b) => tf.add(a, b));
arithmetic('Sub', (a, b) => a - b, (a, b) => tf.sub(a, b));
arithmetic('Mul', (a, b) => a * b, (a, b) => tf.mul(a, b));
arithmetic('Div', (a, b, d) => hostDiv(d)(a, b), (a, b, d) => (isFloat(d) ? tf.div(a, b) : truncDiv(a, b)));

registerOp('Pow', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  const b = input(inputs, 1, ctx);
  const dtype = a.dtype;
  if (hostEligible([a, b])) return [hostElementwise([a, b], dtype, (x, y) => Math.pow(x, y))];
  const ta = a.floatTensor();
  const tb = b.floatTensor();
  // x^2 (LayerNorm variance in every transformer export) as x*x: exact and cheaper.
  if (b.isHost && b.size === 1 && b.numbers()[0] === 2) return [out(tf.mul(ta, ta), dtype)];
  const r = tf.pow(ta, tb);
  return [out(isInt(dtype) ? tf.round(r) : r, dtype)];
});

registerOp('Mod', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  const b = input(inputs, 1, ctx);
  const fmod = ctx.attrs.int('fmod', 0) === 1;
  const dtype = a.dtype;
  if (hostEligible([a, b]) || !isFloat(dtype)) {
    // Integer mod on the host keeps uint32/int64 values exact.
    const r = hostElementwiseLarge([a, b], dtype, fmod ? cFmod : floorMod);
    return [r];
  }
  const ta = a.tensor();
  const tb = b.tensor();
  if (fmod) return [out(tf.sub(ta, tf.mul(tf.cast(tf.cast(tf.div(ta, tb), 'int32'), 'float32'), tb)), dtype)];
  return [out(tf.mod(ta, tb), dtype)];
});

/** Host element-wise without the size limit (for integer ops tfjs cannot do exactly); big outputs become tensors. */
function hostElementwiseLarge(vals: Value[], dtype: DType, fn: (...xs: number[]) => number): Value {
  const r = hostElementwise(vals, dtype, fn);
  if (r.size <= HOST_LIMIT) return r;
  const t = r.tensor();
  return Value.fromTensor(t, dtype);
}

function variadic(name: string, host: (acc: number, x: number) => number, dev: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, mean = false): void {
  registerOp(name, (inputs, ctx) => {
    const vals = inputs.map((_, i) => input(inputs, i, ctx));
    const dtype = vals[0]!.dtype;
    if (hostEligible(vals)) {
      return [
        hostElementwise(vals, dtype, (...xs) => {
          let acc = xs[0]!;
          for (let i = 1; i < xs.length; i++) acc = host(acc, xs[i]!);
          return mean ? acc / xs.length : acc;
        }),
      ];
    }
    const shape = broadcastShapes(...vals.map((v) => v.shape));
    let acc = tf.broadcastTo(vals[0]!.tensor(), shape);
    for (let i = 1; i < vals.length; i++) acc = dev(acc, vals[i]!.tensor());
    if (mean) acc = tf.div(acc, vals.length);
    if (acc === vals[0]!.tensor()) acc = tf.clone(acc);
    return [out(acc, dtype)];
  });
}

variadic('Max', (a, x) => (Number.isNaN(a) || Number.isNaN(x) ? NaN : Math.max(a, x)), (a, b) => tf.maximum(a, b));
variadic('Min', (a, x) => (Number.isNaN(a) || Number.isNaN(x) ? NaN : Math.min(a, x)), (a, b) => tf.minimum(a, b));
variadic('Sum', (a, x) => a + x, (a, b) => tf.add(a, b));
variadic('Mean', (a, x) => a + x, (a, b) => tf.add(a, b), true);

function comparison(name: string, host: (a: number, b: number) => boolean, dev: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): void {
  registerOp(name, (inputs, ctx) => {
    const a = input(inputs, 0, ctx);
    const b = input(inputs, 1, ctx);
    if (a.dtype === 'string' || b.dtype === 'string') {
      const sa = a.strings();
      const sb = b.strings();
      const shape = broadcastShapes(a.shape, b.shape);
      if (sizeOf(shape) !== Math.max(sa.length, sb.length)) throw new Error('string comparison supports equal shapes or scalars only');
      const n = sizeOf(shape);
      const r = Array.from({ length: n }, (_, i) => (host as unknown as (x: string, y: string) => boolean)(sa[sa.length === 1 ? 0 : i]!, sb[sb.length === 1 ? 0 : i]!) ? 1 : 0);
      return [Value.fromHost(r, shape, 'bool')];
    }
    if (hostEligible([a, b])) return [hostElementwise([a, b], 'bool', (x, y) => (host(x, y) ? 1 : 0))];
    let ta = a.tensor();
    let tb = b.tensor();
    if (ta.dtype !== tb.dtype) {
      ta = a.floatTensor();
      tb = b.floatTensor();
    }
    return [out(dev(ta, tb), 'bool')];
  });
}

comparison('Equal', (a, b) => a === b, (a, b) => tf.equal(a, b));
comparison('Less', (a, b) => a < b, (a, b) => tf.less(a, b));
comparison('Greater', (a, b) => a > b, (a, b) => tf.greater(a, b));
comparison('LessOrEqual', (a, b) => a <= b, (a, b) => tf.lessEqual(a, b));
comparison('GreaterOrEqual', (a, b) => a >= b, (a, b) => tf.greaterEqual(a, b));

function logical(name: string, host: (a: boolean, b: boolean) => boolean, dev: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): void {
  registerOp(name, (inputs, ctx) => {
    const a = input(inputs, 0, ctx);
    const b = input(inputs, 1, ctx);
    if (hostEligible([a, b])) return [hostElementwise([a, b], 'bool', (x, y) => (host(!!x, !!y) ? 1 : 0))];
    return [out(dev(a.tensor(), b.tensor()), 'bool')];
  });
}

logical('And', (a, b) => a && b, (a, b) => tf.logicalAnd(a, b));
logical('Or', (a, b) => a || b, (a, b) => tf.logicalOr(a, b));
logical('Xor', (a, b) => a !== b, (a, b) => tf.logicalXor(a, b));

registerOp('Not', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  if (hostEligible([a])) return [hostElementwise([a], 'bool', (x) => (x ? 0 : 1))];
  return [out(tf.logicalNot(a.tensor()), 'bool')];
});

registerOp('BitShift', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  const b = input(inputs, 1, ctx);
  const left = ctx.attrs.string('direction') === 'LEFT';
  const dtype = a.dtype;
  // Exact on the host (uint32/uint64 values do not fit tfjs int32).
  return [
    hostElementwiseLarge([a, b], dtype, (x, y) => castToInt(left ? x * 2 ** y : Math.floor(x / 2 ** y), dtype)),
  ];
});

registerOp('Where', (inputs, ctx) => {
  const c = input(inputs, 0, ctx);
  const a = input(inputs, 1, ctx);
  const b = input(inputs, 2, ctx);
  const dtype = a.dtype;
  if (hostEligible([c, a, b]) && dtype !== 'string') return [hostElementwise([c, a, b], dtype, (x, y, z) => (x ? y : z))];
  const shape = broadcastShapes(c.shape, a.shape, b.shape);
  const tc = tf.broadcastTo(c.tensor(), shape);
  let ta = tf.broadcastTo(a.tensor(), shape);
  let tb = tf.broadcastTo(b.tensor(), shape);
  if (ta.dtype !== tb.dtype) {
    ta = tf.cast(ta, 'float32');
    tb = tf.cast(tb, 'float32');
  }
  return [out(tf.where(tc, ta, tb), dtype)];
});
