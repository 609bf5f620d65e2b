import { describe, expect, it } from 'vitest';
import { COLORMAPS, applyColormap, colormapColor, colormapLut, isColormapName, quantizeLevel } from '../src/colormap.js';

/** The MATLAB/"jet" piecewise-linear definition, channel values in [0, 1]. */
function jetFormula(t: number): number[] {
  const c = (v: number) => Math.min(1, Math.max(0, v));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

describe('colormaps', () => {
  it('lists jet, turbo, viridis, inferno', () => {
    expect(COLORMAPS).toEqual(['jet', 'turbo', 'viridis', 'inferno']);
    expect(isColormapName('turbo')).toBe(true);
    expect(isColormapName('toString')).toBe(false);
    expect(() => colormapLut('parula' as never)).toThrow("unknown colormap 'parula'; colormaps: jet, turbo, viridis, inferno");
  });

  it("jet is OpenCV's COLORMAP_JET at its knots (values printed by cv2.applyColorMap, BGR→RGB)", () => {
    expect(colormapColor(0, 'jet')).toEqual([0, 0, 128]); // dark blue
    expect(colormapColor(64 / 255, 'jet')).toEqual([0, 128, 255]);
    expect(colormapColor(128 / 255, 'jet')).toEqual([130, 255, 126]);
    expect(colormapColor(191 / 255, 'jet')).toEqual([255, 128, 0]);
    expect(colormapColor(1, 'jet')).toEqual([128, 0, 0]); // dark red
  });

  it('jet stays within 2 levels of the piecewise-linear jet formula over all 256 levels', () => {
    const lut = colormapLut('jet');
    let worst = 0;
    for (let i = 0; i < 256; i++) {
      const f = jetFormula(i / 255);
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(lut[i * 3 + c]! - 255 * f[c]!));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(worst).toBeGreaterThan(0); // OpenCV's table is not the formula exactly: we use OpenCV's
  });

  it('turbo, viridis and inferno match OpenCV (and the published endpoints: viridis #440154→#fde725, inferno #000004→#fcffa4)', () => {
    expect(colormapColor(0, 'turbo')).toEqual([48, 18, 59]);
    expect(colormapColor(64 / 255, 'turbo')).toEqual([40, 188, 235]);
    expect(colormapColor(1, 'turbo')).toEqual([122, 4, 3]);
    expect(colormapColor(0, 'viridis')).toEqual([0x44, 0x01, 0x54]);
    expect(colormapColor(128 / 255, 'viridis')).toEqual([33, 145, 140]);
    expect(colormapColor(1, 'viridis')).toEqual([0xfd, 0xe7, 0x25]);
    expect(colormapColor(0, 'inferno')).toEqual([0, 0, 4]);
    expect(colormapColor(191 / 255, 'inferno')).toEqual([249, 140, 10]);
    expect(colormapColor(1, 'inferno')).toEqual([0xfc, 0xff, 0xa4]);
  });

  it('quantises like np.uint8(255 * v) in float32 (truncation), clamping out-of-range and NaN', () => {
    expect(quantizeLevel(0.5)).toBe(127); // 127.5 truncated
    expect(quantizeLevel(0.999)).toBe(254);
    expect(quantizeLevel(1)).toBe(255);
    expect(quantizeLevel(1 / 255)).toBe(1); // float32(255 * float32(1/255)) is exactly 1
    expect(quantizeLevel(-0.2)).toBe(0);
    expect(quantizeLevel(3)).toBe(255);
    expect(quantizeLevel(Number.NaN)).toBe(0);
  });

  it('applyColormap colours every pixel by its level', () => {
    const img = applyColormap({ width: 3, height: 1, data: new Float32Array([0, 0.5, 1]) }, 'viridis');
    const lut = colormapLut('viridis');
    expect(img.width).toBe(3);
    expect(Array.from(img.data)).toEqual([...lut.slice(0, 3), ...lut.slice(127 * 3, 128 * 3), ...lut.slice(255 * 3)]);
    expect(() => applyColormap({ width: 2, height: 2, data: new Float32Array(3) })).toThrow('map must hold 2×2 = 4 floats (Float32Array); got 3');
  });
});
