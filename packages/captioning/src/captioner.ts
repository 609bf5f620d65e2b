/**
 * A transformers.js image captioner (VisionEncoderDecoder: ViT encoder + GPT-2 decoder, as exported by
 * optimum) opened twice: as the real `image-to-text` pipeline (ONNX Runtime, for generation) and as
 * `@gradcam/onnx` sessions over the same ONNX files (tfjs, for gradients).
 */
import { pipeline } from '@xenova/transformers';
import { initBackend } from '@gradcam/core';
import type { OnnxSession } from '@gradcam/onnx';
import { type ModelFileOptions, loadModelFile } from './model-file.js';
import type { PipelineLike } from './transformers-types.js';

/** The default captioning model for online users (needs the Hugging Face Hub). */
export const DEFAULT_CAPTION_MODEL = 'Xenova/vit-gpt2-image-captioning';

/** Which decoder file explains the words (both run the no-cache path). */
export type DecoderFile = 'decoder_model' | 'decoder_model_merged';

/** Options of {@link loadCaptioner}. */
export interface CaptionerOptions extends ModelFileOptions {
  /**
   * Decoder for the explanations: `decoder_model_merged` (the file the pipeline itself runs, fed
   * `use_cache_branch = false` and empty `past_key_values`) or `decoder_model` (the export without
   * past inputs). Default: the merged file, else the plain one — no extra download.
   */
  decoder?: DecoderFile;
  /** More options for transformers.js `pipeline()` (default `{ quantized }` and the hub options above). */
  pipelineOptions?: Record<string, unknown>;
}

/** A loaded captioner. Free it with `dispose()`. */
export interface Captioner {
  readonly kind: 'transformers';
  /** Model id or folder, as given to transformers.js. */
  readonly model: string;
  /** The real transformers.js `image-to-text` pipeline. */
  readonly pipeline: PipelineLike;
  /** The encoder on tfjs: `pixel_values` [N, 3, H, W] → `last_hidden_state` [N, 1 + P, D]. */
  readonly encoder: OnnxSession;
  /** The decoder on tfjs: `input_ids` [N, T], `encoder_hidden_states` → `logits` [N, T, V]. */
  readonly decoder: OnnxSession;
  /** ONNX files the sessions run, e.g. `{ encoder: 'onnx/encoder_model.onnx', decoder: 'onnx/decoder_model_merged.onnx' }`. */
  readonly files: { encoder: string; decoder: string };
  /** Past key/value inputs of a merged decoder, with their empty shapes' head count and size. */
  readonly past: { names: string[]; heads: number; headDim: number };
  /** The token that starts every caption (`decoder_start_token_id`). */
  readonly startTokenId: number;
  /** Frees the tfjs sessions and the pipeline's ONNX Runtime sessions. */
  dispose(): Promise<void>;
}

function numberOr(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/** `decoder_start_token_id` as transformers.js's generate resolves it (generation config, then config). */
function startToken(pipe: PipelineLike): number {
  const gc = (pipe.model['generation_config'] ?? {}) as Record<string, unknown>;
  const c = pipe.model.config;
  const dec = (c['decoder'] ?? {}) as Record<string, unknown>;
  const id = numberOr(gc['decoder_start_token_id'], gc['bos_token_id'], c['decoder_start_token_id'], c['bos_token_id'], dec['bos_token_id'], gc['eos_token_id']);
  if (id === undefined) throw new Error('the captioning model declares no decoder_start_token_id / bos_token_id');
  return id;
}

/**
 * Opens a transformers.js captioning model: the `image-to-text` pipeline (`pipeline('image-to-text',
 * model, { quantized })`) and, for explanations, `onnx/encoder_model.onnx` and the decoder on tfjs, all
 * resolved by transformers.js (local folder under `env.localModelPath`, else the Hub and its cache).
 * @param model a Hub id (default {@link DEFAULT_CAPTION_MODEL}) or a local model folder name
 */
export async function loadCaptioner(model: string = DEFAULT_CAPTION_MODEL, options: CaptionerOptions = {}): Promise<Captioner> {
  const { decoder: decoderChoice, pipelineOptions, ...fileOptions } = options;
  const quantized = options.quantized ?? false;
  await initBackend(); // before any tensor exists: the sessions' weights live on the backend explain uses
  const pipe = (await pipeline('image-to-text', model, { quantized, ...fileOptions, ...pipelineOptions } as never)) as unknown as PipelineLike;
  let encoder: OnnxSession | undefined;
  try {
    const enc = await loadModelFile(model, ['encoder_model'], { ...fileOptions, quantized });
    encoder = enc.session;
    const stems: DecoderFile[] = decoderChoice ? [decoderChoice] : ['decoder_model_merged', 'decoder_model'];
    const dec = await loadModelFile(model, stems, { ...fileOptions, quantized });
    const decoder = dec.session;
    const names = decoder.inputNames.filter((n) => n.startsWith('past_key_values.'));
    const heads = numberOr(pipe.model['num_heads'], (pipe.model.config['decoder'] as Record<string, unknown> | undefined)?.['n_head']) ?? 0;
    const headDim = numberOr(pipe.model['dim_kv']) ?? 0;
    if (names.length > 0 && !(heads > 0 && headDim > 0)) throw new Error(`cannot size the empty past_key_values of ${dec.file}: unknown head count`);
    const encoderSession = encoder;
    return {
      kind: 'transformers',
      model,
      pipeline: pipe,
      encoder: encoderSession,
      decoder,
      files: { encoder: enc.file, decoder: dec.file },
      past: { names, heads, headDim },
      startTokenId: startToken(pipe),
      async dispose() {
        encoderSession.dispose();
        decoder.dispose();
        await pipe.dispose();
      },
    };
  } catch (e) {
    encoder?.dispose();
    await pipe.dispose();
    throw e;
  }
}

/** True for a {@link Captioner} (as opposed to a model id). */
export function isCaptioner(x: unknown): x is Captioner {
  return typeof x === 'object' && x !== null && (x as Captioner).kind === 'transformers' && 'decoder' in x;
}
