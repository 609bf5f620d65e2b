/**
 * Heatmap overlays in plain JavaScript (no tfjs): the look of pytorch-grad-cam's `show_cam_on_image`
 * (OpenCV COLORMAP_JET, blended half and half with the photo). A stopgap until @gradcam/viz.
 */

/**
 * The jet colormap at t ∈ [0, 1] as [r, g, b] in [0, 1]: dark blue → blue → cyan → yellow → red → dark red,
 * the piecewise-linear MATLAB/OpenCV COLORMAP_JET.
 */
export function jet(t) {
  const c = (v) => Math.min(1, Math.max(0, v));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

/** 256-entry RGB lookup table of {@link jet} (like cv2.applyColorMap on a uint8 image). */
const JET_LUT = (() => {
  const lut = new Float32Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(jet(i / 255), i * 3);
  return lut;
})();

/**
 * Bilinear resize of a single-channel float map (row-major, `sw`×`sh`) to `dw`×`dh`, with pixel centres
 * aligned (half-pixel offsets, edges clamped), like cv2.resize(INTER_LINEAR) and tf.image.resizeBilinear(halfPixelCenters).
 */
export function resizeBilinear(src, sw, sh, dw, dh) {
  const out = new Float32Array(dw * dh);
  const sx = sw / dw;
  const sy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
      const bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
      out[y * dw + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/**
 * Blends a map in [0, 1] (`width`×`height`, same size as the image) over an RGB image, as
 * pytorch-grad-cam's `show_cam_on_image(img, mask, use_rgb=True, image_weight=0.5)`: the map is quantised
 * to uint8, coloured with jet, mixed `imageWeight`/`1 - imageWeight` with the image, rescaled so the brightest
 * channel is 255.
 * @param {Uint8Array} rgb image pixels, 3 bytes per pixel
 * @param {Float32Array | number[]} map values in [0, 1], one per pixel
 * @returns {Uint8Array} the overlay, 3 bytes per pixel
 */
export function overlayHeatmap(rgb, map, width, height, imageWeight = 0.5) {
  const n = width * height;
  if (rgb.length !== n * 3) throw new Error(`image has ${rgb.length} bytes; expected ${n * 3} (${width}×${height} RGB)`);
  if (map.length !== n) throw new Error(`map has ${map.length} values; expected ${n} (${width}×${height})`);
  if (!(imageWeight >= 0 && imageWeight <= 1)) throw new Error(`imageWeight must be in [0, 1]; got ${imageWeight}`);
  const cam = new Float64Array(n * 3);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const level = Math.min(255, Math.max(0, Math.floor(255 * map[i]))); // np.uint8(255 * mask)
    for (let c = 0; c < 3; c++) {
      const v = (1 - imageWeight) * JET_LUT[level * 3 + c] + (imageWeight * rgb[i * 3 + c]) / 255;
      cam[i * 3 + c] = v;
      if (v > max) max = v;
    }
  }
  const out = new Uint8Array(n * 3);
  // np.uint8(255 * (cam / np.max(cam))): divide first so the brightest channel is exactly 255.
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] = Math.floor(255 * (cam[i] / max));
  return out;
}
