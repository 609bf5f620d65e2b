/**
 * Trains the captioner's decoder (and its conv layer) on cached encoder features with teacher forcing:
 * softmax cross-entropy of every caption word and END, padding masked out.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { captionScene } from '../grammar/caption.js';
import { captionTokens } from '../grammar/tokens.js';
import { CAPTION_LENGTH, CAPTION_VOCAB } from '../grammar/vocab.js';
import { rng } from '../world/rng.js';
import type { Scene } from '../world/scene.js';
import { type FeatureCache, featureBatch } from './features.js';
import { type LoopResult, trainLoop } from './loop.js';

/** Teacher-forcing data of `count` scenes: inputs, targets and the loss mask, each [count, 16] row-major. */
export interface CaptionData {
  count: number;
  inputs: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
}

/** Tokenises the canonical caption of each scene. */
export function captionData(scenes: readonly Scene[]): CaptionData {
  const L = CAPTION_LENGTH;
  const inputs = new Int32Array(scenes.length * L);
  const targets = new Int32Array(scenes.length * L);
  const mask = new Float32Array(scenes.length * L);
  scenes.forEach((s, i) => {
    const t = captionTokens(captionScene(s).words.map((w) => w.word));
    inputs.set(t.input, i * L);
    targets.set(t.target, i * L);
    mask.fill(1, i * L, i * L + t.length);
  });
  return { count: scenes.length, inputs, targets, mask };
}

function rowsOf<T extends Int32Array | Float32Array>(a: T, rows: readonly number[], L: number): T {
  const out = new (a.constructor as new (n: number) => T)(rows.length * L);
  rows.forEach((r, i) => out.set(a.subarray(r * L, (r + 1) * L), i * L));
  return out;
}

/** Masked teacher-forcing cross-entropy of the captioner-on-features model over scenes `rows`. */
export function captionerLoss(model: tfl.LayersModel, features: FeatureCache, data: CaptionData, rows: readonly number[]): tf.Scalar {
  const L = CAPTION_LENGTH;
  return tf.tidy(() => {
    const f = featureBatch(features, rows);
    const words = tf.tensor2d(rowsOf(data.inputs, rows, L), [rows.length, L], 'int32');
    const targets = tf.oneHot(tf.tensor2d(rowsOf(data.targets, rows, L), [rows.length, L], 'int32'), CAPTION_VOCAB.size);
    const mask = tf.tensor2d(rowsOf(data.mask, rows, L), [rows.length, L]);
    const logits = model.apply([f, words], { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(targets, logits, mask) as tf.Scalar;
  });
}

/** Options of {@link trainCaptioner}. */
export interface CaptionerTraining {
  seed: number;
  steps: number;
  /** Default 64. */
  batchSize?: number;
  learningRate?: number;
  log?: (step: number, loss: number) => void;
}

/** Trains the captioner-on-features model's weights (the encoder is not part of it) on random batches. */
export function trainCaptioner(model: tfl.LayersModel, features: FeatureCache, data: CaptionData, o: CaptionerTraining): LoopResult {
  const b = o.batchSize ?? 64;
  const r = rng(o.seed);
  return trainLoop({
    steps: o.steps,
    learningRate: o.learningRate ?? 3e-3,
    weights: model.trainableWeights,
    loss: () => captionerLoss(model, features, data, Array.from({ length: b }, () => Math.floor(r() * data.count))),
    ...(o.log ? { log: o.log } : {}),
  });
}
