/**
 * Control flow: If (runs only the selected branch subgraph — the merged decoders of optimum switch
 * between the no-cache and the cache path with a top-level If), Loop, Scan and SequenceMap. Branches
 * and bodies read outer-scope values directly; gradients flow through whichever path ran.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Value, type RuntimeValue, type SequenceValue } from '../value.js';
import { registerOp, type OpKernel } from './registry.js';
import { input, normAxis, optInput, out } from './util.js';

registerOp('If', (inputs, ctx) => {
  const cond = input(inputs, 0, ctx);
  if (cond.size !== 1) throw new Error(`If condition must hold one element, got shape [${cond.shape}]`);
  const taken = cond.numbers()[0] !== 0;
  return ctx.runSubgraph(ctx.attrs.graph(taken ? 'then_branch' : 'else_branch'), []);
});

/** Stacks per-iteration values along a new axis (tensors) — used for Loop/Scan outputs. */
function stack(items: Value[], axis = 0): Value {
  if (items.length === 0) return Value.fromHost([], [0], 'float32');
  const dtype = items[0]!.dtype;
  if (items.every((v) => v.isHost) && items.reduce((a, v) => a + v.size, 0) <= 4096) {
    const shape = [...items[0]!.shape];
    if (axis === 0) {
      const data: number[] = [];
      for (const v of items) data.push(...v.numbers());
      return Value.fromHost(data, [items.length, ...shape], dtype);
    }
  }
  return out(tf.stack(items.map((v) => v.tensor()), axis), dtype);
}

registerOp('Loop', (inputs, ctx) => {
  const body = ctx.attrs.graph('body');
  const mV = optInput(inputs, 0);
  const cV = optInput(inputs, 1);
  const maxTrip = mV ? mV.numbers()[0]! : Infinity;
  let cond = cV ? cV.numbers()[0] !== 0 : true;
  let carried: RuntimeValue[] = inputs.slice(2).map((v) => {
    if (v === undefined) throw new Error('Loop-carried inputs cannot be omitted');
    return v;
  });
  const nCarried = carried.length;
  const nScan = body.outputs.length - 1 - nCarried;
  const scans: Value[][] = Array.from({ length: nScan }, () => []);
  let iter = 0;
  while (iter < maxTrip && cond) {
    const outs = ctx.runSubgraph(body, [Value.fromHost([iter], [], 'int64'), Value.fromHost([cond ? 1 : 0], [], 'bool'), ...carried]);
    const c = outs[0];
    if (c instanceof Value) cond = c.numbers()[0] !== 0;
    carried = outs.slice(1, 1 + nCarried);
    outs.slice(1 + nCarried).forEach((v, k) => {
      if (!(v instanceof Value)) throw new Error('Loop scan outputs must be tensors');
      scans[k]!.push(v);
    });
    iter++;
  }
  return [...carried, ...scans.map((s) => stack(s))];
});

