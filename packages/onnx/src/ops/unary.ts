/**
 * Element-wise unary math: Abs Neg Sqrt Exp Log Reciprocal Floor Ceil Round Sign, the trigonometric
 * and hyperbolic functions, Erf, IsNaN, IsInf. The exact ones also run on the host for shape arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isInt } from '../dtypes.js';
import { registerOp } from './registry.js';
import { hostEligible, hostElementwise, input, out } from './util.js';

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function unary(name: string, dev: (x: tf.Tensor) => tf.Tensor, host?: (x: number) => number, floatOnly = true): void {
  registerOp(name, (inputs, ctx) => {
    const x = input(inputs, 0, ctx);
    if (host && hostEligible([x])) return [hostElementwise([x], x.dtype, host)];
    const t = floatOnly || !isInt(x.dtype) ? x.floatTensor() : x.tensor();
    return [out(dev(t), x.dtype)];
  });
}

unary('Abs', (x) => tf.abs(x), Math.abs, false);
unary('Neg', (x) => tf.neg(x), (x) => -x, false);
unary('Sign', (x) => tf.sign(x), Math.sign, false);
unary('Sqrt', (x) => tf.sqrt(x), Math.sqrt);
unary('Reciprocal', (x) => tf.reciprocal(x), (x) => 1 / x);
unary('Floor', (x) => tf.floor(x), Math.floor);
unary('Ceil', (x) => tf.ceil(x), Math.ceil);
unary('Round', (x) => tf.round(x), roundHalfEven);
unary('Exp', (x) => tf.exp(x));
unary('Log', (x) => tf.log(x));
unary('Sin', (x) => tf.sin(x));
unary('Cos', (x) => tf.cos(x));
unary('Tan', (x) => tf.tan(x));
unary('Asin', (x) => tf.asin(x));
unary('Acos', (x) => tf.acos(x));
unary('Atan', (x) => tf.atan(x));
unary('Sinh', (x) => tf.sinh(x));
unary('Cosh', (x) => tf.cosh(x));
unary('Asinh', (x) => tf.asinh(x));
unary('Acosh', (x) => tf.acosh(x));
unary('Atanh', (x) => tf.atanh(x));
unary('Erf', (x) => tf.erf(x));

registerOp('IsNaN', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  if (hostEligible([x])) return [hostElementwise([x], 'bool', (v) => (Number.isNaN(v) ? 1 : 0))];
  return [out(tf.isNaN(x.floatTensor()), 'bool')];
});

registerOp('IsInf', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const pos = ctx.attrs.int('detect_positive', 1) === 1;
  const neg = ctx.attrs.int('detect_negative', 1) === 1;
  const test = (v: number): number => ((pos && v === Infinity) || (neg && v === -Infinity) ? 1 : 0);
  if (hostEligible([x])) return [hostElementwise([x], 'bool', test)];
  const t = x.floatTensor();
  const none = (): tf.Tensor => tf.cast(tf.zerosLike(t), 'bool');
  const p = pos ? tf.equal(t, Infinity) : none();
  const n = neg ? tf.equal(t, -Infinity) : none();
  return [out(tf.logicalOr(p, n), 'bool')];
});
