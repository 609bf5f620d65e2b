/**
 * Seeded pseudo-random numbers for the scene world: every scene, split and training run is a pure
 * function of integer seeds, the same on every platform.
 */

import { seededUniform } from '@gradcam/core';

/** A uniform generator of numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32 over a 32-bit state (the core's `seededUniform`, which the random baselines use). The same
 * `seed` (truncated to 32 bits) gives the same sequence everywhere.
 */
export const rng: (seed: number) => Rng = seededUniform;

/**
 * Mixes integers into one well-spread 32-bit seed (murmur3's finaliser over a running hash), e.g.
 * `mixSeed(runSeed, index)` for the index-th scene of a run. Unsigned result in [0, 2^32).
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    let k = Math.imul((p >>> 0) ^ Math.floor(p / 4294967296), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h = Math.imul(h ^ Math.imul(k, 0x1b873593), 5) + 0xe6546b64;
    h = (h << 13) | (h >>> 19);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An integer uniform in [lo, hi] (both inclusive). */
export function randInt(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** One element of `items`, uniformly. */
export function pick<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/** A Fisher–Yates shuffled copy of `items`. */
export function shuffled<T>(r: Rng, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
