/**
 * Activation functions: Relu LeakyRelu PRelu Elu Selu Celu Sigmoid HardSigmoid HardSwish Tanh
 * Softplus Softsign ThresholdedRelu Shrink Gelu, and Clip. All differentiable tfjs compositions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isFloat } from '../dtypes.js';
import type { Attributes } from '../model.js';
import { registerOp } from './registry.js';
import { input, optInput, out } from './util.js';

function activation(name: string, f: (x: tf.Tensor, a: Attributes) => tf.Tensor): void {
  registerOp(name, (inputs, ctx) => {
    const x = input(inputs, 0, ctx);
    return [out(f(x.floatTensor(), ctx.attrs), x.dtype)];
  });
}

activation('Relu', (x) => tf.relu(x));
activation('Sigmoid', (x) => tf.sigmoid(x));
activation('Tanh', (x) => tf.tanh(x));
activation('Softplus', (x) => tf.softplus(x));
activation('Softsign', (x) => tf.div(x, tf.add(tf.abs(x), 1)));
activation('LeakyRelu', (x, a) => tf.leakyRelu(x, a.float('alpha', 0.01)));
activation('Elu', (x, a) => {
  const alpha = a.float('alpha', 1);
  return tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
});
activation('Selu', (x, a) => {
  const alpha = a.float('alpha', 1.67326319217681884765625);
  const gamma = a.float('gamma', 1.05070102214813232421875);
  return tf.mul(gamma, tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1))));
});
activation('Celu', (x, a) => {
  const alpha = a.float('alpha', 1);
  return tf.add(tf.relu(x), tf.minimum(0, tf.mul(alpha, tf.sub(tf.exp(tf.div(x, alpha)), 1))));
});
activation('HardSigmoid', (x, a) =>
  tf.clipByValue(tf.add(tf.mul(x, a.float('alpha', 0.2)), a.float('beta', 0.5)), 0, 1),
);
activation('HardSwish', (x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1)));
activation('ThresholdedRelu', (x, a) => tf.mul(x, tf.cast(tf.greater(x, a.float('alpha', 1)), 'float32')));
activation('Shrink', (x, a) => {
  const lambd = a.float('lambd', 0.5);
  const bias = a.float('bias', 0);
  const lo = tf.cast(tf.less(x, -lambd), 'float32');
  const hi = tf.cast(tf.greater(x, lambd), 'float32');
  return tf.add(tf.mul(lo, tf.add(x, bias)), tf.mul(hi, tf.sub(x, bias)));
});
activation('Gelu', (x, a) => {
  if (a.string('approximate', 'none') === 'tanh') {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  }
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
});

registerOp('PRelu', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const slope = input(inputs, 1, ctx);
  const t = x.floatTensor();
  return [out(tf.add(tf.relu(t), tf.mul(slope.floatTensor(), tf.minimum(t, 0))), x.dtype)];
});

registerOp('Clip', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  let lo: tf.Tensor | number | undefined;
  let hi: tf.Tensor | number | undefined;
  if (ctx.opset < 11) {
    lo = ctx.attrs.float('min', -3.4028234663852886e38);
    hi = ctx.attrs.float('max', 3.4028234663852886e38);
  } else {
    const mn = optInput(inputs, 1);
    const mx = optInput(inputs, 2);
    lo = mn ? (mn.isHost ? mn.numbers()[0]! : mn.tensor()) : undefined;
    hi = mx ? (mx.isHost ? mx.numbers()[0]! : mx.tensor()) : undefined;
  }
  const t = x.tensor();
  if (typeof lo === 'number' && typeof hi === 'number' && isFloat(x.dtype)) {
    if (lo > hi) return [out(tf.fill(t.shape, hi, 'float32'), x.dtype)];
    return [out(tf.clipByValue(t, lo, hi), x.dtype)];
  }
  let r = t;
  if (lo !== undefined) r = tf.maximum(r, typeof lo === 'number' ? tf.scalar(lo, t.dtype) : tf.cast(lo, t.dtype));
  if (hi !== undefined) r = tf.minimum(r, typeof hi === 'number' ? tf.scalar(hi, t.dtype) : tf.cast(hi, t.dtype));
  if (r === t) r = tf.clone(t);
  return [out(r, x.dtype)];
});
