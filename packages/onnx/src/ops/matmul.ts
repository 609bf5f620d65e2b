/**
 * Matrix products: MatMul (numpy semantics: 1-D promotion, broadcast batch dimensions) and Gemm.
 * (MatMulInteger lives with the quantization ops.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf } from '../tensor-data.js';
import { Value } from '../value.js';
import { registerOp } from './registry.js';
import { broadcastShapes, input, optInput, out } from './util.js';

/** numpy `matmul` of two float tensors with tfjs ops (batch dims broadcast explicitly). */
export function matmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  let x = a;
  let y = b;
  const aVec = x.rank === 1;
  const bVec = y.rank === 1;
  if (aVec) x = tf.reshape(x, [1, x.shape[0]!]);
  if (bVec) y = tf.reshape(y, [y.shape[0]!, 1]);
  const m = x.shape[x.rank - 2]!;
  const k = x.shape[x.rank - 1]!;
  const n = y.shape[y.rank - 1]!;
  if (y.shape[y.rank - 2] !== k) throw new Error(`MatMul: inner dimensions differ ([${a.shape}] × [${b.shape}])`);
  const batchA = x.shape.slice(0, -2);
  const batchB = y.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  let r: tf.Tensor;
  if (batchB.length === 0 || sizeOf(batchB) === 1) {
    // [..., m, k] × [k, n]: one 2-D product.
    const y2 = tf.reshape(y, [k, n]);
    r = tf.reshape(tf.matMul(tf.reshape(x, [sizeOf(batchA) * m, k]), y2), [...batch, m, n]);
    if (sizeOf(batchA) !== sizeOf(batch)) r = tf.broadcastTo(r, [...batch, m, n]);
  } else {
    const nb = sizeOf(batch);
    const xb = sameShape(batchA, batch) ? x : tf.broadcastTo(tf.reshape(x, [...pad(batchA, batch.length), m, k]), [...batch, m, k]);
    const yb = sameShape(batchB, batch) ? y : tf.broadcastTo(tf.reshape(y, [...pad(batchB, batch.length), k, n]), [...batch, k, n]);
    r = tf.reshape(tf.matMul(tf.reshape(xb, [nb, m, k]), tf.reshape(yb, [nb, k, n])), [...batch, m, n]);
  }
  const shape = [...batch, ...(aVec ? [] : [m]), ...(bVec ? [] : [n])];
  return tf.reshape(r, shape);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function pad(s: number[], r: number): number[] {
  return [...new Array(r - s.length).fill(1), ...s];
}

registerOp('MatMul', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  const b = input(inputs, 1, ctx);
  return [out(matmul(a.floatTensor(), b.floatTensor()), a.dtype)];
});

registerOp('Gemm', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  const b = input(inputs, 1, ctx);
  const c = optInput(inputs, 2);
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 1);
  const ta = ctx.attrs.int('transA', 0) === 1;
  const tb = ctx.attrs.int('transB', 0) === 1;
  let r = tf.matMul(a.floatTensor(), b.floatTensor(), ta, tb);
  if (alpha !== 1) r = tf.mul(r, alpha);
  if (c && beta !== 0) r = tf.add(r, beta === 1 ? c.floatTensor() : tf.mul(c.floatTensor(), beta));
  return [out(r, a.dtype)];
});

/**
 * Einsum by broadcasting: each operand's repeated labels are reduced to their diagonal (a gather),
 * its axes are aligned to one label order, the operands multiplied, and the labels absent from the
 * output summed out. Differentiable; memory grows with the product of all label sizes.
 */
