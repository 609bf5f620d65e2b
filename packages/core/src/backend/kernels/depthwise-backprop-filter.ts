/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, composed from
 * kernels wasm already has (PadV2/Slice, Transpose, Reshape,
 * DepthwiseConv2dNative, Sum): no data leaves the wasm heap.
 *
 *   dW[p, q, c, m] = Σ_{b,i,j} xp[b, i*sh + p*dh, j*sw + q*dw, c] · dy[b, i, j, c*M + m]
 * where xp is x padded (or cropped) to exactly the rows/columns the windows touch.
 *
 * Formulation: the sum above is itself a depthwise correlation in which dy plays
 * the filter, the forward dilation becomes the stride and the forward stride the
 * dilation:
 *   dW = DepthwiseConv2dNative(xp as [1, Hp, Wp, batch*C],
 *                              filter = dy as [outH, outW, batch*C, M],
 *                              strides = (dh, dw), dilations = (sh, sw), 'valid')
 * which outputs [1, fh, fw, batch*C*M]. For batch > 1 the batch is folded into the
 * channels (one Transpose of xp and of dy) and summed out afterwards (Sum). That
 * is one XNNPACK depthwise conv with C·M·fh·fw·N multiply-adds
 * (N = batch*outH*outW) and no im2col buffer; XNNPACK accepts strides and
 * dilations > 1 together (checked in the tests), so every configuration takes this
 * path.
 *
 * Note: the tfjs cpu kernel ignores `dilations` in its inner loops; this kernel
 * computes the true filter gradient of the dilated forward conv.
 */
import * as tf from '@tensorflow/tfjs-core';

import { depthwiseConv2d, padOrCropSpatial, reshape, sum, transpose } from './kernel-utils.js';

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
  const N = batchSize * outHeight * outWidth;

  return tf.tidy(() => {
    if (N === 0) return tf.zeros(filterShape, 'float32');
    // Rows/cols touched by the windows: [-padTop, (outH-1)*sh + (fh-1)*dh - padTop].
    const needH = (outHeight - 1) * sh + (filterHeight - 1) * dh + 1;
    const needW = (outWidth - 1) * sw + (filterWidth - 1) * dw + 1;
    const xp = padOrCropSpatial(x, padInfo.top, needH - padInfo.top - inHeight, padInfo.left, needW - padInfo.left - inWidth);

    // dy is the filter of a depthwise correlation over xp (batch folded into channels).
    let xin: tf.TensorInfo = xp;
    let filt: tf.Tensor;
    if (batchSize === 1) {
      filt = reshape(dy, [outHeight, outWidth, C, M]);
    } else {
      xin = reshape(transpose(xp, [1, 2, 0, 3]), [1, needH, needW, batchSize * C]);
      filt = reshape(transpose(dy, [1, 2, 0, 3]), [outHeight, outWidth, batchSize * C, M]);
    }
    const out = depthwiseConv2d(xin, filt, [dh, dw], 'valid', [sh, sw]); // [1, fh, fw, batch*C*M]
    if (batchSize === 1) return reshape(out, filterShape);
    const perBatch = reshape(out, [filterHeight, filterWidth, batchSize, C * M]);
    return reshape(sum(perBatch, 2), filterShape);
  });
}

/** Kernel config registering {@link depthwiseConv2dNativeBackpropFilterWasm} for 'wasm'. */
export const depthwiseConv2dNativeBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilterWasm as unknown as tf.KernelFunc,
};
