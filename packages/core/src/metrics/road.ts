/**
 * ROAD — RemOve And Debias (Rong, Leemann, Borisov, Kasneci & Kasneci, "A Consistent and Efficient
 * Evaluation Strategy for Attribution Methods", ICML 2022): pixels are removed in MoRF or LeRF order
 * and filled by noisy linear imputation, which leaks far less of the removed shape than a constant.
 * Follows pytorch-grad-cam's `metrics/road.py` (the ROAD authors' imputer).
 */
import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from '../errors.js';
import { type MapLike, toHeatMap } from './map.js';
import { type RelevanceOrder, type RemovalSelection, removalMask } from './ordering.js';
import { seededNormal } from './rng.js';
import { type PixelImage, type ScoreCallback, mapAtSize, readImage, scoreGenerated } from './score.js';

/** The 8-neighbour weights of the ROAD imputer: 1/6 for the 4 direct neighbours, 1/12 for the diagonals. */
const NEIGHBOURS: ReadonlyArray<readonly [number, number, number]> = [
  [-1, -1, 1 / 12], [-1, 0, 1 / 6], [-1, 1, 1 / 12],
  [0, -1, 1 / 6], [0, 1, 1 / 6],
  [1, -1, 1 / 12], [1, 0, 1 / 6], [1, 1, 1 / 12],
];

/** Options of {@link noisyLinearImpute} and {@link roadImpute}. */
export interface ImputeOptions {
  /** σ of the Gaussian noise added to each imputed value, in image units. Default 0.01 (ROAD, pytorch-grad-cam). */
  noise?: number;
  /** Seed of the noise (default 0): the same seed gives the same image. */
  seed?: number;
  /** Conjugate-gradient iterations at most per channel. Default 2000. */
  maxIterations?: number;
  /** Stop when ‖residual‖ ≤ tolerance · max(‖b‖, ‖initial residual‖). Default 1e-7. */
  tolerance?: number;
}

/**
 * Noisy linear imputation of ROAD, in plain JS. Every removed pixel becomes the weighted average of
 * its in-bounds 8-neighbours (weights 1/6 direct, 1/12 diagonal, renormalised over the neighbours
 * inside the image; removed neighbours are unknowns too), i.e. the solution of the sparse symmetric
 * positive-definite system (D − W_removed) x = W_kept · v, solved per channel by Jacobi-preconditioned
 * conjugate gradients in Float64 from the mean of the kept pixels; then N(0, noise²) is added to each
 * imputed value. Kept pixels are unchanged. With no kept pixel at all there is nothing to
 * interpolate: removed pixels become 0 + noise.
 *
 * `img`: [H, W, C]; `removed`: [H·W] row-major, nonzero = removed. Returns a new image.
 */
