/**
 * Running the classifier: label probabilities and the predicted label sets.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SceneImage } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';
import { NUM_CLASSES } from '../world/vocabulary.js';

/**
 * Label probabilities (sigmoid of the logits) of each scene, [N][24] in [0, 1], computed in batches of
 * `batchSize` (default 64). No tensors are left behind.
 */
export function classProbabilities(model: tfl.LayersModel, scenes: readonly SceneImage[], batchSize = 64): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < scenes.length; i += batchSize) {
    const chunk = scenes.slice(i, i + batchSize);
    const p = tf.tidy(() => tf.sigmoid(model.predict(scenesToTensor(chunk)) as tf.Tensor));
    const data = p.dataSync() as Float32Array;
    p.dispose();
    for (let j = 0; j < chunk.length; j++) out.push(data.slice(j * NUM_CLASSES, (j + 1) * NUM_CLASSES));
  }
  return out;
}

/** The predicted classes of each scene: labels with probability > `threshold` (default 0.5), ascending. */
export function predictClasses(model: tfl.LayersModel, scenes: readonly SceneImage[], threshold = 0.5): number[][] {
  return classProbabilities(model, scenes).map((p) => [...p].flatMap((v, k) => (v > threshold ? [k] : [])));
}
