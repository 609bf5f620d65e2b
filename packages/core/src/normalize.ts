import * as tf from '@tensorflow/tfjs-core';

/**
 * pytorch-grad-cam's `scale_cam_image` without resizing: per map, `(x - min) / (1e-7 + max(x - min))`.
 * Input and output [M, h, w]; NaN becomes 0, so a flat map comes out all zeros.
 */
export function minMax(maps: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const clean = tf.where(tf.isNaN(maps), tf.zerosLike(maps), maps);
    const shifted = tf.sub(clean, tf.min(clean, [1, 2], true));
    return tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7)) as tf.Tensor3D;
  });
}

/**
 * Bilinear resize of [M, h, w] maps to [M, H, W] with half-pixel centres (`alignCorners: false,
 * halfPixelCenters: true`), which is what OpenCV's `cv2.resize` (INTER_LINEAR) computes.
 */
export function resizeMaps(maps: tf.Tensor3D, size: [number, number], alignCorners = false): tf.Tensor3D {
  return tf.tidy(() => {
    if (maps.shape[1] === size[0] && maps.shape[2] === size[1]) return tf.clone(maps);
    const r = tf.image.resizeBilinear(tf.expandDims(maps, 3) as tf.Tensor4D, size, alignCorners, !alignCorners);
    return tf.squeeze(r, [3]) as tf.Tensor3D;
  });
}

/** pytorch-grad-cam's per-layer step: ReLU, min-max, resize to `size`. [M,h,w] → [M,H,W]. */
export function scaleCam(raw: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  return tf.tidy(() => resizeMaps(minMax(tf.relu(raw)), size));
}

/** pytorch-grad-cam's `aggregate_multi_layers`: ReLU, mean over layers, min-max. Each [M,H,W]. */
export function aggregateLayers(scaled: tf.Tensor3D[]): tf.Tensor3D {
  return tf.tidy(() => minMax(tf.mean(tf.relu(tf.stack(scaled)), 0) as tf.Tensor3D));
}
