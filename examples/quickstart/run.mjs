#!/usr/bin/env node
/**
 * Quickstart: Grad-CAM heatmaps of an ImageNet MobileNet on a photo, written as PNG overlays at the
 * photo's own resolution.
 *
 *   npm run build                      # @gradcam/core is imported from its built dist/
 *   node examples/quickstart/run.mjs [image] [--model path/model.json] [--class N]... [--out file.png]
 *
 * Defaults: image ../shared/images/astronaut.png, model ../shared/models/mobilenet-v1-075-layers/model.json
 * (a tfjs layers model taking [1,224,224,3] in [-1,1], 1000 softmax outputs), classes = the top-1 class
 * and 812 ("space shuttle"), out = out/<image>-gradcam.png.
 *
 * With one class, --out is that class's overlay. With several, --out is a strip (photo | one overlay per
 * class) and each overlay is also written next to it as <image>-<label>-gradcam.png.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shared = resolve(repoRoot, '..', 'shared');
const DEFAULT_IMAGE = join(shared, 'images/astronaut.png');
const DEFAULT_MODEL = join(shared, 'models/mobilenet-v1-075-layers/model.json');
const SHARED_LABELS = join(shared, 'models/labels/imagenet_1000.json');
const SPACE_SHUTTLE = 812;

const USAGE = `usage: node examples/quickstart/run.mjs [image] [options]

  image              photo to explain (default: ../shared/images/astronaut.png)
  --model PATH       tfjs layers-model model.json (default: ../shared/models/mobilenet-v1-075-layers/model.json)
  --class N          ImageNet class index to explain; repeat for several (default: the top-1 class and ${SPACE_SHUTTLE}, space shuttle)
  --out FILE         output PNG (default: <repo>/out/<image>-gradcam.png); with several classes a strip, plus one file per class beside it
  --range LO,HI      input range the model expects (default: -1,1)
  --layer NAME       target layer (default: the last spatial layer)
  --labels PATH      JSON array of class names (default: the model's metadata.json, else ../shared/models/labels/imagenet_1000.json)
  -h, --help         this help`;

function fail(message) {
  console.error(`quickstart: ${message}`);
  process.exit(1);
}

const { values: opts, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        class: { type: 'string', multiple: true },
        out: { type: 'string' },
        range: { type: 'string', default: '-1,1' },
        layer: { type: 'string' },
        labels: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(`${e.message}\n\n${USAGE}`);
  }
})();
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length > 1) fail(`one image at a time; got ${positionals.length}\n\n${USAGE}`);

const imagePath = resolve(positionals[0] ?? DEFAULT_IMAGE);
const modelPath = resolve(opts.model ?? DEFAULT_MODEL);
const range = opts.range.split(',').map(Number);
if (range.length !== 2 || !range.every(Number.isFinite) || range[0] >= range[1]) fail(`--range must be LO,HI with LO < HI; got '${opts.range}'`);
const requested = (opts.class ?? []).map((c) => {
  const n = Number(c);
  if (!Number.isInteger(n) || n < 0) fail(`--class must be a non-negative integer class index; got '${c}'`);
  return n;
});

if (!existsSync(modelPath)) {
  fail(
    `model not found: ${modelPath}\n` +
      (opts.model
        ? ''
        : `  This example's default model lives in the project's test assets (../shared/models/mobilenet-v1-075-layers, next to the repository),\n` +
          `  which are not part of the repository.\n`) +
      `  Point --model at a tfjs layers-model model.json (its weight shards beside it) of an ImageNet classifier taking\n` +
      `  [1,224,224,3] in [-1,1] (else pass --range), e.g. a Keras MobileNet converted with tensorflowjs_converter,\n` +
      `  or the TensorFlow.js MobileNet v1 layers models (https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.75_224/model.json\n` +
      `  and its group*-shard* files, downloaded next to each other).`,
  );
}
if (!existsSync(imagePath)) {
  fail(`image not found: ${imagePath}${positionals[0] ? '' : '\n  (the default photo is in ../shared/images; pass any JPEG/PNG/WebP path)'}`);
}

let core;
let coreNode;
let viz;
let vizNode;
try {
  core = await import('@gradcam/core');
  coreNode = await import('@gradcam/core/node');
  viz = await import('@gradcam/viz');
  vizNode = await import('@gradcam/viz/node');
} catch (e) {
  fail(`cannot import @gradcam/core and @gradcam/viz (${e.message.split('\n')[0]}): run \`npm install && npm run build\` at the repository root first`);
}
const tf = await import('@tensorflow/tfjs-core');

function loadLabels() {
  const candidates = opts.labels ? [resolve(opts.labels)] : [join(dirname(modelPath), 'metadata.json'), SHARED_LABELS];
  for (const p of candidates) {
    if (!existsSync(p)) continue;
    try {
      const json = JSON.parse(readFileSync(p, 'utf8'));
      const list = Array.isArray(json) ? json : json.labels;
      if (Array.isArray(list)) return list;
    } catch (e) {
      if (opts.labels) fail(`cannot read labels ${p}: ${e.message}`);
    }
  }
  if (opts.labels) fail(`labels file not found or not a JSON array: ${opts.labels}`);
  return undefined;
}

const labels = loadLabels();
const labelOf = (k) => labels?.[k] ?? `class ${k}`;
const shortLabel = (k) => labelOf(k).split(',')[0].trim();
const slug = (k) =>
  shortLabel(k)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || `class-${k}`;

// Decode: EXIF orientation applied, alpha dropped, sRGB. Keep the full-resolution pixels for the overlay.
let photo;
try {
  photo = await vizNode.decodeImage(imagePath);
} catch (e) {
  fail(e.message);
}
const { width, height } = photo;

const backend = await core.initBackend();
const model = await coreNode.loadLayersModelFromFile(modelPath);
const [, inH, inW, inC] = model.inputs[0].shape;
if (inC !== 3 || !inH || !inW) fail(`the model takes input shape [${model.inputs[0].shape}]; this example needs [N, H, W, 3] with a fixed H and W`);

// Stretch to the model input (area-averaged), pixel values mapped to the model's range: NHWC [1, H, W, 3].
const { tensor: input } = viz.preprocessImage(photo, { size: [inH, inW], fit: 'fill', range });

const probs = tf.tidy(() => tf.reshape(model.predict(input), [-1]));
const scores = probs.dataSync();
probs.dispose();
let top1 = 0;
for (let k = 1; k < scores.length; k++) if (scores[k] > scores[top1]) top1 = k;
const classes = requested.length ? [...new Set(requested)] : [...new Set([top1, SPACE_SHUTTLE])].filter((k) => k < scores.length);
for (const k of classes) if (k >= scores.length) fail(`class ${k} is out of range: the model has ${scores.length} classes (0–${scores.length - 1})`);

const explanation = await core.explain(model, input, { targets: [classes], ...(opts.layer ? { layer: opts.layer } : {}) });
const [m, mapH, mapW] = explanation.maps.shape;
const maps = explanation.maps.dataSync();
const layer = explanation.layers[0].layer;
explanation.dispose();
input.dispose();

const stem = basename(imagePath, extname(imagePath));
const out = opts.out ? resolve(opts.out) : join(repoRoot, 'out', `${stem}-gradcam.png`);
console.log(`${basename(imagePath)} ${width}×${height}, model ${modelPath}, layer ${layer}, backend ${backend}`);
console.log(`top-1: ${top1} ${labelOf(top1)} (${scores[top1].toFixed(3)})`);

const overlays = [];
for (let i = 0; i < m; i++) {
  const k = classes[i];
  // The 224×224 map is resized onto the photo (bilinear, as cv2.resize) and blended like show_cam_on_image.
  const map = { width: mapW, height: mapH, data: maps.slice(i * mapH * mapW, (i + 1) * mapH * mapW) };
  const overlay = viz.overlayHeatmap(photo, map, { colormap: 'jet', alpha: 0.5 });
  overlays.push(overlay);
  const file = m === 1 ? out : join(dirname(out), `${stem}-${slug(k)}-gradcam.png`);
  await vizNode.writeImage(file, overlay);
  console.log(`class ${k} ${labelOf(k)} (score ${scores[k].toExponential(2)}): ${file}`);
}

if (m > 1) {
  // Strip: the photo, then each class's overlay, side by side.
  const panels = [photo, ...overlays];
  const strip = viz.createImage(width * panels.length, height);
  panels.forEach((p, j) => viz.pasteImage(strip, p, j * width, 0));
  await vizNode.writeImage(out, strip);
  console.log(`strip (photo | ${classes.map(shortLabel).join(' | ')}): ${out}`);
}
model.dispose();
