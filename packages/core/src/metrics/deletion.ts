/**
 * Deletion and insertion curves (Petsiuk, Das & Saenko, "RISE", BMVC 2018).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from '../errors.js';
import type { MapLike } from './map.js';
import { relevanceOrder } from './ordering.js';
import { type PixelImage, type ScoreCallback, mapAtSize, readImage, scoreGenerated } from './score.js';

/**
 * What replaces a removed pixel (deletion) or what the insertion curve starts from:
 * `'zero'` — 0 in every channel (of the model's input space, i.e. after preprocessing);
 * `'blur'` — the image blurred by a Gaussian (RISE's insertion substrate);
 * a number — that constant in every channel (e.g. the mean of the preprocessed data).
 */
export type DeletionBaseline = 'zero' | 'blur' | number;

/** Options of {@link deletionInsertion}. */
export interface DeletionInsertionOptions {
  /**
   * Number of chunks the H·W pixels are removed/inserted in (default 100, at most H·W). After step k,
   * round(k · H·W / steps) pixels are removed (inserted); the curves have steps + 1 points.
   */
  steps?: number;
  /**
   * The substrate, one for both curves or one per curve. Default `{ deletion: 'zero', insertion:
   * 'blur' }`, as in RISE.
   */
  baseline?: DeletionBaseline | { deletion: DeletionBaseline; insertion: DeletionBaseline };
  /** Gaussian σ in pixels of the `'blur'` substrate. Default 5 (RISE's `gkern(11, 5)`). */
  blurSigma?: number;
  /** Kernel size (odd) of the `'blur'` substrate. Default 11. */
  blurSize?: number;
  /**
   * `false` (default): the curves are raw scores, as in RISE (use a probability score to compare
   * with its numbers). `true`: every score is divided by the score of the unmodified image, so the
   * deletion curve starts and the insertion curve ends at 1 (the original score must be non-zero).
   */
  normalize?: boolean;
  /** Images per call of the score callback. Default 32. */
  batchSize?: number;
}

/** One curve of {@link deletionInsertion}. */
export interface PerturbationCurve {
  /** Area under the curve: trapezoid rule over x ∈ [0, 1] (the fraction of pixels removed/inserted). */
  auc: number;
  /** The score after each step, [steps + 1] (raw or normalised, see `normalize`). */
  curve: Float32Array;
}

/** Result of {@link deletionInsertion}. */
export interface DeletionInsertionResult {
  /** Pixels removed in order of decreasing map value; lower AUC = more faithful map. */
  deletion: PerturbationCurve;
  /** Pixels inserted into the substrate in order of decreasing map value; higher AUC = more faithful. */
  insertion: PerturbationCurve;
  /** The x of each curve point, [steps + 1]: the fraction of pixels removed/inserted, from 0 to 1. */
  x: Float32Array;
  /** The raw score of the unmodified image. */
  original: number;
}

/**
 * Area under a curve by the trapezoid rule, Σ (x[k+1] − x[k]) · (y[k] + y[k+1]) / 2. x must be
 * non-decreasing; with x from 0 to 1 this is RISE's `auc`.
 */
export function trapezoidAUC(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new GradCamError(`x has ${x.length} points but y has ${y.length}`);
  let a = 0;
  for (let k = 0; k + 1 < x.length; k++) a += ((x[k + 1]! - x[k]!) * (y[k]! + y[k + 1]!)) / 2;
  return a;
}

/**
 * Separable Gaussian blur of an [H, W, C] image, per channel. The kernel (size odd, σ in pixels) is
 * normalised to sum 1 and renormalised over the in-bounds taps at the borders (RISE pads with zeros,
 * which darkens the border; this does not).
 */
export function gaussianBlur(img: PixelImage, sigma = 5, size = 11): PixelImage {
  if (!(Number.isInteger(size) && size >= 1 && size % 2 === 1)) throw new GradCamError(`blur size must be an odd positive integer, got ${size}`);
  if (!(sigma > 0)) throw new GradCamError(`blur sigma must be > 0, got ${sigma}`);
  const { height: h, width: w, channels: c, data } = img;
  const r = (size - 1) / 2;
  const k = Array.from({ length: size }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          let ws = 0;
          for (let t = -r; t <= r; t++) {
            const xx = horizontal ? x + t : x;
            const yy = horizontal ? y : y + t;
            if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
            const kw = k[t + r]!;
            s += kw * src[(yy * w + xx) * c + ch]!;
            ws += kw;
          }
          dst[(y * w + x) * c + ch] = s / ws;
        }
      }
    }
    return dst;
  };
  return { data: pass(pass(data, true), false), height: h, width: w, channels: c };
}

