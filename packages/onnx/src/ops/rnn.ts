/**
 * Recurrent layers: RNN, GRU, LSTM (forward, reverse, bidirectional; both layouts; sequence_lens;
 * custom activations; clip; GRU linear_before_reset; LSTM peepholes and input_forget), unrolled over
 * time with differentiable tfjs ops.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Attributes } from '../model.js';
import { registerOp, type OpContext } from './registry.js';
import { input, optInput, out } from './util.js';

type Act = (x: tf.Tensor) => tf.Tensor;

function activation(name: string, alpha: number | undefined, beta: number | undefined): Act {
  switch (name.toLowerCase()) {
    case 'relu':
      return (x) => tf.relu(x);
    case 'tanh':
      return (x) => tf.tanh(x);
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'affine':
      return (x) => tf.add(tf.mul(x, alpha ?? 1), beta ?? 0);
    case 'leakyrelu':
      return (x) => tf.leakyRelu(x, alpha ?? 0.01);
    case 'thresholdedrelu':
      return (x) => tf.mul(x, tf.cast(tf.greater(x, alpha ?? 1), 'float32'));
    case 'scaledtanh':
      return (x) => tf.mul(alpha ?? 1, tf.tanh(tf.mul(x, beta ?? 1)));
    case 'hardsigmoid':
      return (x) => tf.clipByValue(tf.add(tf.mul(x, alpha ?? 0.2), beta ?? 0.5), 0, 1);
    case 'elu':
      return (x) => tf.where(tf.greater(x, 0), x, tf.mul(alpha ?? 1, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
    case 'softsign':
      return (x) => tf.div(x, tf.add(tf.abs(x), 1));
    case 'softplus':
      return (x) => tf.softplus(x);
    default:
      throw new Error(`RNN activation '${name}' is not supported`);
  }
}

/** The per-direction activation functions (`count` per direction). */
function activations(attrs: Attributes, dirs: number, defaults: string[]): Act[][] {
  const names = attrs.strings('activations', []);
  const alphas = attrs.floats('activation_alpha', []);
  const betas = attrs.floats('activation_beta', []);
  return Array.from({ length: dirs }, (_, d) =>
    defaults.map((def, k) => {
      const i = d * defaults.length + k;
      return activation(names[i] ?? def, names[i] !== undefined ? alphas[i] : undefined, names[i] !== undefined ? betas[i] : undefined);
    }),
  );
}

type Cell = (x: tf.Tensor, h: tf.Tensor, c: tf.Tensor | undefined, d: number) => { h: tf.Tensor; c?: tf.Tensor };

/**
 * Shared driver: X [seq, batch, in] (layout 0) → runs `cell` over time per direction with
 * sequence_lens masking; returns Y [seq, dirs, batch, hidden], Y_h, Y_c (layout converted).
 */
