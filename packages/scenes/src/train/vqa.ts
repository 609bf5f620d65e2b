/**
 * Trains the VQA model's question encoder, FiLM blocks and answer head on cached encoder features:
 * softmax cross-entropy of the answer, plus the binary cross-entropy of the question's class selection
 * against the classes the question names (`grammar/selection.ts`; relational questions excluded).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type QuestionAnswer, sampleQuestions } from '../grammar/question.js';
import { answerIndex, questionTokens } from '../grammar/tokens.js';
import { ANSWER_VOCAB, QUESTION_LENGTH } from '../grammar/vocab.js';
import { selectionTargets } from '../grammar/selection.js';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { NON_NEGATIVE_LAYER } from '../models/vqa.js';
import { mixSeed, rng } from '../world/rng.js';
import type { Scene } from '../world/scene.js';
import { type FeatureCache, featureBatch } from './features.js';
import { type LoopResult, trainLoop } from './loop.js';

/**
 * Question–answer training data: `count` questions, each with its scene row, tokens [11], answer, the
 * classes it names ([count, 24], 0/1) and the weight of that selection target (0 for relational questions).
 */
export interface VqaData {
  count: number;
  scene: Int32Array;
  questions: Int32Array;
  answers: Int32Array;
  selection: Float32Array;
  selectionWeight: Float32Array;
}

/** Draws `perScene` balanced questions of each scene (seeded). */
export function vqaData(scenes: readonly Scene[], perScene: number, seed: number): VqaData {
  const scene: number[] = [];
  const answers: number[] = [];
  const questions: Int32Array[] = [];
  const sampled: QuestionAnswer[] = [];
  scenes.forEach((s, i) => {
    for (const q of sampleQuestions(s, rng(mixSeed(seed, s.seed)), perScene)) {
      scene.push(i);
      answers.push(answerIndex(q.answer));
      questions.push(questionTokens(q.words));
      sampled.push(q);
    }
  });
  const tokens = new Int32Array(questions.length * QUESTION_LENGTH);
  questions.forEach((q, i) => tokens.set(q, i * QUESTION_LENGTH));
  const { target, weight } = selectionTargets(sampled);
  return { count: answers.length, scene: Int32Array.from(scene), questions: tokens, answers: Int32Array.from(answers), selection: target, selectionWeight: weight };
}

/**
 * Loss of the VQA-on-features model (`buildVqaOnFeatures`: outputs [logits, selection]) over the questions
 * `rows`: the answer's softmax cross-entropy + the selection's binary cross-entropy, averaged over the 24
 * classes and the batch's non-relational questions.
 */
export function vqaLoss(model: tfl.LayersModel, features: FeatureCache, data: VqaData, rows: readonly number[]): tf.Scalar {
  const L = QUESTION_LENGTH;
  const C = NUM_CLASSES;
  return tf.tidy(() => {
    const f = featureBatch(features, rows.map((r) => data.scene[r]!));
    const q = new Int32Array(rows.length * L);
    rows.forEach((r, i) => q.set(data.questions.subarray(r * L, (r + 1) * L), i * L));
    const answers = tf.oneHot(tf.tensor1d(rows.map((r) => data.answers[r]!), 'int32'), ANSWER_VOCAB.size);
    const [logits, selection] = model.apply([f, tf.tensor2d(q, [rows.length, L], 'int32')], { training: true }) as tf.Tensor[];
    const answerLoss = tf.losses.softmaxCrossEntropy(answers, logits!);
    const t = new Float32Array(rows.length * C);
    rows.forEach((r, i) => t.set(data.selection.subarray(r * C, (r + 1) * C), i * C));
    const target = tf.tensor2d(t, [rows.length, C]);
    const weight = tf.tensor2d(rows.map((r) => data.selectionWeight[r]!), [rows.length, 1]);
    const p = tf.clipByValue(selection!, 1e-6, 1 - 1e-6);
    const bce = tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))));
    const selectionLoss = tf.div(tf.sum(tf.mul(bce, weight)), tf.mul(C, tf.maximum(tf.sum(weight), 1)));
    return tf.add(answerLoss, selectionLoss) as tf.Scalar;
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

/** Trains the VQA-on-features model's weights on random batches of questions; the evidence → answer kernel stays ≥ 0 (ReLU after every step). */
export function trainVqa(model: tfl.LayersModel, features: FeatureCache, data: VqaData, o: VqaTraining): LoopResult {
  const b = o.batchSize ?? 64;
  const r = rng(o.seed);
  const kernel = model.getLayer(NON_NEGATIVE_LAYER).trainableWeights[0]!;
  return trainLoop({
    steps: o.steps,
    learningRate: o.learningRate ?? 2e-3,
    weights: model.trainableWeights,
    constraints: [{ weight: kernel, apply: (w) => tf.relu(w) }],
    loss: () => vqaLoss(model, features, data, Array.from({ length: b }, () => Math.floor(r() * data.count))),
    ...(o.log ? { log: o.log } : {}),
  });
}
