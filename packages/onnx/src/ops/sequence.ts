/**
 * Sequences and optionals: SequenceConstruct SequenceEmpty SequenceAt SequenceInsert SequenceErase
 * SequenceLength SplitToSequence ConcatFromSequence, Optional OptionalHasElement OptionalGetElement.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dtypeFromCode } from '../dtypes.js';
import { Value, type OptionalValue, type RuntimeValue, type SequenceValue } from '../value.js';
import { registerOp } from './registry.js';
import { input, intsOf, normAxis, optInput, out, seqInput } from './util.js';

const seq = (items: Value[], elemType?: SequenceValue['elemType']): SequenceValue => ({ kind: 'sequence', items, elemType });

function position(v: Value | undefined, len: number, insert = false): number {
  if (!v) return insert ? len : len - 1;
  const p = v.numbers()[0]!;
  const q = p < 0 ? p + len : p;
  if (q < 0 || q > (insert ? len : len - 1)) throw new Error(`sequence position ${p} is out of range for length ${len}`);
  return q;
}

registerOp('SequenceConstruct', (inputs, ctx) => [seq(inputs.map((_, i) => input(inputs, i, ctx)))]);
registerOp('SequenceEmpty', (_inputs, ctx) => [seq([], ctx.attrs.has('dtype') ? dtypeFromCode(ctx.attrs.int('dtype')) : 'float32')]);
registerOp('SequenceAt', (inputs, ctx) => {
  const s = seqInput(inputs, 0);
  return [s.items[position(input(inputs, 1, ctx), s.items.length)]!];
});
registerOp('SequenceInsert', (inputs, ctx) => {
  const s = seqInput(inputs, 0);
  const items = s.items.slice();
  items.splice(position(optInput(inputs, 2), items.length, true), 0, input(inputs, 1, ctx));
  return [seq(items, s.elemType)];
});
registerOp('SequenceErase', (inputs) => {
  const s = seqInput(inputs, 0);
  const items = s.items.slice();
  items.splice(position(optInput(inputs, 1), items.length), 1);
  return [seq(items, s.elemType)];
});
registerOp('SequenceLength', (inputs) => [Value.fromHost([seqInput(inputs, 0).items.length], [], 'int64')]);

registerOp('SplitToSequence', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const axis = normAxis(ctx.attrs.int('axis', 0), x.rank);
  const keep = ctx.attrs.int('keepdims', 1) === 1;
  const splitV = optInput(inputs, 1);
  const dim = x.shape[axis]!;
  let sizes: number[];
  if (!splitV) sizes = new Array(dim).fill(1);
  else if (splitV.rank === 0) {
    const c = splitV.numbers()[0]!;
    sizes = [];
    for (let s = 0; s < dim; s += c) sizes.push(Math.min(c, dim - s));
  } else sizes = intsOf(splitV);
  const t = x.tensor();
  const parts = tf.split(t, sizes, axis);
  return [seq(parts.map((p) => out(!splitV && !keep ? tf.squeeze(p, [axis]) : p, x.dtype)), x.dtype)];
});

registerOp('ConcatFromSequence', (inputs, ctx) => {
  const s = seqInput(inputs, 0);
  const newAxis = ctx.attrs.int('new_axis', 0) === 1;
  const first = s.items[0];
  if (!first) throw new Error('ConcatFromSequence of an empty sequence');
  const axis = normAxis(ctx.attrs.int('axis'), first.rank + (newAxis ? 1 : 0));
  const ts = s.items.map((v) => v.tensor());
  return [out(newAxis ? tf.stack(ts, axis) : tf.concat(ts, axis), first.dtype)];
});

registerOp('Optional', (inputs) => [{ kind: 'optional', value: inputs[0] as Value | SequenceValue | undefined } as OptionalValue]);
registerOp('OptionalHasElement', (inputs) => {
  const v = inputs[0];
  const has = v !== undefined && (v.kind !== 'optional' || v.value !== undefined);
  return [Value.fromHost([has ? 1 : 0], [], 'bool')];
});
registerOp('OptionalGetElement', (inputs) => {
  const v = inputs[0] as RuntimeValue | undefined;
  if (v === undefined) throw new Error('OptionalGetElement of an empty optional');
  if (v.kind !== 'optional') return [v];
  if (v.value === undefined) throw new Error('OptionalGetElement of an empty optional');
  return [v.value];
});