function run(
  inputs: Parameters<typeof input>[0],
  ctx: OpContext,
  hidden: number,
  cell: Cell,
  withC: boolean,
): tf.Tensor[] {
  const layout = ctx.attrs.int('layout', 0);
  let x = input(inputs, 0, ctx).floatTensor();
  if (layout === 1) x = tf.transpose(x, [1, 0, 2]);
  const [seq, batch] = x.shape as [number, number];
  const direction = ctx.attrs.string('direction', 'forward');
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const lensV = optInput(inputs, 4);
  const lens = lensV ? Array.from(lensV.numbers()) : new Array<number>(batch).fill(seq);
  const initH = optInput(inputs, 5);
  const initC = withC ? optInput(inputs, 6) : undefined;
  const state0 = (v: typeof initH): tf.Tensor | undefined => {
    if (!v) return undefined;
    const t = v.floatTensor();
    return layout === 1 ? tf.transpose(t, [1, 0, 2]) : t;
  };
  const h0 = state0(initH);
  const c0 = state0(initC);
  const ys: tf.Tensor[] = [];
  const hs: tf.Tensor[] = [];
  const cs: tf.Tensor[] = [];
  for (let d = 0; d < dirs; d++) {
    const reverse = direction === 'reverse' || d === 1;
    let h = h0 ? tf.squeeze(tf.slice(h0, [d, 0, 0], [1, batch, hidden]), [0]) : tf.zeros([batch, hidden]);
    let c = withC ? (c0 ? tf.squeeze(tf.slice(c0, [d, 0, 0], [1, batch, hidden]), [0]) : tf.zeros([batch, hidden])) : undefined;
    const steps: tf.Tensor[] = new Array(seq);
    for (let s = 0; s < seq; s++) {
      // Time index per batch row: reversed within each sequence's own length.
      const tIdx = lens.map((len) => (reverse ? (s < len ? len - 1 - s : s) : s));
      const active = tf.tensor2d(lens.map((len) => (s < len ? 1 : 0)), [batch, 1]);
      const xt = tf.stack(tIdx.map((t, b) => tf.reshape(tf.slice(x, [t, b, 0], [1, 1, x.shape[2]!]), [x.shape[2]!])));
      const r = cell(xt, h, c, d);
      h = tf.add(tf.mul(active, r.h), tf.mul(tf.sub(1, active), h));
      if (withC) c = tf.add(tf.mul(active, r.c!), tf.mul(tf.sub(1, active), c!));
      // Outputs past a sequence's length are zeros.
      steps[s] = tf.mul(active, h);
    }
    // Reassemble Y in time order: for reverse directions, row b's step s belongs to time len_b − 1 − s.
    const yDir = tf.stack(steps, 0); // [seq(step), batch, hidden]
    let yTime = yDir;
    if (reverse) {
      const idx: number[] = [];
      for (let t = 0; t < seq; t++) {
        for (let b = 0; b < batch; b++) {
          const len = lens[b]!;
          const step = t < len ? len - 1 - t : t;
          idx.push(step * batch + b);
        }
      }
      yTime = tf.reshape(tf.gather(tf.reshape(yDir, [seq * batch, hidden]), idx), [seq, batch, hidden]);
    }
    ys.push(yTime);
    hs.push(h);
    if (withC) cs.push(c!);
  }
  let Y = tf.stack(ys, 1); // [seq, dirs, batch, hidden]
  let Yh = tf.stack(hs, 0);
  let Yc = withC ? tf.stack(cs, 0) : undefined;
  if (layout === 1) {
    Y = tf.transpose(Y, [2, 0, 1, 3]);
    Yh = tf.transpose(Yh, [1, 0, 2]);
    if (Yc) Yc = tf.transpose(Yc, [1, 0, 2]);
  }
  return Yc ? [Y, Yh, Yc] : [Y, Yh];
}

/** Weight pieces of direction d: W [gates·H, in], R [gates·H, H], biases Wb, Rb [gates·H]. */
function weights(inputs: Parameters<typeof input>[0], ctx: OpContext, gates: number, hidden: number) {
  const W = input(inputs, 1, ctx).floatTensor();
  const R = input(inputs, 2, ctx).floatTensor();
  const Bv = optInput(inputs, 3);
  const dirs = W.shape[0]!;
  return Array.from({ length: dirs }, (_, d) => {
    const w = tf.squeeze(tf.slice(W, [d, 0, 0], [1, -1, -1]), [0]);
    const r = tf.squeeze(tf.slice(R, [d, 0, 0], [1, -1, -1]), [0]);
    const b = Bv ? tf.squeeze(tf.slice(Bv.floatTensor(), [d, 0], [1, -1]), [0]) : tf.zeros([2 * gates * hidden]);
    const gate = (t: tf.Tensor, k: number): tf.Tensor => tf.slice(t, [k * hidden, 0], [hidden, -1]);
    const bias = (k: number, which: 0 | 1): tf.Tensor => tf.slice(b, [(which * gates + k) * hidden], [hidden]);
    return {
      w: Array.from({ length: gates }, (_, k) => gate(w, k)),
      r: Array.from({ length: gates }, (_, k) => gate(r, k)),
      wb: Array.from({ length: gates }, (_, k) => bias(k, 0)),
      rb: Array.from({ length: gates }, (_, k) => bias(k, 1)),
    };
  });
}

