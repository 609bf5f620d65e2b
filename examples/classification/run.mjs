#!/usr/bin/env node
/**
 * Classification example: explains ImageNet classes of photos with @gradcam/classification and writes a
 * grid (photo | one Grad-CAM overlay per class) as an image.
 *
 *   npm run build
 *   node examples/classification/run.mjs                     # the demo below → out/classification.png
 *   node examples/classification/run.mjs photo.jpg [--class NAME|INDEX]... [--top N] [--crop] [--model mobilenet|keras] [--method M] [--out FILE]
 *
 * Models: `mobilenet` (default) is loaded through @tensorflow-models/mobilenet's own `load()`: from
 * ../shared/models/mobilenet-v1-025-graph when that folder exists, else from TF Hub (v1, alpha 0.25;
 * needs a network). `keras` is the generic path: the Keras MobileNet v1 0.75 of ../shared (softmax output,
 * input [-1, 1]) wrapped by classifierFromModel.
 *
 * The demo (no image given): chelsea.png (top-1), coffee.png centre-cropped (top-1) and astronaut.png with
 * "space shuttle" and "crash helmet", from ../shared/images.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { IMAGENET_CLASSES, centerCrop, classifierFromModel, explainClassification, loadMobileNet } from '@gradcam/classification';
import { fileHandler, loadLayersModelFromFile } from '@gradcam/core/node';
import { composeGrid, overlayHeatmap } from '@gradcam/viz';
import { decodeImage, writeImage } from '@gradcam/viz/node';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shared = resolve(repoRoot, '..', 'shared');

const USAGE = `usage: node examples/classification/run.mjs [image] [options]

  image              photo to explain (default: a demo on ../shared/images)
  --class C          class to explain: output index or label name ("tabby cat"); repeat for several (default: the top ones)
  --top N            without --class: how many of the most probable classes to explain (default 1)
  --crop             centre-crop the photo to a square first
  --model M          mobilenet (default: @tensorflow-models/mobilenet, v1 alpha 0.25) or keras (../shared Keras MobileNet v1 0.75)
  --method M         gradcam (default), gradcam++, xgradcam, hirescam, layercam, scorecam, ...
  --out FILE         output image (default: <repo>/out/classification.png); .png, .jpg or .webp
  -h, --help         this help`;

function fail(message) {
  console.error(`classification example: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      class: { type: 'string', multiple: true },
      top: { type: 'string' },
      crop: { type: 'boolean' },
      model: { type: 'string', default: 'mobilenet' },
      method: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (e) {
  fail(`${e.message}\n\n${USAGE}`);
}
const { values: opts, positionals } = parsed;
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length > 1) fail(`one image at a time; got ${positionals.length}\n\n${USAGE}`);
const top = opts.top === undefined ? undefined : Number(opts.top);
if (top !== undefined && !(Number.isInteger(top) && top > 0)) fail(`--top must be a positive integer; got '${opts.top}'`);

async function loadClassifier(kind) {
  if (kind === 'mobilenet') {
    const local = join(shared, 'models/mobilenet-v1-025-graph/model.json');
    return existsSync(local)
      ? loadMobileNet({ version: 1, alpha: 0.25, modelUrl: fileHandler(local), inputRange: [0, 1] })
      : loadMobileNet({ version: 1, alpha: 0.25 });
  }
  if (kind === 'keras') {
    const path = join(shared, 'models/mobilenet-v1-075-layers/model.json');
    if (!existsSync(path)) fail(`--model keras needs ${path}`);
    const model = await loadLayersModelFromFile(path);
    return classifierFromModel(model, { labels: [...IMAGENET_CLASSES], inputRange: [-1, 1], name: 'mobilenet-v1-0.75 (Keras)' });
  }
  fail(`--model must be mobilenet or keras; got '${kind}'`);
}

/** A probability for a label: 3 decimals, or 2 significant digits below 0.01. */
const prob = (p) => (p >= 0.01 ? p.toFixed(3) : p.toExponential(1));

/** One grid row: the photo, then one overlay per explained class. */
async function explainRow(classifier, path, { classes, top, crop, method }) {
  const photo = await decodeImage(path);
  const full = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32');
  const image = crop ? centerCrop(full) : full;
  const shown = crop ? { width: image.shape[1], height: image.shape[0], data: new Uint8Array(await image.data()) } : photo;
  try {
    const r = await explainClassification(classifier, image, { classes, top, method });
    const best = r.predictions[0];
    console.log(`${basename(path)}${crop ? ' (centre crop)' : ''}: top-1 ${best.index} '${best.label}' p=${best.probability.toFixed(3)}`);
    const cells = [{ image: shown, label: basename(path) + (crop ? ' (crop)' : ''), note: `top-1: ${best.label.split(',')[0]}` }];
    for (const e of r.explanations) {
      const overlay = overlayHeatmap(shown, { width: e.width, height: e.height, data: e.map });
      const name = e.label.split(',')[0];
      cells.push({ image: overlay, label: `${e.index} ${name}`, note: `p=${prob(e.probability)} ${r.scoreSource}=${e.score.toFixed(2)}` });
      console.log(`  ${e.index} '${e.label}': p=${e.probability.toFixed(4)}, ${r.scoreSource} ${e.score.toFixed(3)}, layer ${r.layer.join(', ')}`);
    }
    return cells;
  } finally {
    if (crop) image.dispose();
    full.dispose();
  }
}

const classifier = await loadClassifier(opts.model);
const out = resolve(opts.out ?? join(repoRoot, 'out', 'classification.png'));
const method = opts.method;
let rows;
if (positionals[0]) {
  rows = [await explainRow(classifier, resolve(positionals[0]), { classes: opts.class, top, crop: opts.crop, method })];
} else {
  const image = (name) => {
    const p = join(shared, 'images', name);
    if (!existsSync(p)) fail(`the demo needs ${p}; pass an image instead\n\n${USAGE}`);
    return p;
  };
  rows = [
    await explainRow(classifier, image('chelsea.png'), { method }),
    await explainRow(classifier, image('coffee.png'), { crop: true, method }),
    await explainRow(classifier, image('astronaut.png'), { classes: ['space shuttle', 'crash helmet'], method }),
  ];
}
const grid = composeGrid(rows, { cellHeight: 224, title: `${classifier.name}: Grad-CAM of the class ${classifier.scoreSource} at ${classifier.layer.split('/').slice(-2).join('/')}` });
await writeImage(out, grid);
console.log(`wrote ${out}`);
