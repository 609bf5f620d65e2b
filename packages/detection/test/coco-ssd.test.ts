import { rm } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { type ObjectDetection, load as loadPackage } from '@tensorflow-models/coco-ssd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { fileHandler } from '@gradcam/core/node';
import { COCO_SSD_CLASSES, type Detector, cocoSsdDetector, explainDetections, loadCocoSsd } from '../src/index.js';
import { argmax2d } from './helpers/images.js';
import { serveDirectory } from './helpers/serve.js';
import { CUP, LAYER_19, PERSON, SHARED_LAYER, anchors, writeSsdModel } from './helpers/ssd-model.js';

// COCO-SSD weights cannot be downloaded here, so the adapter runs on a generated graph with coco-ssd's
// exact signature (helpers/ssd-model.ts), loaded through the package's own load({ modelUrl }).

const W = 320;
const H = 240;
/** Red square (→ "person") and blue square (→ "cup") on black, [x1, y1, x2, y2] in image pixels. */
const RED = [40, 30, 120, 110] as const;
const BLUE = [180, 140, 280, 220] as const;

function syntheticImage(): tf.Tensor3D {
  const data = new Int32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      if (x >= RED[0] && x < RED[2] && y >= RED[1] && y < RED[3]) data[i] = 255;
      if (x >= BLUE[0] && x < BLUE[2] && y >= BLUE[1] && y < BLUE[3]) data[i + 2] = 255;
    }
  }
  return tf.tensor3d(data, [H, W, 3], 'int32');
}

/** Fraction of a map's mass inside a rectangle [x1, y1, x2, y2] grown by `margin` pixels. */
function massIn(map: Float32Array, width: number, r: readonly number[], margin: number): number {
  let inside = 0;
  let total = 0;
  for (let i = 0; i < map.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    total += map[i]!;
    if (x >= r[0]! - margin && x < r[2]! + margin && y >= r[1]! - margin && y < r[3]! + margin) inside += map[i]!;
  }
  return total > 0 ? inside / total : 0;
}

function inside([x, y]: [number, number], r: readonly number[], margin: number): boolean {
  return x >= r[0]! - margin && x < r[2]! + margin && y >= r[1]! - margin && y < r[3]! + margin;
}

