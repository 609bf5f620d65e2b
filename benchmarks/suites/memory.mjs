// Memory discipline. `--mode repeat`: N consecutive explanations of one image (default 1000) —
// numTensors must not change and RSS after N must stay within 5 % of RSS after the first 50 (GC run
// before each reading; run with --expose-gc). `--what forward` runs plain forward passes instead: the
// control for what the runtime itself does to RSS over as many calls. `--mode scorecam`: one Score-CAM explanation of a batch
// (default 8 MobileNetV2 images) with `maxChannels`, in a fresh process: its peak RSS.
//   node --expose-gc suites/memory.mjs --mode repeat [--model mobilenet-v1-025] [--count 1000]
//   node suites/memory.mjs --mode scorecam [--batch 8] [--channels 32] [--batch-size 32]
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { explainSync, initBackend } from '@gradcam/core';
import { MODELS, forwardOnce, randomImages } from '../models.mjs';
import { arg, cpuMs, fmt, mb, peakRss, writeResult } from '../lib.mjs';

process.env.GRADCAM_QUIET ??= '1';
const backend = await initBackend({ backend: arg('backend', 'wasm') });
const mode = arg('mode', 'repeat');
const gc = () => globalThis.gc?.();

if (mode === 'repeat') {
  let modelId = arg('model', 'mobilenet-v1-025');
  if (MODELS[modelId].path && !existsSync(MODELS[modelId].path)) modelId = 'mobilenetv2';
  const count = Number(arg('count', '1000'));
  const what = arg('what', 'explain');
  const checkpoint = Math.min(50, count);
  const model = await MODELS[modelId].build();
  const x = randomImages(1);
  const tensorsStart = tf.memory().numTensors;
  let rssAt50 = 0;
  const series = [];
  let tensorsAt50 = 0;
  const c0 = cpuMs();
  const w0 = performance.now();
  for (let i = 1; i <= count; i++) {
    if (what === 'forward') forwardOnce(model, x);
    else {
      const r = explainSync(model, x, { method: 'gradcam', targets: 1 + (i % 5) });
      r.maps.dataSync();
      r.dispose();
    }
    if (i === checkpoint) {
      gc();
      rssAt50 = process.memoryUsage().rss;
      tensorsAt50 = tf.memory().numTensors;
    }
    if (i % 50 === 0 || i === count) {
      gc();
      series.push({ i, rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, numTensors: tf.memory().numTensors });
    }
  }
  gc();
  const rssEnd = process.memoryUsage().rss;
  const result = {
    mode,
    what,
    model: modelId,
    label: MODELS[modelId].label,
    backend,
    count,
    checkpoint,
    tensorsStart,
    tensorsAt50,
    tensorsEnd: tf.memory().numTensors,
    rssAt50,
    rssEnd,
    rssGrowth: rssEnd / rssAt50 - 1,
    cpuMsPerExplanation: (cpuMs() - c0) / count,
    wallMsPerExplanation: (performance.now() - w0) / count,
    gcExposed: typeof globalThis.gc === 'function',
    series,
  };
  const at = (k) => series.find((p) => p.i === k)?.rss;
  if (count >= 200) result.rssGrowthFrom100 = rssEnd / at(100) - 1;
  console.log(
    `\n${count} consecutive ${what === 'forward' ? 'forward passes (control)' : 'Grad-CAM explanations'}, ${result.label}, ${backend}: numTensors ${tensorsStart} → ${tensorsAt50} (after ${checkpoint}) → ${result.tensorsEnd}; ` +
      `RSS ${mb(rssAt50)} after ${checkpoint} → ${mb(rssEnd)} (${fmt(100 * result.rssGrowth, 2)} %)` +
      (result.rssGrowthFrom100 !== undefined ? `; from the 100th: ${fmt(100 * result.rssGrowthFrom100, 2)} %` : ''),
  );
  writeResult(result);
} else {
  const batch = Number(arg('batch', '8'));
  const channels = Number(arg('channels', '32'));
  const batchSize = Number(arg('batch-size', '32'));
  const model = await MODELS.mobilenetv2.build();
  const x = randomImages(batch);
  const before = peakRss();
  const rssBefore = process.memoryUsage().rss;
  const tensorsBefore = tf.memory().numTensors;
  const c0 = cpuMs();
  const w0 = performance.now();
  const r = explainSync(model, x, { method: 'scorecam', targets: 1, maxChannels: channels, batchSize });
  r.maps.dataSync();
  r.dispose();
  const result = {
    mode,
    model: 'mobilenetv2',
    backend,
    batch,
    channels,
    batchSize,
    peakRssBefore: before,
    rssBefore,
    peakRss: peakRss(),
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
    cpuMs: cpuMs() - c0,
    wallMs: performance.now() - w0,
  };
  console.log(
    `\nScore-CAM, MobileNetV2, batch ${batch}, maxChannels ${channels}, batchSize ${batchSize}, ${backend}: peak RSS ${mb(result.peakRss)} ` +
      `(process before: ${mb(rssBefore)}), ${fmt(result.wallMs / 1000, 1)} s wall, numTensors ${tensorsBefore} → ${result.tensorsAfter}`,
  );
  writeResult(result);
}
