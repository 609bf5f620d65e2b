/**
 * Worker thread of the training script: trains one head (captioner or VQA) on shared encoder features
 * while the main thread trains the other, so the two use both cores. Receives everything in
 * `workerData`, posts log lines and finally the trained weights (in `model.weights` order).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BackendName, initBackend } from '@gradcam/core';
import { buildCaptionerOnFeatures, createCaptionerLayers } from '../models/captioner.js';
import { layerSetOf } from '../models/layer-set.js';
import { buildVqaOnFeatures, createVqaLayers } from '../models/vqa.js';
import type { CaptionData } from './captioner.js';
import { useFastTrainingKernels } from './fast-kernels.js';
import type { FeatureCache } from './features.js';
import { trainCaptioner } from './captioner.js';
import { trainVqa, type VqaData } from './vqa.js';

/** What the main thread sends. */
export interface HeadJob {
  head: 'captioner' | 'vqa';
  backend: BackendName;
  layerSeed: number;
  trainSeed: number;
  steps: number;
  batchSize: number;
  features: FeatureCache;
  captions?: CaptionData;
  questions?: VqaData;
}

async function run(job: HeadJob): Promise<void> {
  process.env['GRADCAM_QUIET'] = '1';
  await initBackend({ backend: job.backend });
  useFastTrainingKernels();
  const log = (s: number, l: number) => parentPort!.postMessage({ type: 'log', text: `${job.head} step ${s}: loss ${l.toFixed(4)}` });
  const common = { seed: job.trainSeed, steps: job.steps, batchSize: job.batchSize, log };
  let model;
  let result;
  if (job.head === 'captioner') {
    model = buildCaptionerOnFeatures(layerSetOf(createCaptionerLayers(job.layerSeed)));
    result = trainCaptioner(model, job.features, job.captions!, common);
  } else {
    model = buildVqaOnFeatures(layerSetOf(createVqaLayers(job.layerSeed)));
    result = trainVqa(model, job.features, job.questions!, common);
  }
  const weights = model.weights.map((w) => ({ name: w.originalName, data: w.read().dataSync() as Float32Array }));
  parentPort!.postMessage({ type: 'done', weights, result });
}

if (parentPort) run(workerData as HeadJob).catch((e: unknown) => parentPort!.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) }));
