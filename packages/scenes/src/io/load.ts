/**
 * Loading the three scene models: by default the trained weights committed in the package
 * (`packages/scenes/weights/{classifier,captioner,vqa}/model.json`), read from disk in Node.
 */
import * as tfl from '@tensorflow/tfjs-layers';

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
   * A directory holding `classifier/`, `captioner/` and `vqa/` (each `model.json` + `weights.bin`), or an
   * http(s) URL prefix in the browser. Default: the package's committed `weights/` (Node only).
   */
  dir?: string;
}

/** The package's committed weights directory (Node). */
export async function defaultWeightsDir(): Promise<string> {
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(new URL('../../weights/', import.meta.url));
}

/**
 * Loads the classifier, the captioner and the VQA model. In Node, from `options.dir` or the committed
 * weights; a URL prefix (`http…`) loads through tfjs's HTTP handler instead. Throws naming the missing
 * file and `npm run train -w @gradcam/scenes` when the weights are absent.
 */
export async function loadSceneModels(options: LoadOptions = {}): Promise<SceneModels> {
  const dir = options.dir ?? (await defaultWeightsDir());
  const load = async (name: string): Promise<tfl.LayersModel> => {
    if (/^https?:\/\//.test(dir)) return tfl.loadLayersModel(`${dir.replace(/\/$/, '')}/${name}/model.json`);
    const { join } = await import('node:path');
    const { existsSync } = await import('node:fs');
    const path = join(dir, name, 'model.json');
    if (!existsSync(path)) throw new Error(`scene model '${name}' not found at ${path}; train it with \`npm run train -w @gradcam/scenes\``);
    const { loadLayersModelFromFile } = await import('@gradcam/core/node');
    return loadLayersModelFromFile(path);
  };
  const [classifier, captioner, vqa] = await Promise.all([load(MODEL_DIRS.classifier), load(MODEL_DIRS.captioner), load(MODEL_DIRS.vqa)]);
  return { classifier, captioner, vqa };
}
