import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from './errors.js';
import { classMatrix } from './scores.js';
import type { HeadOutputs, Target } from './types.js';

/** One explained (image, target) pair. Rows are ordered by image, then by target. */
export interface Row {
  /** Index of the image in the input batch. */
  item: number;
  /** What is explained for it. */
  target: Target;
}

/** The `targets` option: one target for all images, one per image, or a list per image. */
export type TargetsOption = Target | Array<Target | Target[]> | undefined;

/**
 * Expands the `targets` option over a batch of `n` images. `undefined` means "the top-1 class of the
 * first output" (resolved later against the scores). A flat list for a single image means several targets.
 */
export function expandTargets(targets: TargetsOption, n: number): Array<Target[] | undefined> {
  if (targets === undefined) return Array.from({ length: n }, () => undefined);
  if (!Array.isArray(targets)) return Array.from({ length: n }, () => [targets]);
  if (n === 1 && targets.every((t) => !Array.isArray(t))) {
    if (targets.length === 0) throw new GradCamError('targets is an empty list');
    return [targets as Target[]];
  }
  if (targets.length !== n) {
    throw new GradCamError(
      `targets has ${targets.length} entries but the batch has ${n} images: give one target (or list of targets) per image`,
    );
  }
  return targets.map((t, i) => {
    const list = Array.isArray(t) ? t : [t];
    if (list.length === 0) throw new GradCamError(`image ${i} has an empty list of targets`);
    return list;
  });
}

/**
 * Scores of a batch of B rows: row b's target evaluated on row b of the head outputs → [B].
 * Class-index targets are gathered together (one one-hot product); score functions are evaluated
 * once per distinct function and masked to their rows.
 */
export function scoreRows(outputs: HeadOutputs, targets: Target[]): tf.Tensor1D {
  const b = targets.length;
  const parts: tf.Tensor1D[] = [];
  if (targets.some((t) => typeof t === 'number')) {
    const m = classMatrix(outputs);
    if (m.shape[0] !== b) throw new GradCamError(`internal: head returned ${m.shape[0]} rows for ${b} targets`);
    const k = m.shape[1];
    for (const t of targets) {
      if (typeof t === 'number' && (!Number.isInteger(t) || t < 0 || t >= k)) {
        throw new GradCamError(`class ${t} is out of range: the model output has ${k} classes (valid indices 0–${k - 1})`);
      }
    }
    // A one-hot selection mask built on the CPU side (works for any K, including a single output).
    const mask = new Float32Array(b * k);
    targets.forEach((t, r) => {
      if (typeof t === 'number') mask[r * k + t] = 1;
    });
    parts.push(tf.sum(tf.mul(m, tf.tensor2d(mask, [b, k])), 1) as tf.Tensor1D);
  }
  const fns = [...new Set(targets.filter((t): t is Exclude<Target, number> => typeof t !== 'number'))];
  for (const fn of fns) {
    const s = fn(outputs);
    if (s.size !== b) {
      throw new GradCamError(`score function ${fn.label ?? fn.name ?? ''} returned shape [${s.shape}]; expected one scalar per row, [${b}]`);
    }
    // `where`, not a product: a score that is ±Inf/NaN on rows it does not own must not leak into them.
    const mask = tf.tensor1d(targets.map((t) => t === fn), 'bool');
    parts.push(tf.where(mask, tf.cast(tf.reshape(s, [b]), 'float32'), tf.zeros([b])) as tf.Tensor1D);
  }
  return parts.length === 1 ? parts[0]! : (tf.addN(parts) as tf.Tensor1D);
}

/**
 * Rows for a batch: each image's explicit targets, or its top-1 class (`top1()[item]`, computed at most
 * once and only when some image has no explicit target).
 */
export function resolveRows(perItem: Array<Target[] | undefined>, top1: () => number[]): Row[] {
  let best: number[] | undefined;
  const rows: Row[] = [];
  perItem.forEach((targets, item) => {
    if (targets) targets.forEach((target) => rows.push({ item, target }));
    else rows.push({ item, target: (best ??= top1())[item]! });
  });
  return rows;
}
