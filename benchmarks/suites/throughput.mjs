// Explanations per second on a batch of MobileNetV2 images: in this process (one thread) and through
// the worker pool (pool.mjs) with 1 and 2 workers, same chunks, same run. CPU time is the whole
// process's (all threads). Usage: node suites/throughput.mjs [--images 32] [--chunk 8] [--repeats 3] [--out f.json]
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { explainSync, initBackend } from '@gradcam/core';
import { MODELS, randomImages } from '../models.mjs';
import { createExplainPool } from '../pool.mjs';
import { arg, cpuMs, fmt, stats, writeResult } from '../lib.mjs';

process.env.GRADCAM_QUIET ??= '1';
const backend = await initBackend({ backend: arg('backend', 'wasm') });
const modelId = arg('model', 'mobilenetv2');
const n = Number(arg('images', '32'));
const chunk = Number(arg('chunk', '8'));
const repeats = Number(arg('repeats', '3'));
const sizes = arg('workers', '1,2').split(',').map(Number);
const options = { method: 'gradcam', targets: 1 };
const x = randomImages(n);
const data = x.dataSync().slice();
const shape = x.shape;

async function measure(label, fn) {
  await fn(); // warm-up
  const walls = [];
  const cpu = [];
  const load = loadavg()[0];
  for (let i = 0; i < repeats; i++) {
    const w0 = performance.now();
    const c0 = cpuMs();
    await fn();
    cpu.push(cpuMs() - c0);
    walls.push(performance.now() - w0);
  }
  const w = stats(walls);
  const c = stats(cpu);
  // Cores this process actually got: CPU time of all its threads over wall time.
  const r = { label, wall: w, cpu: c, imagesPerSecond: (n * 1000) / w.median, cpuMsPerImage: c.median / n, coresUsed: c.median / w.median, loadAvg1: load };
  console.log(
    `  ${label.padEnd(26)} ${fmt(w.median, 0).padStart(7)} ms wall  ${fmt(r.imagesPerSecond).padStart(6)} img/s  ${fmt(r.cpuMsPerImage).padStart(6)} CPU ms/img  ` +
      `${fmt(r.coresUsed, 2)} cores used  (load ${fmt(load, 2)})`,
  );
  return r;
}

/** How many cores N busy-looping workers actually get right now (CPU time / wall time): the ceiling any pool can reach. */
async function coresAvailable(n, ms = 1000) {
  const code = `const t0 = Date.now(); let x = 0; while (Date.now() - t0 < ${ms}) { for (let i = 0; i < 1e5; i++) x += Math.sqrt(i); } require('node:worker_threads').parentPort.postMessage(x);`;
  const c0 = cpuMs();
  const w0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => new Promise((resolve) => new Worker(code, { eval: true }).once('message', resolve))));
  return (cpuMs() - c0) / (performance.now() - w0);
}

const model = await MODELS[modelId].build();
console.log(`\nThroughput: ${n} images of ${MODELS[modelId].label}, Grad-CAM, chunks of ${chunk}, backend ${backend}, ${cpus().length} cores`);
const runs = [];
runs.push(
  await measure('this thread', () => {
    for (let s = 0; s < n; s += chunk) {
      const xs = tf.slice(x, s, Math.min(chunk, n - s));
      const r = explainSync(model, xs, options);
      r.maps.dataSync();
      r.dispose();
      xs.dispose();
    }
  }),
);
for (const size of sizes) {
  const pool = await createExplainPool({ size, model: modelId, backend });
  const available = await coresAvailable(size);
  const r = await measure(`pool, ${size} worker${size > 1 ? 's' : ''}`, () => pool.explain(data, shape, options, { chunk }));
  r.coresAvailable = available;
  console.log(`    (${size} busy-looping workers got ${fmt(available, 2)} cores just before)`);
  runs.push(r);
  await pool.close();
}
x.dispose();
writeResult({ model: modelId, backend, images: n, chunk, cores: cpus().length, runs });
