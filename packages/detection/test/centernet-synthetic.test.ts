import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { type Detector, centerNetDetector, decodeCenterNet, explainDetections, iou, nmsPerClass, sharedNodes } from '../src/index.js';
import { argmax2d } from './helpers/images.js';
import { GraphBuilder } from './helpers/graph-builder.js';

// A CenterNet-shaped graph with readable weights (no ../shared needed): input `tower_0/images` RGB 0–255
// 64×64; stride-8 pooled intensities, concatenated (the default layer), upsampled to stride 4; class 0
// heatmap sigmoid(6R − 6G − 6B − 3), class 1 sigmoid(−6R − 6G + 6B − 3); extents 8 px on every side.

function syntheticGraph(): GraphBuilder {
  const g = new GraphBuilder();
  const x = g.placeholder('tower_0/images', [1, 64, 64, 3]);
  const pooled = g.avgPool('tower_0/backbone/AvgPool', x, 8);
  const scaled = g.op('tower_0/backbone/scale', 'Mul', [pooled, g.const('tower_0/backbone/scale/y', tf.scalar(1 / 255))]);
  const concat = g.op('tower_0/head/concat', 'ConcatV2', [scaled, scaled, g.const('tower_0/head/concat/axis', tf.scalar(3, 'int32'))], { N: { i: '2' }, Tidx: GraphBuilder.type('int32') });
  const up = g.op('tower_0/head/up', 'ResizeBilinear', [concat, g.const('tower_0/head/up/size', tf.tensor1d([16, 16], 'int32'))], { align_corners: { b: false }, half_pixel_centers: { b: false } });
  const k = tf.tensor4d([3, -3, -3, -3, -3, 3, 3, -3, -3, -3, -3, 3], [1, 1, 6, 2]); // [channel][class]
  const cls = g.conv('tower_0/head/cls', up, k, tf.tensor1d([-3, -3]));
  g.op('tower_0/keypoints', 'Identity', [g.op('tower_0/Sigmoid', 'Sigmoid', [cls])]);
  const wh = g.conv('tower_0/head/wh', up, tf.zeros([1, 1, 6, 4]) as tf.Tensor4D, tf.tensor1d([8, 8, 8, 8]));
  g.op('tower_0/wh', 'Identity', [wh]);
  return g;
}

async function syntheticCenterNet() {
  let artifacts: ReturnType<GraphBuilder['artifacts']> | undefined;
  tf.tidy(() => {
    artifacts = syntheticGraph().artifacts(); // the builder's tensors are read, then freed
  });
  const { json, weights } = artifacts!;
  return loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: weights.buffer as ArrayBuffer, format: 'graph-model' }));
}

/** 128 × 64 image: a red block (x 32–47, y 16–23) and a blue one (x 80–95, y 40–47) on black. */
function image(): tf.Tensor3D {
  const data = new Int32Array(128 * 64 * 3);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 128; x++) {
      const i = (y * 128 + x) * 3;
      if (x >= 32 && x < 48 && y >= 16 && y < 24) data[i] = 255;
      if (x >= 80 && x < 96 && y >= 40 && y < 48) data[i + 2] = 255;
    }
  }
  return tf.tensor3d(data, [64, 128, 3], 'int32');
}

