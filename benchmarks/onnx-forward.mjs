// Forward time of @gradcam/onnx (ONNX graphs executed with tfjs ops) against onnxruntime-node on the
// same .onnx files, same inputs, medians over repeats; printed as ratios (ours / onnxruntime).
// Models: ../shared's tiny ViT-GPT2 and tiny CLIP when present, the tiny CNN test fixture, and two
// realistic-size random-weight graphs written with the package's model writer: a ResNet-style CNN at
// 224×224 and a ViT-S/16-sized encoder (12 layers, width 384, 197 tokens).
// onnxruntime-node runs with its default threads (both cores here) and with one thread (like tfjs's
// wasm backend). Usage: node benchmarks/onnx-forward.mjs [--backend wasm|cpu] [--repeats 7] [--only NAME]
// [--quick] [--out results.json]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import ort from 'onnxruntime-node';
import { initBackend } from '@gradcam/core';
import { OnnxSession } from '@gradcam/onnx';
import { randn, resnetLike, vitLike } from './onnx-models.mjs';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    repeats: { type: 'string', default: '15' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: process.env.BENCH_QUICK === '1' },
    out: { type: 'string' },
  },
});
ort.env.logLevel = 'error';
process.env.GRADCAM_QUIET ??= '1';
const backend = await initBackend({ backend: values.backend });
const repeats = values.quick ? Math.min(Number(values.repeats), 5) : Number(values.repeats);
const shared = new URL('../../shared/models/', import.meta.url).pathname;

/** Feeds of one onnx-reference case as [dims, data, dtype]. */
function referenceFeeds(name) {
  const ref = JSON.parse(readFileSync(`${shared}onnx-reference/${name}.json`, 'utf8'));
  const c = ref.cases[0];
  const feeds = {};
  for (const [k, v] of Object.entries(c.inputs)) feeds[k] = [v.dims, v.data, v.dtype];
  return { bytes: readFileSync(`${shared}${ref.model}`), feeds };
}

const models = [];
if (existsSync(`${shared}onnx-reference`)) {
  for (const [label, ref] of [
    ['tiny ViT encoder (../shared)', 'tiny-vit-gpt2.encoder_model'],
    ['tiny GPT-2 decoder (../shared)', 'tiny-vit-gpt2.decoder_model'],
    ['tiny GPT-2 merged decoder, If (../shared)', 'tiny-vit-gpt2.decoder_model_merged'],
    ['tiny CLIP (../shared)', 'tiny-clip.model'],
  ]) {
    models.push({ label, make: () => referenceFeeds(ref) });
  }
}
models.push({
  label: 'tiny CNN fixture (16×16)',
  make: () => ({
    bytes: readFileSync(new URL('../packages/onnx/test/fixtures/tiny-cnn/tiny-cnn.onnx', import.meta.url)),
    feeds: { pixel_values: [[1, 3, 16, 16], randn(3 * 16 * 16, 1)] },
  }),
});
models.push({ label: 'ResNet-18-like CNN, 224×224, random weights', make: resnetLike });
if (!values.quick) models.push({ label: 'ViT-S/16-sized encoder, 224×224, random weights', make: vitLike });

const rows = [];
for (const { label, make } of models) {
  if (values.only && !label.includes(values.only)) continue;
  const { bytes, feeds } = make();
  const runtime = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const runtime1 = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, intraOpNumThreads: 1, interOpNumThreads: 1 });
  const session = OnnxSession.fromBytes(bytes);
  const ortFeeds = {};
  const tfFeeds = {};
  for (const [k, [dims, data, dtype = 'float32']] of Object.entries(feeds)) {
    if (dtype === 'int64') {
      ortFeeds[k] = new ort.Tensor('int64', BigInt64Array.from(data.map((x) => BigInt(x))), dims);
      tfFeeds[k] = { dtype, dims, data: data.map(Number) };
    } else if (dtype === 'bool') {
      ortFeeds[k] = new ort.Tensor('bool', Uint8Array.from(data.map(Number)), dims);
      tfFeeds[k] = { dtype, dims, data: data.map(Number) };
    } else {
      ortFeeds[k] = new ort.Tensor('float32', Float32Array.from(data), dims);
      tfFeeds[k] = tf.tensor(Float32Array.from(data), dims);
    }
  }
  const outputs = session.outputNames;
  // Big graphs: fewer repeats. Warm-up covers V8's JIT and the executor's per-feed-set plan cache.
  const big = bytes.length > 10e6;
  const opts = { repeats: big ? Math.min(repeats, 5) : repeats, warmup: big ? 2 : 10 };
  const ortMs = await median(async () => {
    await runtime.run(ortFeeds);
  }, opts);
  const ort1Ms = await median(async () => {
    await runtime1.run(ortFeeds);
  }, opts);
  const ourMs = await median(async () => {
    const r = session.run(tfFeeds, outputs);
    await Promise.all(Object.values(r).map((t) => t.data()));
    tf.dispose(Object.values(r));
  }, opts);
  rows.push({ label, ortMs, ort1Ms, ourMs, ratio: ourMs / ortMs, ratio1: ourMs / ort1Ms });
  session.dispose();
  tf.dispose(Object.values(tfFeeds).filter((t) => t instanceof tf.Tensor));
}

console.log(`\n@gradcam/onnx (tfjs ${backend}) vs onnxruntime-node 1.14 (CPU), forward pass, wall-time medians (${repeats} repeats; 5 for the big graphs)`);
const w = Math.max(...rows.map((r) => r.label.length));
console.log(`  ${'model'.padEnd(w)}  ${'ORT'.padStart(10)}  ${'ORT 1 thr'.padStart(10)}  ${'@gradcam/onnx'.padStart(13)}  ${'ratio'.padStart(6)}  ${'vs 1 thr'.padStart(8)}`);
for (const r of rows) {
  console.log(
    `  ${r.label.padEnd(w)}  ${r.ortMs.toFixed(2).padStart(7)} ms  ${r.ort1Ms.toFixed(2).padStart(7)} ms  ${r.ourMs.toFixed(2).padStart(10)} ms  ${r.ratio.toFixed(1).padStart(5)}×  ${r.ratio1.toFixed(1).padStart(7)}×`,
  );
}
if (values.out) writeFileSync(values.out, JSON.stringify({ backend, repeats, onnxruntime: '1.14.0', rows }, null, 1));
