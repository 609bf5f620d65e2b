import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageToTensor, preprocessImage } from '../src/preprocess.js';
import { heatmapsFromTensor } from '../src/tensor.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('preprocessImage', () => {
  const img = { width: 2, height: 1, data: new Uint8Array([0, 51, 255, 102, 204, 153]) };

  it('maps pixels to the value range: [0,1], [-1,1], [0,255]', async () => {
    const cases: Array<[[number, number], number[]]> = [
      [[0, 1], [0, 0.2, 1, 0.4, 0.8, 0.6]],
      [[-1, 1], [-1, -0.6, 1, -0.2, 0.6, 0.2]],
      [[0, 255], [0, 51, 255, 102, 204, 153]],
    ];
    for (const [range, want] of cases) {
      const { tensor, region } = preprocessImage(img, { size: [1, 2], range });
      expect(tensor.shape).toEqual([1, 1, 2, 3]);
      expect(tensor.dtype).toBe('float32');
      expect(region).toEqual({ x: 0, y: 0, width: 2, height: 1 });
      const got = Array.from(await tensor.data());
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
      tensor.dispose();
    }
  });

  it('applies mean/std after the range (ImageNet normalisation)', async () => {
    const { tensor } = preprocessImage(img, { size: [1, 2], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    const got = Array.from(await tensor.data());
    tensor.dispose();
    const want = [0, 0.2, 1, 0.4, 0.8, 0.6].map((v, i) => (v - [0.485, 0.456, 0.406][i % 3]!) / [0.229, 0.224, 0.225][i % 3]!);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    expect(() => preprocessImage(img, { size: [1, 2], std: [1, 0, 1] })).toThrow('mean and std must be 3 numbers each, std > 0; got mean [0,0,0], std [1,0,1]');
    expect(() => preprocessImage(img, { size: [1, 2], range: [1, -1] })).toThrow('range must be [lo, hi] with lo < hi; got [1, -1]');
  });

  it('resizes with the fit: a 4×2 image (left red, right blue) under cover keeps the centre, contain pads', async () => {
    const data = new Uint8Array(4 * 2 * 3);
    for (let i = 0; i < 8; i++) data.set(i % 4 < 2 ? [255, 0, 0] : [0, 0, 255], i * 3);
    const image = { width: 4, height: 2, data };
    const cover = preprocessImage(image, { size: [2, 2], fit: 'cover', range: [0, 255] });
    expect(cover.region).toEqual({ x: 1, y: 0, width: 2, height: 2 });
    expect(Array.from(await cover.tensor.data())).toEqual([255, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 255]);
    const contain = preprocessImage(image, { size: [4, 4], fit: 'contain', range: [0, 255], pad: [0, 255, 0] });
    const c = Array.from(await contain.tensor.data());
    expect(c.slice(0, 12)).toEqual([0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0]); // top padding row
    expect(c.slice(12, 24)).toEqual([255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255]); // image row
    tf.dispose([cover.tensor, contain.tensor]);
  });

  it('leaves no tensors behind over repeated calls (besides the returned one) and imageToTensor is int32 HWC', async () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) preprocessImage(img, { size: [3, 3] }).tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const t = imageToTensor(img);
    expect(t.shape).toEqual([1, 2, 3]);
    expect(t.dtype).toBe('int32');
    expect(Array.from(await t.data())).toEqual([0, 51, 255, 102, 204, 153]);
    t.dispose();
    const maps = tf.tensor3d([0, 0.5, 1, 0.25, 1, 0, 0, 0], [2, 2, 2]);
    const hm = await heatmapsFromTensor(maps);
    maps.dispose();
    expect(hm.map((h) => [h.width, h.height, ...h.data])).toEqual([
      [2, 2, 0, 0.5, 1, 0.25],
      [2, 2, 1, 0, 0, 0],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
