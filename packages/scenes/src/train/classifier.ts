/**
 * Trains the classifier (and with it the shared encoder) on freshly generated scenes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { trainingSeed, generateScene } from '../world/generator.js';
import { sceneLabels } from '../world/labels.js';
import { scenesToTensor } from '../world/tensor.js';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { type LoopResult, trainLoop } from './loop.js';

/** Options of {@link trainClassifier}. */
export interface ClassifierTraining {
  /** Seed of the scene stream (training seeds, disjoint from the held-out split). */
  seed: number;
  steps: number;
  /** Scenes per step. Default 32. */
  batchSize?: number;
  learningRate?: number;
  log?: (step: number, loss: number) => void;
}

/** The sigmoid cross-entropy loss of the classifier on scenes `first … first + batch − 1` of the stream. */
export function classifierLoss(model: tfl.LayersModel, seed: number, first: number, batch: number): tf.Scalar {
  const scenes = Array.from({ length: batch }, (_, i) => generateScene(trainingSeed(seed, first + i)));
  const labels = new Float32Array(batch * NUM_CLASSES);
  scenes.forEach((s, i) => labels.set(sceneLabels(s), i * NUM_CLASSES));
  return tf.tidy(() => {
    const x = scenesToTensor(scenes);
    const y = tf.tensor2d(labels, [batch, NUM_CLASSES]);
    const logits = model.apply(x, { training: true }) as tf.Tensor;
    return tf.losses.sigmoidCrossEntropy(y, logits) as tf.Scalar;
  });
}

/** Trains every weight of `model` (encoder included) with Adam on `steps` fresh batches. */
export function trainClassifier(model: tfl.LayersModel, o: ClassifierTraining): LoopResult {
  const b = o.batchSize ?? 32;
  return trainLoop({
    steps: o.steps,
    learningRate: o.learningRate ?? 2e-3,
    weights: model.trainableWeights,
    loss: (step) => classifierLoss(model, o.seed, step * b, b),
    ...(o.log ? { log: o.log } : {}),
  });
}
