/**
 * The captioner cut for `@gradcam/core`: trunk = the encoder on tfjs up to tensor T; head = the rest
 * of the encoder (nothing when T is `last_hidden_state`) and the decoder over the whole caption.
 * A rank-3 token tensor `[N, 1 + P, D]` becomes activations `[N, g, g, D]` on the patch grid, the CLS
 * token dropped from the map and fed back to the head unchanged (`@gradcam/onnx`'s token layout); a
 * rank-4 NCHW tensor (the patch-embedding convolution) becomes NHWC.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GradCamError, type ModelCut, closestNames, cutFromFunctions } from '@gradcam/core';
import { type OnnxSession, cutOnnx } from '@gradcam/onnx';
import { type DecoderSpec, decoderLogits } from './decoder.js';

/** The encoder output the decoder cross-attends to, and the default cut. */
export const ENCODER_OUTPUT = 'last_hidden_state';

/** What the cut needs of a captioner. */
export interface CaptionCutSpec extends DecoderSpec {
  encoder: OnnxSession;
}

/**
 * One core `ModelCut` per encoder tensor in `layers`; each head returns the decoder logits [B, T, V]
 * for `inputIds`. The trunk takes core's NHWC `pixel_values` (the processor's output transposed).
 * @param inputIds decoder input `[start, t_0, …, t_{n−2}]`
 * @param layers encoder tensor names (default `last_hidden_state`); see `encoder.tensorNames()`
 */
export function captionCuts(spec: CaptionCutSpec, inputIds: readonly number[], layers: readonly string[] = [ENCODER_OUTPUT]): ModelCut[] {
  const names = spec.encoder.tensorNames();
  const output = spec.encoder.outputNames.includes(ENCODER_OUTPUT) ? ENCODER_OUTPUT : spec.encoder.outputNames[0]!;
  return layers.map((layer) => {
    if (!names.includes(layer)) {
      throw new GradCamError(`'${layer}' is not a tensor of the encoder; closest: ${closestNames(layer, names).join(', ')} (default: ${output})`);
    }
    const encoderCut = cutOnnx(spec.encoder, { tensor: layer, outputs: [output], inputNames: ['pixel_values'] });
    return cutFromFunctions({
      layer,
      trunk: (inputs) => encoderCut.trunk(inputs),
      head: (a, state) =>
        tf.tidy(() => {
          const states = encoderCut.head(a, state) as tf.Tensor;
          return decoderLogits(spec, inputIds, states);
        }),
    });
  });
}