/** Scan of opset 8: a batch axis 0 on every input, scan axis 1, optional sequence_lens first. */
function scan8(inputs: Array<RuntimeValue | undefined>, ctx: Parameters<OpKernel>[1]): RuntimeValue[] {
  const body = ctx.attrs.graph('body');
  const lensV = optInput(inputs, 0);
  const nScanIn = ctx.attrs.int('num_scan_inputs');
  const vals = inputs.slice(1).map((_, i) => input(inputs, i + 1, ctx));
  const nState = vals.length - nScanIn;
  const dirs = ctx.attrs.ints('directions', new Array(nScanIn).fill(0));
  const batch = vals[0]!.shape[0]!;
  const seq = vals[nState]!.shape[1]!;
  const lens = lensV ? Array.from(lensV.numbers()) : new Array<number>(batch).fill(seq);
  const nScanOut = body.outputs.length - nState;
  const finalStates: Value[][] = Array.from({ length: nState }, () => []);
  const scanOuts: Value[][] = Array.from({ length: nScanOut }, () => []);
  for (let b = 0; b < batch; b++) {
    const row = (v: Value): Value => out(tf.squeeze(tf.slice(v.tensor(), [b, ...new Array(v.rank - 1).fill(0)], [1, ...v.shape.slice(1)]), [0]), v.dtype);
    let state: RuntimeValue[] = vals.slice(0, nState).map(row);
    const scanIn = vals.slice(nState).map(row);
    const len = lens[b]!;
    const collected: Value[][] = Array.from({ length: nScanOut }, () => []);
    for (let t = 0; t < len; t++) {
      const slices = scanIn.map((v, i) => {
        const idx = dirs[i] === 1 ? len - 1 - t : t;
        return out(tf.squeeze(tf.gather(v.tensor(), [idx], 0), [0]), v.dtype);
      });
      const outs = ctx.runSubgraph(body, [...state, ...slices]);
      state = outs.slice(0, nState);
      outs.slice(nState).forEach((v, k) => collected[k]!.push(v as Value));
    }
    state.forEach((v, k) => finalStates[k]!.push(v as Value));
    collected.forEach((items, k) => scanOuts[k]!.push(stack(items)));
  }
  return [...finalStates.map((items) => stack(items)), ...scanOuts.map((items) => stack(items))];
}

registerOp('Scan', (inputs, ctx) => {
  if (ctx.opset < 9) return scan8(inputs, ctx);
  const body = ctx.attrs.graph('body');
  const nScanIn = ctx.attrs.int('num_scan_inputs');
  const nState = inputs.length - nScanIn;
  const nScanOut = body.outputs.length - nState;
  let state = inputs.slice(0, nState) as RuntimeValue[];
  const scanIn = inputs.slice(nState).map((_, i) => input(inputs, nState + i, ctx));
  const inAxes = ctx.attrs.ints('scan_input_axes', new Array(nScanIn).fill(0)).map((a, i) => normAxis(a, scanIn[i]!.rank));
  const inDirs = ctx.attrs.ints('scan_input_directions', new Array(nScanIn).fill(0));
  const outAxes = ctx.attrs.ints('scan_output_axes', new Array(nScanOut).fill(0));
  const outDirs = ctx.attrs.ints('scan_output_directions', new Array(nScanOut).fill(0));
  const T = scanIn[0]!.shape[inAxes[0]!]!;
  const collected: Value[][] = Array.from({ length: nScanOut }, () => []);
  for (let t = 0; t < T; t++) {
    const slices = scanIn.map((v, i) => {
      const idx = inDirs[i] === 1 ? T - 1 - t : t;
      const sl = tf.gather(v.tensor(), [idx], inAxes[i]!);
      return out(tf.squeeze(sl, [inAxes[i]!]), v.dtype);
    });
    const outs = ctx.runSubgraph(body, [...state, ...slices]);
    state = outs.slice(0, nState);
    outs.slice(nState).forEach((v, k) => collected[k]!.push(v as Value));
  }
  const scanOuts = collected.map((items, k) => {
    const ordered = outDirs[k] === 1 ? items.slice().reverse() : items;
    const rank = (items[0]?.rank ?? 0) + 1;
    return stack(ordered, normAxis(outAxes[k]!, rank));
  });
  return [...state, ...scanOuts];
});

registerOp('SequenceMap', (inputs, ctx) => {
  const body = ctx.attrs.graph('body');
  const first = inputs[0] as SequenceValue;
  if (!first || first.kind !== 'sequence') throw new Error('SequenceMap needs a sequence first input');
  const n = first.items.length;
  const results: Value[][] = body.outputs.map(() => []);
  for (let i = 0; i < n; i++) {
    const args = inputs.map((v) => {
      if (v && v.kind === 'sequence') return v.items[i]!;
      if (!v) throw new Error('SequenceMap inputs cannot be omitted');
      return v;
    });
    const outs = ctx.runSubgraph(body, args);
    outs.forEach((v, k) => results[k]!.push(v as Value));
  }
  return results.map((items) => ({ kind: 'sequence', items }) as SequenceValue);
});
