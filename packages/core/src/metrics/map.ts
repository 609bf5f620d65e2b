/**
 * Plain-JS maps, masks and boxes shared by the metrics.
 *
 * Conventions used by every metric:
 * - A map is one channel, [H, W], row-major (`data[y * W + x]`), x to the right, y down. Maps from
 *   `explain` are in [0, 1]; the metrics only need finite values (NaN ranks as least relevant).
 * - A box `{ x1, y1, x2, y2 }` is a continuous rectangle in pixel units of the map: pixel (x, y)
 *   covers [x, x + 1) × [y, y + 1), and it belongs to the box when its centre (x + ½, y + ½) lies in
 *   [x1, x2] × [y1, y2]. A box of inclusive pixel indices (ILSVRC's xmin..xmax) is
 *   `{ x1: xmin, y1: ymin, x2: xmax + 1, y2: ymax + 1 }`.
 * - A mask is a map whose values > 0.5 are "inside".
 */
import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from '../errors.js';

/** A single-channel map in plain JS: `data[y * width + x]`, layout [height, width]. */
export interface HeatMap {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
}

/**
 * Anything the metrics accept as one map: a {@link HeatMap}, a tfjs tensor [H, W] (or [1, H, W]),
 * or nested arrays `rows[y][x]`. Tensors are read synchronously and not disposed.
 */
export type MapLike = HeatMap | tf.Tensor | ArrayLike<ArrayLike<number>>;

/** An axis-aligned box in pixel units of the map: x1 ≤ x2 (x to the right), y1 ≤ y2 (y down). */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A ground-truth region: a {@link Box} or a mask (a {@link MapLike} of the map's size; > 0.5 = inside). */
export type Region = Box | MapLike;

function isHeatMap(m: unknown): m is HeatMap {
  return typeof m === 'object' && m !== null && 'data' in m && 'height' in m && 'width' in m;
}

/** True when `r` is a {@link Box} (has numeric x1, y1, x2, y2). */
export function isBox(r: unknown): r is Box {
  return (
    typeof r === 'object' &&
    r !== null &&
    !(r instanceof tf.Tensor) &&
    typeof (r as Box).x1 === 'number' &&
    typeof (r as Box).y1 === 'number' &&
    typeof (r as Box).x2 === 'number' &&
    typeof (r as Box).y2 === 'number'
  );
}

/**
 * Converts one map to a {@link HeatMap} (Float32, [H, W], row-major). A tensor must be [H, W] or
 * [1, H, W]; it is read with `dataSync` and left to the caller. A HeatMap is returned as is (no copy).
 * @throws GradCamError on other shapes or ragged nested arrays.
 */
export function toHeatMap(map: MapLike): HeatMap {
  if (map instanceof tf.Tensor) {
    const s = map.shape;
    if (s.length === 2 || (s.length === 3 && s[0] === 1)) {
      const h = s[s.length - 2]!;
      const w = s[s.length - 1]!;
      return { data: Float32Array.from(map.dataSync() as ArrayLike<number>), height: h, width: w };
    }
    throw new GradCamError(
      `a map must be a tensor of shape [H, W] or [1, H, W], got [${s.join(', ')}]; split [M, H, W] maps with toHeatMaps`,
    );
  }
  if (isHeatMap(map)) {
    if (map.data.length !== map.height * map.width) {
      throw new GradCamError(`HeatMap data has ${map.data.length} values, expected ${map.height}×${map.width}`);
    }
    return map;
  }
  const h = map.length;
  const w = h > 0 ? map[0]!.length : 0;
  const data = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const row = map[y]!;
    if (row.length !== w) throw new GradCamError(`map row ${y} has ${row.length} values, expected ${w}`);
    for (let x = 0; x < w; x++) data[y * w + x] = row[x]!;
  }
  return { data, height: h, width: w };
}

/**
 * Splits maps into {@link HeatMap}s: [H, W] → one, [M, H, W] (e.g. `Explanation.maps`) → M, in order.
 * Reads the tensor synchronously; does not dispose it.
 */
export function toHeatMaps(maps: tf.Tensor2D | tf.Tensor3D): HeatMap[] {
  if (maps.rank === 2) return [toHeatMap(maps)];
  if (maps.rank !== 3) throw new GradCamError(`maps must be [H, W] or [M, H, W], got [${maps.shape.join(', ')}]`);
  const [m, h, w] = maps.shape as [number, number, number];
  const all = Float32Array.from(maps.dataSync() as ArrayLike<number>);
  const out: HeatMap[] = [];
  for (let i = 0; i < m; i++) out.push({ data: all.slice(i * h * w, (i + 1) * h * w), height: h, width: w });
  return out;
}

/**
 * Pixels of an [height, width] grid inside `region`, as a 0/1 mask (row-major). A box takes the
 * pixels whose centres lie in it (see the module conventions); a mask must have the grid's size and
 * counts values > 0.5 as inside.
 * @throws GradCamError when a mask's size differs from the grid's.
 */
export function regionMask(region: Region, height: number, width: number): Uint8Array {
  const out = new Uint8Array(height * width);
  if (isBox(region)) {
    // Pixel x is inside when x1 ≤ x + ½ ≤ x2, i.e. x ∈ [ceil(x1 − ½), floor(x2 − ½)].
    const xa = Math.max(0, Math.ceil(region.x1 - 0.5));
    const xb = Math.min(width - 1, Math.floor(region.x2 - 0.5));
    const ya = Math.max(0, Math.ceil(region.y1 - 0.5));
    const yb = Math.min(height - 1, Math.floor(region.y2 - 0.5));
    for (let y = ya; y <= yb; y++) for (let x = xa; x <= xb; x++) out[y * width + x] = 1;
    return out;
  }
  const m = toHeatMap(region);
  if (m.height !== height || m.width !== width) {
    throw new GradCamError(`the mask is ${m.height}×${m.width} but the map is ${height}×${width}`);
  }
  for (let i = 0; i < out.length; i++) out[i] = m.data[i]! > 0.5 ? 1 : 0;
  return out;
}
