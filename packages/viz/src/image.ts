/**
 * The two pixel containers of @gradcam/viz. Both are plain objects over typed arrays, so they work the
 * same in Node and in the browser and cross worker boundaries unchanged.
 */

/** An RGB image: `data` holds `height × width × 3` bytes, row-major, HWC (r, g, b per pixel), values 0–255. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A single-channel float map (a heatmap, or any per-pixel score): `data` holds `height × width` values,
 * row-major. CAM maps from `explain` are in [0, 1].
 */
export interface Heatmap {
  width: number;
  height: number;
  data: Float32Array;
}

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

function checkSize(width: number, height: number, what: string): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`${what} size must be positive integers; got ${width}×${height}`);
  }
}

/**
 * A new `width × height` RGB image filled with `fill` (default black).
 * @returns an {@link RgbImage} (HWC, 3 bytes per pixel).
 */
export function createImage(width: number, height: number, fill: Rgb = [0, 0, 0]): RgbImage {
  checkSize(width, height, 'image');
  const data = new Uint8Array(width * height * 3);
  if (fill[0] !== 0 || fill[1] !== 0 || fill[2] !== 0) {
    for (let i = 0; i < data.length; i += 3) {
      data[i] = fill[0];
      data[i + 1] = fill[1];
      data[i + 2] = fill[2];
    }
  }
  return { width, height, data };
}

/**
 * Checks that `image` is a well-formed {@link RgbImage} (positive integer size, `width × height × 3` bytes).
 * @returns `image`, for chaining; throws a RangeError naming `what` otherwise.
 */
export function checkImage(image: RgbImage, what = 'image'): RgbImage {
  checkSize(image.width, image.height, what);
  if (!(image.data instanceof Uint8Array) || image.data.length !== image.width * image.height * 3) {
    throw new RangeError(
      `${what} must hold ${image.width}×${image.height}×3 = ${image.width * image.height * 3} RGB bytes (Uint8Array); got ${image.data?.length ?? 'none'}`,
    );
  }
  return image;
}

/**
 * Checks that `map` is a well-formed {@link Heatmap} (positive integer size, `width × height` floats).
 * @returns `map`; throws a RangeError naming `what` otherwise.
 */
export function checkHeatmap(map: Heatmap, what = 'map'): Heatmap {
  checkSize(map.width, map.height, what);
  if (!(map.data instanceof Float32Array) || map.data.length !== map.width * map.height) {
    throw new RangeError(`${what} must hold ${map.width}×${map.height} = ${map.width * map.height} floats (Float32Array); got ${map.data?.length ?? 'none'}`);
  }
  return map;
}

/**
 * Drops the alpha channel of RGBA pixels (canvas `ImageData` layout: 4 bytes per pixel, row-major).
 * @returns an {@link RgbImage} of the same size.
 */
export function imageFromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): RgbImage {
  checkSize(width, height, 'image');
  if (rgba.length !== width * height * 4) throw new RangeError(`RGBA pixels of a ${width}×${height} image must be ${width * height * 4} bytes; got ${rgba.length}`);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgba.length; i += 3, j += 4) {
    data[i] = rgba[j]!;
    data[i + 1] = rgba[j + 1]!;
    data[i + 2] = rgba[j + 2]!;
  }
  return { width, height, data };
}

/**
 * The RGBA pixels of `image` with alpha 255 (canvas `ImageData` layout).
 * @returns a Uint8ClampedArray of `width × height × 4` bytes.
 */
export function imageToRgba(image: RgbImage): Uint8ClampedArray<ArrayBuffer> {
  checkImage(image);
  const out = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    out[j] = image.data[i]!;
    out[j + 1] = image.data[i + 1]!;
    out[j + 2] = image.data[i + 2]!;
    out[j + 3] = 255;
  }
  return out;
}

/**
 * Copies the rectangle (`x`, `y`, `width`, `height`) of `image`; the rectangle must lie inside it.
 * @returns a new {@link RgbImage}.
 */
export function cropImage(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  checkImage(image);
  if (!(x >= 0 && y >= 0 && x + width <= image.width && y + height <= image.height && Number.isInteger(x + y + width + height))) {
    throw new RangeError(`crop ${width}×${height} at (${x}, ${y}) does not fit in a ${image.width}×${image.height} image`);
  }
  const out = createImage(width, height);
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * 3;
    out.data.set(image.data.subarray(from, from + width * 3), r * width * 3);
  }
  return out;
}

/**
 * Pastes `src` into `dst` with its top-left corner at (`x`, `y`), clipped to `dst` (mutates `dst`).
 * @returns `dst`.
 */
export function pasteImage(dst: RgbImage, src: RgbImage, x: number, y: number): RgbImage {
  const x0 = Math.max(0, x);
  const x1 = Math.min(dst.width, x + src.width);
  if (x1 <= x0) return dst;
  for (let r = Math.max(0, y); r < Math.min(dst.height, y + src.height); r++) {
    const from = ((r - y) * src.width + (x0 - x)) * 3;
    dst.data.set(src.data.subarray(from, from + (x1 - x0) * 3), (r * dst.width + x0) * 3);
  }
  return dst;
}
