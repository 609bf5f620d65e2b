import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { colormapLut } from '../src/colormap.js';
import type { ColormapName } from '../src/colormap.js';
import { fitRegion, mapToImage } from '../src/fit.js';
import { overlayHeatmap } from '../src/overlay.js';
import { resizeMap } from '../src/resize.js';

const ref = JSON.parse(readFileSync(new URL('./fixtures/opencv-reference.json', import.meta.url), 'utf8')) as {
  overlay: { width: number; height: number; rgb: number[]; mask: number[]; cases: Array<{ colormap: ColormapName; imageWeight: number; expected: number[] }> };
};

describe('overlayHeatmap', () => {
  it("equals pytorch-grad-cam's show_cam_on_image byte for byte (every colormap, image_weight 0.5 and 0.3)", () => {
    const { width, height } = ref.overlay;
    const image = { width, height, data: Uint8Array.from(ref.overlay.rgb) };
    const map = { width, height, data: Float32Array.from(ref.overlay.mask) };
    expect(ref.overlay.cases).toHaveLength(8);
    for (const c of ref.overlay.cases) {
      const out = overlayHeatmap(image, map, { colormap: c.colormap, alpha: 1 - c.imageWeight });
      expect(Array.from(out.data), `${c.colormap} w=${c.imageWeight}`).toEqual(c.expected);
    }
  });

  it('hand-computed pixels: mixes alpha : 1−alpha, divides by the brightest channel, truncates', () => {
    // One grey pixel (128) under map value 0 (jet level 0 = (0, 0, 128)), alpha 0.5:
    // cam = 0.5·(0, 0, 128/255) + 0.5·(128/255)·(1, 1, 1) = (0.25098, 0.25098, 0.50196); max = 0.50196
    // → 255·(0.5, 0.5, 1) = (127.5, 127.5, 255) → (127, 127, 255).
    const grey = { width: 1, height: 1, data: new Uint8Array([128, 128, 128]) };
    expect(Array.from(overlayHeatmap(grey, { width: 1, height: 1, data: new Float32Array([0]) }).data)).toEqual([127, 127, 255]);
    // Black pixel under map 1 with alpha 1: pure jet(1) = (128, 0, 0) rescaled to (255, 0, 0).
    const black = { width: 1, height: 1, data: new Uint8Array(3) };
    expect(Array.from(overlayHeatmap(black, { width: 1, height: 1, data: new Float32Array([1]) }, { alpha: 1 }).data)).toEqual([255, 0, 0]);
    // Two pixels: (200, 100, 50) at map 1, (10, 20, 30) at map 0, alpha 0.25 and jet.
    const two = { width: 2, height: 1, data: new Uint8Array([200, 100, 50, 10, 20, 30]) };
    const cam = [0.25 * (128 / 255) + 0.75 * (200 / 255), 0.75 * (100 / 255), 0.75 * (50 / 255), 0.75 * (10 / 255), 0.75 * (20 / 255), 0.25 * (128 / 255) + 0.75 * (30 / 255)];
    const max = Math.max(...cam);
    const expected = cam.map((v) => Math.floor((255 * v) / max));
    expect(expected).toEqual([255, 105, 52, 10, 21, 76]); // e.g. 255·(0.75·100/255)/0.71373 = 105.08
    expect(Array.from(overlayHeatmap(two, { width: 2, height: 1, data: new Float32Array([1, 0]) }, { alpha: 0.25 }).data)).toEqual(expected);
  });

  it('alpha 0 returns the photo rescaled so its brightest channel is 255; an all-black result is black, not NaN', () => {
    const img = { width: 2, height: 1, data: new Uint8Array([10, 50, 100, 0, 0, 25]) };
    const map = { width: 2, height: 1, data: new Float32Array([0.3, 0.9]) };
    expect(Array.from(overlayHeatmap(img, map, { alpha: 0 }).data)).toEqual([25, 127, 255, 0, 0, 63]);
    const black = { width: 2, height: 1, data: new Uint8Array(6) };
    expect(Array.from(overlayHeatmap(black, map, { alpha: 0 }).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('works at the photo resolution: a 2×2 map over a 4×4 photo is resized like cv2.resize first', () => {
    const photo = { width: 4, height: 4, data: new Uint8Array(48).fill(0) };
    const map = { width: 2, height: 2, data: new Float32Array([0, 1, 0, 1]) };
    const out = overlayHeatmap(photo, map, { alpha: 1 });
    expect(out.width).toBe(4);
    // Columns of the resized map: 0, 0.25, 0.75, 1 (half-pixel centres) → levels 0, 63, 191, 255.
    const lut = colormapLut('jet');
    const levels = [0, 63, 191, 255];
    const cam = levels.flatMap((l) => [lut[l * 3]!, lut[l * 3 + 1]!, lut[l * 3 + 2]!].map((v) => v / 255));
    const max = Math.max(...cam);
    expect(Array.from(out.data.subarray(0, 12))).toEqual(cam.map((v) => Math.floor(Math.fround(255 * Math.fround(v / max)))));
    expect(Array.from(resizeMap(map, 4, 1).data)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('with a cover crop, pixels outside the region the model saw get level 0', () => {
    // A 6×2 photo seen through a centre-crop 2×2 input: region x = 2..4.
    const region = fitRegion(6, 2, 2, 2, 'cover');
    expect(region).toEqual({ x: 2, y: 0, width: 2, height: 2 });
    const back = mapToImage({ width: 2, height: 2, data: new Float32Array([1, 1, 1, 1]) }, 6, 2, region);
    expect(Array.from(back.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('rejects mismatched inputs with the expected sizes', () => {
    const img = { width: 2, height: 2, data: new Uint8Array(5) };
    expect(() => overlayHeatmap(img, { width: 2, height: 2, data: new Float32Array(4) })).toThrow('image must hold 2×2×3 = 12 RGB bytes (Uint8Array); got 5');
    const ok = { width: 1, height: 1, data: new Uint8Array(3) };
    expect(() => overlayHeatmap(ok, { width: 1, height: 1, data: new Float32Array(1) }, { alpha: 1.5 })).toThrow('alpha (heatmap opacity) must be in [0, 1]; got 1.5');
  });
});
