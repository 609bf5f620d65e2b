/**
 * Indexing ops: Concat Split Slice Gather GatherElements GatherND Scatter ScatterElements ScatterND
 * Trilu CumSum NonZero Compress OneHot ReverseSequence. Index tensors are read to the host (they are
 * integers and never carry gradients); data flows through differentiable tfjs gathers and slices.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DType } from '../dtypes.js';
import { sizeOf } from '../tensor-data.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp } from './registry.js';
import { hostTake, input, intsOf, normAxis, optInput, out, reshapeValue, strides } from './util.js';

/** Concatenates host values along an axis. */
function hostConcat(vals: Value[], axis: number): Value {
  const base = vals[0]!;
  const shape = base.shape.slice();
  shape[axis] = vals.reduce((a, v) => a + v.shape[axis]!, 0);
  const outer = sizeOf(shape.slice(0, axis));
  const res: Array<number | string> = [];
  for (let o = 0; o < outer; o++) {
    for (const v of vals) {
      const chunk = sizeOf(v.shape.slice(axis));
      const src = v.host ?? v.numbers();
      for (let k = 0; k < chunk; k++) res.push((src as ArrayLike<number | string>)[o * chunk + k]!);
    }
  }
  return base.dtype === 'string' ? Value.fromHost(res as string[], shape, base.dtype) : Value.fromHost(res as number[], shape, base.dtype);
}

registerOp('Concat', (inputs, ctx) => {
  const vals = inputs.map((_, i) => input(inputs, i, ctx));
  const axis = normAxis(ctx.attrs.int('axis', ctx.opset < 4 ? 1 : NaN), vals[0]!.rank);
  const total = vals.reduce((a, v) => a + v.size, 0);
  if (vals.every((v) => v.isHost) && total <= HOST_LIMIT) return [hostConcat(vals, axis)];
  const nonEmpty = vals.filter((v) => v.size > 0);
  if (nonEmpty.length === 0) {
    const shape = vals[0]!.shape.slice();
    shape[axis] = 0;
    return [out(tf.zeros(shape, vals[0]!.tensor().dtype), vals[0]!.dtype)];
  }
  if (nonEmpty.length === 1) return [out(tf.clone(nonEmpty[0]!.tensor()), vals[0]!.dtype)];
  const ts = nonEmpty.map((v) => v.tensor());
  const dt = ts[0]!.dtype;
  return [out(tf.concat(ts.map((t) => (t.dtype === dt ? t : tf.cast(t, dt))), axis), vals[0]!.dtype)];
});

registerOp('Split', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const axis = normAxis(ctx.attrs.int('axis', 0), x.rank);
  const dim = x.shape[axis]!;
  const n = ctx.node.outputs.length;
  let sizes: number[];
  const splitV = ctx.opset >= 13 ? optInput(inputs, 1) : undefined;
  if (splitV) sizes = intsOf(splitV);
  else if (ctx.opset < 13 && ctx.attrs.has('split')) sizes = ctx.attrs.ints('split');
  else if (ctx.opset < 2 && optInput(inputs, 1)) sizes = intsOf(input(inputs, 1, ctx));
  else {
    const parts = ctx.attrs.has('num_outputs') ? ctx.attrs.int('num_outputs') : n;
    const chunk = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes.reduce((a, b) => a + b, 0) !== dim) throw new Error(`split sizes [${sizes}] do not add up to ${dim}`);
  if (x.isHost) {
    let start = 0;
    return sizes.map((s) => {
      const idx = Array.from({ length: s }, (_, i) => start + i);
      start += s;
      return hostTake(x, idx, [s], axis);
    });
  }
  const t = x.tensor();
  let start = 0;
  return sizes.map((s) => {
    const begin = t.shape.map((_, i) => (i === axis ? start : 0));
    const size = t.shape.map((d, i) => (i === axis ? s : d));
    start += s;
    return out(tf.slice(t, begin, size), x.dtype);
  });
});

