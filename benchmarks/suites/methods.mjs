// Cost of each CAM method relative to one forward pass of the same model, on one backend, in one
// process: the forward pass and every method run round robin (warm-up rounds, then timed rounds),
// medians of wall and CPU time, numTensors before/after, RSS. Also: k = 5 classes of one image
// (batch 1), the full input gradient (what guided backprop needs) with its kernel profile, and the
// slow methods (Ablation-CAM; Score-CAM with `maxChannels`) timed once or twice.
//
//   node suites/methods.mjs --model mobilenetv2 --backend wasm --batches 1,8 [--methods a,b] [--repeats 7]
//        [--warmup 2] [--inputgrad 1,8] [--k5] [--slow] [--scorecam-channels 32] [--out file.json]
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { explainSync, initBackend, inputGradientsSync, METHODS } from '@gradcam/core';
import { MODELS, forwardOnce, randomImages } from '../models.mjs';
import { arg, cpuMs, fmt, kernelProfile, mb, peakRss, roundRobin, writeResult } from '../lib.mjs';

process.env.GRADCAM_QUIET ??= '1';
const modelId = arg('model', 'mobilenetv2');
const backend = await initBackend({ backend: arg('backend', 'wasm') });
const batches = arg('batches', '1').split(',').map(Number);
const GRADIENT_METHODS = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'gradcam-elementwise'];
const methods = arg('methods', [...GRADIENT_METHODS, 'eigencam'].join(',')).split(',').filter(Boolean);
const repeats = Number(arg('repeats', '7'));
const warmup = Number(arg('warmup', '2'));
const inputGradBatches = arg('inputgrad', '').split(',').filter(Boolean).map(Number);
const k5 = process.argv.includes('--k5');
const slow = process.argv.includes('--slow');
const scoreCamChannels = Number(arg('scorecam-channels', '32'));

const spec = MODELS[modelId];
if (!spec) throw new Error(`unknown model ${modelId}; models: ${Object.keys(MODELS).join(', ')}`);
if (spec.path && !existsSync(spec.path)) {
  writeResult({ model: modelId, label: spec.label, backend, skipped: `${spec.path} not found (../shared absent)` });
  console.log(`${spec.label}: skipped (../shared absent)`);
  process.exit(0);
}
const model = await spec.build();
const TARGET = 1;
const result = { model: modelId, label: spec.label, backend, batches: [] };

for (const batch of batches) {
  const x = randomImages(batch);
  const targets = TARGET;
  const fns = { forward: () => forwardOnce(model, x) };
  for (const method of methods) {
    if (!METHODS[method]) throw new Error(`unknown method ${method}`);
    fns[method] = () => {
      const r = explainSync(model, x, { method, targets });
      r.maps.dataSync();
      r.dispose();
    };
  }
  if (k5 && batch === 1) {
    fns['k5'] = () => {
      const r = explainSync(model, x, { method: 'gradcam', targets: [[1, 2, 3, 4, 5]] });
      r.maps.dataSync();
      r.dispose();
    };
  }
  if (inputGradBatches.includes(batch)) {
    fns['inputGradient'] = () => {
      const g = inputGradientsSync(model, x, { targets });
      g.gradients.dataSync();
      g.dispose();
    };
  }
  const rr = await roundRobin(fns, { repeats, warmup });
  const fwd = rr.results.forward;
  const entry = {
    batch,
    repeats,
    warmup,
    forward: fwd,
    runs: {},
    rssBefore: rr.rssBefore,
    rssAfter: rr.rssAfter,
    peakRss: rr.peakRss,
  };
  for (const [name, r] of Object.entries(rr.results)) {
    if (name === 'forward') continue;
    entry.runs[name] = { ...r, ratioCpu: r.cpu.median / fwd.cpu.median, ratioWall: r.wall.median / fwd.wall.median };
  }
  if (inputGradBatches.includes(batch)) {
    entry.runs['inputGradient'].profile = await kernelProfile(() => {
      const g = inputGradientsSync(model, x, { targets });
      g.gradients.dataSync();
      g.dispose();
    });
  }
  if (slow) {
    const once = (name, opts, runs = 1) => {
      const before = tf.memory().numTensors;
      const walls = [];
      const cpus = [];
      for (let i = 0; i < runs; i++) {
        const w0 = performance.now();
        const c0 = cpuMs();
        const r = explainSync(model, x, { targets, ...opts });
        r.maps.dataSync();
        r.dispose();
        cpus.push(cpuMs() - c0);
        walls.push(performance.now() - w0);
      }
      const cpu = cpus.sort((a, b) => a - b)[runs >> 1];
      const wall = walls.sort((a, b) => a - b)[runs >> 1];
      entry.runs[name] = {
        cpu: { median: cpu, min: Math.min(...cpus), max: Math.max(...cpus), n: runs },
        wall: { median: wall, min: Math.min(...walls), max: Math.max(...walls), n: runs },
        ratioCpu: cpu / fwd.cpu.median,
        ratioWall: wall / fwd.wall.median,
        tensorsBefore: before,
        tensorsAfter: tf.memory().numTensors,
        peakRss: peakRss(),
        ...opts,
      };
    };
    once('ablationcam', { method: 'ablationcam' });
    once('scorecam', { method: 'scorecam', maxChannels: scoreCamChannels });
    const sc = entry.runs['scorecam'];
    sc.channels = scoreCamChannels;
    sc.cpuPerChannelPerImage = sc.cpu.median / (scoreCamChannels * batch);
    sc.wallPerChannelPerImage = sc.wall.median / (scoreCamChannels * batch);
  }
  entry.peakRss = peakRss();
  result.batches.push(entry);
  x.dispose();

  console.log(`\n${spec.label} — backend ${backend}, batch ${batch}; medians of ${repeats} rounds (round robin, ${warmup} warm-up)`);
  console.log(`  ${'run'.padEnd(20)} ${'CPU ms'.padStart(9)} ${'wall ms'.padStart(9)}  ${'×fwd CPU'.padStart(8)} ${'×fwd wall'.padStart(9)}  tensors`);
  const line = (name, r, rc, rw) =>
    console.log(
      `  ${name.padEnd(20)} ${fmt(r.cpu.median).padStart(9)} ${fmt(r.wall.median).padStart(9)}  ${fmt(rc, 2).padStart(8)} ${fmt(rw, 2).padStart(9)}  ${r.tensorsBefore}→${r.tensorsAfter}`,
    );
  line('forward', fwd, 1, 1);
  for (const [name, r] of Object.entries(entry.runs)) line(name + (r.maxChannels ? ` (N=${r.maxChannels})` : ''), r, r.ratioCpu, r.ratioWall);
  if (entry.runs['inputGradient']?.profile) {
    const p = entry.runs['inputGradient'].profile;
    console.log(`  input gradient kernels: ${p.kernels.length} distinct; copy-to-cpu fallbacks: ${p.fallback.join(', ') || 'none'}; unregistered: ${p.unregistered.join(', ') || 'none'}`);
  }
  console.log(`  peak RSS ${mb(entry.peakRss)}`);
}
writeResult(result);
