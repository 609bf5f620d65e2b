/**
 * Gradient kernels that tfjs-backend-wasm (4.22) lacks but the Grad-CAM engine
 * needs: without them `tf.grad` through `tf.depthwiseConv2d`, `tf.conv2d` (filter
 * gradient) or `tf.gather` throws on the wasm backend.
 *
 * All but Einsum are composed from kernels wasm already implements (see each
 * file's header for the formulation); Einsum is a documented copy-to-cpu
 * fallback. Complex/FFT kernels are intentionally not provided.
 */
import * as tf from '@tensorflow/tfjs-core';

import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { depthwiseConv2dNativeBackpropFilterWasmConfig } from './depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputWasmConfig } from './depthwise-backprop-input.js';
import { einsumWasmFallbackConfig } from './einsum-fallback.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

export { conv2DBackpropFilterWasm, conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
export {
  depthwiseConv2dNativeBackpropFilterWasm,
  depthwiseConv2dNativeBackpropFilterWasmConfig,
} from './depthwise-backprop-filter.js';
export {
  depthwiseConv2dNativeBackpropInputWasm,
  depthwiseConv2dNativeBackpropInputWasmConfig,
} from './depthwise-backprop-input.js';
export { einsumWasmFallback, einsumWasmFallbackConfig } from './einsum-fallback.js';
export { unsortedSegmentSumWasm, unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

/** The kernel configs this module can register for the 'wasm' backend. */
export const WASM_GRADIENT_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  depthwiseConv2dNativeBackpropInputWasmConfig,
  depthwiseConv2dNativeBackpropFilterWasmConfig,
  conv2DBackpropFilterWasmConfig,
  unsortedSegmentSumWasmConfig,
  einsumWasmFallbackConfig,
];

/** Names of the kernels this module provides for the 'wasm' backend. */
export const WASM_GRADIENT_KERNELS: readonly string[] = WASM_GRADIENT_KERNEL_CONFIGS.map((c) => c.kernelName);

/**
 * Registers, for the 'wasm' backend, every kernel in {@link WASM_GRADIENT_KERNELS}
 * that is not registered there yet (so a future tfjs-backend-wasm that ships its
 * own implementation wins, and repeated calls are no-ops).
 *
 * Call it once after importing `@tensorflow/tfjs-backend-wasm` (before or after
 * `tf.setBackend('wasm')`; kernel registration does not need the backend to be
 * initialised). Returns the names registered by this call (empty when all were
 * already present).
 */
export function registerWasmGradientKernels(): string[] {
  const registered: string[] = [];
  for (const config of WASM_GRADIENT_KERNEL_CONFIGS) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
