import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/select.js';
import { type Explainable, cutModel } from '../cut/index.js';
import { isGraphModel } from '../cut/graph-model.js';
import { GradCamError } from '../errors.js';
import { explainSync } from '../explain.js';
import { scoreRows } from '../targets.js';
import type { MethodId, Target } from '../types.js';
import { centerMap, randomMap } from './baselines.js';
import { averageDropIncrease, explanationMapScores } from './confidence.js';
import { deletionInsertion } from './deletion.js';
import { energyPointingGame, localizationIoU, pointingGame } from './localization.js';
import type { Box, HeatMap } from './map.js';
import type { ScoreCallback } from './score.js';

/** One image to evaluate on: its preprocessed input, what to explain, and where the object is. */
export interface EvaluationSample {
  /** Preprocessed model input NHWC [1, H, W, C]. */
  input: tf.Tensor4D;
  /** What to explain (class index or score function). */
  target: Target;
  /** Ground-truth boxes in input pixels (x right, y down). */
  boxes: Box[];
  name?: string;
}

/** Options of {@link evaluateMethods}. */
export interface EvaluationOptions {
  /** Methods to evaluate (default: every gradient method and Eigen-CAM; Score-/Ablation-CAM are slow). */
  methods?: MethodId[];
  /** Add the random-map and centre-map baselines (default true). */
  baselines?: boolean;
  layer?: string | string[];
  /** Compute deletion/insertion AUC and Average Drop / Increase (needs model passes; default true). */
  faithfulness?: boolean;
  /** Deletion/insertion steps (default 25). */
  steps?: number;
  /** Pointing-game tolerance in pixels (default 15). */
  tolerance?: number;
  /** The score the faithfulness metrics read (default: the sample's target). Average Drop needs positive scores (probabilities). */
  faithfulnessTarget?: (target: Target) => Target;
  /** Called after each (method, sample). */
  onProgress?: (done: number, total: number) => void;
}

/** Mean metrics of one method (or baseline) over the samples. */
export interface EvaluationRow {
  method: string;
  samples: number;
  /** Pointing-game accuracy in [0, 1]. */
  pointing: number;
  /** Mean share of the map's energy inside the boxes. */
  energy: number;
  /** Mean IoU of the box around the largest component above 15 % of max with the best ground-truth box. */
  iou: number;
  /** Mean deletion AUC (lower is better) and insertion AUC (higher is better) of the raw score curves (RISE). */
  deletion: number;
  insertion: number;
  /** Average Drop in % (lower is better) and Increase in Confidence in % (higher is better), the papers' definitions. */
  averageDrop: number;
  increase: number;
}

/** A {@link ScoreCallback} giving `target`'s score of the whole model on a batch (trunk + head of a cut). */
export function targetScoreCallback(model: Explainable, target: Target, layer?: string | string[]): ScoreCallback {
  let cut: ReturnType<typeof cutModel>[0] | undefined;
  return (images) =>
    tf.tidy(() => {
      cut ??= cutModel(model, layer, isGraphModel(model) && layer === undefined ? [tf.slice(images, 0, 1)] : undefined)[0]!;
      const t = cut.trunk([images]);
      return scoreRows(cut.head(t.activations, t.state), Array<Target>(images.shape[0]).fill(target)).dataSync();
    });
}

/**
 * Evaluates CAM methods against ground-truth boxes and for faithfulness, with random and centre
 * baselines, as a table of means (pointing game, energy, ILSVRC box IoU, deletion/insertion AUC,
 * Average Drop / Increase in Confidence). Maps are taken at the input size.
 */
export async function evaluateMethods(model: Explainable, samples: EvaluationSample[], options: EvaluationOptions = {}): Promise<EvaluationRow[]> {
  await initBackend();
  if (samples.length === 0) throw new GradCamError('no samples to evaluate');
  const methods = options.methods ?? (['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'gradcam-elementwise', 'eigencam'] as MethodId[]);
  const names: string[] = [...methods, ...(options.baselines === false ? [] : ['random', 'center'])];
  const total = names.length * samples.length;
  const faith = options.faithfulness !== false;
  const rows: EvaluationRow[] = [];
  let done = 0;
  for (const name of names) {
    const acc = { pointing: 0, energy: 0, iou: 0, deletion: 0, insertion: 0, original: [] as number[], masked: [] as number[] };
    for (const [i, s] of samples.entries()) {
      const [, h, w] = s.input.shape;
      let map: HeatMap;
      if (name === 'random') map = randomMap(h, w, i + 1);
      else if (name === 'center') map = centerMap(h, w);
      else {
        const r = explainSync(model, s.input, { method: name as MethodId, targets: s.target, ...(options.layer ? { layer: options.layer } : {}) });
        map = { data: r.maps.dataSync() as Float32Array, height: h, width: w };
        r.dispose();
      }
      acc.pointing += pointingGame(map, s.boxes.length === 1 ? s.boxes[0]! : unionMask(s.boxes, h, w), { tolerance: options.tolerance ?? 15 }).hit ? 1 : 0;
      acc.energy += energyPointingGame(map, s.boxes.length === 1 ? s.boxes[0]! : unionMask(s.boxes, h, w));
      acc.iou += localizationIoU(map, s.boxes);
      if (faith) {
        const score = targetScoreCallback(model, options.faithfulnessTarget ? options.faithfulnessTarget(s.target) : s.target, options.layer);
        const di = await deletionInsertion(s.input, map, score, { steps: options.steps ?? 25 });
        acc.deletion += di.deletion.auc;
        acc.insertion += di.insertion.auc;
        const em = await explanationMapScores(s.input, map, score);
        acc.original.push(em.original[0]!);
        acc.masked.push(em.masked[0]!);
      }
      options.onProgress?.(++done, total);
    }
    const n = samples.length;
    let drop = NaN;
    let inc = NaN;
    if (faith && acc.original.every((y) => y > 0)) {
      const a = averageDropIncrease(acc.original, acc.masked);
      drop = a.averageDrop;
      inc = a.increaseInConfidence;
    }
    rows.push({ method: name, samples: n, pointing: acc.pointing / n, energy: acc.energy / n, iou: acc.iou / n, deletion: faith ? acc.deletion / n : NaN, insertion: faith ? acc.insertion / n : NaN, averageDrop: drop, increase: inc });
  }
  return rows;
}

function unionMask(boxes: Box[], h: number, w: number): HeatMap {
  const data = new Float32Array(h * w);
  for (const b of boxes) {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (x + 0.5 >= b.x1 && x + 0.5 <= b.x2 && y + 0.5 >= b.y1 && y + 0.5 <= b.y2) data[y * w + x] = 1;
  }
  return { data, height: h, width: w };
}

/** Formats rows as a Markdown table (3 decimals; NaN as "–"). */
export function evaluationTable(rows: EvaluationRow[]): string {
  const f = (v: number, d = 3) => (Number.isNaN(v) ? '–' : v.toFixed(d));
  const lines = [
    '| method | pointing ↑ | energy in box ↑ | box IoU ↑ | deletion AUC ↓ | insertion AUC ↑ | Average Drop % ↓ | Increase % ↑ |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.method} | ${f(r.pointing, 2)} | ${f(r.energy)} | ${f(r.iou)} | ${f(r.deletion)} | ${f(r.insertion)} | ${f(r.averageDrop, 1)} | ${f(r.increase, 1)} |`),
  ];
  return lines.join('\n');
}
