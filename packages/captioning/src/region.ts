/**
 * Where the model input lies in the original image. Maps are computed on the model input (after the
 * processor's resize and optional centre crop); to overlay them on the photo, stretch them over this region.
 */
import type { RawImage } from '@xenova/transformers';
import type { ProcessorLike } from './transformers-types.js';

/** A rectangle in image pixels (edge units): the same shape as `@gradcam/viz`'s `Region` (`overlayHeatmap(image, map, { region })`). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

function cropSize(crop: number | { width: number; height: number }): [number, number] {
  return typeof crop === 'number' ? [crop, crop] : [crop.width, crop.height];
}

/**
 * The region of `image` that the processor's output shows, in `image`'s pixels: the whole image when
 * the processor only resizes (ViT), the centred square of a shortest-edge resize + centre crop (CLIP).
 * Up to the processor's rounding of the resized size (under one input pixel).
 */
export function inputRegion(processor: ProcessorLike, image: RawImage): Region {
  const whole: Region = { x: 0, y: 0, width: image.width, height: image.height };
  const fe = processor.feature_extractor;
  if (!fe?.do_center_crop || fe.crop_size === undefined) return whole;
  let rw = image.width;
  let rh = image.height;
  if (fe.do_resize && fe.size !== undefined && fe.get_resize_output_image_size) {
    [rw, rh] = fe.get_resize_output_image_size(image, fe.size);
  }
  const [cw, ch] = cropSize(fe.crop_size);
  const sx = image.width / rw;
  const sy = image.height / rh;
  return { x: ((rw - cw) / 2) * sx, y: ((rh - ch) / 2) * sy, width: cw * sx, height: ch * sy };
}
