#!/usr/bin/env node
// The localization benchmark of docs/scenes.md: every core method and the two baselines on held-out
// scenes, for one or all tasks. Writes the results as JSON and prints the markdown table rows.
//   node scripts/evaluate.mjs [--task classify|caption|vqa] [--n 1000] [--seed 0] [--methods gradcam,centre] [--json out.json]
import { writeFile } from 'node:fs/promises';
import { initBackend } from '@gradcam/core';
import { EVAL_METHODS, SCENE_TASKS, evaluateScenes, loadSceneModels } from '../dist/node-index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const tasks = opt('--task') ? [opt('--task')] : SCENE_TASKS;
const n = Number(opt('--n', 1000));
const seed = Number(opt('--seed', 0));
const methods = opt('--methods') ? opt('--methods').split(',') : EVAL_METHODS;
const json = opt('--json');

await initBackend({ backend: 'wasm' });
const models = await loadSceneModels();
const results = [];
for (const task of tasks) {
  const r = await evaluateScenes({ task, n, seed, methods, models, log: (m) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`) });
  results.push(r);
  if (json) await writeFile(json, JSON.stringify(results, null, 2) + '\n');
}
for (const r of results) {
  console.log(`\n${r.task} (layer ${r.layer}, ${r.n} held-out scenes, ${r.rows[0]?.targets ?? 0} targets): accuracy ${JSON.stringify(r.accuracy)}`);
  console.log('| method | pointing game | energy in box |\n|---|---:|---:|');
  for (const row of r.rows) console.log(`| ${row.method} | ${(100 * row.pointing).toFixed(1)} % | ${(100 * row.energy).toFixed(1)} % |`);
}
