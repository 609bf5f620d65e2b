/**
 * A transformers.js CLIP opened twice: as the real `zero-shot-image-classification` pipeline (ONNX
 * Runtime) and as an `@gradcam/onnx` session over the same `onnx/model.onnx` (tfjs, for gradients).
 */
import { pipeline } from '@xenova/transformers';
import { initBackend } from '@gradcam/core';
import type { OnnxSession } from '@gradcam/onnx';
import { type ModelFileOptions, type PipelineLike, loadModelFile } from '@gradcam/captioning';

/** The default CLIP for online users (needs the Hugging Face Hub). */
export const DEFAULT_VQA_MODEL = 'Xenova/clip-vit-base-patch32';

/** Options of {@link loadClip}: the hub options of `pipeline()` (`quantized` default false: fp32 files). */
export interface ClipOptions extends ModelFileOptions {
  /** More options for transformers.js `pipeline()`. */
  pipelineOptions?: Record<string, unknown>;
}

/** A loaded CLIP. Free it with `dispose()`. */
export interface ClipModel {
  readonly kind: 'clip';
  /** Model id or folder, as given to transformers.js. */
  readonly model: string;
  /** The real transformers.js zero-shot image classification pipeline. */
  readonly pipeline: PipelineLike;
  /**
   * The whole CLIP graph on tfjs: `input_ids`, `attention_mask` [T, L] and `pixel_values` [I, 3, H, W]
   * → `logits_per_image` [I, T] (= logit_scale · cosine similarity), `text_embeds`, `image_embeds`.
   */
  readonly session: OnnxSession;
  /** The ONNX file the session runs, e.g. `onnx/model.onnx`. */
  readonly file: string;
  /** Frees the tfjs session and the pipeline's ONNX Runtime sessions. */
  dispose(): Promise<void>;
}

/**
 * Opens a transformers.js CLIP: `pipeline('zero-shot-image-classification', model, { quantized })`
 * and its `onnx/model.onnx` on tfjs, both resolved by transformers.js (local folder under
 * `env.localModelPath`, else the Hub and its cache).
 * @param model a Hub id (default {@link DEFAULT_VQA_MODEL}) or a local model folder name
 */
export async function loadClip(model: string = DEFAULT_VQA_MODEL, options: ClipOptions = {}): Promise<ClipModel> {
  const { pipelineOptions, ...fileOptions } = options;
  const quantized = options.quantized ?? false;
  await initBackend(); // before any tensor exists: the session's weights live on the backend explain uses
  const pipe = (await pipeline('zero-shot-image-classification', model, { quantized, ...fileOptions, ...pipelineOptions } as never)) as unknown as PipelineLike;
  try {
    const { session, file } = await loadModelFile(model, ['model'], { ...fileOptions, quantized });
    for (const name of ['input_ids', 'pixel_values', 'logits_per_image']) {
      if (!session.tensorNames().includes(name)) {
        session.dispose();
        throw new Error(`${model}/${file} is not a CLIP graph with text and vision towers: it has no '${name}'`);
      }
    }
    return {
      kind: 'clip',
      model,
      pipeline: pipe,
      session,
      file,
      async dispose() {
        session.dispose();
        await pipe.dispose();
      },
    };
  } catch (e) {
    await pipe.dispose();
    throw e;
  }
}

/** True for a {@link ClipModel} (as opposed to a model id). */
export function isClipModel(x: unknown): x is ClipModel {
  return typeof x === 'object' && x !== null && (x as ClipModel).kind === 'clip';
}