function substrate(img: PixelImage, b: DeletionBaseline, sigma: number, size: number): Float32Array {
  if (b === 'zero') return new Float32Array(img.data.length);
  if (b === 'blur') return gaussianBlur(img, sigma, size).data;
  if (typeof b === 'number' && Number.isFinite(b)) return new Float32Array(img.data.length).fill(b);
  throw new GradCamError(`baseline must be 'zero', 'blur' or a finite number, got ${String(b)}`);
}

/**
 * Deletion and insertion curves of one image (RISE). Pixels are ordered by the map, most relevant
 * first (descending value, ties by ascending pixel index — `relevanceOrder(map, 'MoRF')`), and
 * removed (deletion: set to the substrate) or inserted (insertion: copied from the image into the
 * substrate) in `steps` equal chunks; each of the steps + 1 images is scored.
 *
 * `image`: one NHWC image [1, H, W, C] or [H, W, C] in the model's input space (not disposed).
 * `map`: [H, W] (resized bilinearly to the image when its size differs), any real values.
 * `score`: the target score per image of a batch. Costs 2·steps + 1 scored images.
 * AUC: trapezoid rule over x = fraction of pixels removed/inserted ∈ [0, 1], on the (raw or
 * normalised) curve. Leaves `tf.memory().numTensors` unchanged (given a callback that cleans up).
 */
export async function deletionInsertion(
  image: tf.Tensor3D | tf.Tensor4D,
  map: MapLike,
  score: ScoreCallback,
  options: DeletionInsertionOptions = {},
): Promise<DeletionInsertionResult> {
  const img = await readImage(image);
  const { height: h, width: w, channels: c } = img;
  const n = h * w;
  const steps = Math.min(options.steps ?? 100, n);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new GradCamError(`steps must be a positive integer, got ${options.steps}`);
  const base = options.baseline ?? { deletion: 'zero', insertion: 'blur' };
  const [bDel, bIns] = typeof base === 'object' ? [base.deletion, base.insertion] : [base, base];
  const sigma = options.blurSigma ?? 5;
  const size = options.blurSize ?? 11;
  const subDel = substrate(img, bDel, sigma, size);
  const subIns = substrate(img, bIns, sigma, size);
  const order = relevanceOrder(mapAtSize(map, h, w), 'MoRF');
  const counts = Array.from({ length: steps + 1 }, (_, k) => Math.round((k * n) / steps));

  // Images 0..steps: deletion after k steps; steps+1..2·steps: insertion after k = 0..steps−1 steps
  // (insertion after all steps is the unmodified image, deletion's image 0).
  const fill = (i: number, out: Float32Array): void => {
    const deletion = i <= steps;
    const k = deletion ? i : i - steps - 1;
    const from = deletion ? img.data : subIns; // the image before any change
    const put = deletion ? subDel : img.data; // where the first count[k] pixels come from
    out.set(from);
    for (let j = 0; j < counts[k]!; j++) {
      const p = order[j]! * c;
      for (let ch = 0; ch < c; ch++) out[p + ch] = put[p + ch]!;
    }
  };
  const s = await scoreGenerated(score, 2 * steps + 1, [h, w, c], fill, options.batchSize ?? 32);
  const original = s[0]!;
  if (options.normalize && original === 0) {
    throw new GradCamError('normalize: the score of the unmodified image is 0, so the curves cannot be divided by it');
  }
  const scale = options.normalize ? 1 / original : 1;
  const del = new Float32Array(steps + 1);
  const ins = new Float32Array(steps + 1);
  const delD = new Float64Array(steps + 1);
  const insD = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++) {
    delD[k] = s[k]! * scale;
    insD[k] = (k === steps ? original : s[steps + 1 + k]!) * scale;
  }
  del.set(delD);
  ins.set(insD);
  const x = Float64Array.from(counts, (v) => v / n);
  return {
    deletion: { auc: trapezoidAUC(x, delD), curve: del },
    insertion: { auc: trapezoidAUC(x, insD), curve: ins },
    x: Float32Array.from(x),
    original,
  };
}
