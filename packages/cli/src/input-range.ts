import type * as tfl from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';

/** The value range a model takes and why the CLI chose it (shown in the run's header). */
export interface RangeChoice {
  range: [number, number];
  source: string;
}

/**
 * Keras applications whose `preprocess_input` maps pixels to [-1, 1] ("tf" mode), by model name as Keras
 * names them (`mobilenet_0.75_224`, `mobilenetv2_1.00_224`, `xception`, `inception_v3`, …).
 */
const KERAS_TF_MODE = /^(mobilenet(v2)?_[\d.]+_\d+|xception|inception_v3|inception_resnet_v2|nasnet_?(mobile|large)?|NASNet)$/i;

/** True when `value` is [lo, hi] with finite lo < hi. */
function isRange(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && value[0] < value[1];
}

/**
 * Picks the input value range of a model given as a file: `--range` if given; else an `inputRange` in the
 * folder's metadata.json or the model.json's `userDefinedMetadata`; else [-1, 1] for Keras applications known
 * to take it (MobileNet v1/v2, Xception, Inception); else [0, 1].
 * @returns the range and a short description of where it came from.
 */
export function chooseInputRange(
  flag: [number, number] | undefined,
  metadata: Record<string, unknown> | undefined,
  modelJson: Record<string, unknown>,
  model: tfl.LayersModel | GraphModel,
): RangeChoice {
  if (flag) return { range: flag, source: '--range' };
  const declared = metadata?.['inputRange'] ?? (modelJson['userDefinedMetadata'] as Record<string, unknown> | undefined)?.['inputRange'];
  if (isRange(declared)) return { range: declared, source: metadata?.['inputRange'] ? 'metadata.json inputRange' : 'model.json userDefinedMetadata.inputRange' };
  const topology = modelJson['modelTopology'] as { model_config?: { config?: { name?: unknown } } } | undefined;
  const kerasName = topology?.model_config?.config?.name ?? (model as { name?: unknown }).name;
  if (typeof kerasName === 'string' && KERAS_TF_MODE.test(kerasName)) {
    return { range: [-1, 1], source: `Keras application '${kerasName}' (preprocess_input maps to [-1, 1])` };
  }
  return { range: [0, 1], source: 'the default (pass --range LO,HI if the model expects another range)' };
}
