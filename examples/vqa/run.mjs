#!/usr/bin/env node
/**
 * VQA example: answers a question about a photo by CLIP answer ranking (zero-shot: transformers.js 2.17
 * has no VQA pipeline) with @gradcam/vqa, and writes a grid (photo | one Grad-CAM overlay per top answer).
 *
 *   npm run build
 *   node examples/vqa/run.mjs                                  # demo on ../shared → out/vqa.png
 *   node examples/vqa/run.mjs photo.jpg --question "what is on the table?" [--answer A]... [--online] [--top N] [--out FILE]
 *
 * Models: by default the tiny random-weight CLIP of ../shared/models/tiny-clip (offline: rankings and
 * maps are meaningless, the code path is the real one). `--online` loads Xenova/clip-vit-base-patch32
 * from the Hugging Face Hub (needs a network; about 600 MB of fp32 ONNX on first use, then
 * transformers.js's cache). `--model ID` takes any transformers.js CLIP id or folder; `--model scene`
 * the scene-world VQA model of @gradcam/scenes.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { env } from '@xenova/transformers';
import { DEFAULT_TEMPLATE, DEFAULT_VQA_MODEL, explainAnswer, loadClip } from '@gradcam/vqa';
import { composeGrid, overlayHeatmap } from '@gradcam/viz';
import { decodeImage, writeImage } from '@gradcam/viz/node';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shared = resolve(repoRoot, '..', 'shared');

const USAGE = `usage: node examples/vqa/run.mjs [image] [options]

  image              photo (default: a demo on chelsea.png and coffee.png of ../shared/images)
  --question Q       the question (default "what is in the picture?")
  --answer A         a candidate answer; repeat for several (default: @gradcam/vqa's general list)
  --template T       prompt with {question} and {answer} (default "${DEFAULT_TEMPLATE}")
  --top N            overlays for the N best answers (default 3)
  --score S          logit (default) or probability: what the maps explain
  --online           ${DEFAULT_VQA_MODEL} from the Hugging Face Hub (needs a network)
  --model ID         a transformers.js CLIP id or folder, or 'scene' (default: ../shared tiny-clip)
  --method M         gradcam (default), gradcam++, xgradcam, hirescam, layercam, scorecam, ...
  --layer T          vision tensor to cut at (default: the last vision layer's layer_norm1 output)
  --out FILE         output image (default: <repo>/out/vqa.png); .png, .jpg or .webp
  -h, --help         this help`;

function fail(message) {
  console.error(`vqa example: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      question: { type: 'string' },
      answer: { type: 'string', multiple: true },
      template: { type: 'string' },
      top: { type: 'string', default: '3' },
      score: { type: 'string' },
      online: { type: 'boolean' },
      model: { type: 'string' },
      method: { type: 'string' },
      layer: { type: 'string' },
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
const top = Number(opts.top);
if (!(Number.isInteger(top) && top > 0)) fail(`--top must be a positive integer; got '${opts.top}'`);

let modelId = opts.model;
if (opts.online) modelId ??= DEFAULT_VQA_MODEL;
else if (modelId === undefined) {
  if (!existsSync(join(shared, 'models', 'tiny-clip'))) fail(`no ../shared/models/tiny-clip: use --online (or --model ID)\n\n${USAGE}`);
  env.allowRemoteModels = false;
  env.localModelPath = join(shared, 'models') + '/';
  modelId = 'tiny-clip';
}

/** A probability: 3 decimals, or 2 significant digits below 0.01. */
const prob = (p) => (p >= 0.01 ? p.toFixed(3) : p.toExponential(1));

const demo = [
  { image: 'chelsea.png', question: 'what animal is this?', answers: ['cat', 'dog', 'bird', 'horse', 'car'] },
  { image: 'coffee.png', question: 'what is on the saucer?', answers: ['a cup of coffee', 'a cat', 'a rocket', 'nothing'] },
];
const jobs = positionals[0]
  ? [{ image: resolve(positionals[0]), question: opts.question ?? 'what is in the picture?', answers: opts.answer }]
  : demo.map((d) => ({ ...d, image: join(shared, 'images', d.image) }));
for (const j of jobs) if (!existsSync(j.image)) fail(`no such image: ${j.image}\n\n${USAGE}`);

const model = modelId === 'scene' ? 'scene' : await loadClip(modelId);
const rows = [];
let layer;
try {
  for (const job of jobs) {
    const r = await explainAnswer(job.image, job.question, {
      model,
      ...(job.answers ? { answers: job.answers } : {}),
      ...(opts.template ? { template: opts.template } : {}),
      ...(opts.score ? { score: opts.score } : {}),
      ...(opts.method ? { method: opts.method } : {}),
      ...(opts.layer ? { layer: opts.layer } : {}),
    });
    layer = r.layer.join(', ');
    console.log(`${basename(job.image)}: "${r.question}" → ${r.answer} (${r.answers.length} candidates; ${r.file} on tfjs)`);
    for (const a of r.answers.slice(0, Math.max(top, 5))) console.log(`  ${a.rank}. ${a.answer}: p=${a.probability.toFixed(4)} logit=${a.logit.toFixed(3)}  "${a.prompt}"`);
    const photo = await decodeImage(job.image);
    const cells = [{ image: photo, label: basename(job.image), note: r.question }];
    for (const a of r.answers.slice(0, top)) {
      const heat = overlayHeatmap(photo, { width: a.width, height: a.height, data: a.map }, { region: r.region });
      cells.push({ image: heat, label: `${a.rank}. ${a.answer}`, note: `p=${prob(a.probability)} logit=${a.logit.toFixed(2)}` });
    }
    rows.push(cells);
  }
} finally {
  if (typeof model !== 'string') await model.dispose();
}
const out = resolve(opts.out ?? join(repoRoot, 'out', 'vqa.png'));
const title = `${model === 'scene' ? 'scene VQA' : modelId}: CLIP answer ranking, Grad-CAM of each answer's ${opts.score ?? 'logit'} at ${layer}`;
await writeImage(out, composeGrid(rows, { cellHeight: 160, title }));
console.log(`wrote ${out}`);
