import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { type ObjectDetectionBaseModel, load as loadPackage } from '@tensorflow-models/coco-ssd';
import { GradCamError, type ModelCut, cutGraphModel, initBackend, pickOutput, scoreFunction } from '@gradcam/core';
import { COCO_SSD_CLASSES } from './coco-labels.js';
import type { DecodedDetection, DetectedObject, Detector, DetectorRun, DetectOptions } from './detector.js';
import { graphOf, sharedNodes } from './graph.js';

/**
 * The node where the TF Object Detection API's SSD graphs hold the preprocessed image (resized to
 * 300×300, mapped to [-1, 1]); everything before it (a `map`/while loop over the batch) needs `executeAsync`.
 */
export const SSD_PREPROCESSED_NODE = 'Preprocessor/sub';

/** What `@tensorflow-models/coco-ssd` (2.2.3) keeps in its ObjectDetection object and uses to build detections. */
interface PackageInternals {
  model: GraphModel;
  calculateMaxScores(scores: Float32Array, numBoxes: number, numClasses: number): [number[], number[]];
  buildDetectedObjects(width: number, height: number, boxes: Float32Array, scores: number[], indexes: Int32Array, classes: number[]): DetectedObject[];
  dispose(): void;
}

/** Options of {@link loadCocoSsd}. */
export interface CocoSsdOptions {
  /** `lite_mobilenet_v2` (default), `mobilenet_v1` or `mobilenet_v2`, as the package names them. */
  base?: ObjectDetectionBaseModel;
  /** Where to load the model from instead of the package's URL: a URL, or a tfjs IOHandler. */
  modelUrl?: string | tf.io.IOHandler;
  /** Node holding the preprocessed image (default `Preprocessor/sub`). */
  entry?: string;
  /** Default target layer (default: the last spatial node shared by every box predictor). */
  layer?: string;
}

/** The score of column `column` (= class index) of anchor `anchor` in the SSD scores output [B, anchors, classes]: one scalar per row. */
function anchorScore(anchor: number, column: number, label: string) {
  return scoreFunction((outputs) => {
    const scores = pickOutput(outputs, 0);
    return tf.reshape(tf.slice(scores, [0, anchor, column], [-1, 1, 1]), [-1]);
  }, `ssd[anchor ${anchor}, ${label}]`);
}

/**
 * Wraps a coco-ssd ObjectDetection (from `@tensorflow-models/coco-ssd`'s `load`) as a {@link Detector}.
 * Decoding is the package's own (`calculateMaxScores`, single-class NMS with `minScore` as IoU and
 * score threshold, `buildDetectedObjects`), so detections are exactly what `detect()` returns. The model
 * runs once with `executeAsync` up to its preprocessed image and its two raw outputs (scores [1, anchors,
 * 90], boxes [1, anchors, 1, 4]); the explanation then runs synchronously from the preprocessed image.
 * A detection's score is its class column at its anchor, before NMS.
 * @returns the detector; its `dispose()` frees the package's model.
 */
