#!/usr/bin/env node
// The scene classifier under every metric of @gradcam/core (evaluateMethods): pointing (15 % of the box
// size), energy in box, box IoU, deletion/insertion AUC and Average Drop / Increase of the class probability
// (sigmoid of the logit), each method beside the random and centre baselines, on held-out scenes — one sample
// per present class. Prints the Markdown table for docs/evaluation.md and writes results/faithfulness.json.
//   node scripts/faithfulness.mjs [--n 200] [--seed 0] [--methods all]
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { METHODS, evaluateMethods, evaluationTable, initBackend, sigmoidScore } from '@gradcam/core';
import { CLASSIFIER_LAYER, generateScene, heldOutSeed, loadSceneModels, objectsOfClass, presentClasses, scenesToTensor } from '../dist/node-index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const n = Number(opt('--n', 200));
const seed = Number(opt('--seed', 0));
const methods = opt('--methods', 'all') === 'all' ? Object.keys(METHODS) : opt('--methods').split(',');

await initBackend({ backend: 'wasm' });
const { classifier, captioner, vqa } = await loadSceneModels(opt('--weights') ? { dir: opt('--weights') } : {});
captioner.dispose();
vqa.dispose();
const samples = [];
for (let i = 0; i < n; i++) {
  const scene = generateScene(heldOutSeed(seed, i));
  for (const c of presentClasses(scene)) {
    samples.push({
      input: scenesToTensor([scene]),
      target: c,
      boxes: objectsOfClass(scene, c).map((o) => o.box),
      name: `scene ${i} class ${c}`,
    });
  }
}
const t0 = performance.now();
// Pointing tolerance: 15 % of the box size (12–17 px objects: 2 px), as in the scene benchmark.
const rows = await evaluateMethods(classifier, samples, {
  methods,
  layer: CLASSIFIER_LAYER,
  tolerance: 2,
  faithfulnessTarget: (t) => sigmoidScore(t),
});
tf.dispose(samples.map((s) => s.input));
const out = fileURLToPath(new URL('../results/faithfulness.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
writeFileSync(out, JSON.stringify({ n, seed, samples: samples.length, layer: CLASSIFIER_LAYER, seconds: (performance.now() - t0) / 1000, rows }, null, 2) + '\n');
console.log(`${samples.length} samples (${n} held-out scenes, seed ${seed}), layer ${CLASSIFIER_LAYER}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(evaluationTable(rows));
