// Explaining one CenterNet detection (Grad-CAM of its centre-heatmap score at the stride-8 head layer)
// against the detector's forward pass, round robin in one process, with the kernel profile of the
// explanation. Needs ../shared (the MobileNetV3 CenterNet and coffee.png); skips without it.
//   node suites/detection.mjs [--repeats 5] [--out f.json]
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { explainSync, initBackend } from '@gradcam/core';
import { fileHandler } from '@gradcam/core/node';
import { arg, fmt, kernelProfile, mb, roundRobin, writeResult } from '../lib.mjs';

process.env.GRADCAM_QUIET ??= '1';
const backend = await initBackend({ backend: arg('backend', 'wasm') });
const shared = new URL('../../../shared/', import.meta.url).pathname;
const modelPath = `${shared}models/centernet-coco/centernet.json`;
const photo = `${shared}images/coffee.png`;
if (!existsSync(modelPath) || !existsSync(photo)) {
  console.log('\nCenterNet detection: skipped (../shared absent)');
  writeResult({ skipped: '../shared absent' });
  process.exit(0);
}
// Workspace packages (not dependencies of the benchmarks package: imported from the monorepo's links).
const { loadCenterNet } = await import('@gradcam/detection');
const { decodeImage } = await import('@gradcam/viz/node');
const detector = await loadCenterNet(fileHandler(modelPath));
const rgb = await decodeImage(photo);
const image = tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'int32');
const run = await detector.detect(image, { maxBoxes: 5, minScore: detector.minScore });
const detection = run.detections[0];
if (!detection) throw new Error('CenterNet found nothing on coffee.png');
const x = run.input;
const cut = detector.cut(detector.layer);
const outputs = detector.model.outputs.map((o) => o.name);
const fns = {
  forward: () => {
    const ys = detector.model.execute(x, outputs);
    (Array.isArray(ys) ? ys : [ys]).forEach((t) => t.dataSync());
    tf.dispose(ys);
  },
  explainOne: () => {
    const r = explainSync(cut, x, { targets: [detection.target] });
    r.maps.dataSync();
    r.dispose();
  },
};
const rr = await roundRobin(fns, { repeats: Number(arg('repeats', '5')), warmup: 1 });
const f = rr.results.forward;
const e = rr.results.explainOne;
const profile = await kernelProfile(fns.explainOne);
const result = {
  backend,
  model: 'CenterNet MobileNetV3 (COCO), 512×512 (../shared)',
  layer: detector.layer,
  detection: { class: detection.class, score: detection.score },
  forward: f,
  explainOne: { ...e, ratioCpu: e.cpu.median / f.cpu.median, ratioWall: e.wall.median / f.wall.median, profile },
  peakRss: rr.peakRss,
};
console.log(
  `\nCenterNet (512×512), ${backend}: forward ${fmt(f.cpu.median)} CPU ms (${fmt(f.wall.median)} wall); explaining one detection ` +
    `('${detection.class}' at ${detector.layer}) ${fmt(e.cpu.median)} CPU ms = ${fmt(result.explainOne.ratioCpu, 2)}× forward ` +
    `(wall ${fmt(result.explainOne.ratioWall, 2)}×); fallbacks: ${profile.fallback.join(', ') || 'none'}; peak RSS ${mb(rr.peakRss)}`,
);
x.dispose();
image.dispose();
writeResult(result);
