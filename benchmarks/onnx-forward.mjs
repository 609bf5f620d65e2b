// Forward time of @gradcam/onnx (ONNX graphs executed with tfjs ops) against onnxruntime-node on the
// same .onnx files, same inputs, medians over repeats; printed as ratios (ours / onnxruntime).
// Models: ../shared's tiny ViT-GPT2 and tiny CLIP when present, the tiny CNN test fixture, and two
// realistic-size random-weight graphs written with the package's model writer: a ResNet-style CNN at
// 224×224 and a ViT-S/16-sized encoder (12 layers, width 384, 197 tokens).
// Usage: node benchmarks/onnx-forward.mjs [--backend wasm|cpu] [--repeats 7] [--only NAME]
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import ort from 'onnxruntime-node';
import { initBackend } from '@gradcam/core';
import { buildModel, OnnxSession } from '@gradcam/onnx';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, repeats: { type: 'string', default: '15' }, only: { type: 'string' } },
});
ort.env.logLevel = 'error';
process.env.GRADCAM_QUIET ??= '1';
const backend = await initBackend({ backend: values.backend });
const repeats = Number(values.repeats);
const shared = new URL('../../shared/models/', import.meta.url).pathname;

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(1);
const randn = (n, scale) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
const f32 = (dims, scale) => ({ dtype: 'float32', dims, data: randn(dims.reduce((a, b) => a * b, 1), scale) });
const i64 = (data) => ({ dtype: 'int64', dims: [data.length], data });

/** ResNet-18-like: conv7×7/2 → maxpool → 4 stages of 2 basic blocks (64…512) → GAP → fc 1000. */
function resnetLike() {
  const nodes = [];
  const inits = {};
  let id = 0;
  const conv = (x, cin, cout, k, stride, relu = true) => {
    const n = `c${id++}`;
    inits[`${n}.w`] = f32([cout, cin, k, k], Math.sqrt(2 / (cin * k * k)));
    inits[`${n}.b`] = f32([cout], 0.01);
    const p = Math.floor(k / 2);
    nodes.push({ op: 'Conv', inputs: [x, `${n}.w`, `${n}.b`], outputs: [`${n}.y`], attrs: { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p] } });
    if (!relu) return `${n}.y`;
    nodes.push({ op: 'Relu', inputs: [`${n}.y`], outputs: [`${n}.r`] });
    return `${n}.r`;
  };
  let x = conv('pixel_values', 3, 64, 7, 2);
  nodes.push({ op: 'MaxPool', inputs: [x], outputs: ['pool'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
  x = 'pool';
  let cin = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let b = 0; b < 2; b++) {
      const s = b === 0 ? stride : 1;
      const y = conv(conv(x, cin, cout, 3, s), cout, cout, 3, 1, false);
      const skip = s !== 1 || cin !== cout ? conv(x, cin, cout, 1, s, false) : x;
      const n = `add${id++}`;
      nodes.push({ op: 'Add', inputs: [y, skip], outputs: [n] }, { op: 'Relu', inputs: [n], outputs: [`${n}.r`] });
      x = `${n}.r`;
      cin = cout;
    }
  }
  nodes.push({ op: 'GlobalAveragePool', inputs: [x], outputs: ['gap'] }, { op: 'Flatten', inputs: ['gap'], outputs: ['flat'] });
  inits['fc.w'] = f32([1000, 512], 0.05);
  inits['fc.b'] = f32([1000], 0.01);
  nodes.push({ op: 'Gemm', inputs: ['flat', 'fc.w', 'fc.b'], outputs: ['logits'], attrs: { transB: 1 } });
  return {
    bytes: buildModel({
      opset: 17,
      inputs: [{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1000] }],
      initializers: inits,
      nodes,
    }),
    feeds: { pixel_values: [[1, 3, 224, 224], randn(3 * 224 * 224, 1)] },
  };
}

