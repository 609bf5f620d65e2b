#!/usr/bin/env node
/**
 * Build-time assets of the browser demo, written under public/generated/ (git-ignored output):
 *  - models/colours/: the offline "colour detector", a hand-weighted 4-layer tfjs CNN whose Grad-CAM is
 *    known in advance (class k = "how much colour k", so its map is the mask of the colour-k objects);
 *  - models/scenes/: the scene world's classifier / captioner / VQA weights copied from @gradcam/scenes
 *    when they exist (manifest.json says which);
 *  - samples/: scene samples rendered by @gradcam/scenes' generator (PNG ×4 nearest upscale) with their
 *    ground truth (boxes, caption, questions) in samples.json;
 *  - tfjs-wasm/: the tfjs WebAssembly binaries (setWasmPaths);
 *  - ort-wasm/: onnxruntime-web's WebAssembly binaries, which transformers.js runs its pipelines on
 *    (`env.backends.onnx.wasm.wasmPaths` points here, so nothing is fetched from a CDN).
 * Everything is deterministic; runs in a second or two.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'public', 'generated');
const require = createRequire(import.meta.url);
const log = (m) => process.stdout.write(`make-models: ${m}\n`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// ---------- tfjs wasm binaries ----------
const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist';
mkdirSync(join(out, 'tfjs-wasm'), { recursive: true });
for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(out, 'tfjs-wasm', f));

// ---------- onnxruntime-web wasm binaries (transformers.js's runtime, resolved from where it finds it) ----------
{
  const fromTransformers = createRequire(require.resolve('@xenova/transformers/package.json'));
  const ortDist = join(dirname(fromTransformers.resolve('onnxruntime-web/package.json')), 'dist');
  mkdirSync(join(out, 'ort-wasm'), { recursive: true });
  // ort-wasm{,-simd}{,-threaded}.wasm: ONNX Runtime picks one (threads only when the page is cross-origin isolated).
  const files = readdirSync(ortDist).filter((f) => /^ort-wasm.*\.wasm$/.test(f));
  for (const f of files) copyFileSync(join(ortDist, f), join(out, 'ort-wasm', f));
  log(`onnxruntime-web ${fromTransformers('onnxruntime-web/package.json').version}: ${files.length} wasm files → public/generated/ort-wasm`);
}

// ---------- the colour detector ----------
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'magenta', 'cyan'];
// which channels are high (1) / low (0) for each colour
const PATTERN = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1], yellow: [1, 1, 0], magenta: [1, 0, 1], cyan: [0, 1, 1] };
const SIZE = 128;

async function saveModel(model, dir) {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({ modelTopology: a.modelTopology, format: 'layers-model', generatedBy: 'gradcam examples/web', convertedBy: null, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }),
      );
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(a.weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

{
  const input = tfl.input({ shape: [SIZE, SIZE, 3], name: 'image' });
  // 1×1 conv: per channel "high" (x > 0.5) and "low" (x < 0.5) detectors, saturating at 6 (relu6).
  const levels = tfl.layers.conv2d({ filters: 6, kernelSize: 1, activation: 'relu6', name: 'channel_levels' }).apply(input);
  // 1×1 conv: colour k = relu(sum of its three channel conditions − 12.5): positive only when all three hold.
  const colours = tfl.layers.conv2d({ filters: 6, kernelSize: 1, activation: 'relu', name: 'colour_masks' }).apply(levels);
  // 3×3 smoothing + 4×4 pooling: a coarse [32, 32, 6] feature map, the Grad-CAM target layer.
  const pooled = tfl.layers.averagePooling2d({ poolSize: 4, strides: 4, name: 'colour_features' }).apply(colours);
  const gap = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(pooled);
  const logits = tfl.layers.dense({ units: 6, name: 'logits' }).apply(gap);
  const model = tfl.model({ inputs: input, outputs: logits, name: 'colour_detector' });
  const k1 = new Float32Array(3 * 6);
  const b1 = new Float32Array(6);
  for (let c = 0; c < 3; c++) {
    k1[c * 6 + c] = 20; // high_c = relu6(20 (x_c − 0.5))
    b1[c] = -10;
    k1[c * 6 + 3 + c] = -20; // low_c = relu6(20 (0.55 − x_c))
    b1[3 + c] = 11;
  }
  const k2 = new Float32Array(6 * 6);
  const b2 = new Float32Array(6).fill(-12.5);
  COLOURS.forEach((name, k) => PATTERN[name].forEach((hi, c) => (k2[(hi ? c : 3 + c) * 6 + k] = 1)));
  // logits: 40 × (mean colour-k response) − 1; a 15×15 object on a 64×64 scene gives ≈ +2..+5
  const w3 = new Float32Array(36);
  for (let k = 0; k < 6; k++) w3[k * 6 + k] = 40;
  model.getLayer('channel_levels').setWeights([tf.tensor4d(k1, [1, 1, 3, 6]), tf.tensor1d(b1)]);
  model.getLayer('colour_masks').setWeights([tf.tensor4d(k2, [1, 1, 6, 6]), tf.tensor1d(b2)]);
  model.getLayer('logits').setWeights([tf.tensor2d(w3, [6, 6]), tf.tensor1d(new Float32Array(6).fill(-1))]);
  await saveModel(model, join(out, 'models', 'colours'));
  writeFileSync(
    join(out, 'models', 'colours', 'labels.json'),
    JSON.stringify({ labels: COLOURS.map((c) => `${c} object`), layer: 'colour_features', inputSize: SIZE, inputRange: [0, 1], output: 'logits' }),
  );
  log('colour detector → public/generated/models/colours');
}

// ---------- scene models and samples (from @gradcam/scenes when it is there) ----------
const manifest = { classifier: false, captioner: false, vqa: false, samples: false, note: '' };
let scenes;
try {
  scenes = await import('@gradcam/scenes');
} catch (e) {
  manifest.note = `@gradcam/scenes did not load: ${e.message.split('\n')[0]}`;
}
if (scenes) {
  try {
    const weights = join(dirname(fileURLToPath(import.meta.resolve('@gradcam/scenes'))), '..', 'weights');
    for (const name of ['classifier', 'captioner', 'vqa']) {
      const dir = join(weights, name);
      if (!existsSync(join(dir, 'model.json'))) continue;
      mkdirSync(join(out, 'models', 'scenes', name), { recursive: true });
      for (const f of readdirSync(dir)) copyFileSync(join(dir, f), join(out, 'models', 'scenes', name, f));
      manifest[name] = true;
    }
  } catch (e) {
    manifest.note = `scene weights not copied: ${e.message}`;
  }
}
mkdirSync(join(out, 'models', 'scenes'), { recursive: true });

const UP = 4; // samples are stored 4× nearest-upscaled (256×256) so they read well on the page
const samples = [];
async function writeSample(name, title, w, h, rgb01, objects, extra = {}) {
  const W = w * UP;
  const H = h * UP;
  const buf = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) buf[(y * W + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, rgb01[((Math.floor(y / UP) * w + Math.floor(x / UP)) * 3) + c])));
  mkdirSync(join(out, 'samples'), { recursive: true });
  await sharp(buf, { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(out, 'samples', `${name}.png`));
  samples.push({
    file: `samples/${name}.png`,
    name,
    title,
    width: W,
    height: H,
    objects: objects.map((o) => ({ ...o, box: { x1: o.box.x1 * UP, y1: o.box.y1 * UP, x2: o.box.x2 * UP, y2: o.box.y2 * UP } })),
    ...extra,
  });
}

if (scenes) {
  try {
    const picks = [
      { seed: 7, colours: ['red', 'blue', 'yellow'], objects: 3 },
      { seed: 21, colours: ['green', 'magenta'], objects: 2 },
      { seed: 42, colours: ['cyan', 'red', 'green', 'blue'], objects: 4 },
    ];
    for (const p of picks) {
      const s = scenes.generateScene(p.seed, { objects: p.objects, colours: p.colours });
      const caption = scenes.captionScene(s);
      const questions = scenes.sampleQuestions(s, scenes.rng(p.seed), 3).map((q) => ({ text: q.text, answer: q.answer, objects: q.answerObjects }));
      await writeSample(
        `scene-${p.seed}`,
        `scene ${p.seed}: ${caption.text.replace(/ ,/g, ",")}`,
        s.width,
        s.height,
        s.image,
        s.objects.map((o) => ({ id: o.id, colour: o.colour, shape: o.shape, label: `${o.colour} ${o.shape}`, box: o.box })),
        { scene: true, seed: p.seed, caption: caption.text, captionWords: caption.words, questions },
      );
    }
    manifest.samples = true;
  } catch (e) {
    manifest.note += ` scene samples failed: ${e.message}`;
  }
}
if (!manifest.samples) {
  // Fallback: constructed samples (coloured squares on grey) with known boxes.
  const mk = (w, h, objs) => {
    const img = new Float32Array(w * h * 3).fill(0.25);
    for (const o of objs) {
      const rgb = PATTERN[o.colour].map((v) => (v ? 0.85 : 0.15));
      for (let y = o.box.y1; y < o.box.y2; y++) for (let x = o.box.x1; x < o.box.x2; x++) for (let c = 0; c < 3; c++) img[(y * w + x) * 3 + c] = rgb[c];
    }
    return img;
  };
  const objs = [
    { id: 0, colour: 'red', shape: 'square', label: 'red square', box: { x1: 6, y1: 8, x2: 22, y2: 24 } },
    { id: 1, colour: 'blue', shape: 'square', label: 'blue square', box: { x1: 38, y1: 36, x2: 56, y2: 54 } },
  ];
  await writeSample('squares', 'constructed: a red and a blue square', 64, 64, mk(64, 64, objs), objs, { scene: false });
}
writeFileSync(join(out, 'samples.json'), JSON.stringify(samples, null, 1));
writeFileSync(join(out, 'models', 'scenes', 'manifest.json'), JSON.stringify(manifest));
log(`${samples.length} samples; scene models: ${['classifier', 'captioner', 'vqa'].filter((n) => manifest[n]).join(', ') || 'none yet'}${manifest.note ? ` (${manifest.note.trim()})` : ''}`);
