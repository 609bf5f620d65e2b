import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLayer, explain, initBackend, listLayers } from '../src/index.js';
import { loadGraphModelFromFile, loadLayersModelFromFile } from '../src/node.js';
import { describeShared, loadImage } from './helpers/images.js';

// Real pretrained models on real photos (assets in ../shared, see its README; skipped without them).
// These check what the parity tests cannot: that the maps point at the right objects.

const LAYERS_MODEL = 'models/mobilenet-v1-075-layers/model.json';
const GRAPH_MODEL = 'models/mobilenet-v1-025-graph/model.json';
const LABELS = 'models/labels/imagenet_1000.json';
const ASTRONAUT = 'images/astronaut.png';
const CHELSEA = 'images/chelsea.png';

const SPACE_SHUTTLE = 812;
const CRASH_HELMET = 518;
/** ImageNet cats (0-based, 1000 classes): tabby, tiger cat, Persian, Siamese, Egyptian cat. */
const CATS = [281, 282, 283, 284, 285];

interface MapStats {
  min: number;
  max: number;
  /** Row and column of the maximum. */
  y: number;
  x: number;
  /** Fraction of pixels above 0.5. */
  hot: number;
}

function mapStats(map: Float32Array | number[], w: number): MapStats {
  let min = Infinity;
  let max = -Infinity;
  let arg = 0;
  let hot = 0;
  for (let i = 0; i < map.length; i++) {
    const v = map[i]!;
    if (v > max) [max, arg] = [v, i];
    if (v < min) min = v;
    if (v > 0.5) hot++;
  }
  return { min, max, y: Math.floor(arg / w), x: arg % w, hot: hot / map.length };
}

/** Row m of a [M, H, W] tensor, flattened. */
function row(maps: tf.Tensor3D, m: number): Float32Array {
  const [, h, w] = maps.shape;
  return (maps.dataSync() as Float32Array).slice(m * h * w, (m + 1) * h * w);
}

