import { type Heatmap, type RgbImage, checkHeatmap } from './image.js';

/**
 * Renders a signed gradient image (guided backpropagation, Guided Grad-CAM) for display, as
 * pytorch-grad-cam's `deprocess_image`: subtract the mean, divide by (std + 1e-5), scale by 0.1, add 0.5,
 * clip to [0, 1], `uint8(255·x)` — so zero gradient is mid-grey, positive brighter, negative darker.
 * Statistics are over all values (every pixel and channel), in float64.
 * @param gradients `height × width × 3` values, HWC (an NHWC gradient with N = 1), any sign and scale
 * @returns an {@link RgbImage} of `width × height`.
 */
export function renderGradients(gradients: ArrayLike<number>, width: number, height: number): RgbImage {
  const n = width * height * 3;
  if (gradients.length !== n) throw new RangeError(`gradients of a ${width}×${height} RGB image must hold ${n} values (HWC); got ${gradients.length}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += gradients[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (gradients[i]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const g = gradients[i]!;
    const v = Number.isFinite(g) ? Math.min(1, Math.max(0, ((g - mean) / (std + 1e-5)) * 0.1 + 0.5)) : 0.5;
    data[i] = Math.floor(v * 255);
  }
  return { width, height, data };
}

/**
 * Guided Grad-CAM: the guided-backpropagation gradients masked by the CAM, `cam ⊙ gradients` per channel
 * (pytorch-grad-cam's `cam_mask * gb`). Render the result with {@link renderGradients}.
 * @param cam a map in [0, 1] of the gradients' size
 * @param gradients `height × width × 3` values, HWC
 * @returns a Float32Array of `height × width × 3` values, HWC.
 */
export function guidedGradCam(cam: Heatmap, gradients: ArrayLike<number>): Float32Array {
  checkHeatmap(cam, 'cam');
  const n = cam.width * cam.height;
  if (gradients.length !== n * 3) throw new RangeError(`gradients must hold ${cam.width}×${cam.height}×3 = ${n * 3} values (HWC) to match the CAM; got ${gradients.length}`);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = cam.data[i]! * gradients[i * 3 + c]!;
  return out;
}
