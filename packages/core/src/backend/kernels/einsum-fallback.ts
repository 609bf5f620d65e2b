/**
 * `Einsum` for the wasm backend — COPY-TO-CPU FALLBACK.
 *
 * Einsum is rare in the models the Grad-CAM engine explains, so instead of a
 * native formulation this kernel copies its operands off the wasm heap, runs the
 * cpu backend's own Einsum kernel on a private cpu data store, and copies the
 * result back into a wasm tensor. It is correct for everything the cpu kernel
 * supports but pays two copies and runs at cpu-backend speed; do not use it on a
 * hot path.
 *
 * Importing this module loads `@tensorflow/tfjs-backend-cpu` (a dependency of
 * this package) for its kernel registrations; the cpu backend itself is only
 * instantiated privately here and is never made the active backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

let privateCpu: MathBackendCPU | null = null;

function cpuBackend(): MathBackendCPU {
  if (privateCpu == null) privateCpu = new MathBackendCPU();
  return privateCpu;
}

/**
 * Kernel function for `Einsum` on wasm (copy-to-cpu fallback, see the module
 * comment). Inputs: the operand tensors (an array, as tfjs passes them); attr
 * `equation`. Returns a new wasm tensor.
 */
export function einsumWasmFallback(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const wasm = args.backend as tf.KernelBackend;
  const operands = Object.values(args.inputs as unknown as Record<string, tf.TensorInfo>);
  const cpuKernel = tf.getKernel(tf.Einsum, 'cpu');
  if (cpuKernel == null) throw new Error('Einsum (wasm fallback): the cpu Einsum kernel is not registered');
  const cpu = cpuBackend();

  // FALLBACK: copy each operand's values from wasm into the private cpu store.
  const cpuInputs: tf.TensorInfo[] = operands.map((t) => ({
    dataId: cpu.write(wasm.readSync(t.dataId) as tf.backend_util.BackendValues, t.shape, t.dtype),
    shape: t.shape.slice(),
    dtype: t.dtype,
  }));
  try {
    const out = cpuKernel.kernelFunc({
      inputs: cpuInputs as unknown as tf.NamedTensorInfoMap,
      backend: cpu,
      attrs: args.attrs,
    }) as tf.TensorInfo;
    // Read the result before the inputs are released (it may alias an input).
    const values = cpu.readSync(out.dataId) as tf.TypedArray;
    const result = { shape: out.shape.slice(), dtype: out.dtype, values: values.slice() };
    if (!cpuInputs.some((t) => t.dataId === out.dataId)) cpu.disposeData(out.dataId, true);
    // FALLBACK: write the result back as a tensor on the active (wasm) backend.
    return tf.tensor(result.values, result.shape, result.dtype);
  } finally {
    for (const t of cpuInputs) cpu.disposeData(t.dataId, true);
  }
}

/** Kernel config registering {@link einsumWasmFallback} for 'wasm'. */
export const einsumWasmFallbackConfig: tf.KernelConfig = {
  kernelName: tf.Einsum,
  backendName: 'wasm',
  kernelFunc: einsumWasmFallback as unknown as tf.KernelFunc,
};
