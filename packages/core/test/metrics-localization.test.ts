import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';
import {
  boxFromMap,
  boxIoU,
  centerMap,
  energyPointingGame,
  type HeatMap,
  localizationIoU,
  pointingGame,
  randomMap,
  regionMask,
  toHeatMap,
  toHeatMaps,
} from '../src/metrics/index.js';

// A 4×4 map (rows y = 0..3, columns x = 0..3); its maximum 1.0 is at (x=2, y=1).
const MAP4 = [
  [0, 0.1, 0.2, 0],
  [0.1, 0.9, 1.0, 0.1],
  [0, 0.8, 0.7, 0],
  [0, 0, 0, 0.3],
];
// Pixels with centres in [1, 3] × [1, 3]: columns 1–2, rows 1–2.
const INNER = { x1: 1, y1: 1, x2: 3, y2: 3 };

const boxMap = (h: number, w: number, b: { x1: number; y1: number; x2: number; y2: number }, inside = 1, outside = 0): HeatMap => {
  const data = new Float32Array(h * w).fill(outside);
  for (let y = b.y1; y < b.y2; y++) for (let x = b.x1; x < b.x2; x++) data[y * w + x] = inside;
  return { data, height: h, width: w };
};

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('boxes and masks', () => {
  it('takes the pixels whose centres lie in the box', () => {
    expect(Array.from(regionMask(INNER, 4, 4))).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    // Centres 0.5, 1.5, 2.5 lie in the closed [0.5, 2.5]; rows 0.5, 1.5 in [0.5, 1.5].
    expect(Array.from(regionMask({ x1: 0.5, y1: 0.5, x2: 2.5, y2: 1.5 }, 2, 4))).toEqual([1, 1, 1, 0, 1, 1, 1, 0]);
    // No centre in [0.6, 1.4] → empty; a box outside the map → empty.
    expect(Array.from(regionMask({ x1: 0.6, y1: 0, x2: 1.4, y2: 4 }, 2, 2))).toEqual([0, 0, 0, 0]);
    expect(Array.from(regionMask({ x1: 10, y1: 10, x2: 12, y2: 12 }, 2, 2))).toEqual([0, 0, 0, 0]);
  });

  it('boxIoU of continuous rectangles, by hand', () => {
    expect(boxIoU({ x1: 0, y1: 0, x2: 2, y2: 2 }, { x1: 1, y1: 1, x2: 3, y2: 3 })).toBeCloseTo(1 / 7, 12); // 1 / (4 + 4 − 1)
    expect(boxIoU(INNER, INNER)).toBe(1);
    expect(boxIoU({ x1: 0, y1: 0, x2: 1, y2: 1 }, { x1: 1, y1: 0, x2: 2, y2: 1 })).toBe(0); // touching
    expect(boxIoU({ x1: 0, y1: 0, x2: 4, y2: 2 }, { x1: 1, y1: 0, x2: 2, y2: 4 })).toBeCloseTo(2 / (8 + 4 - 2), 12);
    expect(boxIoU({ x1: 1, y1: 1, x2: 1, y2: 1 }, { x1: 1, y1: 1, x2: 1, y2: 1 })).toBe(0); // empty union
  });

  it('reads tensors, HeatMaps and nested arrays alike, and splits [M, H, W]', () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor2d(MAP4);
    const fromTensor = toHeatMap(t);
    const fromArray = toHeatMap(MAP4);
    expect(Array.from(fromTensor.data)).toEqual(Array.from(fromArray.data));
    const stack = tf.tidy(() => tf.stack([t, tf.mul(t, 2)]) as tf.Tensor3D);
    const split = toHeatMaps(stack);
    expect(split).toHaveLength(2);
    expect(split[1]!.data[6]).toBeCloseTo(2, 6);
    expect(pointingGame(t, INNER, { tolerance: 0 }).hit).toBe(true);
    tf.dispose([t, stack]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('pointing game', () => {
  it('hand-computed 4×4 map with a box', () => {
    const r = pointingGame(MAP4, INNER, { tolerance: 0 });
    expect(r).toEqual({ hit: true, point: { x: 2, y: 1 }, maxima: 1, maximaHit: 1 });
    // Box over columns 0–1, rows 2–3: the nearest box pixel to (2, 1) is (1, 2), √2 ≈ 1.414 away.
    const low = { x1: 0, y1: 2, x2: 2, y2: 4 };
    expect(pointingGame(MAP4, low, { tolerance: 0 }).hit).toBe(false);
    expect(pointingGame(MAP4, low, { tolerance: 1 }).hit).toBe(false);
    expect(pointingGame(MAP4, low, { tolerance: 1.42 }).hit).toBe(true);
    // Default tolerance 15 px covers a 4×4 map entirely.
    expect(pointingGame(MAP4, low).hit).toBe(true);
    // A mask region gives the same answer as the equivalent box.
    const mask = boxMap(4, 4, { x1: 0, y1: 2, x2: 2, y2: 4 });
    expect(pointingGame(MAP4, mask, { tolerance: 1.42 })).toEqual(pointingGame(MAP4, low, { tolerance: 1.42 }));
  });

  it('perfect, inverted and seeded random maps', () => {
    const gt = { x1: 2, y1: 3, x2: 6, y2: 7 };
    const perfect = boxMap(10, 10, gt);
    const inverted = boxMap(10, 10, gt, 0, 1);
    expect(pointingGame(perfect, gt, { tolerance: 0 })).toMatchObject({ hit: true, maxima: 16, maximaHit: 16 });
    expect(pointingGame(inverted, gt, { tolerance: 0 })).toMatchObject({ hit: false, maxima: 84, maximaHit: 0 });
    // Random map, seed 7: its argmax, found by a plain scan, decides the answer.
    const rnd = randomMap(10, 10, 7);
    let arg = 0;
    for (let i = 1; i < 100; i++) if (rnd.data[i]! > rnd.data[arg]!) arg = i;
    const inside = arg % 10 >= 2 && arg % 10 < 6 && Math.floor(arg / 10) >= 3 && Math.floor(arg / 10) < 7;
    const r = pointingGame(rnd, gt, { tolerance: 0 });
    expect(r.point).toEqual({ x: arg % 10, y: Math.floor(arg / 10) });
    expect(r.maxima).toBe(1);
    expect(r.hit).toBe(inside);
  });

  it('ties: all (default), any, first', () => {
    const flat = { data: new Float32Array(16), height: 4, width: 4 };
    const topLeft = { x1: 0, y1: 0, x2: 1, y2: 1 };
    const middle = { x1: 1, y1: 1, x2: 3, y2: 3 };
    expect(pointingGame(flat, middle, { tolerance: 0 })).toEqual({ hit: false, point: { x: 0, y: 0 }, maxima: 16, maximaHit: 4 });
    expect(pointingGame(flat, middle, { tolerance: 0, ties: 'any' }).hit).toBe(true);
    expect(pointingGame(flat, middle, { tolerance: 0, ties: 'first' }).hit).toBe(false);
    expect(pointingGame(flat, topLeft, { tolerance: 0, ties: 'first' }).hit).toBe(true);
    // A flat map hits under 'all' only when the region (with tolerance) reaches every pixel.
    expect(pointingGame(flat, { x1: 0, y1: 0, x2: 4, y2: 4 }, { tolerance: 0 }).hit).toBe(true);
    expect(pointingGame(flat, middle, { tolerance: 1 }).hit).toBe(false); // corners are √2 from the middle
    expect(pointingGame(flat, middle, { tolerance: 1.5 }).hit).toBe(true);
    // The centre baseline of an even-sized map has a 2×2 plateau of maxima.
    expect(pointingGame(centerMap(6, 6), { x1: 2, y1: 2, x2: 3, y2: 4 }, { tolerance: 0 })).toMatchObject({ maxima: 4, maximaHit: 2, hit: false });
    expect(pointingGame(centerMap(6, 6), { x1: 2, y1: 2, x2: 4, y2: 4 }, { tolerance: 0 })).toMatchObject({ maxima: 4, hit: true });
  });

  it('an empty region is a miss', () => {
    expect(pointingGame(MAP4, { x1: 8, y1: 8, x2: 9, y2: 9 }, { tolerance: 2 }).hit).toBe(false);
  });
});

describe('energy-based pointing game', () => {
  it('hand-computed 4×4 map with a box', () => {
    // total = 0.1+0.2+0.1+0.9+1+0.1+0.8+0.7+0.3 = 4.2; inside = 0.9+1+0.8+0.7 = 3.4
    expect(energyPointingGame(MAP4, INNER)).toBeCloseTo(3.4 / 4.2, 6);
    // Negative values carry no energy: −5 outside the box changes nothing.
    const withNeg = MAP4.map((r) => [...r]);
    withNeg[3]![0] = -5;
    expect(energyPointingGame(withNeg, INNER)).toBeCloseTo(3.4 / 4.2, 6);
  });

  it('perfect = 1, inverted = 0, flat zero = 0, seeded random ≈ area fraction', () => {
    const gt = { x1: 20, y1: 40, x2: 70, y2: 90 };
    expect(energyPointingGame(boxMap(100, 100, gt), gt)).toBe(1);
    expect(energyPointingGame(boxMap(100, 100, gt, 0, 1), gt)).toBe(0);
    expect(energyPointingGame({ data: new Float32Array(16), height: 4, width: 4 }, INNER)).toBe(0);
    // Uniform iid values: the inside share of the energy is close to the area share 2500/10000.
    expect(energyPointingGame(randomMap(100, 100, 3), gt)).toBeCloseTo(0.25, 1.5);
    // A flat positive map: exactly the area share.
    const flat = { data: new Float32Array(100 * 100).fill(0.5), height: 100, width: 100 };
    expect(energyPointingGame(flat, gt)).toBeCloseTo(0.25, 12);
  });
});

describe('ILSVRC box: largest 8-connected component above threshold·max', () => {
  // 6×6: blob A (4 px, max 1) at columns 1–2, rows 1–2, plus (x=0, y=1) = 0.25;
  // chain B: 5 px of 0.2 connected only diagonally: (4,0) (5,1) (4,2) (5,3) (4,4).
  const m = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  m[1]![1] = 0.5;
  m[1]![2] = 0.6;
  m[2]![1] = 0.7;
  m[2]![2] = 1;
  m[1]![0] = 0.25;
  for (const [x, y] of [[4, 0], [5, 1], [4, 2], [5, 3], [4, 4]] as const) m[y]![x] = 0.2;

  it('connectivity, strict threshold and the size tie-break, by hand', () => {
    // Default 0.15: A ∪ (0,1) has 5 px, B has 5 px (8-connected) → tie → B's first pixel (index 4)
    // precedes A's (index 6) in raster order → B's box: columns 4–5, rows 0–4.
    expect(boxFromMap(m)).toEqual({ x1: 4, y1: 0, x2: 6, y2: 5 });
    // 0.25 · max = 0.25: B is below, and (0,1) = 0.25 is not strictly above → A alone.
    expect(boxFromMap(m, { threshold: 0.25 })).toEqual({ x1: 1, y1: 1, x2: 3, y2: 3 });
    // Just below 0.25: (0,1) joins A (still beats nothing else: B is below 0.2499).
    expect(boxFromMap(m, { threshold: 0.2499 })).toEqual({ x1: 0, y1: 1, x2: 3, y2: 3 });
    // An all-zero map has no box.
    expect(boxFromMap({ data: new Float32Array(9), height: 3, width: 3 })).toBeNull();
  });

  it('localizationIoU: perfect = 1, inverted = box of the ring, seeded random, several boxes', () => {
    const gt = { x1: 2, y1: 2, x2: 6, y2: 6 };
    expect(localizationIoU(boxMap(8, 8, gt), gt)).toBe(1);
    // Inverted: the complement is one ring around the box → its box is the whole 8×8 map → 16/64.
    expect(boxFromMap(boxMap(8, 8, gt, 0, 1))).toEqual({ x1: 0, y1: 0, x2: 8, y2: 8 });
    expect(localizationIoU(boxMap(8, 8, gt, 0, 1), gt)).toBeCloseTo(16 / 64, 12);
    // Seeded random (uniform): ~85 % of pixels pass 0.15·max; they form one component spanning the map.
    expect(boxFromMap(randomMap(8, 8, 11))).toEqual({ x1: 0, y1: 0, x2: 8, y2: 8 });
    expect(localizationIoU(randomMap(8, 8, 11), gt)).toBeCloseTo(0.25, 12);
    // Several ground-truth boxes: the best one counts; no box from the map → 0.
    expect(localizationIoU(boxMap(8, 8, gt), [{ x1: 0, y1: 0, x2: 1, y2: 1 }, gt])).toBe(1);
    expect(localizationIoU({ data: new Float32Array(64), height: 8, width: 8 }, gt)).toBe(0);
  });
});

describe('baselines', () => {
  it('randomMap is uniform in [0, 1) and reproducible from its seed', () => {
    const a = randomMap(50, 40, 5);
    expect(a.height).toBe(50);
    expect(a.width).toBe(40);
    expect(Array.from(randomMap(50, 40, 5).data)).toEqual(Array.from(a.data));
    expect(Array.from(randomMap(50, 40, 6).data)).not.toEqual(Array.from(a.data));
    let mean = 0;
    for (const v of a.data) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      mean += v / a.data.length;
    }
    expect(mean).toBeCloseTo(0.5, 1.5);
  });

  it('centerMap is a min-max normalised centred Gaussian, by hand on 3×3', () => {
    // σ = 0.25 · 3 = 0.75; centre pixel at distance 0 → 1; edge pixels at 1 px: e^{−½(1/0.75)²} = e^{−8/9};
    // corners at √2 px: e^{−16/9}; min-max: (g − e^{−16/9}) / (1 − e^{−16/9}).
    const c = centerMap(3, 3);
    const lo = Math.exp(-16 / 9);
    const edge = (Math.exp(-8 / 9) - lo) / (1 - lo);
    const expected = [0, edge, 0, edge, 1, edge, 0, edge, 0];
    c.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(boxFromMap(centerMap(9, 9), { threshold: 0.5 })).toEqual({ x1: 2, y1: 2, x2: 7, y2: 7 });
  });
});