/** ONNX Slice semantics for one axis → the selected indices (clamping as the spec says). */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  if (step === 0) throw new Error('Slice step cannot be 0');
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  const idx: number[] = [];
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    for (let i = s; i < e; i += step) idx.push(i);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
    for (let i = s; i > e; i += step) idx.push(i);
  }
  return idx;
}

registerOp('Slice', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.attrs.ints('starts');
    ends = ctx.attrs.ints('ends');
    axes = ctx.attrs.has('axes') ? ctx.attrs.ints('axes') : undefined;
  } else {
    starts = intsOf(input(inputs, 1, ctx));
    ends = intsOf(input(inputs, 2, ctx));
    const a = optInput(inputs, 3);
    const s = optInput(inputs, 4);
    axes = a ? intsOf(a) : undefined;
    steps = s ? intsOf(s) : undefined;
  }
  const r = x.rank;
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, r));
  let v = x;
  let t: tf.Tensor | undefined;
  const begin = new Array<number>(r).fill(0);
  const size = x.shape.slice();
  const gathers: Array<[number, number[]]> = [];
  ax.forEach((a, i) => {
    const idx = sliceIndices(x.shape[a]!, starts[i]!, ends[i]!, steps ? steps[i]! : 1);
    const contiguous = idx.every((k, j) => j === 0 || k === idx[j - 1]! + 1);
    if (contiguous) {
      begin[a] = idx.length > 0 ? idx[0]! : 0;
      size[a] = idx.length;
    } else gathers.push([a, idx]);
  });
  if (x.isHost) {
    for (let a = 0; a < r; a++) {
      if (begin[a] === 0 && size[a] === x.shape[a]) continue;
      v = hostTake(v, Array.from({ length: size[a]! }, (_, k) => begin[a]! + k), [size[a]!], a);
    }
    for (const [a, idx] of gathers) v = hostTake(v, idx, [idx.length], a);
    return [v === x ? reshapeValue(x, x.shape) : v];
  }
  t = tf.slice(x.tensor(), begin, size);
  for (const [a, idx] of gathers) t = idx.length === 0 ? tf.slice(t, t.shape.map(() => 0), t.shape.map((d, k) => (k === a ? 0 : d))) : tf.gather(t, idx, a);
  return [out(t, x.dtype)];
});

/** Normalises negative indices against a dimension (host). */
function fixIndices(idx: Float64Array | number[], dim: number): number[] {
  return Array.from(idx, (i) => {
    const j = i < 0 ? i + dim : i;
    if (j < 0 || j >= dim) throw new Error(`index ${i} is out of range for a dimension of size ${dim}`);
    return j;
  });
}

registerOp('Gather', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const ind = input(inputs, 1, ctx);
  const axis = normAxis(ctx.attrs.int('axis', 0), x.rank);
  const dim = x.shape[axis]!;
  const outSize = sizeOf(x.shape) / Math.max(dim, 1) * ind.size;
  if (x.isHost && ind.isHost && outSize <= HOST_LIMIT) return [hostTake(x, intsOf(ind), ind.shape, axis)];
  let idxT: tf.Tensor;
  if (ind.isHost || ind.size <= HOST_LIMIT) {
    const fixed = fixIndices(ind.numbers(), dim);
    idxT = tf.tensor(Int32Array.from(fixed), [fixed.length], 'int32');
  } else {
    const raw = tf.reshape(ind.intTensor(), [ind.size]);
    idxT = tf.where(tf.less(raw, 0), tf.add(raw, tf.scalar(dim, 'int32')), raw);
  }
  const g = tf.gather(x.tensor(), idxT, axis);
  const shape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
  return [out(tf.reshape(g, shape), x.dtype)];
});

/** Flat gather: picks `flat` positions of `x` (as a 1-D view) and shapes them as `shape`. Differentiable in x. */
function flatGather(x: Value, flat: number[], shape: number[]): Value {
  if (x.isHost && flat.length <= HOST_LIMIT) return hostTake(reshapeValue(x, [x.size]), flat, shape, 0);
  const t = tf.gather(tf.reshape(x.tensor(), [x.size]), tf.tensor(Int32Array.from(flat), [flat.length], 'int32'));
  return out(tf.reshape(t, shape), x.dtype);
}

