/**
 * Localization metrics: no model, plain JS. Maps are [H, W] (see `map.ts` for the box and mask
 * conventions); none of these functions create tensors.
 */
import { GradCamError } from '../errors.js';
import { type Box, type MapLike, type Region, regionMask, toHeatMap } from './map.js';

/** How {@link pointingGame} scores a map whose maximum is attained at several pixels. */
export type PointingTies = 'all' | 'any' | 'first';

/** Options of {@link pointingGame}. */
export interface PointingGameOptions {
  /**
   * A maximum hits when some region pixel lies within this Euclidean distance (in map pixels,
   * between pixel centres) of it. Default 15, the protocol of Zhang et al. (2016) and TorchRay;
   * 0 requires the maximum itself to be inside.
   */
  tolerance?: number;
  /**
   * Ties (every pixel whose value equals the maximum exactly is a maximum):
   * `'all'` (default) hits only when every maximum hits, so a flat map is a miss unless the region
   * covers (within tolerance) the whole map; `'any'` hits when one does; `'first'` looks only at the
   * first maximum in raster order (row-major, like `argmax`).
   */
  ties?: PointingTies;
}

/** Result of {@link pointingGame}. */
export interface PointingResult {
  /** Whether the map's maximum falls within `tolerance` of the region (per the `ties` rule). */
  hit: boolean;
  /** The first maximum in raster order, as pixel indices (column x, row y). */
  point: { x: number; y: number };
  /** How many pixels attain the maximum. */
  maxima: number;
  /** How many of them are within `tolerance` of the region. */
  maximaHit: number;
}

/**
 * The pointing game (Zhang et al., "Top-down neural attention by excitation backprop", 2016): does the
 * map's maximum fall on the object? `map`: [H, W], any real values (NaN ignored). `region`: a box in
 * map pixels or a mask of the map's size (> 0.5 = inside). See {@link PointingGameOptions} for the
 * tolerance and the tie rule. An empty region (e.g. a box outside the map) is a miss.
 */
export function pointingGame(map: MapLike, region: Region, options: PointingGameOptions = {}): PointingResult {
  const tolerance = options.tolerance ?? 15;
  const ties = options.ties ?? 'all';
  if (!(tolerance >= 0)) throw new GradCamError(`tolerance must be ≥ 0, got ${tolerance}`);
  const m = toHeatMap(map);
  const { height: h, width: w, data } = m;
  if (h * w === 0) throw new GradCamError('the map is empty');
  const inside = regionMask(region, h, w);
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  const t = Math.floor(tolerance);
  const t2 = tolerance * tolerance;
  const hits = (px: number, py: number): boolean => {
    for (let y = Math.max(0, py - t); y <= Math.min(h - 1, py + t); y++) {
      const dy2 = (y - py) * (y - py);
      for (let x = Math.max(0, px - t); x <= Math.min(w - 1, px + t); x++) {
        if (dy2 + (x - px) * (x - px) <= t2 && inside[y * w + x]) return true;
      }
    }
    return false;
  };
  let first = -1;
  let maxima = 0;
  let maximaHit = 0;
  let firstHit = false;
  for (let i = 0; i < data.length; i++) {
    // max === -Infinity only when every value is NaN or -Infinity: then every pixel is a maximum.
    if (data[i] === max || (max === -Infinity && !(data[i]! > max))) {
      const hit = hits(i % w, Math.floor(i / w));
      if (first < 0) {
        first = i;
        firstHit = hit;
      }
      maxima++;
      if (hit) maximaHit++;
    }
  }
  const hit = ties === 'first' ? firstHit : ties === 'any' ? maximaHit > 0 : maximaHit === maxima;
  return { hit, point: { x: first % w, y: Math.floor(first / w) }, maxima, maximaHit };
}

/**
 * The energy-based pointing game (Wang et al., Score-CAM, 2020): the fraction of the map's energy
 * inside the region, Σ_inside max(0, v) / Σ max(0, v). `map`: [H, W] (negative values count as 0);
 * `region`: a box in map pixels or a mask of the map's size. Returns a number in [0, 1]; a map with
 * no positive energy gives 0.
 */
