import type * as tf from '@tensorflow/tfjs-core';
import type { HeadOutputs, ModelCut } from '../types.js';

/**
 * A cut for anything that is not a tfjs LayersModel or GraphModel (the ONNX executor, task adapters):
 * `trunk(input)` must return the activations NHWC [N, h, w, C]; `head(A)` the model outputs, built from
 * tfjs ops so that gradients flow to A. Values the head needs besides A belong in the closure, or in
 * `state` (per-image tensors with batch first, which the engine tiles when one image has several targets).
 */
export function cutFromFunctions(fns: {
  layer?: string;
  trunk: (inputs: tf.Tensor[]) => tf.Tensor | { activations: tf.Tensor; state: tf.Tensor[] };
  head: (activations: tf.Tensor, state: tf.Tensor[]) => HeadOutputs;
}): ModelCut {
  return {
    layer: fns.layer ?? 'custom',
    trunk(inputs) {
      const r = fns.trunk(inputs);
      return 'activations' in r ? r : { activations: r, state: [] };
    },
    head: fns.head,
  };
}
