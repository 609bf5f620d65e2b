import { type ColormapName, colormapLut, quantizeLevel } from './colormap.js';
import { mapToImage } from './fit.js';
import { type Heatmap, type RgbImage, checkHeatmap, checkImage } from './image.js';
import type { Region } from './resample.js';

/** Options of {@link overlayHeatmap}. */
export interface OverlayOptions {
  /** Colormap of the heat (default `jet`, as in the Grad-CAM paper and pytorch-grad-cam). */
  colormap?: ColormapName;
  /**
   * Opacity of the heatmap in [0, 1] (default 0.5). pytorch-grad-cam's `image_weight` is `1 − alpha`:
   * 0 shows the photo alone (rescaled), 1 the colormap alone.
   */
  alpha?: number;
  /**
   * When the map was computed on a model input that showed only part of the image (a `cover` crop) or the
   * image with padding (`contain`): the image region that input showed (see `fitRegion`). Default: the whole image.
   */
  region?: Region;
}

/**
 * Blends a heatmap over a photo at the photo's own resolution, the look of pytorch-grad-cam's
 * `show_cam_on_image(img / 255, mask, use_rgb=True, colormap, image_weight=1 - alpha)`:
 * the map (resized onto the image with {@link mapToImage} when its size differs) is quantised to
 * `uint8(255·v)`, coloured, mixed `alpha : 1 − alpha` with the photo, and the result divided by its
 * largest channel value so the brightest channel becomes 255 (float32 arithmetic, truncated to bytes like
 * NumPy's `np.uint8`). An all-black result stays black instead of becoming NaN.
 * @param image the photo, RGB 0–255
 * @param map values in [0, 1] (e.g. one of `explain`'s `maps`), any size
 * @returns a new {@link RgbImage} the size of `image`.
 */
export function overlayHeatmap(image: RgbImage, map: Heatmap, options: OverlayOptions = {}): RgbImage {
  checkImage(image);
  checkHeatmap(map);
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha (heatmap opacity) must be in [0, 1]; got ${alpha}`);
  const lut = colormapLut(options.colormap ?? 'jet');
  const m =
    map.width === image.width && map.height === image.height && !options.region ? map : mapToImage(map, image.width, image.height, options.region);
  const f = Math.fround;
  const heatWeight = f(alpha);
  const imageWeight = f(1 - alpha);
  const n = image.width * image.height;
  const cam = new Float32Array(n * 3);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const l = quantizeLevel(m.data[i]!) * 3;
    for (let c = 0; c < 3; c++) {
      const v = f(f(heatWeight * f(lut[l + c]! / 255)) + f(imageWeight * f(image.data[i * 3 + c]! / 255)));
      cam[i * 3 + c] = v;
      if (v > max) max = v;
    }
  }
  const data = new Uint8Array(n * 3);
  if (max > 0) for (let i = 0; i < data.length; i++) data[i] = Math.floor(f(255 * f(cam[i]! / max)));
  return { width: image.width, height: image.height, data };
}