/** A real (not flat, not saturated) map: a clear maximum and a minority of hot pixels. */
function expectInformative(s: MapStats): void {
  expect(s.max - s.min).toBeGreaterThan(0.5);
  expect(s.hot).toBeGreaterThan(0.01);
  expect(s.hot).toBeLessThan(0.75);
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

describeShared('real models (../shared)', [LAYERS_MODEL, GRAPH_MODEL, LABELS, ASTRONAUT, CHELSEA], (shared) => {
  const labels = JSON.parse(readFileSync(join(shared, LABELS), 'utf8')) as string[];

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('labels file has the classes these tests rely on', () => {
    expect(labels).toHaveLength(1000);
    expect(labels[SPACE_SHUTTLE]).toContain('space shuttle');
    expect(labels[CRASH_HELMET]).toContain('crash helmet');
    expect(labels[281]).toContain('tabby');
    expect(labels[285]).toContain('Egyptian cat');
  });

  describe('mobilenet-v1-075 LayersModel, astronaut.png', () => {
    let model: tfl.LayersModel;
    let image: Awaited<ReturnType<typeof loadImage>>;

    beforeAll(async () => {
      model = await loadLayersModelFromFile(join(shared, LAYERS_MODEL));
      image = await loadImage(join(shared, ASTRONAUT), 224, [-1, 1]);
    });
    afterAll(() => {
      image?.tensor.dispose();
      model?.dispose();
    });

    it('LayersModel: default layer is the last conv block, conv_pw_13_relu', () => {
      expect(defaultLayer(model)).toBe('conv_pw_13_relu');
      const info = listLayers(model).find((l) => l.name === 'conv_pw_13_relu');
      expect(info?.spatial).toBe(true);
    });

    it('LayersModel on astronaut.png: space shuttle top right, crash helmet bottom half', async () => {
      const r = await explain(model, image.tensor, { targets: [[SPACE_SHUTTLE, CRASH_HELMET]] });
      try {
        expect(r.rows).toEqual([
          { item: 0, target: SPACE_SHUTTLE },
          { item: 0, target: CRASH_HELMET },
        ]);
        expect(r.maps.shape).toEqual([2, 224, 224]);
        expect(r.raw.shape).toEqual([2, 7, 7]);
        expect(r.layers[0]!.layer).toBe('conv_pw_13_relu');

        const shuttle = mapStats(row(r.maps, 0), 224);
        const helmet = mapStats(row(r.maps, 1), 224);
        expectInformative(shuttle);
        expectInformative(helmet);
        // The shuttle model stands in the top-right corner of the photo.
        expect(shuttle.y).toBeLessThan(112);
        expect(shuttle.x).toBeGreaterThanOrEqual(112);
        // The helmet sits on the table at the bottom.
        expect(helmet.y).toBeGreaterThanOrEqual(112);
        // Not the same map twice.
        expect(Math.abs(shuttle.y - helmet.y) + Math.abs(shuttle.x - helmet.x)).toBeGreaterThan(56);
      } finally {
        r.dispose();
      }
    });

    it('LayersModel: the cut head ends in the softmax, so a class-index score is the predicted probability', async () => {
      const r = await explain(model, image.tensor, { targets: [[SPACE_SHUTTLE, CRASH_HELMET]] });
      const probs = tf.tidy(() => model.predict(image.tensor) as tf.Tensor);
      try {
        const p = probs.dataSync();
        expect(probs.shape).toEqual([1, 1000]);
        let sum = 0;
        for (const v of p) sum += v;
        expect(sum).toBeCloseTo(1, 3);
        const s = r.scores.dataSync();
        expect(s[0]).toBeCloseTo(p[SPACE_SHUTTLE]!, 6);
        expect(s[1]).toBeCloseTo(p[CRASH_HELMET]!, 6);
        // Relative agreement too: the shuttle probability is tiny (~5e-6) on this photo.
        expect(Math.abs(s[0]! - p[SPACE_SHUTTLE]!) / p[SPACE_SHUTTLE]!).toBeLessThan(1e-3);
        expect(Math.abs(s[1]! - p[CRASH_HELMET]!) / p[CRASH_HELMET]!).toBeLessThan(1e-3);
      } finally {
        probs.dispose();
        r.dispose();
      }
    });

    it('LayersModel: the default target is the top-1 class of the softmax output', async () => {
      const probs = tf.tidy(() => model.predict(image.tensor) as tf.Tensor);
      const top1 = argmax(probs.dataSync());
      probs.dispose();
      const r = await explain(model, image.tensor);
      try {
        expect(r.rows).toEqual([{ item: 0, target: top1 }]);
        expectInformative(mapStats(row(r.maps, 0), 224));
      } finally {
        r.dispose();
      }
    });

    it('LayersModel: repeated explain calls leak no tensors', async () => {
      // Warm-up (first-call kernel/program setup), then the count must not move.
      (await explain(model, image.tensor, { targets: SPACE_SHUTTLE })).dispose();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) {
        const r = await explain(model, image.tensor, { targets: i % 2 ? [[SPACE_SHUTTLE, CRASH_HELMET]] : undefined });
        r.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('mobilenet-v1-025 GraphModel, chelsea.png', () => {
    let model: GraphModel;
    let image: Awaited<ReturnType<typeof loadImage>>;

    beforeAll(async () => {
      model = await loadGraphModelFromFile(join(shared, GRAPH_MODEL));
      image = await loadImage(join(shared, CHELSEA), 224, [0, 1]);
    });
    afterAll(() => {
      image?.tensor.dispose();
      model?.dispose();
    });

    it('GraphModel on chelsea.png: top-1 is a cat and its map covers the cat, not the background', async () => {
      expect([image.width, image.height]).toEqual([451, 300]);
      const logits = tf.tidy(() => model.predict(image.tensor) as tf.Tensor);
      const top1 = argmax(logits.dataSync());
      expect(logits.shape).toEqual([1, 1001]);
      logits.dispose();
      // Index 0 is "background": class i of the graph model is ImageNet class i - 1.
      expect(CATS).toContain(top1 - 1);
      expect(labels[top1 - 1]).toMatch(/cat|tabby/);

      const r = await explain(model, image.tensor);
      try {
        expect(r.rows).toEqual([{ item: 0, target: top1 }]);
        expect(r.layers[0]!.layer).toBe('module_apply_default/MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6');
        expect(r.raw.shape).toEqual([1, 7, 7]);
        const map = row(r.maps, 0);
        const s = mapStats(map, 224);
        expect(s.max - s.min).toBeGreaterThan(0.5);

        // The cat fills the photo except a strip of blurred background on the right (x ≥ ~375 of 451 px).
        const catRight = Math.round((375 / 451) * 224);
        let inSum = 0;
        let inN = 0;
        let outSum = 0;
        let outN = 0;
        for (let y = 0; y < 224; y++) {
          for (let x = 0; x < 224; x++) {
            const v = map[y * 224 + x]!;
            if (x < catRight) [inSum, inN] = [inSum + v, inN + 1];
            else [outSum, outN] = [outSum + v, outN + 1];
          }
        }
        const inside = inSum / inN;
        const outside = outSum / outN;
        expect(inside).toBeGreaterThan(outside + 0.25);
        expect(inside).toBeGreaterThan(2 * outside);
        expect(s.x).toBeLessThan(catRight);
      } finally {
        r.dispose();
      }
    });

    it('GraphModel: explaining the top-1 logit equals the graph model logit', async () => {
      const logits = tf.tidy(() => model.predict(image.tensor) as tf.Tensor);
      const l = logits.dataSync();
      const top1 = argmax(l);
      logits.dispose();
      const r = await explain(model, image.tensor, { targets: top1 });
      try {
        expect(r.scores.dataSync()[0]).toBeCloseTo(l[top1]!, 3);
      } finally {
        r.dispose();
      }
    });

    it('GraphModel: repeated explain calls leak no tensors', async () => {
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) (await explain(model, image.tensor, { targets: i === 1 ? [[282, 286]] : undefined })).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