registerOp('Einsum', (inputs, ctx) => {
  const vals = inputs.map((_, i) => input(inputs, i, ctx));
  const eq = ctx.attrs.string('equation').replace(/\s+/g, '');
  const [lhs, rhsRaw] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== vals.length) throw new Error(`Einsum equation '${eq}' has ${terms.length} operands, got ${vals.length}`);
  // Expand '...' into fresh labels (upper-case Greek range, never used by ONNX equations).
  const ellRank = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? vals[i]!.rank - (t.length - 3) : 0)));
  const ell = Array.from({ length: ellRank }, (_, i) => String.fromCharCode(0x391 + i)).join('');
  const expand = (t: string, rank: number): string[] => {
    if (!t.includes('...')) return [...t];
    const k = rank - (t.length - 3);
    return [...t.replace('...', ell.slice(ellRank - k))];
  };
  const labels = terms.map((t, i) => expand(t, vals[i]!.rank));
  let outLabels: string[];
  if (rhsRaw !== undefined) outLabels = expand(rhsRaw, ellRank + rhsRaw.replace('...', '').length);
  else {
    const counts = new Map<string, number>();
    for (const ls of labels) for (const l of ls) counts.set(l, (counts.get(l) ?? 0) + 1);
    outLabels = [...ell, ...[...counts.keys()].filter((l) => counts.get(l) === 1 && !ell.includes(l)).sort()];
  }
  const sizes = new Map<string, number>();
  // 1. Diagonals of repeated labels within an operand.
  const ts = vals.map((v, i) => {
    let t = v.floatTensor();
    let ls = labels[i]!;
    for (;;) {
      const dup = ls.findIndex((l, k) => ls.indexOf(l) !== k);
      if (dup < 0) break;
      const firstIdx = ls.indexOf(ls[dup]!);
      const n = t.shape[firstIdx]!;
      // Move both axes last, take the diagonal via a flat gather, keep it at firstIdx's label.
      const others = ls.map((_, k) => k).filter((k) => k !== firstIdx && k !== dup);
      const moved = tf.transpose(t, [...others, firstIdx, dup]);
      const lead = moved.shape.slice(0, -2);
      const flat = tf.reshape(moved, [...lead, n * n]);
      const diag = tf.gather(flat, Array.from({ length: n }, (_, j) => j * n + j), lead.length);
      t = diag;
      ls = [...others.map((k) => ls[k]!), ls[firstIdx]!];
    }
    ls.forEach((l, k) => sizes.set(l, Math.max(sizes.get(l) ?? 1, t.shape[k]!)));
    return { t, ls };
  });
  // 2. Align to [outLabels…, summed labels…], broadcast-multiply, sum.
  const all = [...outLabels, ...[...sizes.keys()].filter((l) => !outLabels.includes(l))];
  let prod: tf.Tensor | undefined;
  for (const { t, ls } of ts) {
    const present = all.filter((l) => ls.includes(l));
    const moved = tf.transpose(t, present.map((l) => ls.indexOf(l)));
    const shaped = tf.reshape(moved, all.map((l) => (ls.includes(l) ? moved.shape[present.indexOf(l)]! : 1)));
    prod = prod ? tf.mul(prod, shaped) : shaped;
  }
  const sumAxes = all.map((_, k) => k).filter((k) => k >= outLabels.length);
  let res = sumAxes.length > 0 ? tf.sum(prod!, sumAxes) : prod!;
  if (res === vals[0]!.tensor()) res = tf.clone(res);
  return [out(res, vals[0]!.dtype)];
});

/** Det (host, LU with partial pivoting): determinants of [..., M, M]. Not differentiable. */
registerOp('Det', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const m = x.shape[x.rank - 1]!;
  const d = x.numbers();
  const count = d.length / (m * m);
  const res = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    const a = Array.from(d.subarray(b * m * m, (b + 1) * m * m));
    let det = 1;
    for (let c = 0; c < m; c++) {
      let p = c;
      for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]!) > Math.abs(a[p * m + c]!)) p = r;
      if (a[p * m + c] === 0) {
        det = 0;
        break;
      }
      if (p !== c) {
        for (let k = 0; k < m; k++) [a[c * m + k], a[p * m + k]] = [a[p * m + k]!, a[c * m + k]!];
        det = -det;
      }
      det *= a[c * m + c]!;
      for (let r = c + 1; r < m; r++) {
        const f = a[r * m + c]! / a[c * m + c]!;
        for (let k = c; k < m; k++) a[r * m + k]! -= f * a[c * m + k]!;
      }
    }
    res[b] = det;
  }
  return [Value.fromTensor(Value.fromHost(res, x.shape.slice(0, -2), x.dtype).tensor(), x.dtype)];
});