export function energyPointingGame(map: MapLike, region: Region): number {
  const m = toHeatMap(map);
  const inside = regionMask(region, m.height, m.width);
  let total = 0;
  let within = 0;
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i]!;
    if (v > 0) {
      total += v;
      if (inside[i]) within += v;
    }
  }
  return total > 0 ? within / total : 0;
}

/** Options of {@link boxFromMap}. */
export interface BoxFromMapOptions {
  /** Pixels with value > threshold · max(map) are foreground. Default 0.15 (the Grad-CAM paper's ILSVRC protocol). */
  threshold?: number;
}

/**
 * Labels the 8-connected components of a 0/1 mask [h, w] and returns the largest one's pixel
 * indices (ties in size: the component whose first pixel comes first in raster order), or an empty
 * array when the mask is empty.
 */
export function largestComponent(mask: Uint8Array, height: number, width: number): Int32Array {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  let best: Int32Array = new Int32Array(0);
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || seen[s]) continue;
    let top = 0;
    let n = 0;
    const members: number[] = [];
    stack[top++] = s;
    seen[s] = 1;
    while (top > 0) {
      const i = stack[--top]!;
      members.push(i);
      n++;
      const y = Math.floor(i / width);
      const x = i - y * width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    if (n > best.length) best = Int32Array.from(members);
  }
  return best;
}

/**
 * The Grad-CAM paper's ILSVRC localization box: threshold the map at `threshold` · max (strictly
 * greater, like OpenCV's THRESH_BINARY), keep the largest 8-connected component, return its bounding
 * box in map pixels (`x2 = last column + 1`, `y2 = last row + 1`; see `map.ts`). `map`: [H, W].
 * Returns null when no pixel passes (e.g. an all-zero map, or max ≤ 0).
 */
export function boxFromMap(map: MapLike, options: BoxFromMapOptions = {}): Box | null {
  const threshold = options.threshold ?? 0.15;
  const m = toHeatMap(map);
  let max = -Infinity;
  for (let i = 0; i < m.data.length; i++) if (m.data[i]! > max) max = m.data[i]!;
  if (!(max > 0)) return null;
  const cut = threshold * max;
  const mask = new Uint8Array(m.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = m.data[i]! > cut ? 1 : 0;
  const comp = largestComponent(mask, m.height, m.width);
  if (comp.length === 0) return null;
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const i of comp) {
    const y = Math.floor(i / m.width);
    const x = i - y * m.width;
    if (x < x1) x1 = x;
    if (x > x2) x2 = x;
    if (y < y1) y1 = y;
    if (y > y2) y2 = y;
  }
  return { x1, y1, x2: x2 + 1, y2: y2 + 1 };
}

/** Area of a box, (x2 − x1)·(y2 − y1), 0 for an empty or inverted box. */
export function boxArea(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

/**
 * Intersection over union of two boxes as continuous rectangles (area = (x2 − x1)·(y2 − y1), no +1).
 * Returns a number in [0, 1]; 0 when the union is empty.
 */
export function boxIoU(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * IoU of the map's {@link boxFromMap} box with the ground truth (the Grad-CAM paper's ILSVRC
 * localization; a prediction counts as correct at IoU ≥ 0.5). `map`: [H, W]; `gt`: one box or
 * several (the best IoU is returned, as ILSVRC scores against any box of the class), in map pixels.
 * Returns a number in [0, 1]; 0 when the map yields no box.
 */
export function localizationIoU(map: MapLike, gt: Box | readonly Box[], options: BoxFromMapOptions = {}): number {
  const box = boxFromMap(map, options);
  if (!box) return 0;
  const gts = isBoxArray(gt) ? gt : [gt];
  let best = 0;
  for (const g of gts) best = Math.max(best, boxIoU(box, g));
  return best;
}

function isBoxArray(g: Box | readonly Box[]): g is readonly Box[] {
  return Array.isArray(g);
}
