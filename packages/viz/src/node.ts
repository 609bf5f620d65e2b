/**
 * @gradcam/viz/node — image decoding and encoding with sharp, and atomic file writes. Node only; the browser
 * entry (`@gradcam/viz/browser`) has the same `decodeImage` / `encodeImage` on canvas.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { ImageReadError } from './errors.js';
import { type ImageFormat, formatOfPath } from './format.js';
import { type RgbImage, checkImage } from './image.js';
import { type ReportItem, type ReportOptions, renderReport } from './report.js';

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Name used in error messages when `source` is a buffer (default `<buffer>`). */
  name?: string;
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = String(err?.message ?? e);
  if (err?.code === 'ENOENT' || /Input file is missing/.test(message)) return 'no such file';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR' || /is a directory/i.test(message)) return 'is a directory';
  if (/unsupported image format/.test(message)) return 'not an image sharp can decode (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG)';
  return message.replace(/^Error: /, '').split('\n')[0]!;
}

/**
 * Decodes a PNG, JPEG, WebP (or anything else sharp reads) from a file path or encoded bytes: EXIF orientation
 * applied, converted to 8-bit sRGB (greyscale expanded to RGB, 16-bit reduced), alpha dropped.
 * @returns an {@link RgbImage} (HWC, 0–255) in display orientation. Throws {@link ImageReadError} naming the
 * path and the reason (no such file, not an image, truncated data…).
 */
export async function decodeImage(source: string | Uint8Array, options: DecodeOptions = {}): Promise<RgbImage> {
  const name = typeof source === 'string' ? source : (options.name ?? '<buffer>');
  try {
    const { data, info } = await sharp(source, { failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw new ImageReadError(name, reasonOf(e));
  }
}

/** Options of {@link encodeImage}. */
export interface EncodeOptions {
  /** JPEG/WebP quality 1–100 (default 90). */
  quality?: number;
}

/**
 * Encodes an RGB image as PNG, JPEG or WebP.
 * @returns the encoded bytes.
 */
export async function encodeImage(image: RgbImage, format: ImageFormat = 'png', options: EncodeOptions = {}): Promise<Uint8Array> {
  checkImage(image);
  const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  const quality = options.quality ?? 90;
  const buf =
    format === 'png'
      ? await s.png({ compressionLevel: 9 }).toBuffer()
      : format === 'jpg'
        ? await s.jpeg({ quality, mozjpeg: true }).toBuffer()
        : format === 'webp'
          ? await s.webp({ quality }).toBuffer()
          : undefined;
  if (!buf) throw new RangeError(`unknown image format '${String(format)}'; formats: png, jpg, webp`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Temporary files being written by {@link writeFileAtomic} right now. */
const pending = new Set<string>();

/**
 * Deletes the temporary files of writes still in progress (synchronously, so it can run in a signal handler
 * before the process exits: an interrupted run leaves no `.tmp` file behind).
 * @returns how many were removed.
 */
export function removePendingTemporaryFiles(): number {
  let n = 0;
  for (const tmp of pending) {
    rmSync(tmp, { force: true });
    pending.delete(tmp);
    n++;
  }
  return n;
}

/**
 * Writes `data` to `path` atomically: to a temporary file in the same folder (created if needed), then
 * renamed over `path`, so a reader never sees a partial file and a failure leaves none behind.
 * @returns `path`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<string> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pending.add(tmp);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    pending.delete(tmp);
  }
  return path;
}

/**
 * Encodes `image` in the format its extension names (`.png`, `.jpg`, `.jpeg`, `.webp`) and writes it atomically
 * (see {@link writeFileAtomic}).
 * @returns `path`.
 */
export async function writeImage(path: string, image: RgbImage, options: EncodeOptions = {}): Promise<string> {
  const format = formatOfPath(path);
  if (!format) throw new RangeError(`cannot tell the image format of '${path}': use a .png, .jpg, .jpeg or .webp name`);
  return writeFileAtomic(path, await encodeImage(image, format, options));
}

/**
 * Renders a self-contained HTML report (see `renderReport`) and writes it atomically.
 * @returns `path`.
 */
export async function writeReport(path: string, items: ReportItem[], options: ReportOptions): Promise<string> {
  return writeFileAtomic(path, renderReport(items, options));
}
