/**
 * @gradcam/viz/browser — decoding and encoding with the browser's own image stack (createImageBitmap, canvas),
 * the counterpart of `@gradcam/viz/node`. No Node import.
 */
import { ImageReadError } from './errors.js';
import { type ImageFormat, mimeOf } from './format.js';
import { type RgbImage, imageFromRgba, imageToRgba } from './image.js';

/** Anything with canvas `ImageData`'s shape: RGBA bytes, 4 per pixel. */
export interface ImageDataLike {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/**
 * Drops the alpha of canvas pixels (`ctx.getImageData(…)`).
 * @returns an {@link RgbImage} (HWC, 0–255).
 */
export function imageFromImageData(imageData: ImageDataLike): RgbImage {
  return imageFromRgba(imageData.width, imageData.height, imageData.data);
}

/**
 * The pixels of `image` as canvas `ImageData` (alpha 255), ready for `ctx.putImageData`. Outside a browser
 * (no global `ImageData`) a plain object of the same shape.
 */
export function imageToImageData(image: RgbImage): ImageData | ImageDataLike {
  const rgba = imageToRgba(image);
  if (typeof ImageData !== 'undefined') return new ImageData(rgba, image.width, image.height);
  return { width: image.width, height: image.height, data: rgba };
}

function canvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

function context2d(c: OffscreenCanvas | HTMLCanvasElement): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  const ctx = c.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2D canvas context available');
  return ctx;
}

/**
 * Decodes an image in the browser: a URL, encoded bytes, a Blob/File, or anything `createImageBitmap` takes
 * (an `<img>`, `<canvas>`, `ImageBitmap`, video frame). EXIF orientation is applied (`imageOrientation:
 * 'from-image'`), alpha dropped, greyscale comes out as RGB.
 * @returns an {@link RgbImage}. Throws {@link ImageReadError} with the source and reason.
 */
export async function decodeImage(source: string | ArrayBuffer | Uint8Array | Blob | ImageBitmapSource, name?: string): Promise<RgbImage> {
  const label = name ?? (typeof source === 'string' ? source : '<image>');
  let bitmap: ImageBitmap;
  try {
    let input: ImageBitmapSource;
    if (typeof source === 'string') {
      const res = await fetch(source);
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      input = await res.blob();
    } else if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
      input = new Blob([source as BlobPart]);
    } else {
      input = source;
    }
    bitmap = await createImageBitmap(input, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'default' });
  } catch (e) {
    throw new ImageReadError(label, (e as Error).message || String(e));
  }
  const c = canvas(bitmap.width, bitmap.height);
  const ctx = context2d(c);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return imageFromImageData(ctx.getImageData(0, 0, c.width, c.height));
}

/**
 * Encodes an RGB image with the browser's encoders (PNG, JPEG, WebP where supported).
 * @returns the encoded bytes.
 */
export async function encodeImage(image: RgbImage, format: ImageFormat = 'png', options: { quality?: number } = {}): Promise<Uint8Array> {
  const c = canvas(image.width, image.height);
  context2d(c).putImageData(imageToImageData(image) as ImageData, 0, 0);
  const type = mimeOf(format);
  const quality = (options.quality ?? 90) / 100;
  const blob =
    'convertToBlob' in c
      ? await c.convertToBlob({ type, quality })
      : await new Promise<Blob>((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error(`the browser cannot encode ${type}`))), type, quality));
  return new Uint8Array(await blob.arrayBuffer());
}

/** Draws `image` onto a canvas (resizing the canvas to the image). */
export function drawImage(target: HTMLCanvasElement | OffscreenCanvas, image: RgbImage): void {
  target.width = image.width;
  target.height = image.height;
  context2d(target).putImageData(imageToImageData(image) as ImageData, 0, 0);
}
