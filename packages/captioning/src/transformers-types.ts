/**
 * The parts of transformers.js 2.17 objects the explainers use, typed structurally (the package's
 * generated declarations type pipelines loosely). Tensors here are transformers.js tensors, not tfjs.
 */
import type { RawImage } from '@xenova/transformers';

/** A transformers.js tensor (`Tensor` of `@xenova/transformers`): flat data and dims. */
export interface HfTensor {
  type: string;
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array | ArrayLike<number | bigint>;
}

/** The image processor's feature extractor (resize / crop settings). */
export interface FeatureExtractorLike {
  do_resize?: boolean;
  do_center_crop?: boolean;
  size?: unknown;
  crop_size?: number | { width: number; height: number };
  get_resize_output_image_size?(image: RawImage, size: unknown): [number, number];
}

/** A transformers.js processor: images → `pixel_values` [N, C, H, W]. */
export interface ProcessorLike {
  (images: RawImage | RawImage[]): Promise<{ pixel_values: HfTensor }>;
  feature_extractor?: FeatureExtractorLike;
}

/** A transformers.js tokenizer. */
export interface TokenizerLike {
  (texts: string | string[], options?: Record<string, unknown>): { input_ids: HfTensor; attention_mask: HfTensor };
  encode(text: string, textPair?: string | null, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean }): string;
  batch_decode(ids: number[][], options?: { skip_special_tokens?: boolean }): string[];
  all_special_ids?: number[];
}

/** What every transformers.js pipeline has. */
export interface PipelineLike {
  tokenizer: TokenizerLike;
  processor: ProcessorLike;
  model: Record<string, unknown> & { config: Record<string, unknown> };
  dispose(): Promise<void>;
}
