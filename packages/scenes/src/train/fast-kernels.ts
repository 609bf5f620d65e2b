/**
 * Faster wasm gradient kernels for training the scene models, installed only while the training
 * script runs (the saved models use standard layers and need nothing special).
 *
 * tfjs-backend-wasm 4.22's native `Conv2DBackpropInput` and `MaxPoolGrad` are plain loops, about six
 * times slower per multiply-add than its XNNPACK forward convolution; they dominate a training step.
 * - `Conv2DBackpropInput` with stride 1, no dilation, NHWC and 'same' padding of an odd kernel is a
 *   forward convolution of dy with the filter rotated by 180° and its channel axes swapped:
 *   dx[i, j, ci] = Σ_{p,q,co} dy[i − p + ⌊k/2⌋, j − q + ⌊k/2⌋, co] · W[p, q, ci, co].
 * - `MaxPoolGrad` of a 2×2, stride-2, 'valid' pool (even input size): dy upsampled ×2 (nearest) and masked where
 *   the input equals its window's maximum. A window with tied maxima passes the gradient to every tied
 *   position (tfjs picks one); in these models ties only happen between ReLU zeros, whose gradient the
 *   ReLU before the pool discards anyway.
 * - `Conv2DBackpropFilter` with stride 1, no dilation, NHWC, 'same' padding of an odd kernel, on small
 *   maps (at most 16×16): one forward convolution with the batch as the contraction axis,
 *   dW[p, q, ci, co] = conv2d(xᵀ padded [Ci, H + k − 1, W + k − 1, N], dyᵀ [H, W, N, Co], 'valid')[ci, p, q, co],
 *   about 2.5× faster there than the composed kernel of `@gradcam/core` (which stays faster on large maps).
 * Anything else runs the original kernel. Candidates for `@gradcam/core`'s wasm kernel set.
 */
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;
type KernelFunc = tf.KernelConfig['kernelFunc'];

function run(name: string, inputs: Record<string, Info>, attrs: object = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0]!, v[1] ?? v[0]!] : [v, v]);

function conv2dBackpropInput(original: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: Info; filter: Info };
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const [sh, sw] = pair(a.strides as number | number[]);
    const [fh, fw] = [filter.shape[0]!, filter.shape[1]!];
    const fast = sh === 1 && sw === 1 && a.pad === 'same' && (a.dataFormat ?? 'NHWC') === 'NHWC' && fh % 2 === 1 && fw % 2 === 1;
    if (!fast) return original(args);
    return tf.tidy(() => {
      const rotated = run(tf.Reverse, { x: filter }, { dims: [0, 1] });
      const swapped = run(tf.Transpose, { x: rotated }, { perm: [0, 1, 3, 2] });
      return run(tf.Conv2D, { x: dy, filter: swapped }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] });
    }) as unknown as tf.TensorInfo;
  };
}

function conv2dBackpropFilter(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as unknown as { x: Info; dy: Info };
    const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const [sh, sw] = pair(a.strides as number | number[]);
    const [fh, fw] = [a.filterShape[0], a.filterShape[1]];
    const [h, w] = [x.shape[1]!, x.shape[2]!];
    const fast =
      sh === 1 && sw === 1 && a.pad === 'same' && (a.dataFormat ?? 'NHWC') === 'NHWC' && fh % 2 === 1 && fw % 2 === 1 && h <= 16 && w <= 16 && x.dtype === 'float32';
    if (!fast) return original(args);
    return tf.tidy(() => {
      const [ph, pw] = [(fh - 1) / 2, (fw - 1) / 2];
      const padded = run(tf.PadV2, { x }, { paddings: [[0, 0], [ph, ph], [pw, pw], [0, 0]], constantValue: 0 });
      const xt = run(tf.Transpose, { x: padded }, { perm: [3, 1, 2, 0] });
      const filter = run(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
      const dw = run(tf.Conv2D, { x: xt, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
      return run(tf.Transpose, { x: dw }, { perm: [1, 2, 0, 3] });
    }) as unknown as tf.TensorInfo;
  };
}

function maxPoolGrad(original: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, input, output } = args.inputs as unknown as { dy: Info; input: Info; output: Info };
    const a = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const [fh, fw] = pair(a.filterSize as number | number[]);
    const [sh, sw] = pair(a.strides as number | number[]);
    const [h, w] = [input.shape[1]!, input.shape[2]!];
    const fast = fh === 2 && fw === 2 && sh === 2 && sw === 2 && a.pad === 'valid' && h % 2 === 0 && w % 2 === 0 && input.dtype === 'float32';
    if (!fast) return original(args);
    return tf.tidy(() => {
      const up = (t: Info) => run(tf.ResizeNearestNeighbor, { images: t }, { alignCorners: false, halfPixelCenters: false, size: [h, w] });
      const isMax = run(tf.Cast, { x: run(tf.Equal, { a: input, b: up(output) }) }, { dtype: 'float32' });
      return run(tf.Multiply, { a: isMax, b: up(dy) });
    }) as unknown as tf.TensorInfo;
  };
}

/**
 * Replaces the wasm `Conv2DBackpropInput`, `MaxPoolGrad` and `Conv2DBackpropFilter` kernels by the faster compositions above
 * (falling back to the originals outside their fast paths). Returns a function that restores the
 * originals. A no-op (returning a no-op) when the wasm backend is not registered.
 */
export function useFastTrainingKernels(): () => void {
  const names = [tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.Conv2DBackpropFilter];
  const originals = names.map((k) => tf.getKernel(k, 'wasm'));
  if (originals.some((o) => o == null)) return () => {};
  const wrap = [conv2dBackpropInput, maxPoolGrad, conv2dBackpropFilter];
  names.forEach((k, i) => {
    const o = originals[i]!;
    tf.unregisterKernel(k, 'wasm');
    tf.registerKernel({ ...o, kernelFunc: wrap[i]!(o.kernelFunc) });
  });
  return () => {
    names.forEach((k, i) => {
      tf.unregisterKernel(k, 'wasm');
      tf.registerKernel(originals[i]!);
    });
  };
}
