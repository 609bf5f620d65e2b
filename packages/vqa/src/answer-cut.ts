/**
 * The CLIP cut for `@gradcam/core`: trunk = the vision tower on tfjs up to tensor T (CLS dropped, patch
 * tokens on the grid); head = the rest of the vision tower and the image–text logits
 * `logits_per_image` [B, K] against the K prompts, whose text embeddings the trunk computes once and
 * the head reads as constants (`cutOnnx`'s frontier).
 */
import { GradCamError, type ModelCut, closestNames } from '@gradcam/core';
import { type OnnxSession, type TensorData, cutOnnx } from '@gradcam/onnx';
import type { HfTensor } from '@gradcam/captioning';

/** The tokenized prompts, as the pipeline's tokenizer returned them. */
export interface TextInputs {
  input_ids: HfTensor;
  attention_mask: HfTensor;
}

function int64(t: HfTensor): TensorData {
  const data = t.data instanceof BigInt64Array ? t.data : Int32Array.from(t.data as ArrayLike<number>, Number);
  return { dtype: 'int64', dims: t.dims, data };
}

/**
 * One core `ModelCut` per vision tensor in `layers`; each head returns `logits_per_image` [B, K]
 * (row b: the image's logit against each of the K prompts). The trunk takes core's NHWC `pixel_values`.
 */
export function answerCuts(session: OnnxSession, text: TextInputs, layers: readonly string[]): ModelCut[] {
  const names = session.tensorNames();
  const feeds: Record<string, TensorData> = { input_ids: int64(text.input_ids) };
  if (session.inputNames.includes('attention_mask')) feeds['attention_mask'] = int64(text.attention_mask);
  return layers.map((layer) => {
    if (!names.includes(layer)) {
      throw new GradCamError(`'${layer}' is not a tensor of the CLIP graph; closest: ${closestNames(layer, names).join(', ')}`);
    }
    return cutOnnx(session, { tensor: layer, inputNames: ['pixel_values'], feeds, outputs: ['logits_per_image'] });
  });
}
