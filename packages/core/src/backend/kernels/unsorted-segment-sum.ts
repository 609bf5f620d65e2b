/**
 * `UnsortedSegmentSum` for the wasm backend (the gradient of `tf.gather`),
 * composed from kernels wasm already has (ScatterNd, Reshape, GatherV2, Fill).
 *
 * Formulation: a scatter-add. With x [n, ...rest] and 1-D segmentIds [n],
 *   out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...]
 * is exactly `ScatterNd(indices = segmentIds as [n, 1], updates = x,
 * shape = [numSegments, ...rest])`, since ScatterNd sums updates that share an
 * index. Ids outside [0, numSegments) are dropped (as on the cpu backend): the
 * int32 ids are read from the wasm heap (n values; a cheap synchronous copy on
 * wasm) and, only if some are out of range, the valid rows are selected first with
 * GatherV2.
 *
 * Cost: O(n·D) for the scatter plus O(numSegments·D) to zero the output (D = size
 * of `rest`), which is the size of the result itself. No dense one-hot matrix is
 * built, so an embedding-gather gradient (e.g. x [64, 768], numSegments = 50 000)
 * costs one 50 000 x 768 zero-fill + 64 row additions, instead of the
 * 64 x 50 000 one-hot and the 50 000 x 64 x 768 matmul a one-hot formulation needs.
 */
import * as tf from '@tensorflow/tfjs-core';

import { fill, readInt32, reshape, runKernel } from './kernel-utils.js';

/**
 * Kernel function for `UnsortedSegmentSum` on wasm.
 * Inputs `x` [n, ...rest] and `segmentIds` (int32, shape [n]); attr `numSegments`.
 * Returns [numSegments, ...rest] with x's dtype. Throws for segmentIds of rank != 1.
 */
export function unsortedSegmentSumWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as unknown as tf.UnsortedSegmentSumInputs;
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const backend = args.backend as tf.KernelBackend;
  if (x == null || segmentIds == null) throw new Error('UnsortedSegmentSum (wasm): missing x or segmentIds');
  if (segmentIds.shape.length !== 1 || x.shape.length < 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `UnsortedSegmentSum (wasm): only 1-D segmentIds matching x's first dimension are supported; got ` +
        `x ${JSON.stringify(x.shape)}, segmentIds ${JSON.stringify(segmentIds.shape)}`,
    );
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum (wasm): numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const n = x.shape[0]!;
  const rest = x.shape.slice(1);
  const outShape = [numSegments, ...rest];

  return tf.tidy(() => {
    const ids = n > 0 ? readInt32(backend, segmentIds) : new Int32Array(0);
    let validCount = 0;
    for (let i = 0; i < n; ++i) if (ids[i]! >= 0 && ids[i]! < numSegments) validCount++;
    if (validCount === 0 || tf.util.sizeFromShape(outShape) === 0) return fill(outShape, 0, x.dtype);

    let indices: tf.TensorInfo = segmentIds;
    let updates: tf.TensorInfo = x;
    if (validCount < n) {
      const keepRows = new Int32Array(validCount);
      const keepIds = new Int32Array(validCount);
      for (let i = 0, k = 0; i < n; ++i) {
        if (ids[i]! >= 0 && ids[i]! < numSegments) {
          keepRows[k] = i;
          keepIds[k++] = ids[i]!;
        }
      }
      updates = runKernel(tf.GatherV2, { x, indices: tf.tensor1d(keepRows, 'int32') }, { axis: 0, batchDims: 0 });
      indices = tf.tensor1d(keepIds, 'int32');
    }
    const indices2d = reshape(indices, [indices.shape[0]!, 1]);
    return runKernel(tf.ScatterNd, { indices: indices2d, updates }, { shape: outShape });
  });
}

/** Kernel config registering {@link unsortedSegmentSumWasm} for 'wasm'. */
export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
};
