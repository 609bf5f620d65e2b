import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs without type declarations
import { jet, overlayHeatmap, resizeBilinear } from '../overlay.mjs';

describe('quickstart overlay', () => {
  it('jet runs dark blue → cyan → yellow → dark red like OpenCV COLORMAP_JET', () => {
    expect(jet(0)).toEqual([0, 0, 0.5]);
    expect(jet(0.25)).toEqual([0, 0.5, 1]);
    expect(jet(0.5)).toEqual([0.5, 1, 0.5]);
    expect(jet(0.75)).toEqual([1, 0.5, 0]);
    expect(jet(1)).toEqual([0.5, 0, 0]);
  });

  it('resizeBilinear keeps constants, aligns pixel centres and interpolates', () => {
    expect(Array.from(resizeBilinear(new Float32Array([3, 3, 3, 3]), 2, 2, 5, 3))).toEqual(Array(15).fill(3));
    // 2 → 4 with half-pixel centres: [a, a·¾+b·¼, a·¼+b·¾, b].
    expect(Array.from(resizeBilinear(new Float32Array([0, 1]), 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
    // Downsizing an identity-sized map is a copy.
    const m = new Float32Array([0, 0.5, 1, 0.25]);
    expect(Array.from(resizeBilinear(m, 2, 2, 2, 2))).toEqual(Array.from(m));
  });

  it('overlayHeatmap blends half and half and rescales the brightest channel to 255', () => {
    // Black image, map 1 → pure jet(1) = dark red, rescaled to full red.
    expect(Array.from(overlayHeatmap(new Uint8Array(3), [1], 1, 1))).toEqual([255, 0, 0]);
    // Grey image 0.5 blended with jet(0) = (0, 0, 0.5): (0.25, 0.25, 0.5) → scaled by 255 / 0.5.
    const px = overlayHeatmap(new Uint8Array([255 / 2, 255 / 2, 255 / 2].map(Math.round)), [0], 1, 1);
    expect(Math.abs(px[0]! - 128)).toBeLessThanOrEqual(1);
    expect(px[2]).toBe(255);
    expect(() => overlayHeatmap(new Uint8Array(6), [0], 1, 1)).toThrow(/expected 3/);
  });
});