registerOp('GatherElements', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const ind = input(inputs, 1, ctx);
  const axis = normAxis(ctx.attrs.int('axis', 0), x.rank);
  const idx = ind.numbers();
  const xs = strides(x.shape);
  const is = strides(ind.shape);
  const flat: number[] = new Array(ind.size);
  for (let f = 0; f < ind.size; f++) {
    let rem = f;
    let off = 0;
    for (let d = 0; d < ind.rank; d++) {
      const c = Math.floor(rem / is[d]!);
      rem -= c * is[d]!;
      if (d === axis) {
        const dim = x.shape[d]!;
        const j = idx[f]! < 0 ? idx[f]! + dim : idx[f]!;
        off += j * xs[d]!;
      } else off += c * xs[d]!;
    }
    flat[f] = off;
  }
  return [flatGather(x, flat, ind.shape)];
});

registerOp('GatherND', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const ind = input(inputs, 1, ctx);
  const b = ctx.attrs.int('batch_dims', 0);
  const k = ind.shape[ind.rank - 1]!;
  const idx = ind.numbers();
  const rest = x.shape.slice(b + k);
  const restSize = sizeOf(rest);
  const tuples = ind.size / k;
  const batch = sizeOf(x.shape.slice(0, b));
  const perBatch = tuples / Math.max(batch, 1);
  const xs = strides(x.shape);
  const flat: number[] = [];
  for (let t = 0; t < tuples; t++) {
    const bi = Math.floor(t / perBatch);
    let off = 0;
    // batch coordinates
    let rem = bi;
    for (let d = b - 1; d >= 0; d--) {
      const c = rem % x.shape[d]!;
      rem = Math.floor(rem / x.shape[d]!);
      off += c * xs[d]!;
    }
    for (let j = 0; j < k; j++) {
      const dim = x.shape[b + j]!;
      let c = idx[t * k + j]!;
      if (c < 0) c += dim;
      off += c * xs[b + j]!;
    }
    for (let q = 0; q < restSize; q++) flat.push(off + q);
  }
  return [flatGather(x, flat, [...ind.shape.slice(0, -1), ...rest])];
});

/** Host scatter shared by Scatter/ScatterElements/ScatterND: returns a copy of `data` with updates applied. */
function scatterHost(data: Value, positions: number[], updates: Float64Array, reduction: string): Value {
  const d = Float64Array.from(data.numbers());
  positions.forEach((p, i) => {
    const u = updates[i]!;
    switch (reduction) {
      case 'add': d[p]! += u; break;
      case 'mul': d[p]! *= u; break;
      case 'max': d[p] = Math.max(d[p]!, u); break;
      case 'min': d[p] = Math.min(d[p]!, u); break;
      default: d[p] = u;
    }
  });
  const v = Value.fromHost(d, data.shape, data.dtype);
  return data.isHost && v.size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), data.dtype);
}

function scatterElements(inputs: Parameters<typeof input>[0], axisAttr: number, reduction: string): Value {
  const x = input(inputs, 0);
  const ind = input(inputs, 1);
  const upd = input(inputs, 2);
  const axis = normAxis(axisAttr, x.rank);
  const idx = ind.numbers();
  const xs = strides(x.shape);
  const is = strides(ind.shape);
  const pos: number[] = [];
  for (let f = 0; f < ind.size; f++) {
    let rem = f;
    let off = 0;
    for (let d = 0; d < ind.rank; d++) {
      const c = Math.floor(rem / is[d]!);
      rem -= c * is[d]!;
      if (d === axis) {
        const dim = x.shape[d]!;
        off += (idx[f]! < 0 ? idx[f]! + dim : idx[f]!) * xs[d]!;
      } else off += c * xs[d]!;
    }
    pos.push(off);
  }
  return scatterHost(x, pos, upd.numbers(), reduction);
}

