/**
 * The seeded training recipe of the three scene models (Show-and-Tell style: the CNN encoder is trained
 * once, with the classifier, then frozen; the captioner and the VQA model train their own layers on
 * cached encoder features):
 * 1. classifier + encoder on freshly generated scenes (sigmoid cross-entropy);
 * 2. encoder features of a fixed set of training scenes;
 * 3. captioner head on them (teacher forcing); 4. VQA head on them (balanced sampled questions).
 * Every random choice derives from `seed`; scenes come from the training seed range only.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '@gradcam/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildCaptioner, buildCaptionerOnFeatures, createCaptionerLayers } from '../models/captioner.js';
import { buildClassifier, buildSceneFeatures, createClassifierLayers } from '../models/classifier.js';
import { createEncoderLayers } from '../models/encoder.js';
import { layerSetOf } from '../models/layer-set.js';
import { buildVqa, buildVqaOnFeatures, createVqaLayers } from '../models/vqa.js';
import type { SceneModels } from '../io/load.js';
import { trainingSeed } from '../world/generator.js';
import { mixSeed } from '../world/rng.js';
import { trainCaptioner } from './captioner.js';
import { trainClassifier } from './classifier.js';
import { useFastTrainingKernels } from './fast-kernels.js';
import { type HeadData, prepareHeadData } from './head-data.js';
import type { HeadJob } from './head-worker.js';
import type { LoopResult } from './loop.js';
import { trainVqa } from './vqa.js';

/** The training recipe; the defaults are what produced the committed weights. */
export interface TrainOptions {
  /** Master seed (default 1). */
  seed?: number;
  /** Classifier steps and batch size (defaults 1000 and 32). */
  classifierSteps?: number;
  classifierBatch?: number;
  /** Training scenes whose encoder features the captioner and VQA model train on (default 12000). */
  featureScenes?: number;
  /** Captioner steps and batch (defaults 2500 and 64). */
  captionerSteps?: number;
  captionerBatch?: number;
  /** VQA steps, batch and sampled questions per feature scene (defaults 3000, 64 and 8). */
  vqaSteps?: number;
  vqaBatch?: number;
  questionsPerScene?: number;
  /**
   * Train the captioner in a worker thread while the main thread trains the VQA model (default: when
   * the compiled worker is available, i.e. when running from `dist/`). Results are identical either way.
   */
  parallel?: boolean;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** What a phase cost and how its loss went. */
export interface PhaseReport {
  steps: number;
  seconds: number;
  cpuSeconds: number;
  /** Mean loss of the first and of the last logging window. */
  firstLoss: number;
  lastLoss: number;
}

/** The training report (also written next to the weights). */
export interface TrainReport {
  seed: number;
  backend: string;
  options: Required<Omit<TrainOptions, 'log' | 'parallel'>>;
  /** Whether the two heads trained in parallel (two threads). */
  parallel: boolean;
  classifier: PhaseReport;
  features: { scenes: number; seconds: number; cpuSeconds: number };
  captioner: PhaseReport;
  vqa: PhaseReport;
  /** Whole run, wall clock and process CPU. */
  seconds: number;
  cpuSeconds: number;
}

const DEFAULTS: Required<Omit<TrainOptions, 'log' | 'parallel'>> = {
  seed: 1,
  classifierSteps: 1000,
  classifierBatch: 32,
  featureScenes: 12000,
  captionerSteps: 2500,
  captionerBatch: 64,
  vqaSteps: 3000,
  vqaBatch: 64,
  questionsPerScene: 8,
};

/** Tiny settings for smoke tests (`--tiny`): seconds, not minutes. */
export const TINY_TRAINING: TrainOptions = {
  classifierSteps: 4,
  classifierBatch: 8,
  featureScenes: 32,
  captionerSteps: 8,
  captionerBatch: 16,
  vqaSteps: 8,
  vqaBatch: 16,
  questionsPerScene: 2,
};

const WORKER = fileURLToPath(new URL('./head-worker.js', import.meta.url));

/** Trains one head in a worker thread; resolves with its weights (in `model.weights` order) and loop result. */
function trainHeadInWorker(job: HeadJob, log: (m: string) => void): Promise<{ weights: Array<{ name: string; data: Float32Array }>; result: LoopResult }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: job });
    worker.on('message', (m: { type: string; text?: string; message?: string; weights?: Array<{ name: string; data: Float32Array }>; result?: LoopResult }) => {
      if (m.type === 'log') log(m.text!);
      else if (m.type === 'error') reject(new Error(`${job.head} worker: ${m.message}`));
      else if (m.type === 'done') resolve({ weights: m.weights!, result: m.result! });
    });
    worker.on('error', reject);
    worker.on('exit', (code) => code !== 0 && reject(new Error(`${job.head} worker exited with code ${code}`)));
  });
}

