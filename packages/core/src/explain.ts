import * as tf from '@tensorflow/tfjs-core';
import { type BackendName, initBackend } from './backend/select.js';
import { type Explainable, cutModel } from './cut/index.js';
import { isGraphModel } from './cut/graph-model.js';
import { GradCamError } from './errors.js';
import { valueAndGradSafe } from './grad.js';
import { type AugSmoothOptions, augmentationSmooth } from './smoothing.js';
import { getMethod } from './methods/index.js';
import type { CamContext, CamMethod } from './methods/method.js';
import { aggregateLayers, scaleCam } from './normalize.js';
import { classMatrix } from './scores.js';
import { type Row, type TargetsOption, expandTargets, resolveRows, scoreRows } from './targets.js';
import type { HeadOutputs, MethodId, ModelCut, Target } from './types.js';

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** Target layer name(s) (LayersModel layer or GraphModel node). Default: the last spatial 4-D layer. Several: maps averaged. */
  layer?: string | string[];
  /**
   * What to explain: a class index (that output's raw value) or a score function; one for all images,
   * one per image, or a list per image (`[[812, 518]]`). Default: each image's top-1 class of the first output.
   */
  targets?: TargetsOption;
  /** CAM method (default `gradcam`). */
  method?: MethodId;
  /** Negate the gradients: regions that would lower the score (the paper's counterfactual explanations). */
  counterfactual?: boolean;
  /** Use the first principal component of the weighted activations instead of their sum. */
  eigenSmooth?: boolean;
  /** Batch size of the forward passes of Score-CAM and Ablation-CAM (default 32). */
  batchSize?: number;
  /**
   * What Ablation-CAM divides the score drop by: `'score'` (default), (y − y_c)/y as the paper and
   * pytorch-grad-cam; `'magnitude'`, (y − y_c)/|y|, which keeps a channel whose removal lowers the score
   * positive when the score is negative (e.g. a log-probability), where `'score'` flips every weight.
   * Identical for positive scores; a score of 0 divides by 1 in both.
   */
  ablationDivisor?: 'score' | 'magnitude';
  /**
   * Score-CAM only: mask with the N channels of highest spatial variance instead of all C (Faster
   * Score-CAM); the others get weight 0. Default: all channels (pytorch-grad-cam's Score-CAM).
   */
  maxChannels?: number;
  /** Force a tfjs backend (see {@link initBackend}). */
  backend?: BackendName;
  /** Test-time augmentation smoothing (flip × pixel multipliers × scales, maps mapped back and averaged). */
  augSmooth?: boolean | AugSmoothOptions;
}

/** The result for one target layer. */
export interface LayerExplanation {
  layer: string;
  /** Signed map [M, h, w] at layer resolution, before ReLU and normalisation. */
  raw: tf.Tensor3D;
  /** Channel weights [M, C], or null for methods without channel weights (HiResCAM, LayerCAM, element-wise, Eigen-CAM). */
  weights: tf.Tensor2D | null;
}

/**
 * The result of {@link explain}. Row m of every tensor explains `rows[m]` (image `rows[m].item`,
 * target `rows[m].target`); with one target per image, row m is image m. The tensors belong to the
 * caller: call `dispose()` when done.
 */
export interface Explanation {
  /** Maps [M, H, W] at the input size, values in [0, 1] (pytorch-grad-cam semantics; a flat map is all zeros). */
  maps: tf.Tensor3D;
  /** Signed raw map [M, h, w] of the first target layer (= `layers[0].raw`). */
  raw: tf.Tensor3D;
  /** Channel weights [M, C] of the first target layer, or null (= `layers[0].weights`). */
  weights: tf.Tensor2D | null;
  /** The target score of each row on the unmodified input, [M] (e.g. the class logit). */
  scores: tf.Tensor1D;
  /** Per target layer results, in the order given. */
  layers: LayerExplanation[];
  rows: Row[];
  method: MethodId;
  /** Frees every tensor of this explanation. */
  dispose(): void;
}

/** Tiles per-image frontier tensors to rows; batch-independent tensors (shapes, constants) pass unchanged. */
function toRows(t: tf.Tensor, n: number, itemIdx: number[]): tf.Tensor {
  if (t.rank === 0 || t.shape[0] !== n || (t.rank === 1 && t.dtype !== 'float32')) return t;
  return tf.gather(t, itemIdx);
}

interface LayerRun extends LayerExplanation {
  scaled: tf.Tensor3D;
  scores: tf.Tensor1D;
}