registerOp('ScatterElements', (inputs, ctx) => [scatterElements(inputs, ctx.attrs.int('axis', 0), ctx.attrs.string('reduction', 'none'))]);
registerOp('Scatter', (inputs, ctx) => [scatterElements(inputs, ctx.attrs.int('axis', 0), 'none')]);

registerOp('ScatterND', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const ind = input(inputs, 1, ctx);
  const upd = input(inputs, 2, ctx);
  const k = ind.shape[ind.rank - 1]!;
  const idx = ind.numbers();
  const xs = strides(x.shape);
  const restSize = sizeOf(x.shape.slice(k));
  const pos: number[] = [];
  for (let t = 0; t < ind.size / k; t++) {
    let off = 0;
    for (let j = 0; j < k; j++) {
      let c = idx[t * k + j]!;
      if (c < 0) c += x.shape[j]!;
      off += c * xs[j]!;
    }
    for (let q = 0; q < restSize; q++) pos.push(off + q);
  }
  return [scatterHost(x, pos, upd.numbers(), ctx.attrs.string('reduction', 'none'))];
});

registerOp('Trilu', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const kV = optInput(inputs, 1);
  const k = kV ? kV.numbers()[0]! : 0;
  const upper = ctx.attrs.int('upper', 1) === 1;
  const n = x.shape[x.rank - 2]!;
  const m = x.shape[x.rank - 1]!;
  const mask = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mask[i * m + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  if (x.isHost) {
    const d = x.numbers();
    const res = Float64Array.from(d, (v, f) => (mask[f % (n * m)] ? v : 0));
    return [Value.fromHost(res, x.shape, x.dtype)];
  }
  const t = x.tensor();
  if (t.size === 0) return [out(tf.clone(t), x.dtype)];
  const maskT = tf.broadcastTo(tf.tensor(mask, [n, m], 'bool'), t.shape);
  return [out(tf.where(maskT, t, tf.zerosLike(t)), x.dtype)];
});

registerOp('CumSum', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const axis = normAxis(input(inputs, 1, ctx).numbers()[0]!, x.rank);
  const exclusive = ctx.attrs.int('exclusive', 0) === 1;
  const reverse = ctx.attrs.int('reverse', 0) === 1;
  return [out(tf.cumsum(x.tensor(), axis, exclusive, reverse), x.dtype)];
});

registerOp('NonZero', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const d = x.numbers();
  const st = strides(x.shape);
  const coords: number[][] = x.shape.map(() => []);
  for (let f = 0; f < d.length; f++) {
    if (!d[f]) continue;
    let rem = f;
    for (let a = 0; a < x.rank; a++) {
      const c = Math.floor(rem / st[a]!);
      rem -= c * st[a]!;
      coords[a]!.push(c);
    }
  }
  const nnz = coords[0]?.length ?? (d[0] ? 1 : 0);
  const v = Value.fromHost(coords.flat(), [x.rank, nnz], 'int64');
  return [v.size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), 'int64')];
});

registerOp('Compress', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const cond = input(inputs, 1, ctx).numbers();
  const hasAxis = ctx.attrs.has('axis');
  const src = hasAxis ? x : reshapeValue(x, [x.size]);
  const axis = hasAxis ? normAxis(ctx.attrs.int('axis'), x.rank) : 0;
  const idx: number[] = [];
  for (let i = 0; i < Math.min(cond.length, src.shape[axis]!); i++) if (cond[i]) idx.push(i);
  if (src.isHost) return [hostTake(src, idx, [idx.length], axis)];
  const t = src.tensor();
  if (idx.length === 0) {
    return [out(tf.zeros(t.shape.map((d, i) => (i === axis ? 0 : d)), t.dtype), x.dtype)];
  }
  return [out(tf.gather(t, idx, axis), x.dtype)];
});