const lin = (x: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.matMul(x, w, false, true);

function clipper(ctx: OpContext): (t: tf.Tensor) => tf.Tensor {
  if (!ctx.attrs.has('clip')) return (t) => t;
  const c = ctx.attrs.float('clip');
  return (t) => tf.clipByValue(t, -c, c);
}

registerOp('RNN', (inputs, ctx) => {
  const hidden = ctx.attrs.int('hidden_size');
  const ws = weights(inputs, ctx, 1, hidden);
  const acts = activations(ctx.attrs, ws.length, ['Tanh']);
  const clip = clipper(ctx);
  const cell: Cell = (x, h, _c, d) => {
    const p = ws[d]!;
    return { h: acts[d]![0]!(clip(tf.add(tf.add(lin(x, p.w[0]!), lin(h, p.r[0]!)), tf.add(p.wb[0]!, p.rb[0]!)))) };
  };
  return run(inputs, ctx, hidden, cell, false).map((t) => out(t, 'float32'));
});

registerOp('GRU', (inputs, ctx) => {
  const hidden = ctx.attrs.int('hidden_size');
  const ws = weights(inputs, ctx, 3, hidden);
  const acts = activations(ctx.attrs, ws.length, ['Sigmoid', 'Tanh']);
  const lbr = ctx.attrs.int('linear_before_reset', 0) === 1;
  const clip = clipper(ctx);
  const cell: Cell = (x, h, _c, d) => {
    const p = ws[d]!;
    const [f, g] = acts[d] as [Act, Act];
    const z = f(clip(tf.add(tf.add(lin(x, p.w[0]!), lin(h, p.r[0]!)), tf.add(p.wb[0]!, p.rb[0]!))));
    const r = f(clip(tf.add(tf.add(lin(x, p.w[1]!), lin(h, p.r[1]!)), tf.add(p.wb[1]!, p.rb[1]!))));
    const hh = lbr
      ? g(clip(tf.add(tf.add(lin(x, p.w[2]!), p.wb[2]!), tf.mul(r, tf.add(lin(h, p.r[2]!), p.rb[2]!)))))
      : g(clip(tf.add(tf.add(lin(x, p.w[2]!), lin(tf.mul(r, h), p.r[2]!)), tf.add(p.wb[2]!, p.rb[2]!))));
    return { h: tf.add(tf.mul(tf.sub(1, z), hh), tf.mul(z, h)) };
  };
  return run(inputs, ctx, hidden, cell, false).map((t) => out(t, 'float32'));
});

registerOp('LSTM', (inputs, ctx) => {
  const hidden = ctx.attrs.int('hidden_size');
  const ws = weights(inputs, ctx, 4, hidden);
  const acts = activations(ctx.attrs, ws.length, ['Sigmoid', 'Tanh', 'Tanh']);
  const Pv = optInput(inputs, 7);
  const inputForget = ctx.attrs.int('input_forget', 0) === 1;
  const clip = clipper(ctx);
  const peep = (d: number, k: number): tf.Tensor | undefined =>
    Pv ? tf.slice(tf.squeeze(tf.slice(Pv.floatTensor(), [d, 0], [1, -1]), [0]), [k * hidden], [hidden]) : undefined;
  const cell: Cell = (x, h, c, d) => {
    const p = ws[d]!;
    const [f, g, hAct] = acts[d] as [Act, Act, Act];
    const pre = (k: number): tf.Tensor => tf.add(tf.add(lin(x, p.w[k]!), lin(h, p.r[k]!)), tf.add(p.wb[k]!, p.rb[k]!));
    const withPeep = (t: tf.Tensor, k: number, cc: tf.Tensor): tf.Tensor => {
      const pk = peep(d, k);
      return pk ? tf.add(t, tf.mul(pk, cc)) : t;
    };
    // Gate order in W/R/B: i, o, f, c; peepholes: i, o, f.
    const i = f(clip(withPeep(pre(0), 0, c!)));
    const fg = inputForget ? tf.sub(1, i) : f(clip(withPeep(pre(2), 2, c!)));
    const cc = g(clip(pre(3)));
    const cNew = tf.add(tf.mul(fg, c!), tf.mul(i, cc));
    const o = f(clip(withPeep(pre(1), 1, cNew)));
    return { h: tf.mul(o, hAct(cNew)), c: cNew };
  };
  return run(inputs, ctx, hidden, cell, true).map((t) => out(t, 'float32'));
});
