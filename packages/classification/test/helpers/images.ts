/**
 * Test helpers for the shared assets folder (`../shared`, see its README): skipping cleanly when it
 * is absent, and decoding photos into the HWC RGB tensors the adapters take.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { describe, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
/** The monorepo root (packages/<pkg>/test/helpers → ../../../..). */
const repoRoot = resolve(here, '../../../..');

/** Absolute path of the shared assets folder (`<repo>/../shared`), or undefined when it does not exist. */
export function sharedDir(): string | undefined {
  const dir = resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/**
 * `describe` that runs only when every given shared file exists, else is skipped with a message
 * saying why (`../shared not found` or the missing files).
 */
export function describeShared(name: string, required: string[], fn: (shared: string) => void): void {
  const dir = sharedDir();
  const missing = dir ? required.filter((p) => !existsSync(join(dir, p))) : required;
  if (!dir || missing.length > 0) {
    const why = dir ? `../shared lacks ${missing.join(', ')}: real-model tests skipped` : '../shared not found: real-model tests skipped';
    console.warn(`${name}: ${why}`);
    describe.skip(`${name} (${why})`, () => {
      it(why, () => {});
    });
    return;
  }
  describe(name, () => fn(dir));
}

/**
 * Decodes a photo with sharp (EXIF rotation applied, alpha dropped, sRGB).
 * @returns HWC RGB int32 [H, W, 3] with values 0–255 (the caller disposes it).
 */
export async function readImage(path: string): Promise<tf.Tensor3D> {
  const { data, info } = await sharp(path).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${path}: expected 3 channels, got ${info.channels}`);
  return tf.tensor3d(Int32Array.from(data), [info.height, info.width, 3], 'int32');
}

/** Position of the maximum of a row-major map: [x, y]. */
export function argmax2d(map: Float32Array, width: number): [number, number] {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i]! > map[best]!) best = i;
  return [best % width, Math.floor(best / width)];
}
