#!/usr/bin/env node
/**
 * `npm run train -w @gradcam/scenes` — trains the three scene models from scratch (seeded) and writes
 * them, with `training.json` (timings, losses, held-out accuracies), into the package's `weights/`.
 *
 *   node dist/train/cli.js [--out DIR] [--seed N] [--backend wasm|cpu|node] [--tiny]
 *                          [--classifier-steps N] [--captioner-steps N] [--vqa-steps N] [--feature-scenes N]
 *                          [--eval N]
 *
 * `--tiny` trains a few steps on a few scenes (what the tests run); `--eval N` (default 1000, 0 to skip)
 * measures held-out accuracies on N scenes after training.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackendName, initBackend } from '@gradcam/core';
import { captionExactMatch, classifierExactMatch, vqaAccuracy } from '../evaluate/accuracy.js';
import { defaultWeightsDir } from '../io/load-node.js';
import { saveSceneModels } from '../io/save-models.js';
import { generateScene, heldOutSeed } from '../world/generator.js';
import { TINY_TRAINING, type TrainOptions, trainSceneModels } from './train.js';


function parse(argv: string[]): { out?: string; backend?: BackendName; evalN: number; options: TrainOptions } {
  const options: TrainOptions = {};
  let out: string | undefined;
  let backend: BackendName | undefined;
  let evalN = 1000;
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case '--out': out = v; i++; break;
      case '--seed': options.seed = num(a, v); i++; break;
      case '--backend': backend = v as BackendName; i++; break;
      case '--tiny': Object.assign(options, TINY_TRAINING); evalN = Math.min(evalN, 20); break;
      case '--classifier-steps': options.classifierSteps = num(a, v); i++; break;
      case '--captioner-steps': options.captionerSteps = num(a, v); i++; break;
      case '--vqa-steps': options.vqaSteps = num(a, v); i++; break;
      case '--feature-scenes': options.featureScenes = num(a, v); i++; break;
      case '--eval': evalN = num(a, v); i++; break;
      case '-h': case '--help':
        console.log('usage: node dist/train/cli.js [--out DIR] [--seed N] [--backend wasm|cpu|node] [--tiny] [--classifier-steps N] [--captioner-steps N] [--vqa-steps N] [--feature-scenes N] [--eval N]');
        process.exit(0);
      default: throw new Error(`unknown argument '${a}' (see --help)`);
    }
  }
  return { ...(out ? { out } : {}), ...(backend ? { backend } : {}), evalN, options };
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const backend = await initBackend({ backend: args.backend ?? 'wasm' });
  const out = args.out ?? (await defaultWeightsDir());
  const stamp = () => new Date().toISOString().slice(11, 19);
  const log = (m: string) => console.log(`[${stamp()}] ${m}`);
  log(`training the scene models on ${backend} into ${out}`);
  const { models, report } = await trainSceneModels({ ...args.options, log });
  log(`trained in ${report.seconds.toFixed(0)} s wall, ${report.cpuSeconds.toFixed(0)} s CPU`);
  const heldOut: Record<string, unknown> = { scenes: args.evalN, seed: 0 };
  if (args.evalN > 0) {
    const scenes = Array.from({ length: args.evalN }, (_, i) => generateScene(heldOutSeed(0, i)));
    heldOut['classifierExactMatch'] = classifierExactMatch(models.classifier, scenes);
    heldOut['captionExactMatch'] = captionExactMatch(models.captioner, scenes);
    heldOut['vqa'] = vqaAccuracy(models.vqa, scenes, 0);
    log(`held-out: ${JSON.stringify(heldOut)}`);
  }
  await saveSceneModels(models, out, { seed: report.seed, trainedBy: '@gradcam/scenes train', heldOut });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'training.json'), JSON.stringify({ ...report, heldOut }, null, 2) + '\n');
  log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(`train: ${(e as Error).message}`);
  process.exit(1);
});
