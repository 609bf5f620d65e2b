import type * as tf from '@tensorflow/tfjs-core';

/** What a model's head returns: one tensor, several, or a map keyed by output name. */
export type HeadOutputs = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;

/**
 * Maps the head outputs of a batch of B rows to one scalar per row: a float32 tensor [B].
 * Row b of the outputs belongs to row b of the returned scores. Must be differentiable
 * (built from tfjs ops) for gradient methods.
 */
export type ScoreFunction = ((outputs: HeadOutputs) => tf.Tensor) & {
  /** Human-readable description, e.g. `logit[812]`. */
  readonly label?: string;
};

/** A target: a class index (that output's raw value, like pytorch-grad-cam's ClassifierOutputTarget) or a score function. */
export type Target = number | ScoreFunction;

/** What the trunk computes: the activations A at the cut and the frozen values the head needs besides A. */
export interface TrunkOutput {
  /** Activations at the target layer, NHWC [N, h, w, C]. */
  activations: tf.Tensor;
  /**
   * The frontier: values that feed the head but do not descend from the cut (skip connections
   * around it, other inputs). They are fed to the head as constants; gradients flow through A only.
   */
  state: tf.Tensor[];
}

/**
 * A model cut at a target layer into trunk (input → A) and head (A → outputs).
 * Obtain one with {@link cutModel}, or build one for anything else with {@link cutFromFunctions}.
 */
export interface ModelCut {
  /** The target layer (or node, or tensor) name. */
  readonly layer: string;
  /** Runs input → activations at the cut. `inputs[0]` is the NHWC image batch. Caller disposes. */
  trunk(inputs: tf.Tensor[]): TrunkOutput;
  /**
   * Runs the head: activations (batch B) plus the frontier `state` (already arranged to batch B)
   * → model outputs. Must be built from tfjs ops so that `tf.grad` flows to `activations`.
   */
  head(activations: tf.Tensor, state: tf.Tensor[]): HeadOutputs;
}

/** A candidate target layer with its output shape (batch dimension as `null` or the probe batch). */
export interface LayerInfo {
  name: string;
  /** Output shape, NHWC for 4-D layers, e.g. `[null, 7, 7, 768]`. */
  shape: Array<number | null>;
  /** The layer class (LayersModel) or op (GraphModel), e.g. `Conv2D`, `_FusedConv2D`. */
  kind: string;
  /** True for 4-D outputs with more than one spatial position: usable as a CAM target. */
  spatial: boolean;
}

/** Method ids accepted by the `method` option of {@link explain}. */
export type MethodId =
  | 'gradcam'
  | 'gradcam++'
  | 'xgradcam'
  | 'hirescam'
  | 'layercam'
  | 'gradcam-elementwise'
  | 'eigencam'
  | 'scorecam'
  | 'ablationcam';
