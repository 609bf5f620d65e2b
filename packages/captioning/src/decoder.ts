/**
 * The caption decoder on tfjs, no-cache path: the whole token sequence at once (teacher forcing).
 * `decoder_model.onnx` takes `input_ids` and `encoder_hidden_states`; `decoder_model_merged.onnx` also
 * takes `use_cache_branch` (fed `false`: its `If` runs the no-past branch) and `past_key_values.*`
 * (fed empty, `[B, heads, 0, head_dim]`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Feed, OnnxSession, TensorData } from '@gradcam/onnx';

/** What the decoder run needs of a captioner. */
export interface DecoderSpec {
  decoder: OnnxSession;
  past: { names: string[]; heads: number; headDim: number };
}

function ones(dims: number[]): TensorData {
  return { dtype: 'int64', dims, data: new Int32Array(dims.reduce((a, b) => a * b, 1)).fill(1) };
}

/**
 * Decoder logits for `inputIds` (the same ids on every row) given encoder states.
 * @param inputIds `[start, t_0, …]`, length T
 * @param encoderStates `[B, S, D]` float32 (not disposed; gradients flow to it)
 * @returns logits `[B, T, V]` (caller disposes; use inside `tf.tidy`/`tf.grad`).
 */
export function decoderLogits(spec: DecoderSpec, inputIds: readonly number[], encoderStates: tf.Tensor): tf.Tensor {
  const [b, s] = encoderStates.shape as [number, number, number];
  const t = inputIds.length;
  const ids = new Int32Array(b * t);
  for (let r = 0; r < b; r++) ids.set(inputIds, r * t);
  const feeds: Record<string, Feed> = {
    input_ids: { dtype: 'int64', dims: [b, t], data: ids },
    encoder_hidden_states: encoderStates,
  };
  const inputs = new Set(spec.decoder.inputNames);
  if (inputs.has('attention_mask')) feeds['attention_mask'] = ones([b, t]);
  if (inputs.has('encoder_attention_mask')) feeds['encoder_attention_mask'] = ones([b, s]);
  if (inputs.has('use_cache_branch')) feeds['use_cache_branch'] = { dtype: 'bool', dims: [1], data: [false] };
  for (const name of spec.past.names) {
    feeds[name] = { dtype: 'float32', dims: [b, spec.past.heads, 0, spec.past.headDim], data: new Float32Array(0) };
  }
  return spec.decoder.run(feeds, ['logits'])['logits']!;
}
