/**
 * One call of `@gradcam/core`'s `explain` over scene images, returning plain-JS maps (the tensors are
 * freed before returning).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type HeatMap, type MethodId, type Target, explain } from '@gradcam/core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Options shared by the scene explanation functions. */
export interface SceneExplainOptions {
  /** CAM method of `@gradcam/core` (default `gradcam`). */
  method?: MethodId;
  /** Target layer(s); default: the model's documented layer (`CLASSIFIER_LAYER` = `cls_hidden`, 16×16×64, where the class maps are computed; `CAPTIONER_LAYER` = `cap_class_evidence` and `VQA_LAYER` = `vqa_class_evidence`, 16×16×24, the class evidence the captioner and the VQA model read). */
  layer?: string | string[];
  /** Forward batch of Score-CAM / Ablation-CAM (core default 32). */
  batchSize?: number;
}

/** A map of one target: `data[y·64 + x]` in [0, 1], [64, 64], and the explained score. */
export interface TargetMap {
  map: HeatMap;
  score: number;
}

/**
 * Explains `targets[i]` (a list per image) of the model on `inputs` (image batch [N, 64, 64, 3] first,
 * then the model's other inputs, batch N) and returns the maps per image and target. Disposes `inputs`.
 */
export async function explainMaps(
  model: tfl.LayersModel,
  inputs: tf.Tensor[],
  targets: Target[][],
  layer: string | string[],
  options: SceneExplainOptions,
): Promise<TargetMap[][]> {
  try {
    const r = await explain(model, inputs.length === 1 ? inputs[0]! : inputs, {
      layer,
      targets,
      method: options.method ?? 'gradcam',
      // Ablation-CAM: the caption score, log p(word), is negative; dividing the drop by it would flip every weight
      ablationDivisor: 'magnitude',
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
    try {
      const [m, h, w] = r.maps.shape as [number, number, number];
      const maps = r.maps.dataSync() as Float32Array;
      const scores = r.scores.dataSync() as Float32Array;
      const out: TargetMap[][] = targets.map(() => []);
      for (let k = 0; k < m; k++) {
        const row = r.rows[k]!;
        out[row.item]!.push({ map: { data: maps.slice(k * h * w, (k + 1) * h * w), height: h, width: w }, score: scores[k]! });
      }
      return out;
    } finally {
      r.dispose();
    }
  } finally {
    tf.dispose(inputs);
  }
}
