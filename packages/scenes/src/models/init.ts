/**
 * Seeded weight initialisers: building a model twice with the same seed gives the same weights.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { mixSeed } from '../world/rng.js';

/** A 31-bit seed for the initialiser `k` of layer `name` of a model built from `seed`. */
export function layerSeed(seed: number, name: string, k = 0): number {
  let h = mixSeed(seed, k);
  for (let i = 0; i < name.length; i++) h = mixSeed(h, name.charCodeAt(i));
  return h % 2147483647;
}

/** He-normal kernel initialiser (ReLU layers). */
export function heInit(seed: number, name: string) {
  return tfl.initializers.heNormal({ seed: layerSeed(seed, name) });
}

/** Glorot-uniform kernel initialiser (linear, tanh and sigmoid layers). */
export function glorotInit(seed: number, name: string) {
  return tfl.initializers.glorotUniform({ seed: layerSeed(seed, name) });
}

/**
 * Recurrent-kernel initialiser: Glorot-uniform (tfjs-layers' default `orthogonal` relies on chained
 * tensor methods, which this project does not register).
 */
export function recurrentInit(seed: number, name: string) {
  return tfl.initializers.glorotUniform({ seed: layerSeed(seed, name, 2) });
}

/** Uniform embedding initialiser in [−scale, scale] (default 0.05, Keras's). */
export function embeddingInit(seed: number, name: string, scale = 0.05) {
  return tfl.initializers.randomUniform({ minval: -scale, maxval: scale, seed: layerSeed(seed, name, 3) });
}
