// Guided Backprop and Guided Grad-CAM on the real photos in ../shared with the ImageNet MobileNet
// v1 α0.75: photo | Grad-CAM | guided backprop | Guided Grad-CAM, one row per (photo, class).
// Usage: node examples/evaluation/guided.mjs [out.jpg]   (default docs/images/guided-gradcam.jpg)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { classMatrix, guidedGradCam, initBackend, scoreFunction } from '@gradcam/core';
import { loadLayersModelFromFile } from '@gradcam/core/node';
import { composeGrid, overlayHeatmap, renderGradients, resizeImage } from '@gradcam/viz';
import { decodeImage, writeImage } from '@gradcam/viz/node';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', '..', 'shared');
const out = process.argv[2] ?? join(here, '..', '..', 'docs', 'images', 'guided-gradcam.jpg');
if (!existsSync(join(shared, 'models'))) {
  console.error(`../shared not found (${shared}): this example needs the real MobileNet and photos described in ../shared/README.md`);
  process.exit(1);
}
await initBackend();
const model = await loadLayersModelFromFile(join(shared, 'models/mobilenet-v1-075-layers/model.json'));
const rows = [];
for (const [file, cls, label] of [['astronaut.png', 812, 'space shuttle'], ['astronaut.png', 518, 'crash helmet'], ['chelsea.png', 285, 'Egyptian cat'], ['coffee.png', 967, 'espresso']]) {
  const photo = await decodeImage(join(shared, 'images', file));
  const small = resizeImage(photo, 224, 224);
  const x = tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(small.data), [1, 224, 224, 3]), 127.5), 1));
  // The model ends in a softmax: explain log p (the logit minus the log-normaliser), whose gradient
  // does not vanish for unlikely classes the way the probability's does.
  const logProb = scoreFunction((o) => tf.log(tf.add(tf.reshape(tf.slice(classMatrix(o), [0, cls], [-1, 1]), [-1]), 1e-30)), `log p[${cls}]`);
  const r = await guidedGradCam(model, x, { targets: logProb });
  const map = { width: 224, height: 224, data: r.cam.maps.dataSync() };
  rows.push([
    { image: small, label: file },
    { image: overlayHeatmap(small, map), label: `Grad-CAM ${label}` },
    { image: renderGradients(r.guided.dataSync(), 224, 224), label: 'guided backprop' },
    { image: renderGradients(r.product.dataSync(), 224, 224), label: 'Guided Grad-CAM' },
  ]);
  r.dispose();
  x.dispose();
}
await writeImage(out, composeGrid(rows, { cellHeight: 224 }), { quality: 85 });
console.log(`wrote ${out}`);
