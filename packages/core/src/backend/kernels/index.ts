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
import { conv2DBackpropInputWasmConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilterWasmConfig } from './depthwise-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInputWasmConfig } from './depthwise-backprop-input.js';
import { einsumWasmFallbackConfig } from './einsum-fallback.js';
import { identityWasmConfig } from './identity.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

export { conv2DBackpropFilterWasm, conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
export { conv2DBackpropInputWasm, conv2DBackpropInputWasmConfig } from './conv2d-backprop-input.js';
export {
  depthwiseConv2dNativeBackpropFilterWasm,
  depthwiseConv2dNativeBackpropFilterWasmConfig,
} from './depthwise-backprop-filter.js';
export {
  depthwiseConv2dNativeBackpropInputWasm,
  depthwiseConv2dNativeBackpropInputWasmConfig,
} from './depthwise-backprop-input.js';
export { einsumWasmFallback, einsumWasmFallbackConfig } from './einsum-fallback.js';
export { identityWasm, identityWasmConfig } from './identity.js';
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

/**
 * Kernels tfjs-backend-wasm 4.22 has natively but runs far slower than a formulation on its fast
 * kernels (XNNPACK); gradcam replaces them (same values up to float rounding, checked against cpu):
 * `Conv2DBackpropInput` (plain C++ loops, ~10× a forward convolution) as one forward Conv2D, and
 * `Identity` (a full copy for every clone, e.g. each tensor a gradient tape saves) as a shared buffer.
 */
export const WASM_FAST_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [conv2DBackpropInputWasmConfig, identityWasmConfig];

/** Names of the native wasm kernels {@link registerWasmFastKernels} replaces. */
export const WASM_FAST_KERNELS: readonly string[] = WASM_FAST_KERNEL_CONFIGS.map((c) => c.kernelName);

/**
 * Replaces, for the 'wasm' backend, the slow native kernels in {@link WASM_FAST_KERNELS} with
 * gradcam's formulations. Idempotent; returns the names replaced (or newly registered) by this call.
 */
export function registerWasmFastKernels(): string[] {
  const replaced: string[] = [];
  for (const config of WASM_FAST_KERNEL_CONFIGS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
    replaced.push(config.kernelName);
  }
  return replaced;
}
