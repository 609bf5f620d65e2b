/**
 * `gradcam evaluate --task classify|caption|vqa`: the scene-world benchmark of `@gradcam/scenes` — on
 * generated held-out scenes whose boxes are known, the model's accuracy and, per CAM method and baseline,
 * the pointing game (15 % box tolerance) and the energy inside the boxes.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GradCamError, listLayers } from '@gradcam/core';
import { type EvalMethod, type SceneEvaluation, evaluateScenes } from '@gradcam/scenes';
import type { SceneEvaluateArgs } from './args.js';
import type { Streams } from './console.js';
import { CliError, EXIT_OK, UsageError } from './errors.js';
import { writeFileAtomic } from '@gradcam/viz/node';
import { disposeSceneModels, loadSceneWeights, sceneWeightsDir } from './scene-weights.js';

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** The accuracy line of a task, in words. */
export function accuracyText(r: SceneEvaluation): string {
  const a = r.accuracy;
  if (!a) return '';
  if (a.vqa) return `VQA accuracy: non-relational ${pct(a.vqa.nonRelational)}, relational ${pct(a.vqa.relational)}, counting ${pct(a.vqa.counting)} (${a.vqa.questions} questions)`;
  return `${r.task === 'classify' ? 'exact match of the label set' : 'exact caption match'}: ${pct(a.exactMatch ?? NaN)}`;
}

/** The Markdown table of a scene evaluation: one row per method and baseline. */
export function sceneEvaluationTable(r: SceneEvaluation): string {
  const lines = ['| method | targets | pointing game | energy in box | seconds |', '|---|---:|---:|---:|---:|'];
  for (const row of r.rows) lines.push(`| ${row.method} | ${row.targets} | ${pct(row.pointing)} | ${pct(row.energy)} | ${row.seconds.toFixed(1)} |`);
  return lines.join('\n');
}

function csv(r: SceneEvaluation): string {
  return ['method,targets,pointing,energy,seconds', ...r.rows.map((x) => `${x.method},${x.targets},${x.pointing},${x.energy},${x.seconds}`)].join('\n') + '\n';
}

/**
 * Runs the benchmark and prints (or writes, atomically) the table, JSON or CSV; progress and the accuracy
 * go to stderr. Bad layer names exit 2 before any scene is explained.
 * @returns the exit status.
 */
export async function evaluateScenesCommand(args: SceneEvaluateArgs, io: Streams): Promise<number> {
  const started = performance.now();
  const dir = await sceneWeightsDir(args.weights);
  const models = await loadSceneWeights(dir);
  try {
    const model = args.task === 'classify' ? models.classifier : args.task === 'caption' ? models.captioner : models.vqa;
    for (const layer of args.layers ?? []) {
      try {
        model.getLayer(layer);
      } catch {
        // the model's own graph (a layer shared with the split decoder has several output shapes)
        const spatial = listLayers(model).filter((l) => l.spatial).map((l) => l.name);
        throw new UsageError(`unknown layer '${layer}' of the scene ${args.task} model; layers with spatial outputs: ${spatial.join(', ')}`);
      }
    }
    const methods: EvalMethod[] = [...args.methods, ...(args.baselines ? (['centre', 'random'] as const) : [])];
    io.err.write(`scene benchmark: ${args.task}, ${args.scenes} held-out scenes (seed ${args.seed}), ${methods.join(', ')}\n`);
    let r: SceneEvaluation;
    try {
      r = await evaluateScenes({
        task: args.task,
        n: args.scenes,
        seed: args.seed,
        methods,
        models,
        ...(args.layers ? { layer: args.layers.length === 1 ? args.layers[0]! : args.layers } : {}),
        log: (m) => io.err.write(`  ${m}\n`),
      });
    } catch (e) {
      if (e instanceof GradCamError || e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    const text =
      args.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : args.format === 'csv' ? csv(r) : `${accuracyText(r)}\n\n${sceneEvaluationTable(r)}\n`;
    if (args.out !== undefined) {
      try {
        await writeFileAtomic(resolve(args.out), text);
      } catch (e) {
        throw new CliError(`cannot write '${args.out}': ${(e as Error).message}`);
      }
    } else io.out.write(text);
    io.err.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s${args.out ? `; ${args.format} written to ${args.out}` : ''}\n`);
    return EXIT_OK;
  } finally {
    disposeSceneModels(models);
  }
}
