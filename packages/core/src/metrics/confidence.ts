/**
 * Confidence of the "explanation map" image × map: Average Drop and Increase in Confidence with the
 * papers' relative definitions (Chattopadhay et al., Grad-CAM++, WACV 2018), and pytorch-grad-cam's
 * absolute-difference variants (`CamMultImageConfidenceChange`, `DropInConfidence`,
 * `IncreaseInConfidence` of `metrics/cam_mult_image.py`).
 *
 * The two families differ in the drop: the papers' is relative to the original score and in
 * percent, 100 · max(0, Y − O) / Y; pytorch-grad-cam's is the absolute max(0, Y − O) in score units
 * (so it depends on the score's scale, and logits and probabilities give different rankings). The
 * increase is the same indicator O > Y in both (percent in the paper, 0/1 per image in pytorch-grad-cam).
 */
import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from '../errors.js';
import { resizeMaps } from '../normalize.js';
import { type MapLike, toHeatMap } from './map.js';
import { type ScoreCallback, scoreTensor } from './score.js';

function mapsTensor(maps: MapLike | tf.Tensor3D): tf.Tensor3D {
  if (maps instanceof tf.Tensor) {
    if (maps.rank === 3) return tf.clone(maps) as tf.Tensor3D;
    if (maps.rank === 2) return tf.expandDims(maps, 0) as tf.Tensor3D;
    throw new GradCamError(`maps must be [H, W] or [M, H, W], got [${maps.shape.join(', ')}]`);
  }
  const m = toHeatMap(maps);
  return tf.tensor3d(m.data, [1, m.height, m.width]);
}

/**
 * The explanation map of Grad-CAM++ (and pytorch-grad-cam's `multiply_tensor_with_cam`): every
 * channel of the image multiplied by the map. `image`: NHWC [N, H, W, C] or [H, W, C], in whatever
 * space the caller wants masked (pytorch-grad-cam multiplies the normalised model input; the paper
 * multiplies the image before preprocessing: then preprocess inside the score callback). `maps`:
 * [H, W], [M, H, W] (tensor) or any {@link MapLike}, values in [0, 1]; resized bilinearly (half-pixel
 * centres) to H×W when their size differs. N and M must be equal (pairs) or one of them 1 (broadcast).
 * Returns a new [max(N, M), H, W, C] tensor (the caller disposes it); inputs are not disposed.
 */
export function maskedByMap(image: tf.Tensor3D | tf.Tensor4D, maps: MapLike | tf.Tensor3D): tf.Tensor4D {
  return tf.tidy(() => {
    const x = (image.rank === 3 ? tf.expandDims(image, 0) : image) as tf.Tensor4D;
    if (x.rank !== 4) throw new GradCamError(`image must be [N, H, W, C] or [H, W, C], got [${image.shape.join(', ')}]`);
    const [n, h, w] = x.shape;
    let m = mapsTensor(maps);
    const k = m.shape[0];
    if (!(n === k || n === 1 || k === 1)) {
      throw new GradCamError(`${n} images and ${k} maps: give as many maps as images, or one of either`);
    }
    if (m.shape[1] !== h || m.shape[2] !== w) m = resizeMaps(m, [h, w]);
    return tf.mul(tf.cast(x, 'float32'), tf.expandDims(m, 3)) as tf.Tensor4D;
  });
}

/** Scores of {@link explanationMapScores}: Y and O per image-map pair. */
export interface ExplanationMapScores {
  /** Y: the score of each unmodified image, [K]. */
  original: Float32Array;
  /** O: the score of each image × map, [K]. */
  masked: Float32Array;
}

/**
 * Scores the images and their explanation maps ({@link maskedByMap}): Y = score(image), O =
 * score(image × map), for K = max(N, M) pairs. `score` is called once with the images (as given,
 * [N, H, W, C]) and once with the K masked images, in pair order — so a callback that picks each
 * image's target by position works. Leaves `tf.memory().numTensors` unchanged.
 */
export async function explanationMapScores(
  image: tf.Tensor3D | tf.Tensor4D,
  maps: MapLike | tf.Tensor3D,
  score: ScoreCallback,
): Promise<ExplanationMapScores> {
  const masked = maskedByMap(image, maps);
  try {
    const k = masked.shape[0];
    const x = image.rank === 3 ? tf.expandDims(image, 0) as tf.Tensor4D : (image as tf.Tensor4D);
    let y: Float64Array;
    try {
      y = await scoreTensor(score, x);
    } finally {
      if (x !== image) x.dispose();
    }
    const o = await scoreTensor(score, masked);
    const original = new Float32Array(k);
    for (let i = 0; i < k; i++) original[i] = y.length === 1 ? y[0]! : y[i]!;
    return { original, masked: Float32Array.from(o) };
  } finally {
    masked.dispose();
  }
}

