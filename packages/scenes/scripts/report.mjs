#!/usr/bin/env node
// Writes docs/scenes.md and the results section of packages/scenes/README.md from the committed results:
// weights/training.json (the training run: timings, losses, held-out accuracy) and results/evaluation.json
// (scripts/evaluate.mjs --json: every method and baseline per task). Numbers are never typed by hand.
//   node scripts/report.mjs [--training FILE] [--evaluation FILE] [--docs FILE] [--readme FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAPTIONER_LAYER, CLASSIFIER_LAYER, VQA_LAYER } from '../dist/node-index.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const training = JSON.parse(readFileSync(opt('--training', here('../weights/training.json')), 'utf8'));
const evaluation = JSON.parse(readFileSync(opt('--evaluation', here('../results/evaluation.json')), 'utf8'));
const docsPath = opt('--docs', here('../../../docs/scenes.md'));
const readmePath = opt('--readme', here('../README.md'));

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '—');
const min = (s) => `${(s / 60).toFixed(1)} min`;
const byTask = Object.fromEntries(evaluation.map((r) => [r.task, r]));
const h = training.heldOut ?? {};

const TARGETS = {
  classify: { accuracy: 0.98, pointing: 0.95 },
  caption: { accuracy: 0.9, pointing: 0.9 },
  vqa: { nonRelational: 0.95, relationalAndCounting: 0.85, pointing: 0.9 },
};
const met = (v, t) => (v >= t ? '**yes**' : '**no**');

function accuracyTable() {
  const vqa = h.vqa ?? {};
  const rows = [
    ['classifier: exact match of the label set', h.classifierExactMatch, TARGETS.classify.accuracy],
    ['captioner: exact caption match (greedy)', h.captionExactMatch, TARGETS.caption.accuracy],
    ['VQA: non-relational questions', vqa.nonRelational, TARGETS.vqa.nonRelational],
    ['VQA: relational and counting questions', vqa.relationalAndCounting, TARGETS.vqa.relationalAndCounting],
  ];
  const lines = ['| model, measure | held-out | target | met |', '|---|---:|---:|---|'];
  for (const [what, v, t] of rows) lines.push(`| ${what} | ${pct(v)} | ≥ ${pct(t)} | ${met(v, t)} |`);
  if (vqa.byKind) {
    lines.push('', 'VQA by question kind (held-out):', '', '| kind | questions | accuracy |', '|---|---:|---:|');
    for (const [k, v] of Object.entries(vqa.byKind)) lines.push(`| ${k} | ${v.count} | ${pct(v.accuracy)} |`);
  }
  return lines.join('\n');
}

const TASK_TITLE = {
  classify: `Classification — each present class, the class logit, layer \`${CLASSIFIER_LAYER}\``,
  caption: `Captioning — each colour or shape word of the reference caption that names one object, log p(word | image, previous words), layer \`${CAPTIONER_LAYER}\``,
  vqa: `VQA — answers that depend on one object (up to two questions per scene), the answer logit, layer \`${VQA_LAYER}\``,
};

function localizationTables() {
  const out = [];
  for (const task of ['classify', 'caption', 'vqa']) {
    const r = byTask[task];
    if (!r) continue;
    const cam = r.rows.find((x) => x.method === 'gradcam');
    out.push(
      `### ${TASK_TITLE[task]}`,
      '',
      `${r.n} held-out scenes (seed ${r.seed}), ${cam?.targets ?? r.rows[0]?.targets} targets; target for Grad-CAM: pointing ≥ ${pct(TARGETS[task].pointing)} — ${cam ? met(cam.pointing, TARGETS[task].pointing) : '—'}.`,
      '',
      '| method | pointing game | energy in box | seconds |',
      '|---|---:|---:|---:|',
      ...r.rows.map((x) => `| ${x.method === 'centre' || x.method === 'random' ? `*${x.method} (baseline)*` : x.method} | ${pct(x.pointing)} | ${pct(x.energy)} | ${x.seconds.toFixed(1)} |`),
      '',
    );
  }
  return out.join('\n');
}

