import { type Heatmap, checkHeatmap } from './image.js';
import type { Region } from './resample.js';
import { resizeMap } from './resize.js';

/**
 * How an image is brought to a model's input size:
 * `fill` stretches it (aspect ratio lost; what `cv2.resize(img, (224, 224))` and tfjs-models do),
 * `cover` scales it to cover the input and crops the centre, `contain` scales it to fit and pads the rest.
 */
export type FitMode = 'fill' | 'cover' | 'contain';

/** Every fit mode. */
export const FIT_MODES: readonly FitMode[] = ['fill', 'cover', 'contain'];

/**
 * The source rectangle (pixel-edge units of the `srcWidth × srcHeight` image) that `fit` maps onto a
 * `dstWidth × dstHeight` input: the whole image for `fill`, a centred crop for `cover`, a centred rectangle
 * larger than the image (padding around it) for `contain`.
 * @returns a {@link Region} in source pixels.
 */
export function fitRegion(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number, fit: FitMode = 'fill'): Region {
  if (fit === 'fill') return { x: 0, y: 0, width: srcWidth, height: srcHeight };
  if (fit !== 'cover' && fit !== 'contain') throw new RangeError(`unknown fit '${String(fit)}'; fits: ${FIT_MODES.join(', ')}`);
  // Scale set by width when the target is relatively wider (cover) or narrower (contain); exact arithmetic
  // for the side that matches the image.
  const byWidth = (dstWidth * srcHeight >= dstHeight * srcWidth) === (fit === 'cover');
  const width = byWidth ? srcWidth : (dstWidth * srcHeight) / dstHeight;
  const height = byWidth ? (dstHeight * srcWidth) / dstWidth : srcHeight;
  return { x: (srcWidth - width) / 2, y: (srcHeight - height) / 2, width, height };
}

/**
 * Brings a map computed on a model input back onto the original image: the input showed `region` of the
 * `imageWidth × imageHeight` image (see {@link fitRegion}); the map is stretched over that region with
 * bilinear interpolation (exactly `cv2.resize(map, (imageWidth, imageHeight))` for `fill`), and pixels the
 * input did not show (cropped away by `cover`) get 0.
 * @returns a {@link Heatmap} of `imageWidth × imageHeight`, values in the map's range.
 */
export function mapToImage(map: Heatmap, imageWidth: number, imageHeight: number, region?: Region): Heatmap {
  checkHeatmap(map);
  const r = region ?? { x: 0, y: 0, width: imageWidth, height: imageHeight };
  const sx = map.width / r.width;
  const sy = map.height / r.height;
  return resizeMap(map, imageWidth, imageHeight, { region: { x: -r.x * sx, y: -r.y * sy, width: imageWidth * sx, height: imageHeight * sy } });
}
