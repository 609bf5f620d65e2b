/**
 * `Identity` for the wasm backend that shares the input's buffer — a REPLACEMENT for
 * tfjs-backend-wasm 4.22's kernel, which copies the whole tensor. tfjs calls Identity for every
 * `clone`, including each tensor a gradient tape saves for the backward pass (on a MobileNetV2
 * input gradient: ~500 copies, the dense head's weights included). tfjs tensors are immutable
 * and the wasm backend reference-counts buffers (its own Reshape shares them the same way), so
 * sharing is what the cpu backend's Identity does too.
 */
import * as tf from '@tensorflow/tfjs-core';

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/** Kernel function for `Identity` on wasm: the same buffer, one more reference. */
export function identityWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const { x } = args.inputs as unknown as { x: tf.TensorInfo };
  (args.backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Kernel config registering {@link identityWasm} for 'wasm' (replaces the native kernel). */
export const identityWasmConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identityWasm as unknown as tf.KernelFunc,
};
