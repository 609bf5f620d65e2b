#!/usr/bin/env node
// Renders the pictures of docs/scenes.md with the committed scene models (npm run docs -w @gradcam/scenes
// after a build): Grad-CAM overlays (jet, @gradcam/viz) for the classifier, each caption word and VQA
// answers on held-out scenes, with the ground-truth boxes of the explained objects outlined in white.
//   node scripts/docs.mjs [--out DIR] [--seed N] [--method gradcam]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@gradcam/core';
import { composeGrid, overlayHeatmap } from '@gradcam/viz';
import { writeImage } from '@gradcam/viz/node';
import {
  CAPTIONER_LAYER,
  CLASSIFIER_LAYER,
  VQA_LAYER,
  captionScene,
  explainSceneAnswer,
  explainSceneCaption,
  explainSceneClass,
  generateScene,
  heldOutSeed,
  loadSceneModels,
  objectsOfClass,
  sampleQuestions,
  rng,
} from '../dist/node-index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const out = opt('--out', fileURLToPath(new URL('../../../docs/images/', import.meta.url)));
const seed = Number(opt('--seed', 7));
const method = opt('--method', 'gradcam');
const SCALE = 4;
const only = opt('--only', 'classify,caption,vqa,samples').split(',');

await initBackend({ backend: 'wasm' });
const models = await loadSceneModels(opt('--weights') ? { dir: opt('--weights') } : {});

/** The scene as an RgbImage, upscaled (nearest) by SCALE. */
function picture(scene) {
  const w = scene.width * SCALE;
  const data = new Uint8Array(w * w * 3);
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = Math.round(255 * scene.image[((Math.floor(y / SCALE) * scene.width) + Math.floor(x / SCALE)) * 3 + c]);
  return { width: w, height: w, data };
}

/** Outlines boxes (scene pixels) in white on an upscaled image, in place. */
function outline(img, boxes) {
  for (const b of boxes) {
    const [x1, y1, x2, y2] = [b.x1 * SCALE, b.y1 * SCALE, b.x2 * SCALE - 1, b.y2 * SCALE - 1];
    const set = (x, y) => {
      if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
      img.data.set([255, 255, 255], (y * img.width + x) * 3);
    };
    for (let x = x1; x <= x2; x++) (set(x, y1), set(x, y2));
    for (let y = y1; y <= y2; y++) (set(x1, y), set(x2, y));
  }
  return img;
}

const overlay = (scene, map, boxes) => outline(overlayHeatmap(picture(scene), map, { alpha: 0.5 }), boxes);
const scenes = (n, offset = 0) => Array.from({ length: n }, (_, i) => generateScene(heldOutSeed(seed, offset + i)));
const written = [];

// Classifier: every label the model predicts.
if (only.includes('classify')) {
  const rows = [];
  for (const scene of scenes(5).filter((s) => s.objects.length >= 2).slice(0, 4)) {
    const r = await explainSceneClass(models.classifier, scene, { method });
    rows.push([
      { image: picture(scene), label: 'scene', note: `${scene.objects.length} objects` },
      ...r.explanations.map((e) => ({ image: overlay(scene, e.map, objectsOfClass(scene, e.classIndex).map((o) => o.box)), label: e.name, note: `p = ${e.probability.toFixed(2)}` })),
    ]);
  }
  written.push(await writeImage(join(out, 'scenes-classify.png'), composeGrid(rows, { title: `Classifier (multi-label), ${method} at ${CLASSIFIER_LAYER} (16x16); white: ground-truth boxes` })));
}

// Captioner: each word of the model's own caption.
if (only.includes('caption')) {
  const rows = [];
  for (const scene of scenes(12, 100).filter((s) => s.objects.length >= 2).slice(0, 3)) {
    const r = await explainSceneCaption(models.captioner, scene, { method });
    const truth = captionScene(scene);
    rows.push([
      { image: picture(scene), label: 'scene' },
      ...r.words
        .filter((w) => /^(red|green|blue|yellow|magenta|cyan|circles?|squares?|triangles?|cross(es)?|left|right|above|below|two|three)$/.test(w.word))
        .map((w) => ({
          image: overlay(scene, w.map, (truth.words[w.position]?.word === w.word ? truth.words[w.position].objects : []).map((id) => scene.objects[id].box)),
          label: `${w.position}: ${w.word}`,
          note: `log p ${w.score.toFixed(2)}`,
        })),
    ]);
    rows[rows.length - 1][0].note = r.modelCaption === truth.text ? 'caption correct' : 'caption WRONG';
  }
  written.push(await writeImage(join(out, 'scenes-caption.png'), composeGrid(rows, { title: `Captioner, ${method} of log p(word | image, previous words) at ${CAPTIONER_LAYER} (16x16), model's own captions` })));
}

// VQA: the model's answer to sampled questions about single objects, and one relational question.
if (only.includes('vqa')) {
  const rows = [];
  let k = 0;
  for (const scene of scenes(40, 200).filter((s) => s.objects.length >= 3)) {
    const qs = sampleQuestions(scene, rng(seed + k++), 12);
    const single = qs.find((q) => q.objects.length === 1 && q.kind.startsWith('query'));
    const rel = qs.find((q) => q.family === 'relational');
    if (!single || !rel) continue;
    const cells = [{ image: picture(scene), label: 'scene' }];
    for (const q of [single, rel]) {
      const r = await explainSceneAnswer(models.vqa, scene, q.words, { method });
      cells.push({ image: overlay(scene, r.map, q.answerObjects.map((id) => scene.objects[id].box)), label: q.text.replace(' ?', '?'), note: `-> ${r.answer} (${(100 * r.probability).toFixed(0)} %)` });
    }
    rows.push(cells);
    if (rows.length === 4) break;
  }
  written.push(await writeImage(join(out, 'scenes-vqa.png'), composeGrid(rows, { title: `VQA (FiLM), ${method} of the answer logit at ${VQA_LAYER} (16x16); white: the object the answer names` })));
}

// A sample of the generated world.
if (only.includes('samples')) {
  const all = scenes(16, 300);
  const rows = [all.slice(0, 8), all.slice(8)].map((r) => r.map((s) => ({ image: picture(s), label: captionScene(s).text.split(' ').slice(0, 4).join(' ') + (captionScene(s).text.split(' ').length > 4 ? '...' : '') })));
  written.push(await writeImage(join(out, 'scenes-samples.png'), composeGrid(rows, { cellHeight: 128, title: 'Held-out scenes and the start of their reference captions' })));
}
console.log(written.join('\n'));
