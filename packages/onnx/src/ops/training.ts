/**
 * The optimizer update rules of the `ai.onnx.preview.training` domain: Adagrad, Momentum, Adam.
 * Inputs: learning rate R, step count T, then the tensors X…, gradients G…, and the optimizer state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Value } from '../value.js';
import { registerOp } from './registry.js';
import { input, out } from './util.js';

const DOMAIN = 'ai.onnx.preview.training';

function groups(inputs: Parameters<typeof input>[0], k: number): Value[][] {
  const rest = inputs.slice(2).map((_, i) => input(inputs, i + 2));
  const n = rest.length / k;
  return Array.from({ length: k }, (_, g) => rest.slice(g * n, (g + 1) * n));
}

registerOp(
  'Adagrad',
  (inputs, ctx) => {
    const r = input(inputs, 0, ctx).numbers()[0]!;
    const t = input(inputs, 1, ctx).numbers()[0]!;
    const decay = ctx.attrs.float('decay_factor', 0);
    const eps = ctx.attrs.float('epsilon', 1e-6);
    const norm = ctx.attrs.float('norm_coefficient', 0);
    const [xs, gs, hs] = groups(inputs, 3) as [Value[], Value[], Value[]];
    const rate = r / (1 + t * decay);
    const xNew: Value[] = [];
    const hNew: Value[] = [];
    xs.forEach((xv, i) => {
      const x = xv.floatTensor();
      const g = tf.add(tf.mul(norm, x), gs[i]!.floatTensor());
      const h = tf.add(hs[i]!.floatTensor(), tf.mul(g, g));
      xNew.push(out(tf.sub(x, tf.div(tf.mul(rate, g), tf.add(tf.sqrt(h), eps))), xv.dtype));
      hNew.push(out(h, xv.dtype));
    });
    return [...xNew, ...hNew];
  },
  { domain: DOMAIN },
);

registerOp(
  'Momentum',
  (inputs, ctx) => {
    const r = input(inputs, 0, ctx).numbers()[0]!;
    const t = input(inputs, 1, ctx).numbers()[0]!;
    const alpha = ctx.attrs.float('alpha');
    const beta = ctx.attrs.float('beta');
    const norm = ctx.attrs.float('norm_coefficient');
    const nesterov = ctx.attrs.string('mode') === 'nesterov';
    const [xs, gs, vs] = groups(inputs, 3) as [Value[], Value[], Value[]];
    const b = t > 0 ? beta : 1;
    const xNew: Value[] = [];
    const vNew: Value[] = [];
    xs.forEach((xv, i) => {
      const x = xv.floatTensor();
      const g = tf.add(tf.mul(norm, x), gs[i]!.floatTensor());
      const v = tf.add(tf.mul(alpha, vs[i]!.floatTensor()), tf.mul(b, g));
      const step = nesterov ? tf.add(g, tf.mul(alpha, v)) : v;
      xNew.push(out(tf.sub(x, tf.mul(r, step)), xv.dtype));
      vNew.push(out(v, xv.dtype));
    });
    return [...xNew, ...vNew];
  },
  { domain: DOMAIN },
);

registerOp(
  'Adam',
  (inputs, ctx) => {
    const r = input(inputs, 0, ctx).numbers()[0]!;
    const t = input(inputs, 1, ctx).numbers()[0]!;
    const alpha = ctx.attrs.float('alpha', 0.9);
    const beta = ctx.attrs.float('beta', 0.999);
    const eps = ctx.attrs.float('epsilon', 1e-6);
    const norm = ctx.attrs.float('norm_coefficient', 0);
    const post = ctx.attrs.float('norm_coefficient_post', 0);
    const [xs, gs, vs, hs] = groups(inputs, 4) as [Value[], Value[], Value[], Value[]];
    const rate = t > 0 ? (r * Math.sqrt(1 - beta ** t)) / (1 - alpha ** t) : r;
    const xNew: Value[] = [];
    const vNew: Value[] = [];
    const hNew: Value[] = [];
    xs.forEach((xv, i) => {
      const x = xv.floatTensor();
      const g = tf.add(tf.mul(norm, x), gs[i]!.floatTensor());
      const v = tf.add(tf.mul(alpha, vs[i]!.floatTensor()), tf.mul(1 - alpha, g));
      const h = tf.add(tf.mul(beta, hs[i]!.floatTensor()), tf.mul(1 - beta, tf.mul(g, g)));
      const x1 = tf.sub(x, tf.div(tf.mul(rate, v), tf.add(tf.sqrt(h), eps)));
      xNew.push(out(tf.mul(1 - post, x1), xv.dtype));
      vNew.push(out(v, xv.dtype));
      hNew.push(out(h, xv.dtype));
    });
    return [...xNew, ...vNew, ...hNew];
  },
  { domain: DOMAIN },
);
