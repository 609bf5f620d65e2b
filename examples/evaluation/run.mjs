// Evaluates the core's CAM methods on real photos with hand-annotated boxes (boxes.json) against a
// random-map and a centre-map baseline, for the two real MobileNets in ../shared, and prints Markdown
// tables (docs/evaluation.md is made from this output). Usage: node examples/evaluation/run.mjs [--quick]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { classProbability, evaluateMethods, evaluationTable, initBackend } from '@gradcam/core';
import { loadGraphModelFromFile, loadLayersModelFromFile } from '@gradcam/core/node';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', '..', 'shared');
if (!existsSync(join(shared, 'models'))) {
  console.error(`../shared not found (${shared}): this evaluation needs the real MobileNets and photos described in ../shared/README.md`);
  process.exit(1);
}
const quick = process.argv.includes('--quick');
await initBackend();
const { samples } = JSON.parse(readFileSync(join(here, 'boxes.json'), 'utf8'));

async function load(file, range) {
  const img = sharp(join(shared, 'images', file)).rotate().removeAlpha().toColourspace('srgb');
  const { width, height } = await img.metadata();
  const raw = await img.clone().resize(224, 224, { fit: 'fill' }).raw().toBuffer();
  const [lo, hi] = range;
  const x = tf.tidy(() => tf.add(tf.mul(tf.div(tf.tensor4d(Float32Array.from(raw), [1, 224, 224, 3]), 255), hi - lo), lo));
  return { x, sx: 224 / width, sy: 224 / height };
}

const models = [
  {
    name: 'MobileNet v1 α0.75 (LayersModel, softmax output, layer conv_pw_13_relu)',
    model: await loadLayersModelFromFile(join(shared, 'models/mobilenet-v1-075-layers/model.json')),
    range: [-1, 1],
    offset: 0,
    faithfulnessTarget: (t) => t, // the output is already a probability
  },
  {
    name: 'MobileNet v1 α0.25 (GraphModel, logits, node Conv2d_13_pointwise/Relu6)',
    model: await loadGraphModelFromFile(join(shared, 'models/mobilenet-v1-025-graph/model.json')),
    range: [0, 1],
    offset: 1, // index 0 = background
    faithfulnessTarget: (t) => classProbability(t),
  },
];
const methods = quick ? ['gradcam', 'eigencam'] : ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'gradcam-elementwise', 'eigencam', 'scorecam', 'ablationcam'];
for (const m of models) {
  const evalSamples = [];
  for (const s of samples) {
    const { x, sx, sy } = await load(s.image, m.range);
    evalSamples.push({ input: x, target: s.class + m.offset, boxes: s.boxes.map(([x1, y1, x2, y2]) => ({ x1: x1 * sx, y1: y1 * sy, x2: x2 * sx, y2: y2 * sy })), name: s.label });
  }
  const rows = await evaluateMethods(m.model, evalSamples, {
    methods,
    faithfulnessTarget: m.faithfulnessTarget,
    steps: quick ? 8 : 25,
    onProgress: (d, t) => process.stderr.write(`\r${m.name.split(' (')[0]}: ${d}/${t}`),
  });
  process.stderr.write('\n');
  console.log(`\n### ${m.name}\n\n${samples.length} samples: ${samples.map((s) => `${s.image} → ${s.label}`).join('; ')}\n`);
  console.log(evaluationTable(rows));
  evalSamples.forEach((s) => s.input.dispose());
}
