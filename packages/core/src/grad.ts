import * as tf from '@tensorflow/tfjs-core';

interface TapeState {
  gradientDepth: number;
  activeTape: Array<{ saved?: tf.Tensor[] }> | null;
}

/**
 * FusedBatchNorm's gradient with the same values as tfjs-core's, but lazy and without `tile`:
 * tfjs computes x − mean and dy·scale over the whole activation eagerly and tiles 1/√(var + ε) to
 * the activation's shape for dx (a full-size Tile per BatchNorm: on wasm, more than half of a
 * MobileNetV2 input gradient). Here dx = dy · (scale/√(var + ε)) broadcast over the last axis,
 * and the other four gradients (mean, variance, scale, offset — weights, never needed by gradcam)
 * are only computed if a caller asks for them.
 */
const FAST_GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const d = dy as tf.Tensor;
      const scaleValue = scale ?? tf.scalar(1);
      const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor) => tf.reshape(mean.rank === 1 ? tf.sum(t, axes) : t, mean.shape);
      const rsq = () => tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      return {
        x: () => tf.reshape(tf.mul(d, tf.mul(rsq(), scaleValue)), x.shape),
        mean: () => reduce(tf.mul(tf.mul(rsq(), tf.scalar(-1)), tf.mul(d, scaleValue))),
        variance: () => {
          const r = rsq();
          const minusHalfRCube = tf.mul(tf.mul(tf.mul(r, r), r), tf.scalar(-0.5));
          return reduce(tf.mul(tf.mul(minusHalfRCube, tf.sub(x, mean)), tf.mul(d, scaleValue)));
        },
        scale: () => reduce(tf.mul(d, tf.mul(tf.sub(x, mean), rsq()))),
        offset: () => reduce(d),
      };
    },
  },
];

/**
 * Runs `fn` with {@link FAST_GRADIENTS} registered, then restores tfjs's own gradients, also when
 * `fn` throws (the same scoped pattern as `withGuidedRelu`; nothing outside gradcam's own gradient
 * computations sees them).
 */
export function withFastGradients<T>(fn: () => T): T {
  const originals = FAST_GRADIENTS.map((g) => tf.getGradient(g.kernelName));
  FAST_GRADIENTS.forEach((g) => tf.registerGradient(g));
  try {
    return fn();
  } finally {
    originals.forEach((o) => o && tf.registerGradient(o));
  }
}

/**
 * `tf.valueAndGrad(f)(x)` that leaks nothing when `f` throws. tfjs keeps the tensors each op saves
 * for the backward pass outside every tidy scope and frees them only during backprop, so an error in
 * the forward pass (e.g. a score function rejecting a class index) would leak them; here they are freed.
 * Runs with gradcam's faster (same-valued) BatchNorm gradient.
 * @returns the value of f ([M] scores) and df/dx (shape of x).
 */
export function valueAndGradSafe(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): { value: tf.Tensor; grad: tf.Tensor } {
  try {
    return withFastGradients(() => tf.valueAndGrad(f)(x));
  } catch (e) {
    const state = (tf.engine() as unknown as { state: TapeState }).state;
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) node.saved?.forEach((t) => t.dispose());
      state.activeTape = [];
    }
    throw e;
  }
}

/** True while tfjs records a gradient tape (inside `tf.grad` / `tf.valueAndGrad`'s forward pass). */
export function recordingGradients(): boolean {
  return (tf.engine() as unknown as { state: TapeState }).state.gradientDepth > 0;
}