/** A method's pointing rate on a task in the evaluation, e.g. "95.6 %". */
function pointingOf(task, method) {
  return pct(byTask[task]?.rows.find((x) => x.method === method)?.pointing);
}

function trainingLine() {
  const t = training;
  const o = t.options;
  return [
    `| phase | steps × batch | wall | CPU | loss (first → last logging window) |`,
    `|---|---|---:|---:|---|`,
    `| classifier + encoder | ${o.classifierSteps} × ${o.classifierBatch} scenes | ${min(t.classifier.seconds)} | ${min(t.classifier.cpuSeconds)} | ${t.classifier.firstLoss.toFixed(3)} → ${t.classifier.lastLoss.toFixed(4)} |`,
    `| encoder features | ${o.featureScenes} scenes | ${min(t.features.seconds)} | ${min(t.features.cpuSeconds)} | — |`,
    `| captioner head${t.parallel ? ' (worker thread)' : ''} | ${o.captionerSteps} × ${o.captionerBatch} captions | ${min(t.captioner.seconds)} | ${min(t.captioner.cpuSeconds)} | ${t.captioner.firstLoss.toFixed(3)} → ${t.captioner.lastLoss.toFixed(4)} |`,
    `| VQA head${t.parallel ? ' (main thread, beside the captioner)' : ''} | ${o.vqaSteps} × ${o.vqaBatch} questions | ${min(t.vqa.seconds)} | ${min(t.vqa.cpuSeconds)} | ${t.vqa.firstLoss.toFixed(3)} → ${t.vqa.lastLoss.toFixed(4)} |`,
    `| **whole run** | | **${min(t.seconds)}** | ${min(t.cpuSeconds)} | |`,
  ].join('\n');
}

const template = readFileSync(here('./scenes.md.in'), 'utf8');
const fill = (text) =>
  text
    .replaceAll('{{ACCURACY_TABLE}}', accuracyTable())
    .replaceAll('{{LOCALIZATION_TABLES}}', localizationTables())
    .replaceAll('{{TRAINING_TABLE}}', trainingLine())
    .replaceAll('{{TRAINING_BACKEND}}', training.backend)
    .replaceAll('{{TRAINING_SEED}}', String(training.seed))
    .replaceAll('{{TRAINING_MINUTES}}', (training.seconds / 60).toFixed(1))
    .replaceAll('{{HELD_OUT_SCENES}}', String(h.scenes ?? '—'))
    .replaceAll('{{CLASSIFIER_LAYER}}', CLASSIFIER_LAYER)
    .replaceAll('{{CAPTIONER_LAYER}}', CAPTIONER_LAYER)
    .replaceAll('{{VQA_LAYER}}', VQA_LAYER)
    .replaceAll('{{CAPTION_POINTING}}', pointingOf('caption', 'gradcam'))
    .replaceAll('{{CAPTION_ABLATION_POINTING}}', pointingOf('caption', 'ablationcam'))
    .replaceAll('{{VQA_POINTING}}', pointingOf('vqa', 'gradcam'));
writeFileSync(docsPath, fill(template));

// README: the block between the markers is regenerated.
const readme = readFileSync(readmePath, 'utf8');
const begin = '<!-- results:begin (scripts/report.mjs) -->';
const end = '<!-- results:end -->';
if (!readme.includes(begin) || !readme.includes(end)) throw new Error(`${readmePath} lacks the ${begin} … ${end} markers`);
const block = `${begin}\nHeld-out accuracy of the committed weights (${h.scenes} held-out scenes, seed ${h.seed ?? 0}; trained in ${(training.seconds / 60).toFixed(1)} min on ${training.backend}, seed ${training.seed}):\n\n${accuracyTable()}\n${end}`;
writeFileSync(readmePath, readme.slice(0, readme.indexOf(begin)) + block + readme.slice(readme.indexOf(end) + end.length));
console.log(`wrote ${docsPath} and ${readmePath}`);