describe('CenterNet decoder on a synthetic CenterNet graph', () => {
  let detector: Detector;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    detector = centerNetDetector(await syntheticCenterNet(), { labels: ['person', 'cup'] });
  });

  it('finds the input size and the stride-8 concatenation', () => {
    expect(detector.inputSize).toEqual([64, 64]);
    expect(detector.layer).toBe('tower_0/head/concat');
  });

  it('decodes one peak per object with its exact box, in image pixels', async () => {
    const img = image();
    const r = await explainDetections(detector, img, { minScore: 0.9 });
    img.dispose();
    const s = 1 / (1 + Math.exp(-3));
    // Heatmap peaks at cells (4, 4) and (10, 10) (stride 4), boxes ±8 input px, x scaled by 128/64.
    expect(r.detections.map((d) => [d.class, d.bbox])).toEqual([
      ['person', [16, 8, 32, 16]],
      ['cup', [64, 32, 32, 16]],
    ]);
    for (const d of r.detections) {
      expect(d.score).toBeCloseTo(s, 5);
      expect(d.targetScore).toBeCloseTo(s, 5);
      expect([d.width, d.height, d.rawWidth, d.rawHeight]).toEqual([128, 64, 8, 8]);
      const [px, py] = argmax2d(d.map, 128);
      const [x, y, w, h] = d.bbox;
      expect(px >= x && px < x + w && py >= y && py < y + h).toBe(true);
    }
    const [person, cup] = r.detections;
    expect(person!.map.some((v, i) => Math.abs(v - cup!.map[i]!) > 0.9)).toBe(true);
  });

  it('leaves tf.memory().numTensors unchanged; rejects a label list of the wrong length', async () => {
    const img = image();
    await explainDetections(detector, img);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await explainDetections(detector, img, { method: i === 1 ? 'ablationcam' : 'gradcam' });
    expect(tf.memory().numTensors).toBe(before);
    const wrong = centerNetDetector(detector.model, { labels: ['person'] });
    await expect(explainDetections(wrong, img)).rejects.toThrow(/heatmaps have 2 classes but 1 labels/);
    expect(tf.memory().numTensors).toBe(before);
    img.dispose();
  });

  it('names missing outputs', () => {
    expect(() => centerNetDetector(detector.model, { heatmaps: 'tower_0/nothing' })).toThrow(/no CenterNet heatmap output 'tower_0\/nothing'; outputs: /);
  });

  it('sharedNodes: the chain every path from the input to the heatmaps goes through', () => {
    expect(sharedNodes(detector.model, 'tower_0/images', 'tower_0/keypoints')).toEqual([
      'tower_0/backbone/AvgPool',
      'tower_0/backbone/scale',
      'tower_0/head/concat',
      'tower_0/head/up',
      'tower_0/head/cls/Conv2D',
      'tower_0/head/cls/BiasAdd',
      'tower_0/Sigmoid',
    ]);
  });
});

describe('decoding helpers', () => {
  it('iou and per-class NMS', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 6);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    const boxes = [[0, 0, 10, 10], [1, 0, 11, 10], [1, 0, 11, 10], [30, 30, 40, 40]];
    // Box 1 overlaps box 0 (same class) and goes; box 2 is of another class and stays.
    expect(nmsPerClass(boxes, [0.9, 0.8, 0.7, 0.6], [0, 0, 1, 0], 0.5)).toEqual([0, 2, 3]);
    expect(nmsPerClass(boxes, [0.9, 0.8, 0.7, 0.6], [0, 0, 1, 0], 1)).toEqual([0, 1, 2, 3]);
  });

  it('decodeCenterNet: 3×3 peaks only, best first, boxes from the extents at the peak', () => {
    const hm = tf.buffer([1, 4, 4, 2]);
    hm.set(0.9, 0, 1, 2, 1); // peak of class 1 at x = 2, y = 1
    hm.set(0.5, 0, 1, 1, 1); // its neighbour: not a peak
    hm.set(0.7, 0, 3, 0, 0); // class 0 at x = 0, y = 3
    const wh = tf.buffer([1, 4, 4, 4]);
    [1, 2, 3, 4].forEach((v, k) => wh.set(v, 0, 1, 2, k));
    const [h, w] = [hm.toTensor() as tf.Tensor4D, wh.toTensor() as tf.Tensor4D];
    const peaks = decodeCenterNet(h, w, [16, 16], 3);
    expect(peaks[0]).toEqual({ x: 2, y: 1, classIndex: 1, score: expect.closeTo(0.9, 6), box: [8 - 1, 4 - 2, 8 + 3, 4 + 4] });
    expect(peaks[1]).toMatchObject({ x: 0, y: 3, classIndex: 0, box: [0, 12, 0, 12] });
    expect(peaks[2]!.score).toBe(0);
    tf.dispose([h, w]);
  });
});
