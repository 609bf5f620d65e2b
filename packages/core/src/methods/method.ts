import * as tf from '@tensorflow/tfjs-core';
import { firstComponentProjection } from '../projection.js';
import type { Row } from '../targets.js';
import type { MethodId } from '../types.js';

/** What the shared pipeline hands a method for one target layer. All tensors are owned by the pipeline. */
export interface CamContext {
  /** Activations at the target layer, one per row (image × target), NHWC [M, h, w, C]. */
  activations: tf.Tensor4D;
  /** d score / d activations per row, [M, h, w, C] (negated for counterfactuals); null for gradient-free methods. */
  gradients: tf.Tensor4D | null;
  /** The rows: which image and which target each map explains. */
  rows: Row[];
  /** The preprocessed input images NHWC [N, H, W, Cin] (other model inputs are handled by the callbacks). */
  images: tf.Tensor4D;
  /** Replace the weighted sum by its first principal component (pytorch-grad-cam's `eigen_smooth`). */
  eigenSmooth: boolean;
  /** Batch size for methods that run the model many times (Score-CAM, Ablation-CAM). */
  batchSize: number;
  /** Ablation-CAM's divisor of the score drop: the signed score or its magnitude (see `ExplainOptions.ablationDivisor`). */
  ablationDivisor: 'score' | 'magnitude';
  /** Score-CAM: score only this many channels, those of highest spatial variance (Faster Score-CAM); undefined: all. */
  maxChannels?: number;
  /** Target scores of the unmodified rows, [M]. */
  scores: tf.Tensor1D;
  /**
   * Head scores for B modified activation maps of image `item`: [B, h, w, C] → [B, R], column r the
   * score of row `rowIdx[r]`'s target.
   */
  headScores(activations: tf.Tensor4D, item: number, rowIdx: number[]): tf.Tensor2D;
  /** Full-model scores for B variants of image `item`: [B, H, W, Cin] → [B, R], as {@link headScores}. */
  modelScores(images: tf.Tensor4D, item: number, rowIdx: number[]): tf.Tensor2D;
}

/** A method's raw result for one layer. */
export interface CamResult {
  /** Signed map at layer resolution before ReLU and normalisation, [M, h, w]. */
  raw: tf.Tensor3D;
  /** Channel weights [M, C] for methods that have them (Grad-CAM family, Score-CAM, Ablation-CAM), else null. */
  weights: tf.Tensor2D | null;
}

/** One CAM method: the only thing that differs between methods is how the raw map is formed. */
export interface CamMethod {
  id: MethodId;
  /** One-line description with the paper. */
  title: string;
  /** Whether the pipeline must compute gradients of the score w.r.t. the activations. */
  usesGradients: boolean;
  cam(ctx: CamContext): CamResult;
}

/** Σ_c w_c·A_c (or its first principal component with eigenSmooth): the CAM of channel weights [M, C]. */
export function channelWeightedCam(ctx: CamContext, weights: tf.Tensor2D): CamResult {
  const weighted = tf.mul(ctx.activations, tf.reshape(weights, [weights.shape[0], 1, 1, weights.shape[1]])) as tf.Tensor4D;
  return { raw: sumChannels(weighted, ctx.eigenSmooth), weights };
}

/** Σ_c E_c over channels of a per-position product E [M, h, w, C] (HiResCAM-style methods). */
export function elementwiseCam(ctx: CamContext, elementwise: tf.Tensor4D): CamResult {
  return { raw: sumChannels(elementwise, ctx.eigenSmooth), weights: null };
}

function sumChannels(x: tf.Tensor4D, eigenSmooth: boolean): tf.Tensor3D {
  return eigenSmooth ? firstComponentProjection(x) : (tf.sum(x, 3) as tf.Tensor3D);
}

/** The gradients, or an error naming the method if the pipeline did not compute them. */
export function requireGradients(ctx: CamContext, id: MethodId): tf.Tensor4D {
  if (!ctx.gradients) throw new Error(`internal: ${id} needs gradients`);
  return ctx.gradients;
}

/** Rows grouped by image index, in order of first appearance. */
export function rowsByItem(rows: Row[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const list = m.get(r.item);
    if (list) list.push(i);
    else m.set(r.item, [i]);
  });
  return m;
}

/**
 * Runs `score` over `variants` (B × …) in chunks of `batchSize` and concatenates the [b, R] results
 * into [B, R]; each chunk's intermediates are freed before the next.
 */
export function chunkedScores(count: number, batchSize: number, score: (start: number, size: number) => tf.Tensor2D): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  for (let s = 0; s < count; s += batchSize) {
    const size = Math.min(batchSize, count - s);
    parts.push(tf.tidy(() => score(s, size)));
  }
  const out = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return out;
}