export function noisyLinearImpute(img: PixelImage, removed: ArrayLike<number>, options: ImputeOptions = {}): PixelImage {
  const { height: h, width: w, channels: c, data } = img;
  const n = h * w;
  if (removed.length !== n) throw new GradCamError(`the removal mask has ${removed.length} values, expected ${h}×${w}`);
  const noise = options.noise ?? 0.01;
  const maxIt = options.maxIterations ?? 2000;
  const tol = options.tolerance ?? 1e-7;
  const out = Float32Array.from(data);
  const vidx = new Int32Array(n).fill(-1);
  const cells: number[] = [];
  for (let i = 0; i < n; i++) {
    if (removed[i]) {
      vidx[i] = cells.length;
      cells.push(i);
    }
  }
  const m = cells.length;
  if (m === 0) return { data: out, height: h, width: w, channels: c };
  const rand = seededNormal(options.seed ?? 0);
  if (m === n) {
    for (let i = 0; i < out.length; i++) out[i] = noise === 0 ? 0 : noise * rand();
    return { data: out, height: h, width: w, channels: c };
  }

  // CSR of the off-diagonal couplings between unknowns, the diagonal, and the right-hand sides.
  const rowStart = new Int32Array(m + 1);
  const colIdx: number[] = [];
  const vals: number[] = [];
  const diag = new Float64Array(m);
  const b = new Float64Array(m * c);
  for (let u = 0; u < m; u++) {
    const i = cells[u]!;
    const y = Math.floor(i / w);
    const x = i - y * w;
    for (const [dy, dx, wt] of NEIGHBOURS) {
      const yy = y + dy;
      const xx = x + dx;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const j = yy * w + xx;
      diag[u] += wt;
      if (vidx[j]! >= 0) {
        colIdx.push(vidx[j]!);
        vals.push(wt);
      } else {
        for (let ch = 0; ch < c; ch++) b[u * c + ch] += wt * data[j * c + ch]!;
      }
    }
    rowStart[u + 1] = colIdx.length;
  }
  const col = Int32Array.from(colIdx);
  const val = Float64Array.from(vals);
  const apply = (p: Float64Array, q: Float64Array): void => {
    for (let u = 0; u < m; u++) {
      let s = diag[u]! * p[u]!;
      for (let k = rowStart[u]!; k < rowStart[u + 1]!; k++) s -= val[k]! * p[col[k]!]!;
      q[u] = s;
    }
  };

  const xs = new Float64Array(m);
  const r = new Float64Array(m);
  const z = new Float64Array(m);
  const p = new Float64Array(m);
  const q = new Float64Array(m);
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let i = 0; i < n; i++) if (!removed[i]) mean += data[i * c + ch]!;
    mean /= n - m;
    xs.fill(mean);
    apply(xs, q);
    let bn = 0;
    let rn = 0;
    for (let u = 0; u < m; u++) {
      const bu = b[u * c + ch]!;
      bn += bu * bu;
      r[u] = bu - q[u]!;
      rn += r[u]! * r[u]!;
    }
    const stop = tol * Math.max(Math.sqrt(bn), Math.sqrt(rn));
    let rz = 0;
    for (let u = 0; u < m; u++) {
      z[u] = r[u]! / diag[u]!;
      p[u] = z[u]!;
      rz += r[u]! * z[u]!;
    }
    for (let it = 0; it < maxIt && Math.sqrt(rn) > stop; it++) {
      apply(p, q);
      let pq = 0;
      for (let u = 0; u < m; u++) pq += p[u]! * q[u]!;
      if (!(pq > 0)) break;
      const alpha = rz / pq;
      rn = 0;
      for (let u = 0; u < m; u++) {
        xs[u] += alpha * p[u]!;
        r[u] -= alpha * q[u]!;
        rn += r[u]! * r[u]!;
      }
      let rz2 = 0;
      for (let u = 0; u < m; u++) {
        z[u] = r[u]! / diag[u]!;
        rz2 += r[u]! * z[u]!;
      }
      const beta = rz2 / rz;
      rz = rz2;
      for (let u = 0; u < m; u++) p[u] = z[u]! + beta * p[u]!;
    }
    for (let u = 0; u < m; u++) out[cells[u]! * c + ch] = xs[u]!;
  }
  // Noise drawn pixel by pixel, channel by channel, after the solve (independent of convergence).
  if (noise !== 0) for (let u = 0; u < m; u++) for (let ch = 0; ch < c; ch++) out[cells[u]! * c + ch] += noise * rand();
  return { data: out, height: h, width: w, channels: c };
}

/**
 * Noisy linear imputation of the removed pixels of one image tensor (see {@link noisyLinearImpute}).
 * `image`: [H, W, C] or [1, H, W, C] (not disposed); `removed`: an [H, W] mask ({@link MapLike}),
 * values > 0.5 are removed and imputed. Returns a new float32 tensor of the image's shape (the caller
 * disposes it).
 */
export function roadImpute<T extends tf.Tensor3D | tf.Tensor4D>(image: T, removed: MapLike, options: ImputeOptions = {}): T {
  const s = image.shape;
  if (!(s.length === 3 || (s.length === 4 && s[0] === 1))) {
    throw new GradCamError(`roadImpute takes one image [H, W, C] or [1, H, W, C], got [${s.join(', ')}]`);
  }
  const [h, w, c] = s.slice(-3) as [number, number, number];
  const mask = toHeatMap(removed);
  if (mask.height !== h || mask.width !== w) throw new GradCamError(`the mask is ${mask.height}×${mask.width} but the image is ${h}×${w}`);
  const img: PixelImage = { data: Float32Array.from(image.dataSync() as ArrayLike<number>), height: h, width: w, channels: c };
  const out = noisyLinearImpute(img, Uint8Array.from(mask.data, (v) => (v > 0.5 ? 1 : 0)), options);
  return tf.tensor(out.data, s, 'float32') as T;
}

