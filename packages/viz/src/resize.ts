import { type Heatmap, type Rgb, type RgbImage, checkHeatmap, checkImage } from './image.js';
import { type Region, type ResampleKernel, resample } from './resample.js';

/** Options of {@link resizeMap} and {@link resizeImage}. */
export interface ResizeOptions {
  /** The source rectangle that becomes the whole output (default: the whole source). See {@link Region}. */
  region?: Region;
  /** Interpolation (default `bilinear`, which is `cv2.resize`'s INTER_LINEAR). */
  kernel?: ResampleKernel;
}

/**
 * Resizes a float map to `width × height`. With the default bilinear kernel this is OpenCV's
 * `cv2.resize(map, (width, height))` (half-pixel centres, edges clamped, no antialiasing) and tfjs
 * `tf.image.resizeBilinear(x, size, false, true)`. Outside `region` the map reads 0.
 * @returns a new {@link Heatmap} of the requested size (values stay in the input's range).
 */
export function resizeMap(map: Heatmap, width: number, height: number, options: ResizeOptions = {}): Heatmap {
  checkHeatmap(map);
  return { width, height, data: Float32Array.from(resample(map.data, map.width, map.height, 1, width, height, options)) };
}

/**
 * Resizes an RGB image to `width × height` (bilinear as `cv2.resize` by default, or `area` to average when
 * shrinking), rounding to the nearest byte. Outside `region` the image reads `pad` (default black).
 * @returns a new {@link RgbImage} (HWC, 0–255).
 */
export function resizeImage(image: RgbImage, width: number, height: number, options: ResizeOptions & { pad?: Rgb } = {}): RgbImage {
  checkImage(image);
  const out = resample(image.data, image.width, image.height, 3, width, height, options);
  const data = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) data[i] = Math.round(out[i]!); // Uint8Array clamps to 0–255
  return { width, height, data };
}