function runLayer(
  cut: ModelCut,
  inputs: tf.Tensor[],
  method: CamMethod,
  perItem: Array<Target[] | undefined>,
  rowsIn: Row[] | undefined,
  options: ExplainOptions,
): { run: LayerRun; rows: Row[] } {
  const images = inputs[0] as tf.Tensor4D;
  const n = images.shape[0];
  let rows = rowsIn;
  const run = tf.tidy((): tf.TensorContainer => {
    const { activations, state } = cut.trunk(inputs);
    if (activations.rank !== 4) {
      throw new GradCamError(
        `target layer '${cut.layer}' outputs shape [${activations.shape}], but a CAM needs NHWC activations [N, h, w, C]; ` +
          'pick a spatial layer or reshape tokens to a grid in a custom cut (cutFromFunctions)',
      );
    }
    const a = activations as tf.Tensor4D;
    rows ??= resolveRows(perItem, () => {
      const out = classMatrix(cut.head(a, state));
      return Array.from(tf.argMax(out, 1).dataSync());
    });
    const itemIdx = rows.map((r) => r.item);
    const identity = itemIdx.length === n && itemIdx.every((v, i) => v === i);
    const aRows = identity ? a : (tf.gather(a, itemIdx) as tf.Tensor4D);
    const stateRows = identity ? state : state.map((s) => toRows(s, n, itemIdx));
    const targets = rows.map((r) => r.target);
    const score = (x: tf.Tensor) => scoreRows(cut.head(x, stateRows), targets);
    let scores: tf.Tensor1D;
    let gradients: tf.Tensor4D | null = null;
    if (method.usesGradients) {
      const { value, grad } = gradientOrExplain(() => valueAndGradSafe(score, aRows), cut.layer);
      scores = value as tf.Tensor1D;
      gradients = (options.counterfactual ? tf.neg(grad) : grad) as tf.Tensor4D;
    } else {
      scores = score(aRows);
    }
    const rowList = rows;
    /** Scores of B variants of one image for each of R rows' targets, [B, R] (outputs repeated R times, scored at once). */
    const perTarget = (outs: HeadOutputs, rowIdx: number[], b: number): tf.Tensor2D => {
      const r = rowIdx.length;
      const rep = (t: tf.Tensor) => (r === 1 ? t : tf.concat(Array(r).fill(t), 0));
      const repeated: HeadOutputs =
        outs instanceof tf.Tensor ? rep(outs) : Array.isArray(outs) ? outs.map(rep) : Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, rep(v)]));
      const targetsRB = rowIdx.flatMap((i) => Array<Target>(b).fill(rowList[i]!.target));
      return tf.transpose(tf.reshape(scoreRows(repeated, targetsRB), [r, b])) as tf.Tensor2D;
    };
    const stateFor = (item: number, b: number) => state.map((s) => toRows(s, n, Array<number>(b).fill(item)));
    const ctx: CamContext = {
      activations: aRows,
      gradients,
      rows,
      images,
      eigenSmooth: options.eigenSmooth ?? false,
      batchSize: options.batchSize ?? 32,
      ablationDivisor: options.ablationDivisor ?? 'score',
      ...(options.maxChannels !== undefined ? { maxChannels: options.maxChannels } : {}),
      scores,
      headScores(acts, item, rowIdx) {
        const b = acts.shape[0];
        return perTarget(cut.head(acts, stateFor(item, b)), rowIdx, b);
      },
      modelScores(variants, item, rowIdx) {
        const b = variants.shape[0];
        const others = inputs.slice(1).map((t) => tf.gather(t, Array(b).fill(item)));
        const t = cut.trunk([variants, ...others]);
        return perTarget(cut.head(t.activations, t.state), rowIdx, b);
      },
    };
    const { raw, weights } = method.cam(ctx);
    const scaled = scaleCam(raw, [images.shape[1], images.shape[2]]);
    const result: LayerRun = { layer: cut.layer, raw, weights, scaled, scores };
    return result as unknown as tf.TensorContainer;
  }) as unknown as LayerRun;
  return { run, rows: rows! };
}

/** Turns tfjs's "Cannot compute gradient of y=f(x)" into an error that names the layer. */
function gradientOrExplain<T>(fn: () => T, layer: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && /Cannot compute gradient of y=f\(x\)/.test(e.message)) {
      throw new GradCamError(
        `the score does not depend on the activations of layer '${layer}' (no gradient path from the layer to the score): ` +
          'pick a layer that feeds the explained output, or check the score function',
      );
    }
    throw e;
  }
}

