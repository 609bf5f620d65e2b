import * as tf from '@tensorflow/tfjs-core';
import { GradCamError, type MethodId, explain, initBackend } from '@gradcam/core';
import { type Classifier, headOf } from './classifier.js';
import { resolveClass } from './labels.js';
import { checkImage } from './preprocess.js';
import { type Prediction, probabilities, topClasses } from './predictions.js';
import { type ScoreSource, explainableAt } from './score-head.js';

/** Options of {@link explainClassification}. */
export interface ClassificationOptions {
  /** Without `classes`: explain the `top` most probable classes (default 1). Also the minimum length of `predictions` (at least 5). */
  top?: number;
  /** Classes to explain: output indices or label names (any comma-separated synonym, case-insensitive). */
  classes?: Array<number | string>;
  /** CAM method (default `gradcam`). */
  method?: MethodId;
  /** Target layer(s) (default: the classifier's `layer`). Several: maps averaged. */
  layer?: string | string[];
  /** Explain what lowers the score instead (the paper's counterfactual maps). */
  counterfactual?: boolean;
}

/** The explanation of one class. */
export interface ClassExplanation extends Prediction {
  /** The explained score: the class logit (`scoreSource: 'logit'`) or its probability. */
  score: number;
  /** Heatmap at the model input size, row-major [height × width], values in [0, 1] (never NaN; a flat map is all zeros). */
  map: Float32Array;
  width: number;
  height: number;
  /** Signed map of the first target layer before ReLU and normalisation, row-major [rawHeight × rawWidth]. */
  raw: Float32Array;
  rawWidth: number;
  rawHeight: number;
}

/** Result of {@link explainClassification}. */
export interface ClassificationResult {
  /** The most probable classes, best first (`max(top, 5)` of them). */
  predictions: Prediction[];
  /** One explanation per requested class, in request order. */
  explanations: ClassExplanation[];
  method: MethodId;
  /** The target layer(s) used. */
  layer: string[];
  /** What the maps explain: the pre-softmax logit (the Grad-CAM paper's y^c) or the probability. */
  scoreSource: ScoreSource;
}

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new GradCamError(`${what} must be a positive integer; got ${JSON.stringify(v)}`);
  return v as number;
}

/**
 * Classifies an image and explains classes with a class activation map. The image is preprocessed with
 * `classifier.preprocess`; maps are at the model input size (`inputSize`), so an image of another aspect
 * ratio is stretched: resize the map back to the image to overlay it.
 * @param image HWC RGB [H, W, 3] with values 0–255 (int32 or float). Not disposed.
 * @returns predictions and explanations as plain arrays (no tensors to free).
 */
export async function explainClassification(classifier: Classifier, image: tf.Tensor3D, options: ClassificationOptions = {}): Promise<ClassificationResult> {
  checkImage(image);
  const top = positiveInt(options.top ?? 1, 'top');
  if (options.classes !== undefined && (!Array.isArray(options.classes) || options.classes.length === 0)) {
    throw new GradCamError('classes must be a non-empty array of output indices or label names');
  }
  const wanted = options.classes?.map((q) => resolveClass(classifier, q));
  await initBackend();
  const head = headOf(classifier);
  const input = tf.tidy(() => classifier.preprocess(image));
  try {
    const probs = probabilities(classifier, input);
    const predictions = topClasses(classifier, probs, Math.max(top, 5));
    const indices = wanted ?? predictions.slice(0, top).map((p) => p.index);
    const layer = options.layer ?? classifier.layer;
    const r = await explain(explainableAt(head, layer), input, {
      layer,
      targets: [indices],
      ...(options.method ? { method: options.method } : {}),
      ...(options.counterfactual ? { counterfactual: true } : {}),
      // a logit may be negative (a class the model rules out): Ablation-CAM divides its drop by |score|
      ablationDivisor: 'magnitude',
    });
    try {
      const [m, h, w] = r.maps.shape;
      const [, rh, rw] = r.raw.shape;
      const maps = r.maps.dataSync() as Float32Array;
      const raws = r.raw.dataSync() as Float32Array;
      const scores = r.scores.dataSync();
      const explanations: ClassExplanation[] = [];
      for (let i = 0; i < m; i++) {
        const index = indices[i]!;
        const k = index - classifier.labelOffset;
        explanations.push({
          index,
          label: classifier.labels[k]!,
          probability: probs[k]!,
          score: scores[i]!,
          map: maps.slice(i * h * w, (i + 1) * h * w),
          width: w,
          height: h,
          raw: raws.slice(i * rh * rw, (i + 1) * rh * rw),
          rawWidth: rw,
          rawHeight: rh,
        });
      }
      return { predictions, explanations, method: r.method, layer: r.layers.map((l) => l.layer), scoreSource: head.scoreSource };
    } finally {
      r.dispose();
    }
  } finally {
    input.dispose();
  }
}
