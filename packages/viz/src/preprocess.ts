import * as tf from '@tensorflow/tfjs-core';
import { type FitMode, fitRegion } from './fit.js';
import { type Rgb, type RgbImage, checkImage } from './image.js';
import type { Region, ResampleKernel } from './resample.js';
import { resample } from './resample.js';

/** Options of {@link preprocessImage}. */
export interface PreprocessOptions {
  /** The model's input size `[height, width]`. */
  size: [number, number];
  /** How the image is brought to `size` (default `fill`, a plain stretch). See {@link FitMode}. */
  fit?: FitMode;
  /**
   * Value range the model expects: pixel p (0–255) becomes `lo + (hi − lo)·p/255`. Default [0, 1];
   * MobileNet v1/v2 Keras models take [-1, 1]; [0, 255] keeps raw pixel values.
   */
  range?: [number, number];
  /** Per-channel mean subtracted after `range` (e.g. ImageNet's [0.485, 0.456, 0.406] with range [0, 1]). */
  mean?: Rgb;
  /** Per-channel std divided after `mean` (e.g. [0.229, 0.224, 0.225]). */
  std?: Rgb;
  /** `area` (default) averages when shrinking (antialiased); `bilinear` is `cv2.resize`'s INTER_LINEAR. */
  kernel?: ResampleKernel;
  /** Colour of the padding of `contain` (default black), in 0–255 before `range`. */
  pad?: Rgb;
}

/** The result of {@link preprocessImage}. */
export interface Preprocessed {
  /** The model input, NHWC float32 `[1, height, width, 3]`. The caller disposes it. */
  tensor: tf.Tensor4D;
  /** The region of the original image the input shows: pass it to `mapToImage`/`overlayHeatmap` as `region`. */
  region: Region;
}

/** Checks `options` and returns per-channel `scale` and `offset`: value = p·scale + offset. */
function affine(options: PreprocessOptions): { scale: number[]; offset: number[] } {
  const [lo, hi] = options.range ?? [0, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`range must be [lo, hi] with lo < hi; got [${lo}, ${hi}]`);
  const mean = options.mean ?? [0, 0, 0];
  const std = options.std ?? [1, 1, 1];
  if (mean.length !== 3 || std.length !== 3 || !std.every((s) => s > 0) || !mean.every(Number.isFinite)) {
    throw new RangeError(`mean and std must be 3 numbers each, std > 0; got mean [${mean}], std [${std}]`);
  }
  const scale = [0, 1, 2].map((c) => (hi - lo) / 255 / std[c]!);
  const offset = [0, 1, 2].map((c) => (lo - mean[c]!) / std[c]!);
  return { scale, offset };
}

/**
 * Turns an RGB image into a model input: fits it to `size` (see {@link FitMode}; resampling in JavaScript,
 * so Node and browsers agree), maps pixel values to `range`, then subtracts `mean` and divides by `std`.
 * @returns the NHWC float32 tensor `[1, H, W, 3]` (the caller disposes it) and the image region it shows.
 */
export function preprocessImage(image: RgbImage, options: PreprocessOptions): Preprocessed {
  checkImage(image);
  const [h, w] = options.size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new RangeError(`size must be [height, width], positive integers; got [${options.size}]`);
  const { scale, offset } = affine(options);
  const region = fitRegion(image.width, image.height, w, h, options.fit ?? 'fill');
  const pixels = resample(image.data, image.width, image.height, 3, w, h, { region, kernel: options.kernel ?? 'area', pad: options.pad ?? [0, 0, 0] });
  const values = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const c = i % 3;
    values[i] = Math.min(255, Math.max(0, pixels[i]!)) * scale[c]! + offset[c]!;
  }
  return { tensor: tf.tensor4d(values, [1, h, w, 3], 'float32'), region };
}

/**
 * An RGB image as an int32 HWC tensor `[height, width, 3]` with values 0–255 (what `tf.browser.fromPixels`
 * returns and what `@gradcam/classification`'s `preprocess` takes). The caller disposes it.
 */
export function imageToTensor(image: RgbImage): tf.Tensor3D {
  checkImage(image);
  return tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');
}
