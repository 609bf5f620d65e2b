/**
 * Saving the three scene models into a weights directory (Node): `classifier/`, `captioner/`, `vqa/`,
 * each `model.json` + `weights.bin`.
 */
import { join } from 'node:path';
import { type SceneModels, MODEL_DIRS } from './load.js';
import { fileSaveHandler } from './save.js';

/** Writes the models under `dir`, with `metadata` in each `model.json`'s `userDefinedMetadata`. */
export async function saveSceneModels(models: SceneModels, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  for (const key of ['classifier', 'captioner', 'vqa'] as const) {
    models[key].setUserDefinedMetadata({ ...metadata, model: key });
    await models[key].save(fileSaveHandler(join(dir, MODEL_DIRS[key])));
  }
}
