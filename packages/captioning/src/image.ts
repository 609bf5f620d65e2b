/**
 * Images accepted by the captioning and VQA explainers, read into transformers.js's `RawImage` (the
 * object its pipelines and processors work on).
 */
import { RawImage } from '@xenova/transformers';

/** Decoded pixels: `data` holds `height × width × channels` bytes, row-major HWC (e.g. `@gradcam/viz`'s `RgbImage`). */
export interface PixelImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  /** 1, 3 or 4 (default 3). */
  channels?: number;
}

/** A file path or URL (anything `RawImage.read` opens: sharp in Node, fetch in the browser), a `RawImage`, or decoded pixels. */
export type ImageInput = string | URL | RawImage | PixelImage;

/** Reads `image` into a `RawImage` (a `RawImage` is returned as it is). */
export async function readImage(image: ImageInput): Promise<RawImage> {
  if (image instanceof RawImage) return image;
  if (typeof image === 'string' || image instanceof URL) return RawImage.read(image);
  const channels = image.channels ?? 3;
  if (image.data.length !== image.width * image.height * channels) {
    throw new Error(`image data holds ${image.data.length} bytes; ${image.width}×${image.height}×${channels} expected`);
  }
  return new RawImage(image.data, image.width, image.height, channels as 1 | 2 | 3 | 4);
}
