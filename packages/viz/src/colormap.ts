import { COLORMAP_HEX } from './colormap-data.js';
import { type Heatmap, type Rgb, type RgbImage, checkHeatmap } from './image.js';

/** The colormaps @gradcam/viz knows: OpenCV's `COLORMAP_JET` (the Grad-CAM paper's), `_TURBO`, `_VIRIDIS`, `_INFERNO`. */
export type ColormapName = keyof typeof COLORMAP_HEX;

/** Every colormap name, in the order `--colormap` lists them. */
export const COLORMAPS: readonly ColormapName[] = Object.keys(COLORMAP_HEX) as ColormapName[];

const luts = new Map<ColormapName, Uint8Array>();

/** True when `name` is a {@link ColormapName}. */
export function isColormapName(name: string): name is ColormapName {
  return Object.prototype.hasOwnProperty.call(COLORMAP_HEX, name);
}

/**
 * The 256-entry lookup table of a colormap, exactly OpenCV's `cv2.applyColorMap` for grey levels 0–255.
 * @returns 768 bytes: RGB (not OpenCV's BGR) of level 0, level 1, …, level 255. Shared: do not modify.
 */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    if (!isColormapName(name)) throw new RangeError(`unknown colormap '${name}'; colormaps: ${COLORMAPS.join(', ')}`);
    const hex = COLORMAP_HEX[name];
    lut = new Uint8Array(768);
    for (let i = 0; i < 768; i++) lut[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    luts.set(name, lut);
  }
  return lut;
}

/**
 * The grey level a map value is coloured with: `np.uint8(255 * v)` for v in [0, 1] computed in float32 as
 * pytorch-grad-cam does (truncation, so only v = 1 reaches 255). Values below 0 or NaN give 0, above 1 give 255.
 * @returns an integer in 0–255.
 */
export function quantizeLevel(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return 255;
  return Math.floor(Math.fround(255 * Math.fround(v)));
}

/**
 * The colour of map value `v` (in [0, 1]) under `colormap`.
 * @returns [r, g, b], each 0–255.
 */
export function colormapColor(v: number, colormap: ColormapName = 'jet'): Rgb {
  const lut = colormapLut(colormap);
  const i = quantizeLevel(v) * 3;
  return [lut[i]!, lut[i + 1]!, lut[i + 2]!];
}

/**
 * Colours a map with values in [0, 1] (`cv2.applyColorMap(np.uint8(255 * map), colormap)`, in RGB).
 * @returns an {@link RgbImage} of the map's size.
 */
export function applyColormap(map: Heatmap, colormap: ColormapName = 'jet'): RgbImage {
  checkHeatmap(map);
  const lut = colormapLut(colormap);
  const data = new Uint8Array(map.data.length * 3);
  for (let i = 0; i < map.data.length; i++) {
    const l = quantizeLevel(map.data[i]!) * 3;
    data[i * 3] = lut[l]!;
    data[i * 3 + 1] = lut[l + 1]!;
    data[i * 3 + 2] = lut[l + 2]!;
  }
  return { width: map.width, height: map.height, data };
}
