import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from '@gradcam/core';

/** How an image is resized to the model input: tfjs `alignCorners` (what `@tensorflow-models/mobilenet` does) or half-pixel centres (OpenCV, PIL). */
export type ResizeMode = 'align-corners' | 'half-pixel';

/** Throws a {@link GradCamError} unless `image` is an HWC RGB tensor [H, W, 3]. */
export function checkImage(image: tf.Tensor, what = 'image'): asserts image is tf.Tensor3D {
  if (!(image instanceof tf.Tensor)) throw new GradCamError(`${what} must be a tf.Tensor3D [H, W, 3] of RGB values 0–255`);
  if (image.rank !== 3 || image.shape[2] !== 3) {
    const hint = image.rank === 3 && image.shape[2] === 4 ? ' (drop the alpha channel first)' : image.rank === 4 ? ' (pass one image, not a batch)' : '';
    throw new GradCamError(`${what} must be an HWC RGB tensor [H, W, 3] with values 0–255; got shape [${image.shape}]${hint}`);
  }
  if (!(image.shape[0]! > 0 && image.shape[1]! > 0)) throw new GradCamError(`${what} is empty: shape [${image.shape}]`);
}

/**
 * Maps an HWC RGB image with values 0–255 (int32 or float) linearly to `inputRange`, resizes it
 * bilinearly to `inputSize` [H, W] (aspect ratio not kept) and adds the batch dimension.
 * @returns the model input, NHWC float32 [1, H, W, 3] with values in `inputRange`.
 */
export function toModelInput(image: tf.Tensor3D, inputRange: [number, number], inputSize: [number, number], resize: ResizeMode): tf.Tensor4D {
  checkImage(image);
  const [lo, hi] = inputRange;
  return tf.tidy(() => {
    // Normalise first, then resize: the order @tensorflow-models/mobilenet uses.
    const scaled = tf.add(tf.mul(tf.cast(image, 'float32'), (hi - lo) / 255), lo) as tf.Tensor3D;
    const [h, w] = inputSize;
    const sized =
      image.shape[0] === h && image.shape[1] === w
        ? scaled
        : resize === 'align-corners'
          ? tf.image.resizeBilinear(scaled, [h, w], true)
          : tf.image.resizeBilinear(scaled, [h, w], false, true);
    return tf.reshape(sized, [1, h, w, 3]) as tf.Tensor4D;
  });
}

/**
 * The largest centred square of an HWC image (what classifier pipelines crop before resizing).
 * @returns a new tensor [S, S, C] with S = min(H, W), same dtype and values; the caller disposes it.
 */
export function centerCrop(image: tf.Tensor3D): tf.Tensor3D {
  if (!(image instanceof tf.Tensor) || image.rank !== 3) throw new GradCamError(`centerCrop needs an HWC tensor [H, W, C]; got shape [${image?.shape ?? ''}]`);
  const [h, w] = image.shape;
  const s = Math.min(h, w);
  return tf.slice(image, [Math.floor((h - s) / 2), Math.floor((w - s) / 2), 0], [s, s, -1]);
}
