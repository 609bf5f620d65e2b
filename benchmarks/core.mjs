// Cost of each CAM method relative to one forward pass of the same model, same backend, same run.
// Model: the ImageNet MobileNet v1 0.75 from ../shared when present, else a random MobileNet-shaped
// stack of depthwise-separable convolutions (224×224). Usage: node benchmarks/core.mjs [--backend wasm|cpu] [--batch 1]
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { explain, initBackend, METHODS } from '@gradcam/core';
import { loadLayersModelFromFile } from '@gradcam/core/node';
import { median, table } from './lib.mjs';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'wasm' }, batch: { type: 'string', default: '1' }, methods: { type: 'string' } } });
const backend = await initBackend({ backend: values.backend });
const batch = Number(values.batch);
const shared = new URL('../../shared/models/mobilenet-v1-075-layers/model.json', import.meta.url).pathname;

function randomMobileNet() {
  const input = tfl.input({ shape: [224, 224, 3] });
  let x = tfl.layers.conv2d({ filters: 24, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input);
  for (const [filters, stride] of [[48, 1], [96, 2], [96, 1], [192, 2], [192, 1], [384, 2], [384, 1], [384, 1], [768, 2], [768, 1]]) {
    x = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', activation: 'relu' }).apply(x);
    x = tfl.layers.conv2d({ filters, kernelSize: 1, activation: 'relu', name: `pw_${filters}_${stride}_${Math.random().toString(36).slice(2, 6)}` }).apply(x);
  }
  const out = tfl.layers.dense({ units: 1000 }).apply(tfl.layers.globalAveragePooling2d({}).apply(x));
  return tfl.model({ inputs: input, outputs: out });
}

const model = existsSync(shared) ? await loadLayersModelFromFile(shared) : randomMobileNet();
const name = existsSync(shared) ? 'MobileNet v1 0.75 (../shared)' : 'random MobileNet-shaped net';
const x = tf.randomUniform([batch, 224, 224, 3], -1, 1);
const forward = await median(() => tf.tidy(() => model.predict(x).dataSync()));
const rows = [{ name: 'forward (model.predict)', ms: forward, ratio: 1 }];
const methods = values.methods ? values.methods.split(',') : Object.keys(METHODS);
for (const method of methods) {
  const slow = method === 'scorecam' || method === 'ablationcam';
  const ms = await median(
    async () => {
      const r = await explain(model, x, { method, targets: 1 });
      await r.maps.data();
      r.dispose();
    },
    { repeats: slow ? 1 : 7, warmup: slow ? 0 : 2 },
  );
  rows.push({ name: method, ms, ratio: ms / forward });
}
table(`${name}, batch ${batch}, backend ${backend} — time and ratio to one forward pass (medians)`, rows);
