/**
 * The generic training loop: Adam on a seeded stream of batches, a cosine learning-rate decay,
 * constraints projected after every step, and a loss log. Every step's tensors are freed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Options of {@link trainLoop}. */
export interface LoopOptions {
  /** Number of optimiser steps. */
  steps: number;
  /** Peak learning rate (Adam); decays along a half cosine to `minLearningRate`. Default 2e-3. */
  learningRate?: number;
  /** Final learning rate. Default learningRate / 20. */
  minLearningRate?: number;
  /** The weights to train (e.g. a head's, leaving a frozen encoder alone). */
  weights: tfl.LayerVariable[];
  /** The loss of step `step` (a scalar built from the model's layers; the loop frees it). */
  loss: (step: number) => tf.Scalar;
  /** Called every `logEvery` steps with the mean loss since the previous call. */
  log?: (step: number, meanLoss: number) => void;
  /** Default 50, at most a quarter of the steps (so a short run still logs a first and a last window). */
  logEvery?: number;
  /**
   * Projections applied to weights before the first step and after every step (the optimiser updates
   * the variables directly, past `LayerVariable.write`). Default: the weights' own layer constraints,
   * as `model.fit` applies them. A model that keeps a constraint in its layer config leaks a tensor each
   * time it is loaded (tfjs-layers 4.22 `LayerVariable.write` does not free the constraint's output), so
   * the scene models pass theirs here instead (e.g. the VQA model's non-negative evidence weights).
   */
  constraints?: ReadonlyArray<{ weight: tfl.LayerVariable; apply: (w: tf.Tensor) => tf.Tensor }>;
}

/** Result of {@link trainLoop}. */
export interface LoopResult {
  /** Mean loss of each logging window, in order. */
  losses: number[];
  /** Wall-clock and process CPU seconds (user + system) spent in the loop. */
  seconds: number;
  cpuSeconds: number;
}

/** Runs `steps` Adam steps on `weights`; leaves `tf.memory().numTensors` as it found it (besides the optimiser, which it disposes). */
export function trainLoop(o: LoopOptions): LoopResult {
  const lr0 = o.learningRate ?? 2e-3;
  const lr1 = o.minLearningRate ?? lr0 / 20;
  const every = Math.max(1, Math.min(o.logEvery ?? 50, Math.floor(o.steps / 4)));
  const optimizer = tf.train.adam(lr0);
  const vars = o.weights.map((w) => w.read() as tf.Variable);
  const constraints = o.constraints ?? o.weights.filter((w) => w.constraint).map((w) => ({ weight: w, apply: (t: tf.Tensor) => w.constraint.apply(t) }));
  const project = () => {
    for (const { weight, apply } of constraints) {
      const v = weight.read() as tf.Variable;
      const projected = tf.tidy(() => apply(v));
      v.assign(projected);
      projected.dispose();
    }
  };
  project();
  const losses: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let acc = 0;
  let n = 0;
  for (let step = 0; step < o.steps; step++) {
    const lr = lr1 + 0.5 * (lr0 - lr1) * (1 + Math.cos((Math.PI * step) / Math.max(1, o.steps)));
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    const loss = optimizer.minimize(() => o.loss(step), true, vars)!;
    project();
    acc += loss.dataSync()[0]!;
    n++;
    loss.dispose();
    if (n === every || step === o.steps - 1) {
      losses.push(acc / n);
      o.log?.(step + 1, acc / n);
      acc = 0;
      n = 0;
    }
  }
  optimizer.dispose();
  const c = process.cpuUsage(c0);
  return { losses, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}
