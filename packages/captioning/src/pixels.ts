/** transformers.js `pixel_values` (NCHW) as core's NHWC tfjs batch. */
import * as tf from '@tensorflow/tfjs-core';
import type { HfTensor } from './transformers-types.js';

/**
 * Converts a processor's `pixel_values` [N, C, H, W] to a float32 tfjs tensor [N, H, W, C] (the layout
 * `@gradcam/core` explains; `cutOnnx` transposes it back for the ONNX graph).
 * @returns a new tensor the caller disposes.
 */
export function pixelsToNhwc(pixelValues: HfTensor): tf.Tensor4D {
  const dims = pixelValues.dims;
  if (dims.length !== 4) throw new Error(`pixel_values must be [N, C, H, W]; got [${dims}]`);
  const data = pixelValues.data instanceof Float32Array ? pixelValues.data : Float32Array.from(pixelValues.data as ArrayLike<number>);
  return tf.tidy(() => tf.transpose(tf.tensor4d(data, dims as [number, number, number, number]), [0, 2, 3, 1]));
}