function checkPairs(y: ArrayLike<number>, o: ArrayLike<number>): void {
  if (y.length !== o.length) throw new GradCamError(`${y.length} original scores but ${o.length} explanation-map scores`);
  if (y.length === 0) throw new GradCamError('no scores');
}

/** Result of {@link averageDropIncrease} (the papers' definitions). */
export interface AverageDropIncrease {
  /** Average Drop %: 100 · mean_i max(0, Y_i − O_i) / Y_i. Lower is better; in [0, 100] for probabilities. */
  averageDrop: number;
  /** Increase in Confidence %: 100 · mean_i [O_i > Y_i]. Higher is better; in [0, 100]. */
  increaseInConfidence: number;
  /** Per image: 100 · max(0, Y_i − O_i) / Y_i. */
  drops: Float32Array;
  /** Per image: 1 when O_i > Y_i, else 0. */
  increased: Uint8Array;
}

/**
 * Average Drop and Increase in Confidence (Chattopadhay et al., Grad-CAM++, 2018; relative
 * definitions, in percent). `originalScores` Y and `explanationMapScores` O are per-image scores of
 * the same target on the image and on image × map (see {@link explanationMapScores}); use class
 * probabilities, as the paper does. The relative drop needs Y > 0.
 * @throws GradCamError when lengths differ, or a Y ≤ 0 (e.g. a logit): use `classProbability`.
 */
export function averageDropIncrease(originalScores: ArrayLike<number>, explanationMapScores: ArrayLike<number>): AverageDropIncrease {
  checkPairs(originalScores, explanationMapScores);
  const n = originalScores.length;
  const drops = new Float32Array(n);
  const increased = new Uint8Array(n);
  let sumDrop = 0;
  let sumInc = 0;
  for (let i = 0; i < n; i++) {
    const y = originalScores[i]!;
    const o = explanationMapScores[i]!;
    if (!(y > 0)) {
      throw new GradCamError(
        `Average Drop divides by the original score, which must be > 0 (image ${i} has ${y}); use a probability score (classProbability) or confidenceChangeAbsolute`,
      );
    }
    const d = (100 * Math.max(0, y - o)) / y;
    drops[i] = d;
    sumDrop += d;
    if (o > y) {
      increased[i] = 1;
      sumInc++;
    }
  }
  return { averageDrop: sumDrop / n, increaseInConfidence: (100 * sumInc) / n, drops, increased };
}

/** Result of {@link confidenceChangeAbsolute} (pytorch-grad-cam's definitions). */
export interface ConfidenceChangeAbsolute {
  /** Per image O_i − Y_i: pytorch-grad-cam's `CamMultImageConfidenceChange`. */
  change: Float32Array;
  /** Per image max(0, Y_i − O_i), in score units: pytorch-grad-cam's `DropInConfidence`. */
  drop: Float32Array;
  /** Per image 1 when O_i − Y_i > 0, else 0: pytorch-grad-cam's `IncreaseInConfidence`. */
  increase: Float32Array;
  /** Mean of `change` over the images. */
  meanChange: number;
  /** Mean of `drop` over the images (score units). */
  meanDrop: number;
  /** Mean of `increase` over the images: the fraction in [0, 1] whose score rose. */
  meanIncrease: number;
}

/**
 * pytorch-grad-cam's absolute-difference confidence metrics (`metrics/cam_mult_image.py`) from the
 * per-image scores Y (`originalScores`) and O (`explanationMapScores`, the score of image × map).
 * Any real scores (logits allowed). Unlike {@link averageDropIncrease}, the drop is not divided by Y
 * and not in percent.
 */
export function confidenceChangeAbsolute(originalScores: ArrayLike<number>, explanationMapScores: ArrayLike<number>): ConfidenceChangeAbsolute {
  checkPairs(originalScores, explanationMapScores);
  const n = originalScores.length;
  const change = new Float32Array(n);
  const drop = new Float32Array(n);
  const increase = new Float32Array(n);
  let sc = 0;
  let sd = 0;
  let si = 0;
  for (let i = 0; i < n; i++) {
    const d = explanationMapScores[i]! - originalScores[i]!;
    change[i] = d;
    drop[i] = Math.max(0, -d);
    increase[i] = d > 0 ? 1 : 0;
    sc += d;
    sd += Math.max(0, -d);
    si += d > 0 ? 1 : 0;
  }
  return { change, drop, increase, meanChange: sc / n, meanDrop: sd / n, meanIncrease: si / n };
}
