/**
 * Helpers shared by the commands that write pictures, reports and JSON: fitting pictures for the report,
 * number formatting, exact float32 JSON values, paths as the user reads them, and the little pixel work
 * of the scene-world commands (nearest-neighbour upscaling, box outlines, a map's peak).
 */
import { isAbsolute, relative } from 'node:path';
import { type RgbImage, resizeImage } from '@gradcam/viz';

/** Longest side of the pictures inlined in the HTML report (keeps reports of many photos openable). */
export const REPORT_MAX_SIDE = 640;

/** Shrinks `image` so its longest side is at most `max` (area-averaged); smaller images are returned as they are. */
export function fitWithin(image: RgbImage, max: number): RgbImage {
  const scale = max / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  return resizeImage(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)), { kernel: 'area' });
}

/** A probability or score for the terminal: 3 decimals, or 1 significant digit in exponent form when tiny. */
export const fmt = (p: number) => (Math.abs(p) >= 0.001 || p === 0 ? p.toFixed(3) : p.toExponential(1));

/** The shortest decimal that reads back as the same float32 (so JSON maps are exact but compact). */
export function f32(v: number): number {
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s;
  }
  return v;
}

/** A float32 array as exact, compact JSON numbers. */
export const exactArray = (a: Float32Array): number[] => Array.from(a, f32);

/** `p` relative to the working directory when it lies inside it, else as it is. */
export function showPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** A scene-world image (HWC RGB floats in [0, 1]) as 8-bit RGB. */
export function floatToRgb(width: number, height: number, image: Float32Array): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, image[i]!)) * 255);
  return { width, height, data };
}

/** `image` enlarged `factor` times by pixel replication (nearest neighbour: the pixels stay sharp squares). */
export function upscaleNearest(image: RgbImage, factor: number): RgbImage {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscale factor must be a positive integer; got ${factor}`);
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < width; x++) {
      const s = (sy * image.width + Math.floor(x / factor)) * 3;
      const d = (y * width + x) * 3;
      data[d] = image.data[s]!;
      data[d + 1] = image.data[s + 1]!;
      data[d + 2] = image.data[s + 2]!;
    }
  }
  return { width, height, data };
}

/** A box in pixel edges (pixel (x, y) covers [x, x+1) × [y, y+1)), as `@gradcam/scenes` gives them. */
export interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Draws the 1-pixel outline of each box (in the coordinates of an image `scale` times smaller) onto a
 * copy of `image`, in `colour`.
 * @returns the new image.
 */
export function drawBoxes(image: RgbImage, boxes: readonly PixelBox[], scale = 1, colour: readonly [number, number, number] = [255, 255, 255]): RgbImage {
  const out: RgbImage = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  const put = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= out.width || y >= out.height) return;
    out.data.set(colour, (y * out.width + x) * 3);
  };
  for (const b of boxes) {
    const x1 = Math.round(b.x1 * scale);
    const y1 = Math.round(b.y1 * scale);
    const x2 = Math.round(b.x2 * scale) - 1;
    const y2 = Math.round(b.y2 * scale) - 1;
    for (let x = x1; x <= x2; x++) {
      put(x, y1);
      put(x, y2);
    }
    for (let y = y1; y <= y2; y++) {
      put(x1, y);
      put(x2, y);
    }
  }
  return out;
}

/** The first position (row-major) of a map's largest value, and that value. */
export function mapPeak(data: Float32Array, width: number): { x: number; y: number; value: number } {
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i]! > data[best]!) best = i;
  return { x: best % width, y: Math.floor(best / width), value: data[best] ?? 0 };
}
