/**
 * The model interface of the faithfulness metrics, and the plumbing shared by them: reading an image
 * tensor into plain JS, scoring batches of JS-built images, resizing a map to the image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from '../errors.js';
import { resizeMaps } from '../normalize.js';
import { type HeatMap, type MapLike, toHeatMap } from './map.js';

/**
 * The target score of each image of a batch: `images` is NHWC [B, H, W, C] (the model's preprocessed
 * input space), the result has B numbers, in order. The caller closes over the model and the target,
 * e.g. `(x) => tf.tidy(() => classProbability(281)(model.predict(x))).dataSync()`. The metrics dispose
 * `images` after the call returns: the callback must not keep it, and should free its own tensors.
 */
export type ScoreCallback = (images: tf.Tensor4D) => Promise<ArrayLike<number>> | ArrayLike<number>;

/** One image in plain JS: `data[(y * width + x) * channels + c]`, layout [H, W, C]. */
export interface PixelImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Reads one image tensor, [H, W, C] or [1, H, W, C], into a {@link PixelImage} (a copy; the tensor is kept). */
export async function readImage(image: tf.Tensor3D | tf.Tensor4D): Promise<PixelImage> {
  const s = image.shape;
  if (!(s.length === 3 || (s.length === 4 && s[0] === 1))) {
    throw new GradCamError(`expected one image [H, W, C] or [1, H, W, C], got [${s.join(', ')}]`);
  }
  const [height, width, channels] = s.slice(-3) as [number, number, number];
  const data = Float32Array.from((await image.data()) as ArrayLike<number>);
  return { data, height, width, channels };
}

/**
 * A map at the image size: converted with {@link toHeatMap}, and resized bilinearly (half-pixel
 * centres, like `explain`'s maps and OpenCV) when its size differs. Leaves no tensors behind.
 */
export function mapAtSize(map: MapLike, height: number, width: number): HeatMap {
  const m = toHeatMap(map);
  if (m.height === height && m.width === width) return m;
  const data = tf.tidy(() => {
    const t = tf.tensor3d(m.data, [1, m.height, m.width]);
    return resizeMaps(t, [height, width]).dataSync() as Float32Array;
  });
  return { data: Float32Array.from(data), height, width };
}

/**
 * Scores `count` images built in JS: `fill(i, out)` writes image i ([H, W, C], `out` is zeroed) and
 * the images go to `score` in batches of `batchSize`, in order. Returns the `count` scores (Float64).
 * Every batch tensor is disposed, also when `score` throws.
 */
export async function scoreGenerated(
  score: ScoreCallback,
  count: number,
  shape: readonly [number, number, number],
  fill: (i: number, out: Float32Array) => void,
  batchSize = 32,
): Promise<Float64Array> {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new GradCamError(`batchSize must be a positive integer, got ${batchSize}`);
  const [h, w, c] = shape;
  const size = h * w * c;
  const out = new Float64Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const b = Math.min(batchSize, count - start);
    const buf = new Float32Array(b * size);
    for (let j = 0; j < b; j++) fill(start + j, buf.subarray(j * size, (j + 1) * size));
    const batch = tf.tensor4d(buf, [b, h, w, c]);
    try {
      const s = await score(batch);
      checkScores(s, b);
      for (let j = 0; j < b; j++) out[start + j] = s[j]!;
    } finally {
      batch.dispose();
    }
  }
  return out;
}

/** Scores a tensor batch [B, H, W, C] with `score` (not disposing it) and checks the result has B numbers. */
export async function scoreTensor(score: ScoreCallback, images: tf.Tensor4D): Promise<Float64Array> {
  const s = await score(images);
  checkScores(s, images.shape[0]);
  return Float64Array.from(s);
}

function checkScores(s: ArrayLike<number>, b: number): void {
  if (s == null || typeof s.length !== 'number' || s.length !== b) {
    throw new GradCamError(
      `the score callback returned ${s == null ? String(s) : `${s.length} values`} for a batch of ${b} images; it must return one score per image`,
    );
  }
}
