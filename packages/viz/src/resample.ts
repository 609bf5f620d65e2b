/**
 * Separable resampling of row-major interleaved pixels: the arithmetic behind `resizeMap`, `resizeImage`,
 * `mapToImage` and preprocessing. Pure JavaScript, so Node and the browser compute the same values.
 */

/**
 * A source rectangle in source pixel units (pixel edges: the full image is `{x: 0, y: 0, width: W, height: H}`)
 * that maps onto the whole destination. It may extend past the source (the outside reads as the pad value)
 * or cover only part of it (a crop).
 */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * `bilinear`: OpenCV's `cv2.resize(INTER_LINEAR)` / tfjs `resizeBilinear(halfPixelCenters)` (no antialiasing).
 * `area`: each destination pixel averages the source pixels its footprint covers (OpenCV's INTER_AREA when
 * shrinking; antialiased); when enlarging along an axis it falls back to bilinear on that axis.
 */
export type ResampleKernel = 'bilinear' | 'area';

/** Per destination index along one axis: source indices (−1 = outside → pad) and weights. */
interface Taps {
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

function bilinearTaps(srcLen: number, dstLen: number, offset: number, extent: number): Taps {
  const start = new Int32Array(dstLen + 1);
  const index = new Int32Array(dstLen * 2);
  const weight = new Float64Array(dstLen * 2);
  const scale = extent / dstLen;
  let n = 0;
  for (let u = 0; u < dstLen; u++) {
    start[u] = n;
    const edge = offset + (u + 0.5) * scale;
    if (edge < 0 || edge > srcLen) {
      index[n] = -1;
      weight[n++] = 1;
      continue;
    }
    let f = edge - 0.5;
    let i0 = Math.floor(f);
    f -= i0;
    // cv2.resize: positions left of the first centre or right of the last clamp to that pixel.
    if (i0 < 0) {
      i0 = 0;
      f = 0;
    }
    if (i0 >= srcLen - 1) {
      i0 = srcLen - 1;
      f = 0;
    }
    index[n] = i0;
    weight[n++] = 1 - f;
    if (f > 0) {
      index[n] = i0 + 1;
      weight[n++] = f;
    }
  }
  start[dstLen] = n;
  return { start, index: index.subarray(0, n), weight: weight.subarray(0, n) };
}

function areaTaps(srcLen: number, dstLen: number, offset: number, extent: number): Taps {
  const scale = extent / dstLen;
  if (scale <= 1) return bilinearTaps(srcLen, dstLen, offset, extent);
  const starts: number[] = [];
  const index: number[] = [];
  const weight: number[] = [];
  for (let u = 0; u < dstLen; u++) {
    starts.push(index.length);
    const a = offset + u * scale;
    const b = a + scale;
    const inA = Math.max(a, 0);
    const inB = Math.min(b, srcLen);
    const outside = scale - Math.max(0, inB - inA);
    if (outside > 1e-9) {
      index.push(-1);
      weight.push(outside / scale);
    }
    for (let i = Math.floor(inA); i < inB; i++) {
      const w = Math.min(i + 1, inB) - Math.max(i, inA);
      if (w > 1e-12) {
        index.push(i);
        weight.push(w / scale);
      }
    }
  }
  starts.push(index.length);
  return { start: Int32Array.from(starts), index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

/**
 * Resamples `src` (`sw × sh` pixels of `channels` interleaved values, row-major) to `dw × dh`, reading the
 * source `region` (default: all of it). Positions outside the source take `pad` (per channel, default 0).
 * @returns a Float64Array of `dw × dh × channels` values, unrounded.
 */
export function resample(
  src: ArrayLike<number>,
  sw: number,
  sh: number,
  channels: number,
  dw: number,
  dh: number,
  options: { region?: Region; kernel?: ResampleKernel; pad?: ArrayLike<number> } = {},
): Float64Array {
  if (!(Number.isInteger(dw) && Number.isInteger(dh) && dw > 0 && dh > 0)) throw new RangeError(`target size must be positive integers; got ${dw}×${dh}`);
  if (src.length !== sw * sh * channels) throw new RangeError(`source must hold ${sw}×${sh}×${channels} values; got ${src.length}`);
  const r = options.region ?? { x: 0, y: 0, width: sw, height: sh };
  if (!(r.width > 0 && r.height > 0 && Number.isFinite(r.x + r.y + r.width + r.height))) {
    throw new RangeError(`region must have a positive finite size; got ${r.width}×${r.height} at (${r.x}, ${r.y})`);
  }
  const taps = options.kernel === 'area' ? areaTaps : bilinearTaps;
  const tx = taps(sw, dw, r.x, r.width);
  const ty = taps(sh, dh, r.y, r.height);
  const pad = options.pad ?? new Float64Array(channels);
  // Horizontal pass over the source rows that the vertical taps read.
  const rowNeeded = new Uint8Array(sh);
  for (const i of ty.index) if (i >= 0) rowNeeded[i] = 1;
  const tmp = new Float64Array(sh * dw * channels);
  for (let y = 0; y < sh; y++) {
    if (!rowNeeded[y]) continue;
    const rowBase = y * sw * channels;
    for (let u = 0; u < dw; u++) {
      const o = (y * dw + u) * channels;
      for (let t = tx.start[u]!; t < tx.start[u + 1]!; t++) {
        const i = tx.index[t]!;
        const w = tx.weight[t]!;
        for (let c = 0; c < channels; c++) tmp[o + c] += w * (i < 0 ? pad[c]! : src[rowBase + i * channels + c]!);
      }
    }
  }
  const out = new Float64Array(dw * dh * channels);
  for (let v = 0; v < dh; v++) {
    const o = v * dw * channels;
    for (let t = ty.start[v]!; t < ty.start[v + 1]!; t++) {
      const j = ty.index[t]!;
      const w = ty.weight[t]!;
      if (j < 0) {
        for (let k = 0; k < dw * channels; k++) out[o + k] += w * pad[k % channels]!;
      } else {
        const s = j * dw * channels;
        for (let k = 0; k < dw * channels; k++) out[o + k] += w * tmp[s + k]!;
      }
    }
  }
  return out;
}
