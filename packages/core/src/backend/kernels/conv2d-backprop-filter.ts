/**
 * `Conv2DBackpropFilter` for the wasm backend, composed from kernels wasm already
 * has (PadV2/Slice, StridedSlice, Reshape, BatchMatMul, Concat, Transpose): no
 * data leaves the wasm heap.
 *
 * Formulation: one matmul per filter tap.
 *   dW[p, q, ci, co] = Σ_{b,i,j} x[b, i*sh + p*dh - padTop, j*sw + q*dw - padLeft, ci] · dy[b, i, j, co]
 * 1. x (NHWC; NCHW inputs are transposed first) is padded/cropped to exactly the
 *    rows/columns that the windows touch.
 *    It is then transposed channels-first once: xT [Ci, batch, Hp, Wp].
 * 2. For each tap (p, q) a StridedSlice (begin p*dh / q*dw, stride sh / sw) gives
 *    the tap's patch [Ci, batch, outH, outW] = [Ci, N]; BatchMatMul gives
 *    patch·dy2d = [Ci, Co] where dy2d = dy as [N, Co].
 * 3. The K = fh*fw results are concatenated along axis 0 ([K*Ci, Co], contiguous)
 *    and reshaped to [fh, fw, Ci, Co].
 * Extra memory is one patch at a time (no whole im2col matrix); compute is the
 * K·N·Ci·Co multiply-adds of the im2col GEMM.
 *
 * `dilations` (not passed by tfjs' own conv2d gradient, which refuses dilated
 * convs, and ignored by the cpu kernel) is honoured when given.
 */
import * as tf from '@tensorflow/tfjs-core';

import { batchMatMul, concat, padOrCropSpatial, reshape, stridedSlice, transpose } from './kernel-utils.js';

/**
 * Kernel function for `Conv2DBackpropFilter` on wasm.
 * Inputs `x` and `dy` (rank 4, `dataFormat` 'NHWC' or 'NCHW'); attrs `strides`,
 * `pad`, `dataFormat`, `dimRoundingMode`, `filterShape` = [fh, fw, Ci, Co] and an
 * optional `dilations`. Returns dW with shape `filterShape` (float32).
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x: x0, dy: dy0 } = args.inputs as unknown as tf.Conv2DBackpropFilterInputs;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  const dilations = attrs.dilations ?? 1;
  if (x0 == null || dy0 == null) throw new Error('Conv2DBackpropFilter (wasm): missing x or dy');
  if (x0.shape.length !== 4 || dy0.shape.length !== 4 || filterShape.length !== 4) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): expected rank-4 x, dy and filterShape, got x ${JSON.stringify(x0.shape)}, ` +
        `dy ${JSON.stringify(dy0.shape)}, filterShape ${JSON.stringify(filterShape)}`,
    );
  }
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') {
    throw new Error(`Conv2DBackpropFilter (wasm): unsupported dataFormat '${String(dataFormat)}'`);
  }
  const nchw = dataFormat === 'NCHW';
  // computeConv2DInfo reads the spatial dims (and explicit paddings) in the given layout.
  const info = tf.backend_util.computeConv2DInfo(
    x0.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false /* depthwise */,
    nchw ? 'channelsFirst' : 'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  if (!tf.util.arraysEqual(dy0.shape, info.outShape)) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): dy shape ${JSON.stringify(dy0.shape)} does not match the forward output ` +
        `shape ${JSON.stringify(info.outShape)} (${dataFormat})`,
    );
  }
  const N = batchSize * outHeight * outWidth;

  return tf.tidy(() => {
    if (N === 0) return tf.zeros(filterShape, 'float32');
    const x = nchw ? transpose(x0, [0, 2, 3, 1]) : x0;
    const dy = nchw ? transpose(dy0, [0, 2, 3, 1]) : dy0;
    const needH = (outHeight - 1) * sh + (filterHeight - 1) * dh + 1;
    const needW = (outWidth - 1) * sw + (filterWidth - 1) * dw + 1;
    const xp = padOrCropSpatial(x, padInfo.top, needH - padInfo.top - inHeight, padInfo.left, needW - padInfo.left - inWidth);
    // Channels-first copy of x so every tap's patch is directly the left [Ci, N]
    // operand of a non-transposed matmul (wasm's BatchMatMul is ~10x slower with
    // transposeA than on pre-transposed operands).
    const xT = transpose(xp, [3, 0, 1, 2]); // [Ci, batch, needH, needW]
    const dy2d = reshape(dy, [N, outChannels]);

    const perTap: tf.Tensor[] = [];
    for (let p = 0; p < filterHeight; ++p) {
      for (let q = 0; q < filterWidth; ++q) {
        const patch = stridedSlice(
          xT,
          [0, 0, p * dh, q * dw],
          [inChannels, batchSize, p * dh + (outHeight - 1) * sh + 1, q * dw + (outWidth - 1) * sw + 1],
          [1, 1, sh, sw],
        ); // [Ci, batch, outH, outW]
        const patch2d = reshape(patch, [inChannels, N]);
        perTap.push(batchMatMul(patch2d, dy2d)); // [Ci, Co]
        patch.dispose();
        patch2d.dispose();
      }
    }
    return reshape(concat(perTap, 0), filterShape);
  });
}

/** Kernel config registering {@link conv2DBackpropFilterWasm} for 'wasm'. */
export const conv2DBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc,
};