describe('coco-ssd adapter on a generated model with coco-ssd\'s signature', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof serveDirectory>>;
  let detector: Detector;
  let od: ObjectDetection;
  let image: tf.Tensor3D;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    dir = await writeSsdModel();
    server = await serveDirectory(dir);
    detector = await loadCocoSsd({ modelUrl: `${server.url}model.json` });
    od = await loadPackage({ modelUrl: `${server.url}model.json` });
    image = syntheticImage();
  });
  afterAll(async () => {
    image?.dispose();
    detector?.dispose();
    od?.dispose();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the generated model has the package signature and, like the real one, needs executeAsync', () => {
    const m = detector.model;
    expect(m.inputs.map((i) => [i.name, i.dtype])).toEqual([['image_tensor', 'int32']]);
    expect(m.outputs.map((o) => o.name)).toEqual(['Postprocessor/Slice', 'Postprocessor/ExpandDims_1']);
    const x = tf.zeros([1, 300, 300, 3], 'int32');
    expect(() => m.execute(x)).toThrow(/executeAsync/);
    x.dispose();
  });

  it('finds the preprocessed input and the last node shared by both box predictors', () => {
    expect(detector.family).toBe('coco-ssd');
    expect(detector.name).toBe('coco-ssd-lite_mobilenet_v2');
    expect(detector.inputSize).toEqual([300, 300]);
    expect(detector.layer).toBe(SHARED_LAYER);
    expect(detector.labels[PERSON]).toBe('person');
    expect(detector.labels[CUP]).toBe('cup');
    expect(detector.labels).toEqual([...COCO_SSD_CLASSES]);
  });

  it('returns exactly the detections of the package\'s detect(), each box an anchor of its class', async () => {
    const theirs = await od.detect(image, 20, 0.5);
    const r = await explainDetections(detector, image);
    expect(theirs.length).toBeGreaterThan(2);
    expect(r.detections.map(({ bbox, class: c, score }) => ({ bbox, class: c, score }))).toEqual(theirs);
    const boxes = anchors().map(([y1, x1, y2, x2]) => [x1! * W, y1! * H, (x2! - x1!) * W, (y2! - y1!) * H]);
    const full = 1 / (1 + Math.exp(-6)); // a person/cup anchor fully inside its square: logit 6
    for (const d of r.detections) {
      expect(boxes.some((b) => b.every((v, i) => Math.abs(v - d.bbox[i]!) < 1e-3))).toBe(true);
      expect(['person', 'cup']).toContain(d.class);
      expect(d.targetScore).toBeCloseTo(d.score, 5);
      expect(d.score).toBeLessThanOrEqual(full + 1e-6);
    }
    expect(r.detections[0]!.score).toBeCloseTo(full, 5);
    expect(new Set(r.detections.map((d) => d.class))).toEqual(new Set(['person', 'cup']));
    expect(r.layer).toEqual([SHARED_LAYER]);
  });

  it('each detection gets its own map, on its own square', async () => {
    const r = await explainDetections(detector, image);
    for (const d of r.detections) {
      expect([d.width, d.height]).toEqual([W, H]);
      expect([d.rawWidth, d.rawHeight]).toEqual([19, 19]);
      expect(d.map.every((v) => v >= 0 && v <= 1)).toBe(true);
      const own = d.class === 'person' ? RED : BLUE;
      const other = d.class === 'person' ? BLUE : RED;
      // One 19×19 cell is ~17 × 13 image pixels: allow one cell of spill-over.
      expect(inside(argmax2d(d.map, W), own, 17)).toBe(true);
      expect(massIn(d.map, W, own, 17)).toBeGreaterThan(0.95);
      expect(massIn(d.map, W, other, 0)).toBeLessThan(0.01);
    }
    const person = r.detections.find((d) => d.class === 'person')!;
    const cup = r.detections.find((d) => d.class === 'cup')!;
    const diff = person.map.reduce((s, v, i) => s + Math.abs(v - cup.map[i]!), 0) / person.map.length;
    expect(diff).toBeGreaterThan(0.05);
  });

  it('the score is per anchor: with HiResCAM (g ⊙ A) two persons get different maps, each at its own anchor', async () => {
    const r = await explainDetections(detector, image, { method: 'hirescam' });
    const persons = r.detections.filter((d) => d.class === 'person');
    expect(persons.length).toBeGreaterThan(1);
    const centre = (d: (typeof persons)[number]) => [d.bbox[0] + d.bbox[2] / 2, d.bbox[1] + d.bbox[3] / 2];
    for (const d of persons) {
      const [px, py] = argmax2d(d.map, W);
      const [cx, cy] = centre(d);
      // The anchor's 19×19 cell is ~17 × 13 image pixels.
      expect(Math.abs(px - cx!)).toBeLessThan(17);
      expect(Math.abs(py - cy!)).toBeLessThan(13);
    }
    const [a, b] = persons;
    expect(a!.map.some((v, i) => Math.abs(v - b!.map[i]!) > 0.5)).toBe(true);
  });

  it('explains through other layers and methods; a layer one predictor does not read gives that detection a flat map', async () => {
    const pp = await explainDetections(detector, image, { maxBoxes: 3, method: 'gradcam++' });
    expect(pp.method).toBe('gradcam++');
    const r = await explainDetections(detector, image, { layer: LAYER_19, maxBoxes: 20 });
    expect(r.layer).toEqual([LAYER_19]);
    for (const d of r.detections) expect([d.rawWidth, d.rawHeight]).toEqual([10, 10]);
    const flat = r.detections.filter((d) => d.map.every((v) => v === 0));
    // 19×19-anchor detections do not depend on the 10×10 layer: zero gradient, an all-zero (not NaN) map.
    expect(flat.length).toBeGreaterThan(0);
    expect(r.detections.every((d) => d.map.every((v) => Number.isFinite(v)))).toBe(true);
    // A layer that feeds only the box encodings: no score depends on it, and the error says so.
    const before = tf.memory().numTensors;
    await expect(explainDetections(detector, image, { layer: 'BoxPredictor_0/BoxEncodingPredictor/BiasAdd', maxBoxes: 2 })).rejects.toThrow(
      /none of the 2 detection score\(s\) depends on layer 'BoxPredictor_0\/BoxEncodingPredictor\/BiasAdd'.*the default 'FeatureExtractor\/MobilenetV2\/layer_15\/expansion_output'/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes an IOHandler as modelUrl and wraps an already-loaded ObjectDetection', async () => {
    const viaHandler = await loadCocoSsd({ modelUrl: fileHandler(`${dir}/model.json`), base: 'mobilenet_v2' });
    expect(viaHandler.name).toBe('coco-ssd-mobilenet_v2');
    const wrapped = await cocoSsdDetector(od);
    const a = await explainDetections(viaHandler, image, { maxBoxes: 2 });
    const b = await explainDetections(wrapped, image, { maxBoxes: 2 });
    expect(a.detections.map((d) => d.bbox)).toEqual(b.detections.map((d) => d.bbox));
    expect(a.detections[0]!.map).toEqual(b.detections[0]!.map);
    viaHandler.dispose();
  });

  it('no detections above minScore: an empty list', async () => {
    const black = tf.zeros([H, W, 3], 'int32') as tf.Tensor3D;
    const r = await explainDetections(detector, black);
    expect(r.detections).toEqual([]);
    black.dispose();
  });

  it('leaves tf.memory().numTensors unchanged over repeated calls, also failing ones', async () => {
    await explainDetections(detector, image, { maxBoxes: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await explainDetections(detector, image, { maxBoxes: 4, method: i === 2 ? 'scorecam' : 'gradcam' });
      await expect(explainDetections(detector, image, { layer: 'BoxPredictor_9' })).rejects.toThrow(/no node named 'BoxPredictor_9'/);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad arguments with specific messages', async () => {
    const rgba = tf.zeros([4, 4, 4], 'int32') as tf.Tensor3D;
    await expect(explainDetections(detector, rgba)).rejects.toThrow(/\[H, W, 3\].*got shape \[4,4,4\]/);
    await expect(explainDetections(detector, image, { maxBoxes: 0 })).rejects.toThrow(/maxBoxes must be a positive integer/);
    await expect(explainDetections(detector, image, { minScore: 2 })).rejects.toThrow(/minScore must be in \[0, 1\]/);
    await expect(cocoSsdDetector({})).rejects.toThrow(/ObjectDetection object returned by @tensorflow-models\/coco-ssd load/);
    rgba.dispose();
  });
});
