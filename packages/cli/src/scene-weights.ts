/**
 * The weights of the built-in scene-world models (`@gradcam/scenes`): where they are, a clear error when
 * they are missing, and loading them once per command.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend } from '@gradcam/core';
import { CAPTIONER_LAYER, CLASSIFIER_LAYER, MODEL_DIRS, type SceneModels, VQA_LAYER, defaultWeightsDir, loadSceneModels, splitCaptioner } from '@gradcam/scenes';
import { CliError } from './errors.js';
import { showPath } from './output.js';

/** The command that trains the scene models and writes the committed weights. */
export const TRAIN_COMMAND = 'npm run train -w @gradcam/scenes';

/**
 * The weights folder (`--weights`, else the committed weights of `@gradcam/scenes`), checked: it must hold
 * `classifier/`, `captioner/` and `vqa/`, each with its `model.json`.
 * @returns the absolute folder path. Throws {@link CliError} (exit 1) naming the missing path and how to get the weights.
 */
export async function sceneWeightsDir(weights?: string): Promise<string> {
  const dir = weights !== undefined ? resolve(weights) : resolve(await defaultWeightsDir());
  const given = weights !== undefined ? ` (--weights '${weights}')` : ' (the default: the committed weights of @gradcam/scenes)';
  const how =
    `  Train the scene models with \`${TRAIN_COMMAND}\` (it writes packages/scenes/weights/, the default), or point --weights at ` +
    `a folder with classifier/, captioner/ and vqa/ (model.json and weights.bin each).`;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`scene model weights not found: ${showPath(dir)} does not exist${given}.\n${how}`);
  }
  const missing = Object.values(MODEL_DIRS)
    .map((name) => join(dir, name, 'model.json'))
    .filter((p) => !existsSync(p));
  if (missing.length) {
    throw new CliError(`scene model weights not found: ${missing.map(showPath).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing${given}.\n${how}`);
  }
  return dir;
}

/** Loads the three scene models from `dir` (checked with {@link sceneWeightsDir}) on the backend `explain` uses. */
export async function loadSceneWeights(dir: string): Promise<SceneModels> {
  await initBackend(); // before the weights exist: they live on the backend explain uses
  let models: SceneModels;
  try {
    models = await loadSceneModels({ dir });
  } catch (e) {
    throw new CliError(`cannot load the scene models from ${showPath(dir)}: ${(e as Error).message}.\n  Retrain them with \`${TRAIN_COMMAND}\`.`);
  }
  // Weights saved by another version of the architectures load, but fail later: check the parts the commands use.
  try {
    models.classifier.getLayer(CLASSIFIER_LAYER);
    models.captioner.getLayer(CAPTIONER_LAYER);
    models.vqa.getLayer(VQA_LAYER);
    const { encoder, head } = splitCaptioner(models.captioner);
    encoder.dispose();
    head.dispose();
  } catch (e) {
    disposeSceneModels(models);
    throw new CliError(
      `the scene models in ${showPath(dir)} do not match this version of @gradcam/scenes (${(e as Error).message.split('\n')[0]}).\n` +
        `  Retrain them with \`${TRAIN_COMMAND}\`, or point --weights at weights of this version.`,
    );
  }
  return models;
}

/** Frees the scene models' weights. */
export function disposeSceneModels(models: SceneModels): void {
  for (const m of [models.classifier, models.captioner, models.vqa]) m.dispose();
}
