/**
 * Trains the VQA model's question encoder, FiLM blocks and answer head on cached encoder features:
 * softmax cross-entropy of the answer.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sampleQuestions } from '../grammar/question.js';
import { answerIndex, questionTokens } from '../grammar/tokens.js';
import { ANSWER_VOCAB, QUESTION_LENGTH } from '../grammar/vocab.js';
import { mixSeed, rng } from '../world/rng.js';
import type { Scene } from '../world/scene.js';
import { type FeatureCache, featureBatch } from './features.js';
import { type LoopResult, trainLoop } from './loop.js';

/** Question–answer training data: `count` questions, each with its scene row, tokens [11] and answer. */
export interface VqaData {
  count: number;
  scene: Int32Array;
  questions: Int32Array;
  answers: Int32Array;
}

/** Draws `perScene` balanced questions of each scene (seeded). */
export function vqaData(scenes: readonly Scene[], perScene: number, seed: number): VqaData {
  const scene: number[] = [];
  const answers: number[] = [];
  const questions: Int32Array[] = [];
  scenes.forEach((s, i) => {
    for (const q of sampleQuestions(s, rng(mixSeed(seed, s.seed)), perScene)) {
      scene.push(i);
      answers.push(answerIndex(q.answer));
      questions.push(questionTokens(q.words));
    }
  });
  const tokens = new Int32Array(questions.length * QUESTION_LENGTH);
  questions.forEach((q, i) => tokens.set(q, i * QUESTION_LENGTH));
  return { count: answers.length, scene: Int32Array.from(scene), questions: tokens, answers: Int32Array.from(answers) };
}

/** Answer cross-entropy of the VQA-on-features model over the questions `rows`. */
export function vqaLoss(model: tfl.LayersModel, features: FeatureCache, data: VqaData, rows: readonly number[]): tf.Scalar {
  const L = QUESTION_LENGTH;
  return tf.tidy(() => {
    const f = featureBatch(features, rows.map((r) => data.scene[r]!));
    const q = new Int32Array(rows.length * L);
    rows.forEach((r, i) => q.set(data.questions.subarray(r * L, (r + 1) * L), i * L));
    const answers = tf.oneHot(tf.tensor1d(rows.map((r) => data.answers[r]!), 'int32'), ANSWER_VOCAB.size);
    const logits = model.apply([f, tf.tensor2d(q, [rows.length, L], 'int32')], { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(answers, logits) as tf.Scalar;
  });
}

/** Options of {@link trainVqa}. */
export interface VqaTraining {
  seed: number;
  steps: number;
  /** Default 64. */
  batchSize?: number;
  learningRate?: number;
  log?: (step: number, loss: number) => void;
}

/** Trains the VQA-on-features model's weights on random batches of questions. */
export function trainVqa(model: tfl.LayersModel, features: FeatureCache, data: VqaData, o: VqaTraining): LoopResult {
  const b = o.batchSize ?? 64;
  const r = rng(o.seed);
  return trainLoop({
    steps: o.steps,
    learningRate: o.learningRate ?? 2e-3,
    weights: model.trainableWeights,
    loss: () => vqaLoss(model, features, data, Array.from({ length: b }, () => Math.floor(r() * data.count))),
    ...(o.log ? { log: o.log } : {}),
  });
}
