import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { GradCamError, isGraphModel } from '@gradcam/core';
import { classifierDefaultLayer } from './default-layer.js';
import { type ResizeMode, toModelInput } from './preprocess.js';
import { type ScoreHead, type ScoreSource, scoreHead } from './score-head.js';

/** An image classifier ready to be explained: the model, its labels, its preprocessing and default target layer. */
export interface Classifier {
  /** Short name, e.g. `mobilenet-v1-0.25`. */
  name: string;
  /** The tfjs model: input NHWC [1, H, W, 3] as `preprocess` returns it, output [1, K] (or [1, 1, 1, K]). */
  model: tfl.LayersModel | GraphModel;
  /** Class names; `labels[k]` is output index `k + labelOffset`. */
  labels: string[];
  /** 1 for TF-Hub MobileNets (1001 outputs, index 0 = background), else 0. */
  labelOffset: number;
  /** Model input size [H, W]. */
  inputSize: [number, number];
  /** HWC RGB image with values 0–255 (int32 or float) → model input NHWC float32 [1, H, W, 3]. The caller disposes the result. */
  preprocess(image: tf.Tensor3D): tf.Tensor4D;
  /** Default target layer (layer or node name). */
  layer: string;
  /** What a class index scores: the pre-softmax logit when the model exposes it, else the model's probability. */
  scoreSource?: ScoreSource;
  /** Frees what the classifier itself created (a loaded model, a logit twin layer); a model passed to {@link classifierFromModel} stays the caller's. */
  dispose?(): void;
}

/** Options of {@link classifierFromModel}. */
export interface ClassifierOptions {
  /** Class names, in output order starting at `labelOffset`. */
  labels: string[];
  /** Output index of `labels[0]` (default 0; 1 for models with a leading background class). */
  labelOffset?: number;
  /** Range the model expects pixel values 0–255 to be mapped to (default [0, 1]). */
  inputRange?: [number, number];
  /** Model input size [H, W] (default: from the model's input shape). */
  inputSize?: [number, number];
  /** Default target layer (default: the spatial layer feeding the last global pooling, else the last spatial layer). */
  layer?: string;
  /** Name used in messages (default `classifier`). */
  name?: string;
  /** Resize method of `preprocess` (default `half-pixel`; `@tensorflow-models/mobilenet` uses `align-corners`). */
  resize?: ResizeMode;
}

const heads = new WeakMap<Classifier, ScoreHead>();

/**
 * The model the engine explains for `classifier` (re-rooted at the logits when it ends in a softmax),
 * computed once per classifier.
 * @returns the cached {@link ScoreHead}.
 */
export function headOf(classifier: Classifier): ScoreHead {
  let head = heads.get(classifier);
  if (!head) {
    head = scoreHead(classifier.model);
    heads.set(classifier, head);
  }
  return head;
}

function inputSizeOf(model: tfl.LayersModel | GraphModel): [number, number] | undefined {
  const shape = model.inputs[0]?.shape;
  const h = shape?.[1];
  const w = shape?.[2];
  return typeof h === 'number' && h > 0 && typeof w === 'number' && w > 0 ? [h, w] : undefined;
}

/** Number of classes the model outputs (last dimension of its first output), from a zero image. */
export function outputSize(model: tfl.LayersModel | GraphModel, inputSize: [number, number]): number {
  return tf.tidy(() => {
    const x = tf.zeros([1, inputSize[0], inputSize[1], 3]);
    const out = model instanceof tfl.LayersModel ? model.predict(x) : model.execute(x, model.outputs[0]!.name);
    const t = Array.isArray(out) ? out[0]! : (out as tf.Tensor);
    return t.size;
  });
}

function checkSize(v: unknown, what: string): asserts v is [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((d) => Number.isInteger(d) && d > 0)) {
    throw new GradCamError(`${what} must be [H, W] with positive integers; got ${JSON.stringify(v)}`);
  }
}

/**
 * Wraps any tfjs image classifier (LayersModel or GraphModel, e.g. a Teachable Machine or Keras export)
 * given its labels and preprocessing. Models ending in a softmax are explained on the pre-softmax logit
 * when the graph exposes it (`scoreSource: 'logit'`), else on the probability.
 * @returns a {@link Classifier} whose `preprocess` maps HWC RGB 0–255 to `inputRange` at `inputSize`.
 * @throws GradCamError when the sizes, range or labels do not fit the model.
 */
export function classifierFromModel(model: tfl.LayersModel | GraphModel, options: ClassifierOptions): Classifier {
  if (!(model instanceof tfl.LayersModel) && !isGraphModel(model)) {
    throw new GradCamError('classifierFromModel needs a loaded tfjs LayersModel or GraphModel');
  }
  const { labels } = options;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw new GradCamError('labels must be a non-empty array of class names');
  }
  const labelOffset = options.labelOffset ?? 0;
  if (!Number.isInteger(labelOffset) || labelOffset < 0) throw new GradCamError(`labelOffset must be a non-negative integer; got ${labelOffset}`);
  const inputRange = options.inputRange ?? [0, 1];
  if (!Array.isArray(inputRange) || inputRange.length !== 2 || !inputRange.every(Number.isFinite) || inputRange[0] >= inputRange[1]) {
    throw new GradCamError(`inputRange must be [lo, hi] with lo < hi; got ${JSON.stringify(inputRange)}`);
  }
  const inputSize = options.inputSize ?? inputSizeOf(model);
  if (inputSize === undefined) throw new GradCamError("the model's input size is not fixed: pass inputSize [H, W]");
  checkSize(inputSize, 'inputSize');
  const name = options.name ?? 'classifier';
  const k = outputSize(model, inputSize);
  if (labelOffset + labels.length > k) {
    throw new GradCamError(
      `${name}: the model has ${k} outputs but ${labels.length} labels starting at output ${labelOffset} need ${labelOffset + labels.length}`,
    );
  }
  const resize = options.resize ?? 'half-pixel';
  const classifier: Classifier = {
    name,
    model,
    labels,
    labelOffset,
    inputSize,
    preprocess: (image) => toModelInput(image, inputRange, inputSize, resize),
    layer: '',
    dispose() {
      heads.get(classifier)?.dispose();
      heads.delete(classifier);
    },
  };
  const head = headOf(classifier);
  classifier.scoreSource = head.scoreSource;
  if (options.layer !== undefined) {
    classifier.layer = options.layer;
  } else {
    const probe = tf.zeros([1, inputSize[0], inputSize[1], 3]);
    try {
      classifier.layer = classifierDefaultLayer(model, probe);
    } finally {
      probe.dispose();
    }
  }
  return classifier;
}
