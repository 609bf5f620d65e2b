/**
 * Test helpers for real images and the shared assets folder (`../shared`, see its README):
 * decoding with sharp into NHWC tensors, and skipping cleanly when the assets are absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { describe, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
/** The monorepo root (packages/core/test/helpers → ../../../..). */
const repoRoot = resolve(here, '../../../..');

/** Why real-model tests are skipped when the shared assets are missing. */
export const SHARED_MISSING = '../shared not found: real-model tests skipped';

/** Absolute path of the shared assets folder (`<repo>/../shared`), or undefined when it does not exist. */
export function sharedDir(): string | undefined {
  const dir = resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/** A path inside the shared folder, or undefined when the folder or the file is missing. */
export function sharedPath(...parts: string[]): string | undefined {
  const dir = sharedDir();
  if (!dir) return undefined;
  const p = join(dir, ...parts);
  return existsSync(p) ? p : undefined;
}

/**
 * `describe` that runs only when every given shared file exists (`describeShared(name, ['models/x/model.json'], fn)`),
 * else is skipped with a message saying why.
 */
export function describeShared(name: string, required: string[], fn: (shared: string) => void): void {
  const dir = sharedDir();
  const missing = dir ? required.filter((p) => !existsSync(join(dir, p))) : required;
  if (!dir || missing.length > 0) {
    const why = dir ? `../shared lacks ${missing.join(', ')}: real-model tests skipped` : SHARED_MISSING;
    console.warn(`${name}: ${why}`);
    describe.skip(`${name} (${why})`, () => {
      it(why, () => {});
    });
    return;
  }
  describe(name, () => fn(dir));
}

/** A decoded image: the model input tensor and the original-resolution RGB pixels. */
export interface LoadedImage {
  /** NHWC [1, size, size, 3] float32, linearly mapped from 0–255 to `range`. */
  tensor: tf.Tensor4D;
  /** Original width and height (after EXIF rotation). */
  width: number;
  height: number;
  /** Original-resolution RGB, row-major, 3 bytes per pixel. */
  rgb: Uint8Array;
}

/**
 * Decodes an image file with sharp (EXIF rotation applied, alpha dropped, sRGB), resizes it to
 * `size`×`size` (aspect ratio not kept, like most classifier pipelines) and maps 0–255 linearly to `range`
 * (e.g. `[-1, 1]` for Keras MobileNet, `[0, 1]` for the TF Hub one).
 */
export async function loadImage(path: string, size = 224, range: [number, number] = [0, 1]): Promise<LoadedImage> {
  const base = sharp(path).rotate().removeAlpha().toColourspace('srgb');
  const full = await base.clone().raw().toBuffer({ resolveWithObject: true });
  if (full.info.channels !== 3) throw new Error(`${path}: expected 3 channels after removeAlpha, got ${full.info.channels}`);
  const small = await base.clone().resize(size, size, { fit: 'fill' }).raw().toBuffer();
  const [lo, hi] = range;
  const scale = (hi - lo) / 255;
  const data = new Float32Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = small[i]! * scale + lo;
  return {
    tensor: tf.tensor4d(data, [1, size, size, 3], 'float32'),
    width: full.info.width,
    height: full.info.height,
    rgb: new Uint8Array(full.data.buffer, full.data.byteOffset, full.data.byteLength),
  };
}