export async function cocoSsdDetector(objectDetection: unknown, options: Omit<CocoSsdOptions, 'modelUrl'> = {}): Promise<Detector> {
  const od = objectDetection as PackageInternals;
  const model = od?.model;
  if (!model || typeof od.calculateMaxScores !== 'function') {
    throw new GradCamError('cocoSsdDetector needs the ObjectDetection object returned by @tensorflow-models/coco-ssd load()');
  }
  const entry = options.entry ?? SSD_PREPROCESSED_NODE;
  if (!graphOf(model).nodes[entry]) {
    throw new GradCamError(`the coco-ssd model has no node '${entry}' holding the preprocessed image; pass the right one as \`entry\``);
  }
  const [scoresName, boxesName] = model.outputs.map((o) => o.name);
  if (!scoresName || !boxesName) throw new GradCamError(`a coco-ssd model has two outputs (scores, boxes); this one has ${model.outputs.length}`);
  // One async pass on a zero image gives the preprocessed size and the output shapes.
  const probe = tf.zeros([1, 300, 300, 3], 'int32');
  const [pre, scores] = (await model.executeAsync(probe, [entry, scoresName])) as tf.Tensor[];
  probe.dispose();
  const entryShape = pre!.shape;
  const [, numAnchors, numClasses] = scores!.shape;
  tf.dispose([pre!, scores!]);
  if (entryShape.length !== 4 || entryShape[3] !== 3) throw new GradCamError(`'${entry}' should hold an NHWC RGB image; its shape is [${entryShape}]`);
  if (numAnchors === undefined || numClasses === undefined) throw new GradCamError(`the first output '${scoresName}' should be scores [1, anchors, classes]`);
  // The explanation runs synchronously from the entry: check that the scores need nothing else.
  const shared = options.layer === undefined ? sharedNodes(model, entry, scoresName) : [];
  let shapes: number[][];
  try {
    shapes = tf.tidy(() => {
      const out = model.execute({ [entry]: tf.zeros([1, entryShape[1]!, entryShape[2]!, 3]) }, [...shared, scoresName]) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(out) ? out : [out]).map((t) => t.shape);
    });
  } catch (e) {
    throw new GradCamError(`the scores '${scoresName}' cannot be computed synchronously from '${entry}' alone: ${(e as Error).message}`);
  }
  const layer =
    options.layer ?? shared.filter((_, i) => shapes[i]!.length === 4 && (shapes[i]![1]! > 1 || shapes[i]![2]! > 1)).at(-1);
  if (!layer) throw new GradCamError(`no spatial node between '${entry}' and '${scoresName}' is shared by every box predictor; pass \`layer\``);
  const cuts = new Map<string, ModelCut>();
  const labels = Array.from({ length: numClasses }, (_, j) => COCO_SSD_CLASSES[j] ?? `class ${j}`);
  return {
    name: `coco-ssd-${options.base ?? 'lite_mobilenet_v2'}`,
    family: 'coco-ssd',
    model,
    labels,
    inputSize: [entryShape[1]!, entryShape[2]!],
    layer,
    minScore: 0.5,
    async detect(image: tf.Tensor3D, { maxBoxes, minScore }: DetectOptions): Promise<DetectorRun> {
      const [height, width] = image.shape;
      const batched = tf.tidy(() => tf.expandDims(tf.cast(tf.clipByValue(tf.round(tf.cast(image, 'float32')), 0, 255), 'int32')));
      const outs = (await model.executeAsync(batched, [entry, scoresName, boxesName])) as tf.Tensor[];
      batched.dispose();
      const [input, scoreT, boxT] = outs as [tf.Tensor4D, tf.Tensor, tf.Tensor];
      try {
        const scoreData = scoreT.dataSync() as Float32Array;
        const boxData = boxT.dataSync() as Float32Array;
        // The package's own decoding, step by step (ObjectDetection.infer), keeping the anchor indices.
        const [maxScores, classes] = od.calculateMaxScores(scoreData, scoreT.shape[1]!, scoreT.shape[2]!);
        const indexes = tf.tidy(() => {
          const boxes2 = tf.tensor2d(boxData, [boxT.shape[1]!, boxT.shape[3]!]);
          return tf.image.nonMaxSuppression(boxes2, maxScores, maxBoxes, minScore, minScore).dataSync() as Int32Array;
        });
        const objects = od.buildDetectedObjects(width, height, boxData, maxScores, indexes, classes);
        const detections = objects.map((o, i): DecodedDetection => {
          const anchor = indexes[i]!;
          const column = classes[anchor]!;
          return { ...o, classIndex: column, target: anchorScore(anchor, column, o.class) };
        });
        tf.dispose([scoreT, boxT]);
        return { input, detections };
      } catch (e) {
        tf.dispose(outs);
        throw e;
      }
    },
    cut(name: string): ModelCut {
      let cut = cuts.get(name);
      if (!cut) {
        cut = cutGraphModel(model, name, { inputs: [entry], outputs: [scoresName] });
        cuts.set(name, cut);
      }
      return cut;
    },
    dispose: () => od.dispose(),
  };
}

/**
 * Loads COCO-SSD through `@tensorflow-models/coco-ssd`'s own `load({ base, modelUrl })` (the package's
 * Google Storage URL by default) and wraps it with {@link cocoSsdDetector}.
 * @returns a {@link Detector} of family `coco-ssd`.
 */
export async function loadCocoSsd(options: CocoSsdOptions = {}): Promise<Detector> {
  await initBackend();
  const config: { base?: ObjectDetectionBaseModel; modelUrl?: string } = {};
  if (options.base !== undefined) config.base = options.base;
  // The package passes modelUrl straight to tfconv.loadGraphModel, which also takes an IOHandler.
  if (options.modelUrl !== undefined) config.modelUrl = options.modelUrl as string;
  const od = await loadPackage(config);
  const { modelUrl: _ignored, ...rest } = options;
  return cocoSsdDetector(od, rest);
}
