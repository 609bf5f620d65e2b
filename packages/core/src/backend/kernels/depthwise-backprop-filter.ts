/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, composed from
 * kernels wasm already has (PadV2/Slice, Transpose, StridedSlice, Reshape,
 * Concat, BatchMatMul): no data leaves the wasm heap.
 *
 * Formulation: a per-channel correlation written as one batched matmul.
 *   dW[p, q, c, m] = Σ_{b,i,j} x[b, i*sh + p*dh - padTop, j*sw + q*dw - padLeft, c] · dy[b, i, j, c*M + m]
 * 1. x is padded (or cropped) to exactly the rows/columns the windows touch and
 *    transposed channels-first: xT [C, batch, Hp, Wp].
 * 2. For every filter tap (p, q) a StridedSlice (begin p*dh / q*dw, stride sh / sw)
 *    extracts the tap's patch [C, batch, outH, outW] -> [C, 1, N] (N = batch*outH*outW);
 *    the K = fh*fw patches are concatenated into P [C, K, N] (channel-first im2col).
 * 3. dy [N, C, M] is transposed to [C, N, M]; BatchMatMul(P, dyT) -> [C, K, M],
 *    i.e. C independent [K x N]·[N x M] products (one per channel, no cross-channel work).
 * 4. Transpose [C, K, M] -> [K, C, M] and reshape to [fh, fw, C, M].
 * When P would exceed {@link PATCH_BYTES_LIMIT}, the taps are processed one at a
 * time ([C,1,N]·[C,N,M] each) and their [C,1,M] results concatenated instead,
 * bounding the extra memory to one patch.
 *
 * Cost: K strided copies of (a subsample of) x, one transpose of x and of dy, and
 * C·K·N·M multiply-adds. Memory: K·C·N floats for P (e.g. 3x3 taps over
 * 112x112x32 stride 1 -> 14 MB).
 *
 * Note: the tfjs cpu kernel ignores `dilations` in its inner loops; this kernel
 * computes the true filter gradient of the dilated forward conv.
 */
import * as tf from '@tensorflow/tfjs-core';

import { batchMatMul, concat, padOrCropSpatial, reshape, stridedSlice, transpose } from './kernel-utils.js';

/** Above this many bytes the channel-first im2col matrix is not materialised whole. */
export const PATCH_BYTES_LIMIT = 64 * 1024 * 1024;

/**
 * Kernel function for `DepthwiseConv2dNativeBackpropFilter` on wasm.
 * Inputs `x` [batch, H, W, C] and `dy` [batch, outH, outW, C*M]; attrs as in tfjs
 * (`strides`, `dilations`, `pad`, `dimRoundingMode`, `filterShape` = [fh, fw, C, M]).
 * Returns dW with shape `filterShape` (float32).
 */
export function depthwiseConv2dNativeBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, dy } = args.inputs as unknown as tf.DepthwiseConv2dNativeBackpropFilterInputs;
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  const dilations = attrs.dilations ?? 1;
  if (x == null || dy == null) throw new Error('DepthwiseConv2dNativeBackpropFilter (wasm): missing x or dy');
  if (x.shape.length !== 4 || dy.shape.length !== 4 || filterShape.length !== 4) {
    throw new Error(
      `DepthwiseConv2dNativeBackpropFilter (wasm): expected rank-4 x, dy and filterShape, got ` +
        `x ${JSON.stringify(x.shape)}, dy ${JSON.stringify(dy.shape)}, filterShape ${JSON.stringify(filterShape)}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true /* depthwise */,
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  if (dy.shape[0] !== batchSize || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(
      `DepthwiseConv2dNativeBackpropFilter (wasm): dy shape ${JSON.stringify(dy.shape)} does not match the ` +
        `forward output shape [${batchSize},${outHeight},${outWidth},${outChannels}]`,
    );
  }
  const C = inChannels;
  const M = outChannels / inChannels;
  const K = filterHeight * filterWidth;
  const N = batchSize * outHeight * outWidth;

  return tf.tidy(() => {
    if (N === 0) return tf.zeros(filterShape, 'float32');
    // Rows/cols touched by the windows: [-padTop, (outH-1)*sh + (fh-1)*dh - padTop].
    const needH = (outHeight - 1) * sh + (filterHeight - 1) * dh + 1;
    const needW = (outWidth - 1) * sw + (filterWidth - 1) * dw + 1;
    const xp = padOrCropSpatial(x, padInfo.top, needH - padInfo.top - inHeight, padInfo.left, needW - padInfo.left - inWidth);
    const xT = transpose(xp, [3, 0, 1, 2]); // [C, batch, needH, needW]
    const dyT = transpose(reshape(dy, [N, C, M]), [1, 0, 2]); // [C, N, M]

    const tapPatch = (p: number, q: number): tf.Tensor => {
      const patch = stridedSlice(
        xT,
        [0, 0, p * dh, q * dw],
        [C, batchSize, p * dh + (outHeight - 1) * sh + 1, q * dw + (outWidth - 1) * sw + 1],
        [1, 1, sh, sw],
      ); // [C, batch, outH, outW]
      const flat = reshape(patch, [C, 1, N]); // shares the buffer
      patch.dispose();
      return flat;
    };

    let dwCKM: tf.Tensor; // [C, K, M]
    if (K * C * N * 4 <= PATCH_BYTES_LIMIT) {
      const patches: tf.Tensor[] = [];
      for (let p = 0; p < filterHeight; ++p) for (let q = 0; q < filterWidth; ++q) patches.push(tapPatch(p, q));
      dwCKM = batchMatMul(concat(patches, 1), dyT); // [C, K, N]·[C, N, M]
    } else {
      const perTap: tf.Tensor[] = [];
      for (let p = 0; p < filterHeight; ++p) {
        for (let q = 0; q < filterWidth; ++q) {
          const patch = tapPatch(p, q);
          perTap.push(batchMatMul(patch, dyT)); // [C, 1, M]
          patch.dispose();
        }
      }
      dwCKM = concat(perTap, 1);
    }
    return reshape(transpose(dwCKM, [1, 0, 2]), filterShape);
  });
}

/** Kernel config registering {@link depthwiseConv2dNativeBackpropFilterWasm} for 'wasm'. */
export const depthwiseConv2dNativeBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilterWasm as unknown as tf.KernelFunc,
};
