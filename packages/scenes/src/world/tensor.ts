/**
 * Scenes as model inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SCENE_SIZE } from './generator.js';
import type { SceneImage } from './scene.js';

/**
 * Stacks scene images (64×64 RGB, HWC, [0, 1]) into the models' input: a float32 NHWC tensor [N, 64, 64, 3] with RGB values in
 * [0, 1] (no further normalisation). The caller disposes it.
 */
export function scenesToTensor(scenes: readonly SceneImage[]): tf.Tensor4D {
  if (scenes.length === 0) throw new RangeError('scenesToTensor needs at least one scene');
  const w = SCENE_SIZE;
  const h = SCENE_SIZE;
  const data = new Float32Array(scenes.length * w * h * 3);
  scenes.forEach((s, i) => {
    if (s.width !== w || s.height !== h || s.image.length !== w * h * 3) {
      throw new RangeError(`image ${i} is ${s.width}×${s.height} (${s.image.length} values); the scene models read ${w}×${h} RGB (${w * h * 3} values): resize it first`);
    }
    data.set(s.image, i * w * h * 3);
  });
  return tf.tensor4d(data, [scenes.length, h, w, 3], 'float32');
}