/** A GraphModel whose default layer must be found needs an example input to infer node shapes. */
function needsProbe(model: Explainable, layer: ExplainOptions['layer']): boolean {
  return layer === undefined && isGraphModel(model);
}

/**
 * Explains `model`'s decision on `input` with a class activation map.
 *
 * `input` is the preprocessed NHWC float batch [N, H, W, C] the model takes (or a list of the model's
 * inputs with that image batch first). The model is cut at each target layer; gradients are taken of
 * the head only, w.r.t. the activations A — never through the trunk or w.r.t. weights.
 *
 * @returns an {@link Explanation} whose tensors the caller disposes (`result.dispose()`).
 */
export async function explain(model: Explainable, input: tf.Tensor | tf.Tensor[], options: ExplainOptions = {}): Promise<Explanation> {
  await initBackend(options.backend ? { backend: options.backend } : {});
  if (options.augSmooth) {
    const inputs = Array.isArray(input) ? input : [input];
    const aug = options.augSmooth === true ? {} : options.augSmooth;
    const plain = { ...options, augSmooth: false };
    return augmentationSmooth(inputs[0] as tf.Tensor4D, inputs.slice(1), (x) => explainSync(model, x, plain), aug);
  }
  return explainSync(model, input, options);
}

/** {@link explain} without the backend initialisation step (the backend must be ready). */
export function explainSync(model: Explainable, input: tf.Tensor | tf.Tensor[], options: ExplainOptions = {}): Explanation {
  const inputs = Array.isArray(input) ? input : [input];
  const images = inputs[0];
  if (!images || images.rank !== 4) {
    throw new GradCamError(`input must be an NHWC image batch [N, H, W, C]; got shape [${images?.shape ?? ''}]`);
  }
  if (images.dtype !== 'float32') throw new GradCamError(`input must be float32 (preprocessed for the model); got ${images.dtype}`);
  const method = getMethod(options.method ?? 'gradcam');
  if (options.counterfactual && !method.usesGradients) {
    throw new GradCamError(`counterfactual explanations negate gradients; method '${method.id}' uses none`);
  }
  if (options.batchSize !== undefined && !(Number.isInteger(options.batchSize) && options.batchSize > 0)) {
    throw new GradCamError(`batchSize must be a positive integer; got ${options.batchSize}`);
  }
  if (options.ablationDivisor !== undefined && options.ablationDivisor !== 'score' && options.ablationDivisor !== 'magnitude') {
    throw new GradCamError(`ablationDivisor must be 'score' or 'magnitude'; got '${String(options.ablationDivisor)}'`);
  }
  if (options.maxChannels !== undefined && !(Number.isInteger(options.maxChannels) && options.maxChannels > 0)) {
    throw new GradCamError(`maxChannels must be a positive integer; got ${options.maxChannels}`);
  }
  const probe = needsProbe(model, options.layer) ? inputs.map((t) => tf.slice(t, 0, 1)) : undefined;
  let cuts: ModelCut[];
  try {
    cuts = cutModel(model, options.layer, probe);
  } finally {
    if (probe) tf.dispose(probe);
  }
  const perItem = expandTargets(options.targets, images.shape[0]);
  let rows: Row[] | undefined;
  const runs: LayerRun[] = [];
  try {
    for (const cut of cuts) {
      const r = runLayer(cut, inputs, method, perItem, rows, options);
      rows = r.rows;
      runs.push(r.run);
    }
  } catch (e) {
    runs.forEach((r) => tf.dispose([r.raw, r.scaled, r.scores, ...(r.weights ? [r.weights] : [])]));
    throw e;
  }
  const maps = aggregateLayers(runs.map((r) => r.scaled));
  runs.forEach((r, i) => {
    r.scaled.dispose();
    if (i > 0) r.scores.dispose();
  });
  const layers = runs.map(({ layer, raw, weights }) => ({ layer, raw, weights }));
  const first = layers[0]!;
  return {
    maps,
    raw: first.raw,
    weights: first.weights,
    scores: runs[0]!.scores,
    layers,
    rows: rows!,
    method: method.id,
    dispose() {
      tf.dispose([maps, runs[0]!.scores, ...layers.flatMap((l) => (l.weights ? [l.raw, l.weights] : [l.raw]))]);
    },
  };
}