/** Copies trained weights (in `model.weights` order, checked by name) into a model. */
function setWeights(model: tfl.LayersModel, weights: Array<{ name: string; data: Float32Array }>): void {
  if (weights.length !== model.weights.length) throw new Error(`internal: ${weights.length} trained weights for ${model.weights.length} model weights`);
  const tensors = model.weights.map((w, i) => {
    if (weights[i]!.name !== w.originalName) throw new Error(`internal: weight ${i} is ${weights[i]!.name}, expected ${w.originalName}`);
    return tf.tensor(weights[i]!.data, w.shape as number[]);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

function freeData(data: HeadData): void {
  // Large typed arrays: drop the references early (the caller keeps only the models).
  (data as { features?: unknown }).features = undefined;
}

function phase(steps: number, r: LoopResult): PhaseReport {
  return { steps, seconds: r.seconds, cpuSeconds: r.cpuSeconds, firstLoss: r.losses[0] ?? NaN, lastLoss: r.losses[r.losses.length - 1] ?? NaN };
}

/**
 * Trains the classifier, the captioner and the VQA model from scratch. Returns the models (sharing the
 * encoder's weights) and the report; nothing is written to disk (see `saveSceneModels`).
 */
export async function trainSceneModels(options: TrainOptions = {}): Promise<{ models: SceneModels; report: TrainReport }> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'log' && k !== 'parallel')) } as Required<
    Omit<TrainOptions, 'log' | 'parallel'>
  >;
  const parallel = options.parallel ?? existsSync(WORKER);
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const restore = useFastTrainingKernels();
  try {
    const layers = layerSetOf([
      ...createEncoderLayers(mixSeed(o.seed, 1)),
      ...createClassifierLayers(mixSeed(o.seed, 2)),
      ...createCaptionerLayers(mixSeed(o.seed, 3)),
      ...createVqaLayers(mixSeed(o.seed, 4)),
    ]);
    const classifier = buildClassifier(layers);
    log(`classifier: ${o.classifierSteps} steps of ${o.classifierBatch} scenes`);
    const cls = trainClassifier(classifier, {
      seed: mixSeed(o.seed, 10),
      steps: o.classifierSteps,
      batchSize: o.classifierBatch,
      log: (s, l) => log(`classifier step ${s}: loss ${l.toFixed(4)}`),
    });

    log(`features of ${o.featureScenes} training scenes`);
    const f0 = performance.now();
    const fc0 = process.cpuUsage();
    const seeds = Array.from({ length: o.featureScenes }, (_, i) => trainingSeed(mixSeed(o.seed, 20), i));
    const data = prepareHeadData(buildSceneFeatures(layers), seeds, o.questionsPerScene, mixSeed(o.seed, 40), parallel);
    const fc = process.cpuUsage(fc0);
    const featureReport = { scenes: o.featureScenes, seconds: (performance.now() - f0) / 1000, cpuSeconds: (fc.user + fc.system) / 1e6 };

    const captionerJob: HeadJob = {
      head: 'captioner',
      backend: tf.getBackend() === 'tensorflow' ? 'node' : (tf.getBackend() as BackendName),
      layerSeed: mixSeed(o.seed, 3),
      trainSeed: mixSeed(o.seed, 30),
      steps: o.captionerSteps,
      batchSize: o.captionerBatch,
      features: data.features,
      captions: data.captions,
    };
    log(`captioner: ${o.captionerSteps} steps of ${o.captionerBatch} captions${parallel ? ' (worker thread)' : ''}`);
    const captionerRun = parallel ? trainHeadInWorker(captionerJob, log) : undefined;
    const captionerHead = buildCaptionerOnFeatures(layers);
    const cap = captionerRun ? undefined : trainCaptioner(captionerHead, data.features, data.captions, { seed: captionerJob.trainSeed, steps: o.captionerSteps, batchSize: o.captionerBatch, log: (s, l) => log(`captioner step ${s}: loss ${l.toFixed(4)}`) });

    log(`vqa: ${o.vqaSteps} steps of ${o.vqaBatch} questions`);
    const vqa = trainVqa(buildVqaOnFeatures(layers), data.features, data.questions, {
      seed: mixSeed(o.seed, 41),
      steps: o.vqaSteps,
      batchSize: o.vqaBatch,
      log: (s, l) => log(`vqa step ${s}: loss ${l.toFixed(4)}`),
    });
    let capResult = cap;
    if (captionerRun) {
      const done = await captionerRun;
      setWeights(captionerHead, done.weights);
      capResult = done.result;
    }
    freeData(data);

    const models: SceneModels = { classifier, captioner: buildCaptioner(layers), vqa: buildVqa(layers) };
    const c = process.cpuUsage(c0);
    const report: TrainReport = {
      seed: o.seed,
      backend: tf.getBackend(),
      options: o,
      parallel,
      classifier: phase(o.classifierSteps, cls),
      features: featureReport,
      captioner: phase(o.captionerSteps, capResult!),
      vqa: phase(o.vqaSteps, vqa),
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (c.user + c.system) / 1e6,
    };
    return { models, report };
  } finally {
    restore();
  }
}