/** Options of {@link road}. */
export interface RoadOptions extends ImputeOptions {
  /**
   * Percentages of pixels removed, each in [0, 100]. Default [10, 20, …, 90]. (pytorch-grad-cam's
   * `percentile = p` removes 100 − p % of the pixels; over the default symmetric set the mean is the same.)
   */
  percentiles?: readonly number[];
  /** `'MoRF'` (default): remove the most relevant pixels first (lower = better map); `'LeRF'`: the least relevant (higher = better). */
  order?: RelevanceOrder;
  /** Rank-based removal (default) or pytorch-grad-cam's percentile threshold; see `removalMask`. */
  selection?: RemovalSelection;
  /** Images per call of the score callback. Default 32. */
  batchSize?: number;
}

/** Result of {@link road}. */
export interface RoadResult {
  /** The percentages of pixels removed, as given. */
  percentiles: number[];
  /** The raw score of the imputed image at each percentage. */
  scores: Float32Array;
  /** Mean of `scores`. */
  mean: number;
  /** The score of the unmodified image. */
  original: number;
  /** scores − original: what pytorch-grad-cam's ROAD metrics return per percentile. */
  changes: Float32Array;
  /** Mean of `changes` (pytorch-grad-cam's `ROADMostRelevantFirstAverage` / `ROADLeastRelevantFirstAverage`). */
  meanChange: number;
}

/**
 * ROAD curve of one image: for each percentage p, remove p % of the pixels in `order` of the map
 * (ties by pixel index; see `removalMask`), impute them with {@link noisyLinearImpute} (noise seed
 * `seed + index of p`), and score the result. `image`: [1, H, W, C] or [H, W, C] in the model's
 * input space (noise σ is in those units); `map`: [H, W], resized bilinearly to the image when its
 * size differs. Costs 1 + percentiles.length scored images. Leaves `tf.memory().numTensors` unchanged.
 */
export async function road(
  image: tf.Tensor3D | tf.Tensor4D,
  map: MapLike,
  score: ScoreCallback,
  options: RoadOptions = {},
): Promise<RoadResult> {
  const img = await readImage(image);
  const { height: h, width: w, channels: c } = img;
  const percentiles = [...(options.percentiles ?? [10, 20, 30, 40, 50, 60, 70, 80, 90])];
  if (percentiles.length === 0) throw new GradCamError('percentiles is empty');
  for (const p of percentiles) if (!(p >= 0 && p <= 100)) throw new GradCamError(`percentiles must be in [0, 100], got ${p}`);
  const m = mapAtSize(map, h, w);
  const seed = options.seed ?? 0;
  const fill = (i: number, out: Float32Array): void => {
    if (i === 0) {
      out.set(img.data);
      return;
    }
    const mask = removalMask(m, percentiles[i - 1]! / 100, { order: options.order ?? 'MoRF', selection: options.selection ?? 'rank' });
    out.set(noisyLinearImpute(img, mask, { ...options, seed: seed + i - 1 }).data);
  };
  const s = await scoreGenerated(score, percentiles.length + 1, [h, w, c], fill, options.batchSize ?? 32);
  const original = s[0]!;
  const scores = Float32Array.from(s.subarray(1));
  const changes = Float32Array.from(s.subarray(1), (v) => v - original);
  const mean = s.subarray(1).reduce((a, v) => a + v, 0) / percentiles.length;
  return { percentiles, scores, mean, original, changes, meanChange: mean - original };
}

/** Result of {@link roadCombined}. */
export interface RoadCombinedResult {
  /** ROAD with the most relevant pixels removed first. */
  morf: RoadResult;
  /** ROAD with the least relevant pixels removed first. */
  lerf: RoadResult;
  /** (mean LeRF score − mean MoRF score) / 2: pytorch-grad-cam's `ROADCombined`; higher = better map. */
  combined: number;
}

/**
 * pytorch-grad-cam's `ROADCombined`: ROAD in both orders over the same percentages, combined as
 * (LeRF − MoRF) / 2 of the mean scores (identical to its difference of mean score changes, since the
 * original score cancels). Arguments as {@link road} (its `order` is ignored).
 */
export async function roadCombined(
  image: tf.Tensor3D | tf.Tensor4D,
  map: MapLike,
  score: ScoreCallback,
  options: Omit<RoadOptions, 'order'> = {},
): Promise<RoadCombinedResult> {
  const morf = await road(image, map, score, { ...options, order: 'MoRF' });
  const lerf = await road(image, map, score, { ...options, order: 'LeRF' });
  return { morf, lerf, combined: (lerf.mean - morf.mean) / 2 };
}
