import type * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { ModelCut, ScoreFunction } from '@gradcam/core';

/** A detection as `@tensorflow-models/coco-ssd` returns it: `bbox` = [x, y, width, height] in image pixels. */
export interface DetectedObject {
  bbox: [number, number, number, number];
  class: string;
  score: number;
}

/** A decoded detection plus what Grad-CAM needs to explain it. */
export interface DecodedDetection extends DetectedObject {
  /** Index of `class` in the detector's `labels`. */
  classIndex: number;
  /** This detection's score read from the head outputs, one scalar per row ([B]); differentiable. */
  target: ScoreFunction;
}

/** What a detector's forward pass leaves for the explanation. */
export interface DetectorRun {
  /** The tensor the cut's trunk takes: NHWC float32 [1, H, W, 3] at `inputSize` (the caller disposes it). */
  input: tf.Tensor4D;
  /** Decoded detections, best first, at most `maxBoxes`. */
  detections: DecodedDetection[];
}

/** Options of a detector's forward pass. */
export interface DetectOptions {
  /** Maximum number of detections (after non-maximum suppression). */
  maxBoxes: number;
  /** Minimum score of a detection, in [0, 1]. */
  minScore: number;
}

/**
 * An object detector ready to be explained: one per model family (`cocoSsdDetector`, `centerNetDetector`),
 * each with its own decoder (how raw outputs become boxes) and score (where a box's score lives in the
 * head outputs).
 */
export interface Detector {
  /** e.g. `coco-ssd-lite_mobilenet_v2`, `centernet`. */
  name: string;
  /** The model family, i.e. which decoder: `coco-ssd` or `centernet`. */
  family: string;
  model: GraphModel;
  /** Class names, indexed by `classIndex`. */
  labels: string[];
  /** Size of the explained input, [H, W]: maps are computed at this size, then resized to the image. */
  inputSize: [number, number];
  /** Default target layer: a node every detection's score depends on. */
  layer: string;
  /** Default minimum score of {@link explainDetections}. */
  minScore: number;
  /**
   * Runs the detector on an HWC RGB image (values 0–255; not disposed) and decodes its detections.
   * @returns the explained input and the detections (bbox in image pixels).
   */
  detect(image: tf.Tensor3D, options: DetectOptions): Promise<DetectorRun>;
  /** The model cut at `layer`: trunk = input → layer, head = layer → the outputs the targets read (synchronous). */
  cut(layer: string): ModelCut;
  /** Frees the model. */
  dispose(): void;
}
