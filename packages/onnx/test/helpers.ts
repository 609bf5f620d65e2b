import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import type { TensorData } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The project's sibling `shared/` folder (real models, the ONNX test suite), if present. */
export function sharedDir(): string | undefined {
  const dir = process.env['GRADCAM_SHARED'] ?? resolve(here, '..', '..', '..', '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/** `describe` that runs only when every given file under ../shared exists, else is skipped saying why. */
export function describeShared(name: string, required: string[], fn: (shared: string) => void): void {
  const dir = sharedDir();
  const missing = dir ? required.filter((p) => !existsSync(join(dir, p))) : required;
  if (!dir || missing.length > 0) {
    const why = dir ? `../shared lacks ${missing.join(', ')}` : '../shared is absent (test assets are not part of the repository)';
    console.warn(`${name}: skipped, ${why}`);
    describe.skip(`${name} (${why})`, () => {
      it(why, () => {});
    });
    return;
  }
  describe(name, () => fn(dir));
}

/** A fixture file of this package's tests. */
export function fixture(...parts: string[]): string {
  return join(here, 'fixtures', ...parts);
}

/** One case of a ../shared/models/onnx-reference JSON file. */
export interface RefCase {
  inputs: Record<string, { dtype: string; dims: number[]; data: number[] }>;
  outputs: Record<string, { dtype: string; dims: number[]; data: number[] }>;
}

/** Reads an onnxruntime reference file: the model path (relative to shared/models) and its cases. */
export function loadReference(shared: string, name: string): { model: string; cases: RefCase[] } {
  return JSON.parse(readFileSync(join(shared, 'models', 'onnx-reference', `${name}.json`), 'utf8')) as { model: string; cases: RefCase[] };
}

/** Reference inputs as feeds. */
export function feedsOf(c: RefCase): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(c.inputs)) feeds[k] = { dtype: v.dtype as TensorData['dtype'], dims: v.dims, data: v.data.map(Number) };
  return feeds;
}

/** Max |a − b| over two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A deterministic pseudo-random array in [lo, hi) (mulberry32). */
export function seeded(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * r;
  }
  return out;
}

/** Runs `fn` and returns how many tensors it left behind. */
export function tensorDelta(fn: () => void): number {
  const before = tf.memory().numTensors;
  fn();
  return tf.memory().numTensors - before;
}
