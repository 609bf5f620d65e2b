/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend, composed from
 * kernels wasm already has (Reshape, PadV2, Slice, Reverse,
 * DepthwiseConv2dNative, Sum): no data leaves the wasm heap.
 *
 * Formulation. The forward op is
 *   y[b, i, j, c*M + m] = Σ_{p,q} x[b, i*sh + p*dh - padTop, j*sw + q*dw - padLeft, c] · w[p, q, c, m]
 * so its adjoint w.r.t. x is a stride-1, dilation-(dh, dw) depthwise correlation
 * of the spatially flipped filter over dy after
 *   1. "zero-dilation": inserting sh-1 / sw-1 zeros between dy rows / columns
 *      (one Reshape + PadV2 + Reshape, i.e. a single copy), and
 *   2. padding by (fh-1)*dh - padTop on top and H + padTop - H'*sh at the bottom
 *      (likewise for the width); negative amounts crop instead,
 * after which a 'valid' depthwise conv yields exactly [batch, H, W, C*M]. The M
 * channel-multiplier copies are then summed (Reshape [.., C, M] + Sum over the
 * innermost axis). Padding may be 'same', 'valid', a number or explicit pairs
 * (whatever `backend_util.computeConv2DInfo` accepts); dilations may be > 1.
 *
 * Cost: one depthwise conv over an input sh*sw times the size of dy (the inserted
 * zeros are multiplied too; for stride 1 there is no overhead), plus one padded
 * copy of dy.
 *
 * Note: the tfjs cpu kernel ignores `dilations` in its inner loops, so for
 * dilations > 1 the two backends disagree; this kernel computes the true adjoint
 * of the dilated forward conv (tf.grad itself refuses dilated depthwise convs).
 */
import * as tf from '@tensorflow/tfjs-core';

import { depthwiseConv2d, padOrCropSpatial, reshape, reverse, sum, zeroDilateSpatial } from './kernel-utils.js';

/**
 * Kernel function for `DepthwiseConv2dNativeBackpropInput` on wasm.
 * Inputs `dy` [batch, outH, outW, C*M] and `filter` [fh, fw, C, M]; attrs as in
 * tfjs (`strides`, `dilations`, `pad`, `dimRoundingMode`, `inputShape`).
 * Returns dx with shape `inputShape` (float32).
 */
export function depthwiseConv2dNativeBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { dy, filter } = args.inputs as unknown as tf.DepthwiseConv2dNativeBackpropInputInputs;
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const { strides, pad, dimRoundingMode, inputShape } = attrs;
  const dilations = attrs.dilations ?? 1;
  if (dy == null || filter == null) throw new Error('DepthwiseConv2dNativeBackpropInput (wasm): missing dy or filter');
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || inputShape.length !== 4) {
    throw new Error(
      `DepthwiseConv2dNativeBackpropInput (wasm): expected rank-4 dy, filter and inputShape, got ` +
        `dy ${JSON.stringify(dy.shape)}, filter ${JSON.stringify(filter.shape)}, inputShape ${JSON.stringify(inputShape)}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
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
      `DepthwiseConv2dNativeBackpropInput (wasm): dy shape ${JSON.stringify(dy.shape)} does not match the ` +
        `forward output shape [${batchSize},${outHeight},${outWidth},${outChannels}]`,
    );
  }
  const mult = outChannels / inChannels;

  return tf.tidy(() => {
    // dy with (s-1) zeros inserted after every row/column: [b, outH*sh, outW*sw, C*M].
    const z = zeroDilateSpatial(dy, sh, sw);
    // Pad/crop so that a 'valid' dilated conv with an fh x fw filter yields H x W.
    const zp = padOrCropSpatial(
      z,
      (filterHeight - 1) * dh - padInfo.top,
      inHeight + padInfo.top - outHeight * sh,
      (filterWidth - 1) * dw - padInfo.left,
      inWidth + padInfo.left - outWidth * sw,
    );
    // Flip the filter spatially; channel c*M + m of dy pairs with w[.., c, m].
    const flipped = reshape(reverse(filter, [0, 1]), [filterHeight, filterWidth, inChannels * mult, 1]);
    const dxAll = depthwiseConv2d(zp, flipped, [1, 1], 'valid', [dh, dw]); // [b, H, W, C*M]
    if (mult === 1) return dxAll;
    return sum(reshape(dxAll, [batchSize, inHeight, inWidth, inChannels, mult]), 4);
  });
}

/** Kernel config registering {@link depthwiseConv2dNativeBackpropInputWasm} for 'wasm'. */
export const depthwiseConv2dNativeBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInputWasm as unknown as tf.KernelFunc,
};
