/**
 * ONNX files of a transformers.js model, loaded into `@gradcam/onnx` sessions through transformers.js's
 * own file resolution (`getModelFile`): `env.localModelPath/<model>/onnx/<file>` first, then the Hugging
 * Face Hub with transformers.js's cache when `env.allowRemoteModels` is true. The explanation therefore
 * runs the very files the pipeline runs on ONNX Runtime.
 */
import { getModelFile } from '@xenova/transformers/src/utils/hub.js';
import { OnnxSession } from '@gradcam/onnx';

/** Hub options passed to transformers.js (the same names as `pipeline()`'s options). */
export interface ModelFileOptions {
  /**
   * Prefer the `_quantized` files (default false: the fp32 files, which explanations should use; the
   * other precision is still tried when the preferred file is missing).
   */
  quantized?: boolean;
  /** Hub revision (branch, tag or commit), default `main`. */
  revision?: string;
  /** Cache folder of downloaded files (default: transformers.js's `env.cacheDir`). */
  cache_dir?: string;
  /** Never download: only `env.localModelPath` and the cache. */
  local_files_only?: boolean;
  /** transformers.js download progress callback. */
  progress_callback?: (progress: unknown) => void;
}

/** A loaded ONNX file: the session and the file name inside the model folder. */
export interface LoadedModelFile {
  session: OnnxSession;
  /** e.g. `onnx/encoder_model.onnx`. */
  file: string;
}

function hubOptions(options: ModelFileOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['revision', 'cache_dir', 'local_files_only', 'progress_callback'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

/**
 * Loads the first ONNX file of `model` that exists among `stems` (e.g. `['decoder_model_merged',
 * 'decoder_model']`), each tried as `onnx/<stem>.onnx` and `onnx/<stem>_quantized.onnx`, the preferred
 * precision first (fp32 unless `options.quantized`).
 * @returns the session (free it with `session.dispose()`) and the file used. Throws naming every file tried.
 */
export async function loadModelFile(model: string, stems: readonly string[], options: ModelFileOptions = {}): Promise<LoadedModelFile> {
  const suffixes = options.quantized ? ['_quantized', ''] : ['', '_quantized'];
  const tried: string[] = [];
  for (const suffix of suffixes) {
    for (const stem of stems) {
      const file = `onnx/${stem}${suffix}.onnx`;
      tried.push(file);
      const bytes = await getModelFile(model, file, false, hubOptions(options));
      if (bytes) return { session: OnnxSession.fromBytes(bytes), file };
    }
  }
  throw new Error(`model '${model}' has none of ${tried.join(', ')} (looked up by transformers.js: env.localModelPath, then the Hub if env.allowRemoteModels)`);
}
