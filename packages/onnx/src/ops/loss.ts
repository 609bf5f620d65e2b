/**
 * Losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (class axis 1, optional per-class
 * weights, ignore_index, reductions none/sum/mean). Targets are read on the host; the picked
 * log-probabilities are a differentiable gather.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf } from '../tensor-data.js';
import { registerOp, type OpContext } from './registry.js';
import { alongAxisOf } from './normalization.js';
import { input, optInput, out } from './util.js';

/** NLL of log-probabilities `logp` [N, C, d…] at integer targets [N, d…]. */
function nll(logp: tf.Tensor, target: Float64Array, targetShape: number[], weight: Float64Array | undefined, ctx: OpContext): tf.Tensor {
  const [n, c] = logp.shape as [number, number];
  const inner = sizeOf(logp.shape.slice(2));
  const ignore = ctx.attrs.has('ignore_index') ? ctx.attrs.int('ignore_index') : undefined;
  const reduction = ctx.attrs.string('reduction', 'mean');
  const flat: number[] = new Array(target.length);
  const w = new Float32Array(target.length);
  for (let i = 0; i < target.length; i++) {
    const t = target[i]!;
    const b = Math.floor(i / inner);
    const d = i % inner;
    if (t === ignore) {
      flat[i] = b * c * inner + d;
      w[i] = 0;
      continue;
    }
    if (t < 0 || t >= c) throw new Error(`target ${t} is out of range for ${c} classes`);
    flat[i] = (b * c + t) * inner + d;
    w[i] = weight ? weight[t]! : 1;
  }
  void n;
  const picked = tf.gather(tf.reshape(logp, [-1]), tf.tensor1d(Int32Array.from(flat), 'int32'));
  const wT = tf.tensor1d(w);
  const loss = tf.neg(tf.mul(picked, wT));
  if (reduction === 'none') return tf.reshape(loss, targetShape);
  if (reduction === 'sum') return tf.sum(loss);
  if (reduction === 'mean') return tf.div(tf.sum(loss), w.reduce((a, b) => a + b, 0));
  throw new Error(`reduction '${reduction}' is not supported`);
}

registerOp('NegativeLogLikelihoodLoss', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const t = input(inputs, 1, ctx);
  const w = optInput(inputs, 2);
  return [out(nll(x.floatTensor(), t.numbers(), t.shape, w?.numbers(), ctx), x.dtype)];
});

registerOp('SoftmaxCrossEntropyLoss', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const t = input(inputs, 1, ctx);
  const w = optInput(inputs, 2);
  // log-softmax over the class axis 1.
  const logp = alongAxisOf(x.floatTensor(), 1, (t) => tf.logSoftmax(t));
  const loss = nll(logp, t.numbers(), t.shape, w?.numbers(), ctx);
  return [out(loss, x.dtype), out(logp, x.dtype)];
});
