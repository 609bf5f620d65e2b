import type * as tf from '@tensorflow/tfjs-core';
import type { Heatmap } from './image.js';

/**
 * Reads maps `[M, H, W]` (e.g. `explain`'s `maps` in [0, 1], or its signed `raw` maps) into M heatmaps.
 * Does not dispose `maps`.
 * @returns M {@link Heatmap}s of `W × H`, in row order.
 */
export async function heatmapsFromTensor(maps: tf.Tensor): Promise<Heatmap[]> {
  if (maps.rank !== 3) throw new RangeError(`maps must be a [M, H, W] tensor; got shape [${maps.shape}]`);
  const [m, height, width] = maps.shape as [number, number, number];
  const all = (await maps.data()) as Float32Array;
  const data = all instanceof Float32Array ? all : Float32Array.from(all);
  return Array.from({ length: m }, (_, i) => ({ width, height, data: data.slice(i * width * height, (i + 1) * width * height) }));
}
