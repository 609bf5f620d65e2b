import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { fileHandler } from '@gradcam/core/node';
import { COCO_80_CLASSES, type Detector, type ExplainedDetection, decodeCenterNet, explainDetections, loadCenterNet } from '../src/index.js';
import { argmax2d, describeShared, readImage } from './helpers/images.js';

// The real CenterNet (MobileNetV3, COCO) of ../shared on real photos.

const MODEL = 'models/centernet-coco/centernet.json';
const LABELS = 'models/labels/coco80_yolo_ml5.json';
const COFFEE = 'images/coffee.png';
const ASTRONAUT = 'images/astronaut.png';
const STRIDE_16 = 'tower_0/CenternetHead/c5_upsample/add';

/** Fraction of a detection's map mass inside its own box. */
function massInBox(d: ExplainedDetection): number {
  const [x, y, w, h] = d.bbox;
  let inside = 0;
  let total = 0;
  for (let i = 0; i < d.map.length; i++) {
    const px = (i % d.width) + 0.5;
    const py = Math.floor(i / d.width) + 0.5;
    total += d.map[i]!;
    if (px >= x && px <= x + w && py >= y && py <= y + h) inside += d.map[i]!;
  }
  return total > 0 ? inside / total : 0;
}

function inBox([px, py]: [number, number], d: ExplainedDetection): boolean {
  const [x, y, w, h] = d.bbox;
  return px + 0.5 >= x && px + 0.5 <= x + w && py + 0.5 >= y && py + 0.5 <= y + h;
}

describeShared('CenterNet (../shared/models/centernet-coco) on real photos', [MODEL, LABELS, COFFEE, ASTRONAUT], (shared) => {
  let detector: Detector;
  let coffee: tf.Tensor3D;
  let astronaut: tf.Tensor3D;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    detector = await loadCenterNet(fileHandler(join(shared, MODEL)));
    coffee = await readImage(join(shared, COFFEE));
    astronaut = await readImage(join(shared, ASTRONAUT));
  });
  afterAll(() => {
    tf.dispose([coffee, astronaut]);
    detector?.dispose();
  });

  it('labels: the COCO-80 order of the model (coco-ssd spellings of the VOC-style names)', () => {
    const file = JSON.parse(readFileSync(join(shared, LABELS), 'utf8')) as string[];
    const voc: Record<string, string> = { motorbike: 'motorcycle', aeroplane: 'airplane', sofa: 'couch', pottedplant: 'potted plant', diningtable: 'dining table', tvmonitor: 'tv' };
    expect(file.map((n) => voc[n] ?? n)).toEqual([...COCO_80_CLASSES]);
    expect(detector.labels).toEqual([...COCO_80_CLASSES]);
  });

  it('finds its input size and the stride-8 concatenation of the head as default layer', () => {
    expect(detector.family).toBe('centernet');
    expect(detector.inputSize).toEqual([512, 512]);
    expect(detector.layer).toBe('tower_0/CenternetHead/concat_1');
  });

  it('decodeCenterNet reproduces the graph\'s own tower_0/detections exactly', () => {
    const [hm, wh, dets] = tf.tidy(() => {
      const x = tf.image.resizeBilinear(tf.expandDims(tf.cast(coffee, 'float32')) as tf.Tensor4D, [512, 512]);
      return detector.model.execute(x, ['tower_0/keypoints', 'tower_0/wh', 'tower_0/detections']) as tf.Tensor[];
    });
    const peaks = decodeCenterNet(hm as tf.Tensor4D, wh as tf.Tensor4D, [512, 512]);
    const rows = (dets!.arraySync() as number[][][])[0]!;
    expect(peaks).toHaveLength(100);
    peaks.forEach((p, i) => {
      const [x1, y1, x2, y2, score, cls] = rows[i]!;
      expect(p.classIndex).toBe(cls);
      expect(p.score).toBeCloseTo(score!, 6);
      p.box.forEach((v, k) => expect(v).toBeCloseTo([x1, y1, x2, y2][k]!, 3));
    });
    tf.dispose([hm!, wh!, dets!]);
  });

  it('coffee.png: a cup; with the default layer its map peaks in its box and ≥ 60 % of its mass is inside', async () => {
    const r = await explainDetections(detector, coffee);
    const cup = r.detections.find((d) => d.class === 'cup');
    expect(cup).toBeDefined();
    expect(cup!.score).toBeGreaterThan(0.4);
    expect(cup!.targetScore).toBeCloseTo(cup!.score, 5);
    expect([cup!.width, cup!.height]).toEqual([600, 400]);
    expect([cup!.rawWidth, cup!.rawHeight]).toEqual([64, 64]);
    const [w, h] = [cup!.bbox[2], cup!.bbox[3]];
    const boxFraction = (w * h) / (600 * 400);
    expect(boxFraction).toBeGreaterThan(0.2);
    expect(boxFraction).toBeLessThan(0.3);
    expect(inBox(argmax2d(cup!.map, 600), cup!)).toBe(true);
    const mass = massInBox(cup!);
    expect(mass).toBeGreaterThanOrEqual(0.6);
    // Why the default matters: a stride-16 layer spreads the same explanation over the table.
    const coarse = (await explainDetections(detector, coffee, { layer: STRIDE_16 })).detections.find((d) => d.class === 'cup')!;
    expect(massInBox(coarse)).toBeLessThan(mass - 0.2);
    console.info(`centernet coffee.png cup: box ${(100 * boxFraction).toFixed(1)} % of the image, mass in box ${(100 * mass).toFixed(1)} % (default layer), ${(100 * massInBox(coarse)).toFixed(1)} % (${STRIDE_16})`);
  });

  it('astronaut.png: the person\'s map and a second detection\'s map differ', async () => {
    const r = await explainDetections(detector, astronaut, { minScore: 0.1 });
    const person = r.detections.find((d) => d.class === 'person');
    const other = r.detections.find((d) => d.class !== 'person');
    expect(person).toBeDefined();
    expect(other).toBeDefined();
    expect(r.detections[0]).toBe(person);
    expect(inBox(argmax2d(person!.map, 512), person!)).toBe(true);
    const diff = person!.map.reduce((s, v, i) => s + Math.abs(v - other!.map[i]!), 0) / person!.map.length;
    const [px, py] = argmax2d(person!.map, 512);
    const [ox, oy] = argmax2d(other!.map, 512);
    console.info(`centernet astronaut.png: ${r.detections.map((d) => `${d.class} ${d.score.toFixed(2)} [${d.bbox.map((v) => v.toFixed(0))}] peak ${argmax2d(d.map, 512)} mass ${massInBox(d).toFixed(2)}`).join('; ')}; mean |Δ| ${diff.toFixed(3)}`);
    // Measured: person peak (172, 291) on the torso, motorcycle (the helmet on the table) at (244, 508); mean |Δ| 0.05.
    expect(diff).toBeGreaterThan(0.03);
    expect(Math.hypot(px - ox, py - oy)).toBeGreaterThan(100);
  });

  it('leaves tf.memory().numTensors unchanged over repeated calls', async () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) await explainDetections(detector, astronaut, { minScore: 0.1, maxBoxes: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
