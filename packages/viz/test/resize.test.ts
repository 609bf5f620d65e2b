import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { fitRegion, mapToImage } from '../src/fit.js';
import { resizeImage, resizeMap } from '../src/resize.js';

const ref = JSON.parse(readFileSync(new URL('./fixtures/opencv-reference.json', import.meta.url), 'utf8')) as {
  resize: Array<{ src: number[]; sw: number; sh: number; dw: number; dh: number; expected: number[] }>;
  resizeRgb: { src: number[]; sw: number; sh: number; dw: number; dh: number; expected: number[] };
};

describe('resizeMap / resizeImage', () => {
  it('resizeMap equals cv2.resize(INTER_LINEAR) on float maps, up and down', () => {
    for (const r of ref.resize) {
      const out = resizeMap({ width: r.sw, height: r.sh, data: Float32Array.from(r.src) }, r.dw, r.dh);
      expect(out.data).toHaveLength(r.expected.length);
      out.data.forEach((v, i) => expect(Math.abs(v - r.expected[i]!), `${r.sw}×${r.sh}→${r.dw}×${r.dh} at ${i}`).toBeLessThan(1e-6));
    }
  });

  it('resizeMap equals tfjs resizeBilinear(halfPixelCenters) — what @gradcam/core uses for maps', async () => {
    await tf.setBackend('cpu');
    const src = Float32Array.from({ length: 7 * 7 }, (_, i) => Math.sin(i * 1.3) * 0.5 + 0.5);
    const before = tf.memory().numTensors;
    const expected = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(src, [1, 7, 7, 1]), [40, 33], false, true).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    const out = resizeMap({ width: 7, height: 7, data: src }, 33, 40);
    let worst = 0;
    out.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
    expect(worst).toBeLessThan(1e-6);
  });

  it('resizeImage matches cv2.resize on uint8 RGB within 1 level (OpenCV rounds in fixed point)', () => {
    const r = ref.resizeRgb;
    const out = resizeImage({ width: r.sw, height: r.sh, data: Uint8Array.from(r.src) }, r.dw, r.dh);
    let off = 0;
    out.data.forEach((v, i) => {
      expect(Math.abs(v - r.expected[i]!)).toBeLessThanOrEqual(1);
      if (v !== r.expected[i]) off++;
    });
    expect(off).toBeLessThan(out.data.length / 4);
  });

  it("the area kernel averages the pixels under each output pixel (2×2 → 1×1, 4×1 → 2×1) and keeps constants", () => {
    const img = { width: 2, height: 2, data: new Uint8Array([0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40]) };
    expect(Array.from(resizeImage(img, 1, 1, { kernel: 'area' }).data)).toEqual([85, 85, 85]);
    const map = { width: 4, height: 1, data: new Float32Array([1, 3, 5, 9]) };
    expect(Array.from(resizeMap(map, 2, 1, { kernel: 'area' }).data)).toEqual([2, 7]);
    // 3 → 2: output 0 covers source [0, 1.5): (1·1 + 0.5·3)/1.5.
    expect(Array.from(resizeMap({ width: 3, height: 1, data: new Float32Array([1, 3, 5]) }, 2, 1, { kernel: 'area' }).data)).toEqual([
      Math.fround(2.5 / 1.5),
      Math.fround((0.5 * 3 + 5) / 1.5),
    ]);
    const flat = resizeImage({ width: 37, height: 23, data: new Uint8Array(37 * 23 * 3).fill(77) }, 5, 4, { kernel: 'area' });
    expect(flat.data.every((v) => v === 77)).toBe(true);
  });
});

describe('fit regions', () => {
  it('fill is the whole image; cover crops the centre; contain pads around it', () => {
    expect(fitRegion(400, 200, 224, 224, 'fill')).toEqual({ x: 0, y: 0, width: 400, height: 200 });
    expect(fitRegion(400, 200, 224, 224, 'cover')).toEqual({ x: 100, y: 0, width: 200, height: 200 });
    expect(fitRegion(400, 200, 224, 224, 'contain')).toEqual({ x: 0, y: -100, width: 400, height: 400 });
    expect(() => fitRegion(1, 1, 1, 1, 'stretch' as never)).toThrow("unknown fit 'stretch'; fits: fill, cover, contain");
  });

  it('resizeImage with a contain region pads with the given colour', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([10, 20, 30, 10, 20, 30]) };
    // 2×1 into 4×4: region y = −0.5..1.5, output row centres at y = −0.25, 0.25, 0.75, 1.25 → pad, image, image, pad.
    const out = resizeImage(img, 4, 4, { region: fitRegion(2, 1, 4, 4, 'contain'), pad: [255, 0, 0] });
    const pad = [255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0];
    const row = [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30];
    expect(Array.from(out.data)).toEqual([...pad, ...row, ...row, ...pad]);
  });

  it('mapToImage inverts the fit: fill = cv2.resize; contain drops the padded band', () => {
    const map = { width: 2, height: 2, data: new Float32Array([0, 1, 0.5, 0.25]) };
    expect(Array.from(mapToImage(map, 4, 4).data)).toEqual(Array.from(resizeMap(map, 4, 4).data));
    // A 2×1 image shown in the top half... the 2×2 map's bottom row (padding) is dropped, its top row kept.
    const back = mapToImage(map, 2, 1, fitRegion(2, 1, 2, 2, 'contain'));
    expect(back.width).toBe(2);
    expect(back.height).toBe(1);
    // Image row 0 (centre y = 0.5 of 1) ↦ map y = (0.5 + 0.5)·2/2 − 0.5 = 0.5: halfway between map rows.
    expect(Array.from(back.data)).toEqual([0.25, 0.625]);
  });
});
