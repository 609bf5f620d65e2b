import * as tf from '@tensorflow/tfjs-core';

/** Largest-eigenvalue eigenvector of a symmetric n×n matrix (row-major, float64), by cyclic Jacobi. */
function topEigenvectorJacobi(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += m[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p]!;
          const mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k]!;
          const mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (m[i * n + i]! > m[best * n + best]!) best = i;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = v[k * n + best]!;
  return out;
}

/**
 * Same, by power iteration on A^16 (for n > 24, where Jacobi's O(n³) sweeps cost more than the
 * rest of Eigen-CAM). Performance: four squarings (A ← A², rescaled; symmetric, so 4·n³/2) raise
 * the convergence factor λ₂/λ₁ to its 16th power, so a few iterations on A^16 — and a short
 * polish on A — give the eigenvector to ~1e-12 (a 7×7 map: n = 49, well under a millisecond;
 * Jacobi took ~5 ms, ~8 % of a MobileNetV2 forward pass).
 */
function topEigenvectorPower(a: Float64Array, n: number): Float64Array {
  const frob = (m: Float64Array) => Math.sqrt(m.reduce((s, v) => s + v * v, 0)) || 1;
  let b: Float64Array = Float64Array.from(a);
  let scale = frob(b);
  for (let i = 0; i < b.length; i++) b[i] = b[i]! / scale;
  for (let sq = 0; sq < 4; sq++) {
    // B is symmetric, so (B²)_ij = row_i · row_j: contiguous dot products, upper triangle only.
    const c = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const oi = i * n;
      for (let j = i; j < n; j++) {
        const oj = j * n;
        let acc = 0;
        for (let k = 0; k < n; k++) acc += b[oi + k]! * b[oj + k]!;
        c[oi + j] = acc;
        c[oj + i] = acc;
      }
    }
    scale = frob(c);
    for (let i = 0; i < c.length; i++) c[i] = c[i]! / scale;
    b = c;
  }
  // Start from the column of A^16 with the largest norm: already close to the top eigenvector.
  let best = 0;
  let bestNorm = -1;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += b[i * n + j]! ** 2;
    if (s > bestNorm) (bestNorm = s), (best = j);
  }
  let x: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b[i * n + best]!;
  const step = (m: Float64Array, v: Float64Array): { y: Float64Array; diff: number } => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += m[i * n + j]! * v[j]!;
      y[i] = s;
    }
    const norm = Math.hypot(...y) || 1;
    let diff = 0;
    for (let i = 0; i < n; i++) {
      y[i] = y[i]! / norm;
      diff = Math.max(diff, Math.abs(y[i]! - v[i]!));
    }
    return { y, diff };
  };
  x = step(b, x).y;
  for (let it = 0; it < 500; it++) {
    const r = step(b, x);
    x = r.y;
    if (r.diff < 1e-14) break;
  }
  for (let it = 0; it < 50; it++) {
    const r = step(a, x);
    x = r.y;
    if (r.diff < 1e-13) break;
  }
  return x;
}

/**
 * Y·Yᵀ for a row-major [rows, len] matrix (float64). Performance: four output columns per pass
 * over row i (one load of Y[i, k] for four products), upper triangle only.
 */
function gramMatrix(y: Float64Array, rows: number, len: number): Float64Array {
  const g = new Float64Array(rows * rows);
  const put = (i: number, j: number, v: number) => {
    g[i * rows + j] = v;
    g[j * rows + i] = v;
  };
  for (let i = 0; i < rows; i++) {
    const oi = i * len;
    let j = i;
    for (; j + 3 < rows; j += 4) {
      const o0 = j * len;
      const o1 = o0 + len;
      const o2 = o1 + len;
      const o3 = o2 + len;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < len; k++) {
        const a = y[oi + k]!;
        s0 += a * y[o0 + k]!;
        s1 += a * y[o1 + k]!;
        s2 += a * y[o2 + k]!;
        s3 += a * y[o3 + k]!;
      }
      put(i, j, s0);
      put(i, j + 1, s1);
      put(i, j + 2, s2);
      put(i, j + 3, s3);
    }
    for (; j < rows; j++) {
      const oj = j * len;
      let s = 0;
      for (let k = 0; k < len; k++) s += y[oi + k]! * y[oj + k]!;
      put(i, j, s);
    }
  }
  return g;
}

/**
 * Projection of each map's activations on their first principal component (pytorch-grad-cam's
 * `get_2d_projection`, used by Eigen-CAM and `eigenSmooth`): for each item, X = activations reshaped
 * to [h·w, C] and mean-centred per channel; the result is X·v₁ with v₁ the first right singular vector.
 * Singular vectors have no canonical sign: gradcam picks the sign that makes the projection correlate
 * positively with the channel-summed activations (pytorch-grad-cam keeps LAPACK's arbitrary sign).
 * Input NHWC [M, h, w, C]; output [M, h, w]. Computed in float64 on the CPU side.
 */
export function firstComponentProjection(activations: tf.Tensor4D): tf.Tensor3D {
  const [m, h, w, c] = activations.shape;
  const data = activations.dataSync();
  const p = h * w;
  const out = new Float32Array(m * p);
  // Work buffers shared by the items of the batch (fewer large allocations: less GC work).
  const x = new Float64Array(p * c);
  const mean = new Float64Array(c);
  const rowSum = new Float64Array(p);
  const useChannels = c <= p;
  const transposed = useChannels ? new Float64Array(c * p) : x;
  for (let b = 0; b < m; b++) {
    mean.fill(0);
    rowSum.fill(0);
    const base = b * p * c;
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < c; k++) {
        const val = data[base + i * c + k]!;
        const clean = Number.isNaN(val) ? 0 : val;
        x[i * c + k] = clean;
        mean[k] = mean[k]! + clean / p;
      }
    }
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < c; k++) {
        rowSum[i] = rowSum[i]! + x[i * c + k]!;
        x[i * c + k] = x[i * c + k]! - mean[k]!;
      }
    }
    // Eigen-decompose the smaller Gram matrix: XᵀX (C×C) or XXᵀ (P×P), as Y·Yᵀ with Y = Xᵀ or X.
    const small = Math.min(c, p);
    if (useChannels) for (let i = 0; i < p; i++) for (let k = 0; k < c; k++) transposed[k * p + i] = x[i * c + k]!;
    const gram = gramMatrix(transposed, small, useChannels ? p : c);
    const e = small <= 24 ? topEigenvectorJacobi(gram, small) : topEigenvectorPower(gram, small);
    const proj = new Float64Array(p);
    if (useChannels) {
      for (let i = 0; i < p; i++) {
        let s = 0;
        for (let k = 0; k < c; k++) s += x[i * c + k]! * e[k]!;
        proj[i] = s;
      }
    } else {
      // e is the left singular vector u₁; X v₁ = σ₁ u₁ with σ₁ = |Xᵀ u₁|.
      let sigma2 = 0;
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let i = 0; i < p; i++) s += x[i * c + k]! * e[i]!;
        sigma2 += s * s;
      }
      const sigma = Math.sqrt(sigma2);
      for (let i = 0; i < p; i++) proj[i] = sigma * e[i]!;
    }
    let corr = 0;
    for (let i = 0; i < p; i++) corr += proj[i]! * rowSum[i]!;
    const sign = corr < 0 ? -1 : 1;
    for (let i = 0; i < p; i++) out[b * p + i] = sign * proj[i]!;
  }
  return tf.tensor3d(out, [m, h, w]);
}
