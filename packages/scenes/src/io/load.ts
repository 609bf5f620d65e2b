/**
 * Loading the three scene models from a URL prefix (browser-safe: no Node-only import). In Node,
 * `@gradcam/scenes` resolves to an entry whose `loadSceneModels` also reads folders on disk and defaults
 * to the package's committed weights (see `load-node.ts`).
 */
import * as tfl from '@tensorflow/tfjs-layers';
// registers the VQA model's custom layer with tfjs's serialization before any model.json is read
import '../models/masks.js';

/** The three scene models (tfjs LayersModels; see `models/` for their inputs and outputs). */
export interface SceneModels {
  /** image [N, 64, 64, 3] → 24 label logits. */
  classifier: tfl.LayersModel;
  /** [image, words [N, 16] int32] → logits [N, 16, |CAPTION_VOCAB|]. */
  captioner: tfl.LayersModel;
  /** [image, question [N, 11] int32] → answer logits [N, |ANSWER_VOCAB|]. */
  vqa: tfl.LayersModel;
}

/** The model folders inside a weights directory. */
export const MODEL_DIRS = { classifier: 'classifier', captioner: 'captioner', vqa: 'vqa' } as const;

/** Options of {@link loadSceneModels}. */
export interface LoadOptions {
  /**
   * Where `classifier/`, `captioner/` and `vqa/` (each `model.json` + `weights.bin`) are: an http(s) URL
   * prefix (relative URLs resolve against the page), or in Node a directory on disk. Default in Node:
   * the package's committed `weights/`; required in the browser.
   */
  dir?: string;
}

/** Loads the three models with `load(name)` (name = a {@link MODEL_DIRS} folder). */
export async function loadModelsWith(load: (name: string) => Promise<tfl.LayersModel>): Promise<SceneModels> {
  const [classifier, captioner, vqa] = await Promise.all([load(MODEL_DIRS.classifier), load(MODEL_DIRS.captioner), load(MODEL_DIRS.vqa)]);
  return { classifier, captioner, vqa };
}

/** Loads one model folder of a URL prefix through tfjs's HTTP handler. */
export function loadModelFromUrl(prefix: string, name: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(`${prefix.replace(/\/$/, '')}/${name}/model.json`);
}

/**
 * Loads the classifier, the captioner and the VQA model from the URL prefix `options.dir` (browser
 * entry). Throws when `dir` is missing: the browser has no default location.
 */
export async function loadSceneModels(options: LoadOptions = {}): Promise<SceneModels> {
  const { dir } = options;
  if (!dir) throw new Error('loadSceneModels needs `dir` in the browser: the URL of a folder holding classifier/, captioner/ and vqa/');
  return loadModelsWith((name) => loadModelFromUrl(dir, name));
}