/** ViT-S/16-sized encoder: patch conv → CLS + positions → 12 × (LN, 6-head attention, LN, GELU MLP) → LN. */
function vitLike() {
  const D = 384;
  const H = 6;
  const L = 12;
  const T = 197;
  const nodes = [];
  const inits = {
    'patch.w': f32([D, 3, 16, 16], 0.02),
    'patch.b': f32([D], 0.01),
    cls: f32([1, 1, D], 0.02),
    pos: f32([1, T, D], 0.02),
    flat_shape: i64([1, D, 196]),
    heads_shape: i64([1, T, H, D / H]),
    merge_shape: i64([1, T, D]),
    scale: { dtype: 'float32', dims: [], data: [1 / Math.sqrt(D / H)] },
    sqrt2: { dtype: 'float32', dims: [], data: [Math.SQRT2] },
    one: { dtype: 'float32', dims: [], data: [1] },
    half: { dtype: 'float32', dims: [], data: [0.5] },
  };
  nodes.push(
    { op: 'Conv', inputs: ['pixel_values', 'patch.w', 'patch.b'], outputs: ['pe'], attrs: { kernel_shape: [16, 16], strides: [16, 16] } },
    { op: 'Reshape', inputs: ['pe', 'flat_shape'], outputs: ['pe2'] },
    { op: 'Transpose', inputs: ['pe2'], outputs: ['tok'], attrs: { perm: [0, 2, 1] } },
    { op: 'Concat', inputs: ['cls', 'tok'], outputs: ['withcls'], attrs: { axis: 1 } },
    { op: 'Add', inputs: ['withcls', 'pos'], outputs: ['h0'] },
  );
  const ln = (x, n) => {
    inits[`${n}.g`] = { dtype: 'float32', dims: [D], data: new Float32Array(D).fill(1) };
    inits[`${n}.b`] = f32([D], 0.01);
    nodes.push({ op: 'LayerNormalization', inputs: [x, `${n}.g`, `${n}.b`], outputs: [`${n}.y`], attrs: { axis: -1, epsilon: 1e-6 } });
    return `${n}.y`;
  };
  const linear = (x, n, din, dout) => {
    inits[`${n}.w`] = f32([din, dout], 1 / Math.sqrt(din));
    inits[`${n}.b`] = f32([dout], 0.01);
    nodes.push({ op: 'MatMul', inputs: [x, `${n}.w`], outputs: [`${n}.m`] }, { op: 'Add', inputs: [`${n}.m`, `${n}.b`], outputs: [`${n}.y`] });
    return `${n}.y`;
  };
  let h = 'h0';
  for (let l = 0; l < L; l++) {
    const p = `l${l}`;
    const a = ln(h, `${p}.ln1`);
    const heads = (name) => {
      const y = linear(a, `${p}.${name}`, D, D);
      nodes.push(
        { op: 'Reshape', inputs: [y, 'heads_shape'], outputs: [`${p}.${name}.r`] },
        { op: 'Transpose', inputs: [`${p}.${name}.r`], outputs: [`${p}.${name}.t`], attrs: { perm: name === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3] } },
      );
      return `${p}.${name}.t`;
    };
    const q = heads('q');
    const k = heads('k');
    const v = heads('v');
    nodes.push(
      { op: 'MatMul', inputs: [q, k], outputs: [`${p}.qk`] },
      { op: 'Mul', inputs: [`${p}.qk`, 'scale'], outputs: [`${p}.qks`] },
      { op: 'Softmax', inputs: [`${p}.qks`], outputs: [`${p}.att`], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: [`${p}.att`, v], outputs: [`${p}.ctx`] },
      { op: 'Transpose', inputs: [`${p}.ctx`], outputs: [`${p}.ctxt`], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Reshape', inputs: [`${p}.ctxt`, 'merge_shape'], outputs: [`${p}.merged`] },
    );
    const o = linear(`${p}.merged`, `${p}.o`, D, D);
    nodes.push({ op: 'Add', inputs: [h, o], outputs: [`${p}.res1`] });
    const m = ln(`${p}.res1`, `${p}.ln2`);
    const up = linear(m, `${p}.fc1`, D, 4 * D);
    nodes.push(
      { op: 'Div', inputs: [up, 'sqrt2'], outputs: [`${p}.g1`] },
      { op: 'Erf', inputs: [`${p}.g1`], outputs: [`${p}.g2`] },
      { op: 'Add', inputs: [`${p}.g2`, 'one'], outputs: [`${p}.g3`] },
      { op: 'Mul', inputs: [up, `${p}.g3`], outputs: [`${p}.g4`] },
      { op: 'Mul', inputs: [`${p}.g4`, 'half'], outputs: [`${p}.gelu`] },
    );
    const down = linear(`${p}.gelu`, `${p}.fc2`, 4 * D, D);
    nodes.push({ op: 'Add', inputs: [`${p}.res1`, down], outputs: [`${p}.out`] });
    h = `${p}.out`;
  }
  const out = ln(h, 'final');
  nodes.push({ op: 'Identity', inputs: [out], outputs: ['last_hidden_state'] });
  return {
    bytes: buildModel({
      opset: 17,
      inputs: [{ name: 'pixel_values', dtype: 'float32', shape: [1, 3, 224, 224] }],
      outputs: [{ name: 'last_hidden_state', dtype: 'float32', shape: [1, T, D] }],
      initializers: inits,
      nodes,
    }),
    feeds: { pixel_values: [[1, 3, 224, 224], randn(3 * 224 * 224, 1)] },
  };
}

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
models.push({ label: 'ViT-S/16-sized encoder, 224×224, random weights', make: vitLike });

const rows = [];
for (const { label, make } of models) {
  if (values.only && !label.includes(values.only)) continue;
  const { bytes, feeds } = make();
  const runtime = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
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
  const ourMs = await median(async () => {
    const r = session.run(tfFeeds, outputs);
    await Promise.all(Object.values(r).map((t) => t.data()));
    tf.dispose(Object.values(r));
  }, opts);
  rows.push({ label, ortMs, ourMs });
  session.dispose();
  tf.dispose(Object.values(tfFeeds).filter((t) => t instanceof tf.Tensor));
}

console.log(`\n@gradcam/onnx (tfjs ${backend}) vs onnxruntime-node 1.14 (CPU), forward pass, medians (${repeats} repeats; 5 for the big graphs)`);
const w = Math.max(...rows.map((r) => r.label.length));
console.log(`  ${'model'.padEnd(w)}  ${'onnxruntime'.padStart(11)}  ${'@gradcam/onnx'.padStart(13)}  ratio`);
for (const r of rows) {
  console.log(`  ${r.label.padEnd(w)}  ${r.ortMs.toFixed(2).padStart(8)} ms  ${r.ourMs.toFixed(2).padStart(10)} ms  ${(r.ourMs / r.ortMs).toFixed(1).padStart(5)}×`);
}
