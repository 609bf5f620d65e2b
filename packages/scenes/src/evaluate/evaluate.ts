/**
 * The ground-truth benchmark of the scene world: held-out accuracy of a task's model, and the pointing
 * game (15 % box tolerance) and energy-in-box of every CAM method of `@gradcam/core` and of two
 * baselines (a centred Gaussian, a random map) on the same targets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type HeatMap, METHODS, type MethodId, centerMap, randomMap } from '@gradcam/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CAPTIONER_LAYER } from '../models/captioner.js';
import { CLASSIFIER_LAYER } from '../models/classifier.js';
import { VQA_LAYER } from '../models/vqa.js';
import { explainMaps } from '../explain/run.js';
import type { SceneModels } from '../io/load.js';
import { generateScene, heldOutSeed } from '../world/generator.js';
import { mixSeed } from '../world/rng.js';
import { scenesToTensor } from '../world/tensor.js';
import { type VqaAccuracy, captionExactMatch, classifierExactMatch, vqaAccuracy } from './accuracy.js';
import { type EvalItem, type SceneTask, evalItems } from './items.js';
import { localize } from './localization.js';

/** A CAM method of the core or a baseline map. */
export type EvalMethod = MethodId | 'centre' | 'random';
/** Every core method, then the two baselines. */
export const EVAL_METHODS: readonly EvalMethod[] = [...(Object.keys(METHODS) as MethodId[]), 'centre', 'random'];

/** Options of {@link evaluateScenes}. */
export interface EvaluateOptions {
  task: SceneTask;
  /** Methods and baselines to score (default {@link EVAL_METHODS}). */
  methods?: readonly EvalMethod[];
  /** Held-out scenes (default 1000). */
  n?: number;
  /** Picks the held-out scenes (seeds ≥ 2^31, never used in training) and the sampled questions. Default 0. */
  seed?: number;
  /** The models (`loadSceneModels()`). */
  models: SceneModels;
  /** Also measure the model's held-out accuracy (default true). */
  accuracy?: boolean;
  /** Target layer(s) (default: the model's documented layer, see {@link SceneEvaluation.layer}); several: maps averaged. */
  layer?: string | string[];
  /** Scenes per `explain` call (default 16). */
  batch?: number;
  /** Progress messages. */
  log?: (message: string) => void;
}

/** Localization scores of one method. */
export interface MethodScores {
  method: EvalMethod;
  /** Explained targets. */
  targets: number;
  /** Pointing-game accuracy in [0, 1]. */
  pointing: number;
  /** Mean energy-in-box in [0, 1]. */
  energy: number;
  /** Seconds spent computing the maps. */
  seconds: number;
}

/** Result of {@link evaluateScenes}. */
export interface SceneEvaluation {
  task: SceneTask;
  n: number;
  seed: number;
  /** The model's target layer(s) the maps are computed at (several joined with ' + '). */
  layer: string;
  /** classify: exact match; caption: exact caption match; vqa: per family (see {@link VqaAccuracy}). */
  accuracy?: { exactMatch?: number; vqa?: VqaAccuracy };
  rows: MethodScores[];
}

const LAYERS: Record<SceneTask, string> = { classify: CLASSIFIER_LAYER, caption: CAPTIONER_LAYER, vqa: VQA_LAYER };

function modelOf(models: SceneModels, task: SceneTask): tfl.LayersModel {
  return task === 'classify' ? models.classifier : task === 'caption' ? models.captioner : models.vqa;
}

async function methodMaps(model: tfl.LayersModel, items: readonly EvalItem[], method: MethodId, layer: string | string[]): Promise<HeatMap[][]> {
  const inputs: tf.Tensor[] = [scenesToTensor(items.map((i) => i.scene))];
  const tokens = items[0]!.tokens;
  if (tokens) {
    const data = new Int32Array(items.length * tokens.length);
    items.forEach((it, k) => data.set(it.tokens!, k * tokens.length));
    inputs.push(tf.tensor2d(data, [items.length, tokens.length], 'int32'));
  }
  const maps = await explainMaps(model, inputs, items.map((i) => i.targets), layer, { method });
  return maps.map((row) => row.map((t) => t.map));
}

/**
 * Evaluates `task` on `n` held-out scenes: the model's accuracy, then, for each method, the pointing
 * game (the map's maximum within 15 % of the box size of a ground-truth box) and the energy inside the
 * boxes, over the targets of `evalItems`. Leaves no tensors behind.
 */
export async function evaluateScenes(options: EvaluateOptions): Promise<SceneEvaluation> {
  const { task } = options;
  const n = options.n ?? 1000;
  const seed = options.seed ?? 0;
  const methods = options.methods ?? EVAL_METHODS;
  const { models } = options;
  const model = modelOf(models, task);
  const layer = options.layer ?? LAYERS[task];
  const scenes = Array.from({ length: n }, (_, i) => generateScene(heldOutSeed(seed, i)));
  const result: SceneEvaluation = { task, n, seed, layer: Array.isArray(layer) ? layer.join(' + ') : layer, rows: [] };
  if (options.accuracy ?? true) {
    result.accuracy =
      task === 'classify'
        ? { exactMatch: classifierExactMatch(model, scenes) }
        : task === 'caption'
          ? { exactMatch: captionExactMatch(model, scenes) }
          : { vqa: vqaAccuracy(model, scenes, seed) };
    options.log?.(`${task}: accuracy ${JSON.stringify(result.accuracy)}`);
  }
  const items = scenes.flatMap((s) => evalItems(task, s, seed));
  const batch = options.batch ?? 16;
  for (const method of methods) {
    const t0 = performance.now();
    let targets = 0;
    let hits = 0;
    let energy = 0;
    for (let i = 0; i < items.length; i += batch) {
      const chunk = items.slice(i, i + batch);
      const maps =
        method === 'centre' || method === 'random'
          ? chunk.map((it, k) =>
              it.targets.map((_, t) => (method === 'centre' ? centerMap(it.scene.height, it.scene.width) : randomMap(it.scene.height, it.scene.width, mixSeed(seed, i + k, t)))),
            )
          : await methodMaps(model, chunk, method, layer);
      chunk.forEach((it, k) =>
        it.boxes.forEach((boxes, t) => {
          const s = localize(maps[k]![t]!, boxes);
          targets++;
          hits += s.hit ? 1 : 0;
          energy += s.energy;
        }),
      );
    }
    const row = { method, targets, pointing: hits / targets, energy: energy / targets, seconds: (performance.now() - t0) / 1000 };
    result.rows.push(row);
    options.log?.(`${task} ${method}: pointing ${(100 * row.pointing).toFixed(1)} %, energy ${(100 * row.energy).toFixed(1)} % over ${targets} targets (${row.seconds.toFixed(1)} s)`);
  }
  return result;
}