registerOp('OneHot', (inputs, ctx) => {
  const ind = input(inputs, 0, ctx);
  const depth = Math.trunc(input(inputs, 1, ctx).numbers()[0]!);
  const vals = input(inputs, 2, ctx);
  const [off, on] = Array.from(vals.numbers());
  const rank = ind.rank + 1;
  const axis = normAxis(ctx.attrs.int('axis', -1), rank);
  const idx = tf.tensor(Float32Array.from(ind.numbers(), (v) => (v < 0 ? v + depth : v)), ind.shape, 'float32');
  const expanded = tf.expandDims(idx, axis);
  const rshape = new Array<number>(rank).fill(1);
  rshape[axis] = depth;
  const range = tf.reshape(tf.range(0, depth, 1, 'float32'), rshape);
  const eq = tf.equal(expanded, range);
  const dtype: DType = vals.dtype;
  const onT = tf.scalar(on!, 'float32');
  const offT = tf.scalar(off!, 'float32');
  const shape = eq.shape;
  return [out(tf.where(eq, tf.broadcastTo(onT, shape), tf.broadcastTo(offT, shape)), dtype)];
});

registerOp('ReverseSequence', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const lens = input(inputs, 1, ctx).numbers();
  const batchAxis = ctx.attrs.int('batch_axis', 1);
  const timeAxis = ctx.attrs.int('time_axis', 0);
  const st = strides(x.shape);
  const flat: number[] = new Array(x.size);
  for (let f = 0; f < x.size; f++) {
    let rem = f;
    let off = 0;
    const c: number[] = [];
    for (let a = 0; a < x.rank; a++) {
      c.push(Math.floor(rem / st[a]!));
      rem -= c[a]! * st[a]!;
    }
    const L = lens[c[batchAxis]!]!;
    if (c[timeAxis]! < L) c[timeAxis] = L - 1 - c[timeAxis]!;
    for (let a = 0; a < x.rank; a++) off += c[a]! * st[a]!;
    flat[f] = off;
  }
  return [flatGather(x, flat, x.shape)];
});

/** Unique (host): unique elements, or unique slices along `axis`; sorted or in order of first occurrence. */
registerOp('Unique', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const sorted = ctx.attrs.int('sorted', 1) === 1;
  const hasAxis = ctx.attrs.has('axis');
  const src = hasAxis ? x : reshapeValue(x, [x.size]);
  const axis = hasAxis ? normAxis(ctx.attrs.int('axis'), x.rank) : 0;
  const n = src.shape[axis]!;
  const data = src.dtype === 'string' ? src.strings() : Array.from(src.numbers());
  const outer = sizeOf(src.shape.slice(0, axis));
  const inner = sizeOf(src.shape.slice(axis + 1));
  const slice = (i: number): Array<number | string> => {
    const s: Array<number | string> = [];
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) s.push(data[(o * n + i) * inner + k]!);
    return s;
  };
  const keyOf = (s: Array<number | string>): string => JSON.stringify(s);
  const firstIndex = new Map<string, number>();
  const counts = new Map<string, number>();
  const slices: Array<Array<number | string>> = [];
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = slice(i);
    const key = keyOf(s);
    slices.push(s);
    keys.push(key);
    if (!firstIndex.has(key)) firstIndex.set(key, i);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let uniq = [...firstIndex.keys()];
  if (sorted) {
    const cmp = (a: Array<number | string>, b: Array<number | string>): number => {
      for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
      return 0;
    };
    uniq = uniq.slice().sort((a, b) => cmp(slices[firstIndex.get(a)!]!, slices[firstIndex.get(b)!]!));
  }
  const pos = new Map(uniq.map((k, i) => [k, i]));
  const idx = uniq.map((k) => firstIndex.get(k)!);
  const y = hostTake(src, idx, [idx.length], axis);
  return [
    y,
    Value.fromHost(idx, [idx.length], 'int64'),
    Value.fromHost(keys.map((k) => pos.get(k)!), [n], 'int64'),
    Value.fromHost(uniq.map((k) => counts.get(k)!), [uniq.length], 'int64'),
  ];
});
