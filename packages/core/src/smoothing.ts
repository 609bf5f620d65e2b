import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend/select.js';
import type { Explainable } from './cut/index.js';
import { GradCamError } from './errors.js';
import type { Explanation } from './explain.js';
import { type InputGradientOptions, inputGradientsSync } from './guided.js';

/** Test-time augmentations averaged by `augSmooth` (pytorch-grad-cam's `aug_smooth` uses flip × multiply [0.9, 1, 1.1]). */
export interface AugSmoothOptions {
  /** Also explain the horizontally flipped image (maps flipped back). Default true. */
  flip?: boolean;
  /** Pixel-value multipliers (ttach's Multiply). Default [0.9, 1, 1.1]. */
  multiply?: number[];
  /** Spatial scales: the input is resized by each, maps resized back. Default [1]. */
  scales?: number[];
}

/**
 * Test-time augmentation smoothing of CAMs: `run` explains each augmented input; every map is mapped
 * back to the original geometry (un-flipped, resized back) and the maps are averaged (no
 * re-normalisation, like pytorch-grad-cam). Returns the identity transform's explanation with `maps`
 * replaced by the average [M, H, W].
 */
export function augmentationSmooth(images: tf.Tensor4D, others: tf.Tensor[], run: (inputs: tf.Tensor[]) => Explanation, options: AugSmoothOptions = {}): Explanation {
  const flips = options.flip === false ? [false] : [false, true];
  const multiply = options.multiply ?? [0.9, 1, 1.1];
  const scales = options.scales ?? [1];
  if (multiply.length === 0 || scales.length === 0 || scales.some((s) => !(s > 0))) {
    throw new GradCamError('augSmooth needs at least one multiplier and positive scales');
  }
  const [, h, w] = images.shape;
  let identity: Explanation | undefined;
  let sum: tf.Tensor3D | undefined;
  let count = 0;
  try {
    for (const flip of flips) {
      for (const scale of scales) {
        for (const m of multiply) {
          const isIdentity = !flip && scale === 1 && m === 1;
          const x = tf.tidy(() => {
            let t: tf.Tensor4D = images;
            if (scale !== 1) t = tf.image.resizeBilinear(t, [Math.round(h * scale), Math.round(w * scale)], false, true);
            if (flip) t = tf.reverse(t, 2);
            return m === 1 ? tf.clone(t) : tf.mul(t, m);
          });
          let e: Explanation;
          try {
            e = run([x, ...others]);
          } finally {
            x.dispose();
          }
          const back = tf.tidy(() => {
            let maps: tf.Tensor3D = e.maps;
            if (flip) maps = tf.reverse(maps, 2);
            if (scale !== 1) maps = tf.squeeze(tf.image.resizeBilinear(tf.expandDims(maps, 3) as tf.Tensor4D, [h, w], false, true), [3]) as tf.Tensor3D;
            return tf.clone(maps);
          });
          const next = sum ? tf.add(sum, back) : back;
          if (sum) {
            sum.dispose();
            back.dispose();
          }
          sum = next as tf.Tensor3D;
          count++;
          if (isIdentity && !identity) identity = e;
          else e.dispose();
        }
      }
    }
    if (!identity) identity = run([images, ...others]);
  } catch (err) {
    sum?.dispose();
    identity?.dispose();
    throw err;
  }
  const maps = tf.tidy(() => tf.div(sum!, count) as tf.Tensor3D);
  sum!.dispose();
  const base = identity;
  base.maps.dispose();
  return { ...base, maps, dispose: () => (base.dispose(), maps.dispose()) };
}

/** Options of {@link smoothGrad}. */
export interface SmoothGradOptions extends InputGradientOptions {
  /** Noisy samples averaged (default 25). */
  samples?: number;
  /** Noise σ as a fraction of the input's value range, max − min (default 0.15, as in the paper). */
  noise?: number;
  /** Seed of the noise (default 0). */
  seed?: number;
}

/**
 * SmoothGrad (Smilkov et al. 2017): the average input gradient over `samples` copies of the input
 * with Gaussian noise of σ = noise · (max − min). Returns NHWC [M, H, W, C] gradients (rows as
 * {@link inputGradientsSync}); combine with `guided: true` for smoothed guided backprop.
 */
export async function smoothGrad(model: Explainable, input: tf.Tensor | tf.Tensor[], options: SmoothGradOptions = {}): Promise<{ gradients: tf.Tensor4D; rows: import('./targets.js').Row[]; dispose(): void }> {
  await initBackend();
  const samples = options.samples ?? 25;
  if (!(Number.isInteger(samples) && samples > 0)) throw new GradCamError(`samples must be a positive integer; got ${samples}`);
  const inputs = Array.isArray(input) ? input : [input];
  const images = inputs[0]!;
  const sigma = tf.tidy(() => (options.noise ?? 0.15) * tf.sub(tf.max(images), tf.min(images)).dataSync()[0]!);
  let total: tf.Tensor4D | undefined;
  let rows: import('./targets.js').Row[] = [];
  for (let s = 0; s < samples; s++) {
    const noisy = tf.tidy(() => tf.add(images, tf.randomNormal(images.shape, 0, sigma, 'float32', (options.seed ?? 0) * 100003 + s)));
    let g;
    try {
      g = inputGradientsSync(model, [noisy, ...inputs.slice(1)], options);
    } finally {
      noisy.dispose();
    }
    rows = g.rows;
    const next = total ? tf.add(total, g.gradients) : tf.clone(g.gradients);
    total?.dispose();
    g.dispose();
    total = next as tf.Tensor4D;
  }
  const gradients = tf.tidy(() => tf.div(total!, samples) as tf.Tensor4D);
  total!.dispose();
  return { gradients, rows, dispose: () => gradients.dispose() };
}
