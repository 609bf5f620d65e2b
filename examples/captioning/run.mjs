#!/usr/bin/env node
/**
 * Captioning example: captions photos with the real transformers.js image-to-text pipeline and explains
 * every word with @gradcam/captioning; writes a grid (photo | one Grad-CAM overlay per word).
 *
 *   npm run build
 *   node examples/captioning/run.mjs                       # demo on ../shared → out/captioning.png
 *   node examples/captioning/run.mjs photo.jpg [--caption TEXT] [--online] [--model ID] [--method M] [--layer T] [--out FILE]
 *
 * Models: by default the tiny random-weight ViT-GPT2 of ../shared/models/tiny-vit-gpt2 (offline: its
 * captions and maps are meaningless, the code path is the real one). `--online` loads
 * Xenova/vit-gpt2-image-captioning from the Hugging Face Hub (needs a network; roughly 1 GB of fp32
 * ONNX files on first use, then transformers.js's cache). `--model ID` takes any transformers.js
 * VisionEncoderDecoder id or folder; `--model scene` the scene-world captioner of @gradcam/scenes.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { env } from '@xenova/transformers';
import { DEFAULT_CAPTION_MODEL, explainCaption, loadCaptioner } from '@gradcam/captioning';
import { composeGrid, overlayHeatmap } from '@gradcam/viz';
import { decodeImage, writeImage } from '@gradcam/viz/node';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const shared = resolve(repoRoot, '..', 'shared');

const USAGE = `usage: node examples/captioning/run.mjs [image] [options]

  image              photo to caption and explain (default: chelsea.png captioned by the pipeline and
                     coffee.png with a given caption, from ../shared/images)
  --caption TEXT     explain this caption instead of the generated one
  --online           ${DEFAULT_CAPTION_MODEL} from the Hugging Face Hub (needs a network)
  --model ID         a transformers.js captioning model id or folder, or 'scene' (default: ../shared tiny-vit-gpt2)
  --max-tokens N     max_new_tokens of the pipeline (default 8)
  --method M         gradcam (default), gradcam++, xgradcam, hirescam, layercam, scorecam, ...
  --layer T          encoder tensor to cut at (default last_hidden_state)
  --out FILE         output image (default: <repo>/out/captioning.png); .png, .jpg or .webp
  -h, --help         this help`;

function fail(message) {
  console.error(`captioning example: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      caption: { type: 'string' },
      online: { type: 'boolean' },
      model: { type: 'string' },
      'max-tokens': { type: 'string', default: '8' },
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
const maxTokens = Number(opts['max-tokens']);
if (!(Number.isInteger(maxTokens) && maxTokens > 0)) fail(`--max-tokens must be a positive integer; got '${opts['max-tokens']}'`);

let modelId = opts.model;
if (opts.online) modelId ??= DEFAULT_CAPTION_MODEL;
else if (modelId === undefined) {
  if (!existsSync(join(shared, 'models', 'tiny-vit-gpt2'))) fail(`no ../shared/models/tiny-vit-gpt2: use --online (or --model ID)\n\n${USAGE}`);
  env.allowRemoteModels = false;
  env.localModelPath = join(shared, 'models') + '/';
  modelId = 'tiny-vit-gpt2';
}

/** A probability: 3 decimals, or 2 significant digits below 0.01. */
const prob = (p) => (p >= 0.01 ? p.toFixed(3) : p.toExponential(1));

const model = modelId === 'scene' ? 'scene' : await loadCaptioner(modelId);
// The demo: chelsea.png with the pipeline's own caption, coffee.png with a caption given by the user.
const jobs = positionals[0]
  ? [{ path: resolve(positionals[0]), caption: opts.caption }]
  : [
      { path: join(shared, 'images', 'chelsea.png'), caption: opts.caption },
      { path: join(shared, 'images', 'coffee.png'), caption: opts.caption ?? 'a cup of coffee on a red saucer' },
    ];
for (const j of jobs) if (!existsSync(j.path)) fail(`no such image: ${j.path}\n\n${USAGE}`);
const rows = [];
let layer;
try {
  for (const { path, caption } of jobs) {
    const r = await explainCaption(path, {
      model,
      ...(caption !== undefined ? { caption } : {}),
      ...(opts.method ? { method: opts.method } : {}),
      ...(opts.layer ? { layer: opts.layer } : {}),
      generate: { max_new_tokens: maxTokens },
    });
    layer = r.layer.join(', ');
    console.log(`${basename(path)}: "${r.caption}" (${r.source}; ${r.files.encoder} + ${r.files.decoder} on tfjs)`);
    const photo = await decodeImage(path);
    const cells = [{ image: photo, label: basename(path), note: `"${r.caption}"` }];
    for (const w of r.words) {
      console.log(`  ${w.index} "${w.text}" tokens [${w.tokenIds.join(' ')}] p=${w.probability.toExponential(3)} log p=${w.logProbability.toFixed(3)}`);
      const heat = overlayHeatmap(photo, { width: w.width, height: w.height, data: w.map }, { region: r.region });
      cells.push({ image: heat, label: w.text, note: `p=${prob(w.probability)}` });
    }
    rows.push(cells);
  }
} finally {
  if (typeof model !== 'string') await model.dispose();
}
const out = resolve(opts.out ?? join(repoRoot, 'out', 'captioning.png'));
const title = `${model === 'scene' ? 'scene captioner' : modelId}: Grad-CAM of log p(word | image, previous words) at ${layer}`;
await writeImage(out, composeGrid(rows, { cellHeight: 160, title }));
console.log(`wrote ${out}`);
