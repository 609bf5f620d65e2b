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

/** Same, by power iteration (for large n, where Jacobi's O(n³) sweeps are too slow). */
function topEigenvectorPower(a: Float64Array, n: number): Float64Array {
  let x = new Float64Array(n).map((_, i) => 1 + ((i * 7919) % 13) / 13);
  for (let it = 0; it < 2000; it++) {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
      y[i] = s;
    }
    const norm = Math.hypot(...y) || 1;
    let diff = 0;
    for (let i = 0; i < n; i++) {
      y[i] = y[i]! / norm;
      diff = Math.max(diff, Math.abs(y[i]! - x[i]!));
    }
    x = y;
    if (diff < 1e-12) break;
  }
  return x;
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
  for (let b = 0; b < m; b++) {
    const x = new Float64Array(p * c);
    const mean = new Float64Array(c);
    const base = b * p * c;
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < c; k++) {
        const val = data[base + i * c + k]!;
        const clean = Number.isNaN(val) ? 0 : val;
        x[i * c + k] = clean;
        mean[k] = mean[k]! + clean / p;
      }
    }
    const rowSum = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < c; k++) {
        rowSum[i] = rowSum[i]! + x[i * c + k]!;
        x[i * c + k] = x[i * c + k]! - mean[k]!;
      }
    }
    // Eigen-decompose the smaller Gram matrix: XᵀX (C×C) or XXᵀ (P×P).
    const small = Math.min(c, p);
    const gram = new Float64Array(small * small);
    const useChannels = c <= p;
    for (let i = 0; i < small; i++) {
      for (let j = i; j < small; j++) {
        let s = 0;
        if (useChannels) for (let r = 0; r < p; r++) s += x[r * c + i]! * x[r * c + j]!;
        else for (let k = 0; k < c; k++) s += x[i * c + k]! * x[j * c + k]!;
        gram[i * small + j] = s;
        gram[j * small + i] = s;
      }
    }
    const e = small <= 256 ? topEigenvectorJacobi(gram, small) : topEigenvectorPower(gram, small);
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
