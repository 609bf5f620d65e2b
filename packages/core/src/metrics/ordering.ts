/**
 * MoRF / LeRF pixel orderings shared by the deletion/insertion curves and ROAD. Plain JS.
 */
import { GradCamError } from '../errors.js';
import { type MapLike, toHeatMap } from './map.js';

/**
 * `'MoRF'`: most relevant first (descending map value); `'LeRF'`: least relevant first (ascending).
 */
export type RelevanceOrder = 'MoRF' | 'LeRF';

/**
 * How {@link removalMask} picks the pixels to remove:
 * - `'rank'` (default): exactly round(fraction · H·W) pixels, the first ones of {@link relevanceOrder}
 *   (ties broken by pixel index, so equal values are split deterministically in raster order);
 * - `'threshold'`: pytorch-grad-cam's `RemoveMostRelevantFirst` / `RemoveLeastRelevantFirst` rule, a
 *   percentile threshold that removes tied pixels together (so the count can differ from the fraction).
 */
export type RemovalSelection = 'rank' | 'threshold';

const key = (v: number): number => (Number.isNaN(v) ? -Infinity : v);

/**
 * Pixel indices (row-major `y * W + x`) of an [H, W] map sorted by relevance. MoRF: descending value;
 * LeRF: ascending value. Ties keep ascending pixel index in both orders (a stable sort, not the reverse
 * of each other). NaN ranks as least relevant. Returns an Int32Array of length H·W.
 */
export function relevanceOrder(map: MapLike, order: RelevanceOrder = 'MoRF'): Int32Array {
  const m = toHeatMap(map);
  const n = m.data.length;
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = key(m.data[i]!);
  if (order !== 'MoRF' && order !== 'LeRF') throw new GradCamError(`order must be 'MoRF' or 'LeRF', got ${String(order)}`);
  const sign = order === 'MoRF' ? 1 : -1;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    const va = vals[a]!;
    const vb = vals[b]!;
    if (va === vb) return a - b;
    return va > vb ? -sign : sign;
  });
  return Int32Array.from(idx);
}

/**
 * numpy's default (`linear`) percentile of `values`, q in [0, 100]: sorted values interpolated at
 * rank q/100 · (n − 1).
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) throw new GradCamError('percentile of an empty array');
  const r = (Math.min(100, Math.max(0, q)) / 100) * (s.length - 1);
  const lo = Math.floor(r);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (r - lo);
}

/** Options of {@link removalMask}. */
export interface RemovalMaskOptions {
  /** Which pixels go first. Default `'MoRF'`. */
  order?: RelevanceOrder;
  /** Rank-based (default) or pytorch-grad-cam's percentile threshold; see {@link RemovalSelection}. */
  selection?: RemovalSelection;
}

/**
 * The pixels to remove when a `fraction` (in [0, 1]) of an [H, W] map is removed in the given order.
 * Returns a 0/1 Uint8Array [H·W] (1 = removed).
 *
 * With `selection: 'threshold'` and p = 100 · (1 − fraction) (pytorch-grad-cam's `percentile`):
 * MoRF keeps the pixels with `map < percentile(map, p)`; LeRF keeps those with
 * `1 − map < percentile(1 − map, p)` — the exact rules of pytorch-grad-cam, whose `percentile=p`
 * therefore removes (100 − p) % of the pixels.
 */
export function removalMask(map: MapLike, fraction: number, options: RemovalMaskOptions = {}): Uint8Array {
  if (!(fraction >= 0 && fraction <= 1)) throw new GradCamError(`fraction must be in [0, 1], got ${fraction}`);
  const order = options.order ?? 'MoRF';
  const selection = options.selection ?? 'rank';
  const m = toHeatMap(map);
  const n = m.data.length;
  const out = new Uint8Array(n);
  if (selection === 'rank') {
    const idx = relevanceOrder(m, order);
    const count = Math.round(fraction * n);
    for (let k = 0; k < count; k++) out[idx[k]!] = 1;
    return out;
  }
  if (selection !== 'threshold') throw new GradCamError(`selection must be 'rank' or 'threshold', got ${String(selection)}`);
  const p = 100 * (1 - fraction);
  const v = order === 'MoRF' ? m.data : m.data.map((x) => 1 - x);
  const thr = percentile(v, p);
  for (let i = 0; i < n; i++) out[i] = v[i]! < thr ? 0 : 1;
  return out;
}
