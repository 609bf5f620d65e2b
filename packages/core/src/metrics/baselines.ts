/**
 * Baseline maps for evaluation tables: what a method must beat. Plain JS, no tensors.
 */
import { GradCamError } from '../errors.js';
import type { HeatMap } from './map.js';
import { seededUniform } from './rng.js';

function checkSize(h: number, w: number): void {
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1)) {
    throw new GradCamError(`map size must be positive integers, got ${h}×${w}`);
  }
}

/**
 * A random map [h, w]: independent uniform values in [0, 1), reproducible from `seed` (default 0;
 * mulberry32, the same on every platform). Use a different seed per image for a random baseline.
 */
export function randomMap(h: number, w: number, seed = 0): HeatMap {
  checkSize(h, w);
  const u = seededUniform(seed);
  const data = new Float32Array(h * w);
  for (let i = 0; i < data.length; i++) data[i] = u();
  return { data, height: h, width: w };
}

/** Options of {@link centerMap}. */
export interface CenterMapOptions {
  /** Standard deviation as a fraction of each side (σ_y = sigma·h, σ_x = sigma·w). Default 0.25. */
  sigma?: number;
}

/**
 * The centre baseline [h, w]: a Gaussian centred on the image centre (pixel centres at x + ½, so the
 * peak is at (w/2, h/2)), σ = `sigma` · side, min-max normalised to [0, 1] like `explain`'s maps
 * (1 at the pixel(s) nearest the centre, 0 at the farthest corner). Its maximum is unique for odd
 * sides and a 2-pixel (or 2×2) plateau for even sides.
 */
export function centerMap(h: number, w: number, options: CenterMapOptions = {}): HeatMap {
  checkSize(h, w);
  const sigma = options.sigma ?? 0.25;
  if (!(sigma > 0)) throw new GradCamError(`sigma must be > 0, got ${sigma}`);
  const sy = sigma * h;
  const sx = sigma * w;
  const data = new Float32Array(h * w);
  const g = new Float64Array(h * w);
  let lo = Infinity;
  let hi = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dy = (y + 0.5 - h / 2) / sy;
      const dx = (x + 0.5 - w / 2) / sx;
      const v = Math.exp(-0.5 * (dx * dx + dy * dy));
      g[y * w + x] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  for (let i = 0; i < g.length; i++) data[i] = hi > lo ? (g[i]! - lo) / (hi - lo) : 0;
  return { data, height: h, width: w };
}
