import * as tf from '@tensorflow/tfjs-core';

interface TapeState {
  gradientDepth: number;
  activeTape: Array<{ saved?: tf.Tensor[] }> | null;
}

/**
 * `tf.valueAndGrad(f)(x)` that leaks nothing when `f` throws. tfjs keeps the tensors each op saves
 * for the backward pass outside every tidy scope and frees them only during backprop, so an error in
 * the forward pass (e.g. a score function rejecting a class index) would leak them; here they are freed.
 * @returns the value of f ([M] scores) and df/dx (shape of x).
 */
export function valueAndGradSafe(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): { value: tf.Tensor; grad: tf.Tensor } {
  try {
    return tf.valueAndGrad(f)(x);
  } catch (e) {
    const state = (tf.engine() as unknown as { state: TapeState }).state;
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) node.saved?.forEach((t) => t.dispose());
      state.activeTape = [];
    }
    throw e;
  }
}
