/**
 * Loading the three scene models in Node: by default the trained weights committed in the package
 * (`packages/scenes/weights/{classifier,captioner,vqa}/model.json`), or any folder on disk or URL prefix.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLayersModelFromFile } from '@gradcam/core/node';
import { type LoadOptions, type SceneModels, loadModelFromUrl, loadModelsWith } from './load.js';

/** The package's committed weights directory. */
export async function defaultWeightsDir(): Promise<string> {
  return fileURLToPath(new URL('../../weights/', import.meta.url));
}

/**
 * Loads the classifier, the captioner and the VQA model from `options.dir` (a folder, or an http(s) URL
 * prefix) or the committed weights. Throws naming the missing file and `npm run train -w @gradcam/scenes`
 * when the weights are absent.
 */
export async function loadSceneModels(options: LoadOptions = {}): Promise<SceneModels> {
  const dir = options.dir ?? (await defaultWeightsDir());
  if (/^https?:\/\//.test(dir)) return loadModelsWith((name) => loadModelFromUrl(dir, name));
  return loadModelsWith(async (name) => {
    const path = join(dir, name, 'model.json');
    if (!existsSync(path)) throw new Error(`scene model '${name}' not found at ${path}; train it with \`npm run train -w @gradcam/scenes\``);
    return loadLayersModelFromFile(path);
  });
}
