import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { TorchWeights } from './residual.js';

export interface Arr {
  shape: number[];
  data: number[];
}
export interface RefLayer {
  layer: string;
  raw: Arr;
  weights?: Arr;
  scaled?: Arr;
}
export interface RefCase {
  name: string;
  method: string;
  target_layers: string[];
  image_indices: number[] | null;
  input?: { shape: number[]; fill: number };
  targets: number[];
  target_scores: number[];
  maps: Arr;
  maps_opposite_sign?: Arr;
  layers: RefLayer[];
}
export interface Reference {
  input: Arr;
  weights: TorchWeights;
  logits: Arr;
  cases: RefCase[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** The pytorch-grad-cam reference produced by fixtures/pytorch-reference/generate.py. */
export function loadReference(): Reference {
  return JSON.parse(readFileSync(join(here, '..', 'fixtures', 'pytorch-reference', 'residual.json'), 'utf8')) as Reference;
}

/** The case's input batch as NHWC float32. */
export function caseInput(ref: Reference, c: RefCase): tf.Tensor4D {
  return tf.tidy(() => {
    if (c.input) return tf.fill(c.input.shape.slice(0, 1).concat(c.input.shape.slice(2), c.input.shape.slice(1, 2)) as [number, number, number, number], c.input.fill);
    const all = tf.transpose(tf.tensor4d(ref.input.data, ref.input.shape as [number, number, number, number]), [0, 2, 3, 1]);
    return tf.gather(all, c.image_indices!) as tf.Tensor4D;
  });
}

/** Max |a − b| over two equally sized arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
