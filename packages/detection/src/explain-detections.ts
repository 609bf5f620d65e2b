import * as tf from '@tensorflow/tfjs-core';
import { type Explanation, GradCamError, type MethodId, explain, initBackend } from '@gradcam/core';
import type { DetectedObject, Detector } from './detector.js';

/** Options of {@link explainDetections}. */
export interface DetectionOptions {
  /** Maximum number of detections explained (default 20, as coco-ssd's `detect`). */
  maxBoxes?: number;
  /** Minimum detection score (default: the detector's, 0.5 for coco-ssd). */
  minScore?: number;
  /** CAM method (default `gradcam`). */
  method?: MethodId;
  /** Target layer(s) (default: the detector's `layer`). Several: maps averaged. */
  layer?: string | string[];
  /** Explain what lowers each detection's score instead. */
  counterfactual?: boolean;
  /** Forward-pass batch of Score-CAM / Ablation-CAM. */
  batchSize?: number;
}

/** One detection with its explanation. */
export interface ExplainedDetection extends DetectedObject {
  /** Index of `class` in the detector's labels. */
  classIndex: number;
  /** The explained score as the engine computed it from the head (equals `score` up to float error). */
  targetScore: number;
  /** Heatmap at the image size, row-major [height × width], values in [0, 1] (never NaN; a flat map is all zeros). */
  map: Float32Array;
  width: number;
  height: number;
  /** Signed map of the first target layer before ReLU and normalisation, row-major [rawHeight × rawWidth]. */
  raw: Float32Array;
  rawWidth: number;
  rawHeight: number;
}

/** Result of {@link explainDetections}. */
export interface DetectionResult {
  /** The detections, best first, each with its own map. */
  detections: ExplainedDetection[];
  method: MethodId;
  /** The target layer(s) used. */
  layer: string[];
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new GradCamError(message);
}

/**
 * Detects objects and explains each detection with its own class activation map: the score of a
 * detection is its class score at its own anchor/centre before non-maximum suppression, so two objects of
 * one class get two different maps. All detections of the image share one trunk pass and one batched
 * head gradient.
 * @param image HWC RGB [H, W, 3] with values 0–255 (int32 or float). Not disposed.
 * @returns the detections (as the detector's package reports them) with maps at the image size; no tensors to free.
 */
export async function explainDetections(detector: Detector, image: tf.Tensor3D, options: DetectionOptions = {}): Promise<DetectionResult> {
  check(image instanceof tf.Tensor && image.rank === 3 && image.shape[2] === 3, `image must be an HWC RGB tensor [H, W, 3] with values 0–255; got shape [${image?.shape ?? ''}]`);
  const maxBoxes = options.maxBoxes ?? 20;
  const minScore = options.minScore ?? detector.minScore;
  check(Number.isInteger(maxBoxes) && maxBoxes > 0, `maxBoxes must be a positive integer; got ${maxBoxes}`);
  check(typeof minScore === 'number' && minScore >= 0 && minScore <= 1, `minScore must be in [0, 1]; got ${minScore}`);
  const layers = options.layer === undefined ? [detector.layer] : Array.isArray(options.layer) ? options.layer : [options.layer];
  check(layers.length > 0, '`layer` is an empty list: name at least one target layer');
  await initBackend();
  const cuts = layers.map((l) => detector.cut(l));
  const run = await detector.detect(image, { maxBoxes, minScore });
  try {
    if (run.detections.length === 0) return { detections: [], method: options.method ?? 'gradcam', layer: layers };
    let r: Explanation;
    try {
      r = await explain(cuts, run.input, {
        targets: [run.detections.map((d) => d.target)],
        ...(options.method ? { method: options.method } : {}),
        ...(options.counterfactual ? { counterfactual: true } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        // a detector's score may be a raw logit, negative below p = 0.5: Ablation-CAM divides its drop by |score|
        ablationDivisor: 'magnitude',
      });
    } catch (e) {
      // The engine's error names the layer; a detector also knows which layer every head reads.
      if (e instanceof GradCamError && /does not depend on the activations of layer/.test(e.message)) {
        throw new GradCamError(
          `none of the ${run.detections.length} detection score(s) depends on layer ${layers.map((l) => `'${l}'`).join(', ')} ` +
            `(it does not feed the head that scores them); pick a layer shared by every head, e.g. the default '${detector.layer}'`,
        );
      }
      throw e;
    }
    try {
      const [height, width] = image.shape;
      const [, rh, rw] = r.raw.shape;
      const maps = tf.tidy(() => {
        const resized = tf.image.resizeBilinear(tf.expandDims(r.maps, 3) as tf.Tensor4D, [height, width], false, true);
        return tf.clipByValue(resized, 0, 1).dataSync() as Float32Array;
      });
      const raws = r.raw.dataSync() as Float32Array;
      const scores = r.scores.dataSync();
      const n = height * width;
      const detections = run.detections.map((d, i): ExplainedDetection => ({
        bbox: d.bbox,
        class: d.class,
        score: d.score,
        classIndex: d.classIndex,
        targetScore: scores[i]!,
        map: maps.slice(i * n, (i + 1) * n),
        width,
        height,
        raw: raws.slice(i * rh * rw, (i + 1) * rh * rw),
        rawWidth: rw,
        rawHeight: rh,
      }));
      return { detections, method: r.method, layer: r.layers.map((l) => l.layer) };
    } finally {
      r.dispose();
    }
  } finally {
    run.input.dispose();
  }
}
