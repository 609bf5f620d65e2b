/**
 * `Conv2DBackpropInput` for the wasm backend, as one forward `Conv2D` (XNNPACK) —
 * a REPLACEMENT for tfjs-backend-wasm 4.22's own kernel, whose plain C++ loops run
 * ~10× slower than the forward convolution (measured on MobileNetV2: the input
 * gradient of the 1×1 convolutions dominated a full backward pass). Same values up
 * to float rounding; `test/wasm-kernels.test.ts` checks it against the cpu kernel.
 *
 * Formulation (the adjoint of y = conv(x, w), as in depthwise-backprop-input.ts):
 *   dx = Conv2D(pad(zeroDilate(dy, sh, sw)), w', stride 1, 'valid')
 * where w'[p, q, o, i] = w[fh-1-p, fw-1-q, i, o] (spatial flip, in/out channels
 * swapped), zeroDilate inserts sh-1 / sw-1 zeros between dy rows / columns, and
 * the padding is (fh-1) - padTop on top and H + padTop - outH·sh at the bottom
 * (likewise for the width; negative amounts crop). Non-negative amounts are
 * passed to the convolution as explicit padding (no padded copy). For stride 1
 * — every 1×1 and most 3×3 convolutions — there is no zero insertion at all; for
 * stride s the convolution also multiplies the s²−1 inserted zeros.
 *
 * NCHW is handled by transposing dy to NHWC and dx back. tfjs' Conv2DBackpropInput
 * has no dilations attribute (tf.grad refuses dilated conv2d gradients).
 */
import * as tf from '@tensorflow/tfjs-core';

import { padOrCropSpatial, reshape, reverse, runKernel, transpose, zeroDilateSpatial } from './kernel-utils.js';

/**
 * Kernel function for `Conv2DBackpropInput` on wasm. Inputs `dy` [batch, outH, outW, Cout]
 * (NCHW: [batch, Cout, outH, outW]) and `filter` [fh, fw, Cin, Cout]; attrs as in tfjs
 * (`strides`, `pad`, `dataFormat`, `dimRoundingMode`, `inputShape`). Returns dx (float32).
 */
export function conv2DBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = args.inputs as unknown as tf.Conv2DBackpropInputInputs;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const { strides, pad, dimRoundingMode } = attrs;
  const nchw = attrs.dataFormat === 'NCHW';
  if (dy == null || filter == null) throw new Error('Conv2DBackpropInput (wasm): missing dy or filter');
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || attrs.inputShape.length !== 4) {
    throw new Error(
      `Conv2DBackpropInput (wasm): expected rank-4 dy, filter and inputShape, got dy ${JSON.stringify(dy.shape)}, ` +
        `filter ${JSON.stringify(filter.shape)}, inputShape ${JSON.stringify(attrs.inputShape)}`,
    );
  }
  const [b, d1, d2, d3] = attrs.inputShape;
  const inputShape: [number, number, number, number] = nchw ? [b, d2, d3, d1] : [b, d1, d2, d3];
  // Explicit NCHW padding lists the axes in NCHW order: reorder to NHWC.
  const padNhwc = nchw && Array.isArray(pad) ? ([pad[0], pad[2], pad[3], pad[1]] as typeof pad) : pad;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    padNhwc,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, padInfo } = info;

  return tf.tidy(() => {
    const dyNhwc = nchw ? transpose(dy, [0, 2, 3, 1]) : dy;
    if (dyNhwc.shape[0] !== batchSize || dyNhwc.shape[1] !== outHeight || dyNhwc.shape[2] !== outWidth || dyNhwc.shape[3] !== outChannels) {
      throw new Error(
        `Conv2DBackpropInput (wasm): dy shape ${JSON.stringify(dy.shape)} does not match the forward output ` +
          `[${batchSize},${outHeight},${outWidth},${outChannels}]${nchw ? ' (NHWC)' : ''}`,
      );
    }
    const z = zeroDilateSpatial(dyNhwc, sh, sw);
    const top = filterHeight - 1 - padInfo.top;
    const bottom = inHeight + padInfo.top - outHeight * sh;
    const left = filterWidth - 1 - padInfo.left;
    const right = inWidth + padInfo.left - outWidth * sw;
    // w' = flip(w) with in/out swapped: [fh, fw, Cout, Cin].
    const flipped = transpose(filterHeight * filterWidth === 1 ? filter : reverse(filter, [0, 1]), [0, 1, 3, 2]);
    let dx: tf.Tensor;
    if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) {
      const explicit = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      dx = runKernel(tf.Conv2D, { x: z, filter: flipped }, { strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations: [1, 1] });
    } else {
      const zp = padOrCropSpatial(z, top, bottom, left, right);
      dx = runKernel(tf.Conv2D, { x: zp, filter: flipped }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
    }
    dx = reshape(dx, [batchSize, inHeight, inWidth, inChannels]);
    return nchw ? transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/** Kernel config registering {@link conv2DBackpropInputWasm} for 'wasm' (replaces the native kernel). */
export const conv2DBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc,
};
