import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';
import {
  type HeatMap,
  noisyLinearImpute,
  type PixelImage,
  randomMap,
  removalMask,
  road,
  roadCombined,
  roadImpute,
  type ScoreCallback,
} from '../src/metrics/index.js';

const img1 = (rows: number[][]): PixelImage => ({
  data: Float32Array.from(rows.flat()),
  height: rows.length,
  width: rows[0]!.length,
  channels: 1,
});
const at = (im: PixelImage, x: number, y: number, c = 0): number => im.data[(y * im.width + x) * im.channels + c]!;

/** Max over removed pixels of |value − weighted average of its in-bounds 8-neighbours| (the defining equations). */
function worstEquation(im: PixelImage, removed: Uint8Array): number {
  let worst = 0;
  for (let y = 0; y < im.height; y++) {
    for (let x = 0; x < im.width; x++) {
      if (!removed[y * im.width + x]) continue;
      for (let c = 0; c < im.channels; c++) {
        let s = 0;
        let ws = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if ((dx === 0 && dy === 0) || xx < 0 || yy < 0 || xx >= im.width || yy >= im.height) continue;
            const wt = dx !== 0 && dy !== 0 ? 1 / 12 : 1 / 6;
            s += wt * at(im, xx, yy, c);
            ws += wt;
          }
        }
        worst = Math.max(worst, Math.abs(s / ws - at(im, x, y, c)));
      }
    }
  }
  return worst;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('noisy linear imputation', () => {
  it('a single removed pixel is the 1/6–1/12 weighted average of its neighbours, by hand', () => {
    const centre = (rows: number[][]) => {
      const mask = new Uint8Array(9);
      mask[4] = 1;
      return at(noisyLinearImpute(img1(rows), mask, { noise: 0 }), 1, 1);
    };
    // direct 2+4+6+8 = 20 → 20/6; diagonal 1+3+7+9 = 20 → 20/12; total 5
    expect(centre([[1, 2, 3], [4, 100, 6], [7, 8, 9]])).toBeCloseTo(5, 6);
    expect(centre([[0, 0, 0], [0, 100, 1], [0, 0, 0]])).toBeCloseTo(1 / 6, 6);
    expect(centre([[1, 0, 0], [0, 100, 0], [0, 0, 0]])).toBeCloseTo(1 / 12, 6);
    // A corner: in-bounds neighbours (1,0) ⅙, (0,1) ⅙, (1,1) 1/12, renormalised by their sum 5/12.
    const mask = new Uint8Array(9);
    mask[0] = 1;
    const out = noisyLinearImpute(img1([[100, 2, 0], [4, 6, 0], [0, 0, 0]]), mask, { noise: 0 });
    expect(at(out, 0, 0)).toBeCloseTo((2 / 6 + 4 / 6 + 6 / 12) / (5 / 12), 6);
  });

  it('coupled unknowns: centre and top-middle removed together, solved by hand', () => {
    // x01 (top edge; neighbours (0,0) ⅙, (2,0) ⅙, (0,1) 1/12, (1,1) ⅙, (2,1) 1/12; sum ⅔)
    //   = [⅙(1+3) + 1/12(4+6) + ⅙ c] / ⅔ = 2.25 + c/4
    // c = ⅙(x01 + 4 + 6 + 8) + 1/12(1 + 3 + 7 + 9) = (20.25 + c/4)/6 + 5/3 → c = 121/23
    const mask = new Uint8Array(9);
    mask[1] = 1;
    mask[4] = 1;
    const out = noisyLinearImpute(img1([[1, 50, 3], [4, 100, 6], [7, 8, 9]]), mask, { noise: 0 });
    expect(at(out, 1, 1)).toBeCloseTo(121 / 23, 5);
    expect(at(out, 1, 0)).toBeCloseTo(2.25 + 121 / 23 / 4, 5);
  });

  it('reconstructs a linear ramp exactly inside, satisfies the equations on a random 90 % removal', () => {
    // Three channels, f_c = a_c·x + b_c·y + c_c; an interior 8×8 hole (not touching the border).
    const h = 16;
    const w = 16;
    const data = new Float32Array(h * w * 3);
    const coef = [[0.1, 0.2, 1], [-0.3, 0.05, 0], [0, -0.5, 2]];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
      data[(y * w + x) * 3 + c] = coef[c]![0]! * x + coef[c]![1]! * y + coef[c]![2]!;
    }
    const ramp: PixelImage = { data, height: h, width: w, channels: 3 };
    const hole = new Uint8Array(h * w);
    for (let y = 4; y < 12; y++) for (let x = 4; x < 12; x++) hole[y * w + x] = 1;
    const filled = noisyLinearImpute({ ...ramp, data: data.map((v, i) => (hole[Math.floor(i / 3)] ? 0 : v)) }, hole, { noise: 0 });
    filled.data.forEach((v, i) => expect(v).toBeCloseTo(data[i]!, 4));
    // Random image, random 90 % of pixels removed (MoRF of a random map), border included.
    const rnd: PixelImage = { data: randomMap(32, 32 * 2, 1).data, height: 32, width: 32, channels: 2 };
    const removed = removalMask(randomMap(32, 32, 2), 0.9);
    const out = noisyLinearImpute(rnd, removed, { noise: 0 });
    expect(worstEquation(out, removed)).toBeLessThan(1e-5);
    out.data.forEach((v, i) => {
      if (!removed[Math.floor(i / 2)]) expect(v).toBe(rnd.data[i]);
    });
  });

  it('matches pytorch-grad-cam / ROAD (scipy spsolve of its sparse system) on a 7×6×2 case', () => {
    // Reference: pytorch-grad-cam's NoisyLinearImputer.setup_sparse_system + scipy spsolve (noise 0) on
    // this image and mask (60 % removed, border pixels included), run once offline; values in raster
    // order of the removed pixels, channel fastest.
    const REF = [
      0.4429681, 0.3555629, 0.4872512, 0.3260574, 0.5879218, 0.2652153, 0.6351464, 0.2013842, 0.5331772, 0.1666122,
      0.4317188, 0.1579825, 0.4547914, 0.3495781, 0.5338732, 0.2796858, 0.4330172, 0.1519537, 0.3296112, 0.1523671,
      0.4401247, 0.4264436, 0.4239782, 0.3913313, 0.4046566, 0.5400348, 0.3633062, 0.4043314, 0.3572611, 0.3328982,
      0.4225292, 0.5074601, 0.4351098, 0.5243541, 0.5113254, 0.5457316, 0.6005456, 0.5166167, 0.4351336, 0.4940017,
      0.590766, 0.5121973, 0.2125295, 0.5608214, 0.4392578, 0.577459, 0.6156944, 0.5461971, 0.7754583, 0.6362228,
    ];
    const im: PixelImage = { data: randomMap(7, 6 * 2, 10).data, height: 7, width: 6, channels: 2 };
    const removed = removalMask(randomMap(7, 6, 11), 0.6);
    const out = noisyLinearImpute(im, removed, { noise: 0 });
    const got: number[] = [];
    removed.forEach((r, i) => {
      if (r) got.push(out.data[i * 2]!, out.data[i * 2 + 1]!);
    });
    expect(got).toHaveLength(REF.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(REF[i]!, 6));
  });

  it('adds seeded Gaussian noise of σ = noise to imputed pixels only', () => {
    const h = 40;
    const w = 40;
    const flat: PixelImage = { data: new Float32Array(h * w).fill(2), height: h, width: w, channels: 1 };
    const removed = new Uint8Array(h * w);
    for (let i = 0; i < h * w; i += 2) removed[i] = 1;
    const a = noisyLinearImpute(flat, removed, { noise: 0.5, seed: 3 });
    const b = noisyLinearImpute(flat, removed, { noise: 0.5, seed: 3 });
    const c = noisyLinearImpute(flat, removed, { noise: 0.5, seed: 4 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    let sum = 0;
    let sq = 0;
    let k = 0;
    a.data.forEach((v, i) => {
      if (removed[i]) {
        sum += v - 2;
        sq += (v - 2) ** 2;
        k++;
      } else expect(v).toBe(2);
    });
    expect(sum / k).toBeCloseTo(0, 1); // 800 samples: |mean| ≲ 0.05
    expect(Math.sqrt(sq / k)).toBeCloseTo(0.5, 1);
    // Everything removed: nothing to interpolate from → 0 (+ noise).
    expect(Array.from(noisyLinearImpute(flat, new Uint8Array(h * w).fill(1), { noise: 0 }).data)).toEqual(new Array(h * w).fill(0));
  });

  it('roadImpute on tensors keeps the shape and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor4d([1, 2, 3, 4, 100, 6, 7, 8, 9], [1, 3, 3, 1]);
    const out = roadImpute(x, [[0, 0, 0], [0, 1, 0], [0, 0, 0]], { noise: 0 });
    expect(out.shape).toEqual([1, 3, 3, 1]);
    const v = out.dataSync();
    expect(v[4]).toBeCloseTo(5, 5);
    expect(Array.from(v).filter((_, i) => i !== 4)).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
    tf.dispose([x, out]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ROAD curves', () => {
  // Score = the centre pixel of a 3×3 image (read with tfjs like a real model would).
  const centreScore: ScoreCallback = (images) => tf.tidy(() => tf.reshape(tf.slice(images, [0, 1, 1, 0], [-1, 1, 1, 1]), [-1]).dataSync());
  const IMG = [1, 2, 3, 4, 100, 6, 7, 8, 9];
  // Map: the centre first, then top-middle, ..., the top-left corner last.
  const MAP = [[0.1, 0.8, 0.5], [0.4, 1, 0.6], [0.3, 0.2, 0.7]];

  it('MoRF / LeRF / combined on a hand-solved 3×3 case', async () => {
    const x = tf.tensor4d(IMG, [1, 3, 3, 1]);
    const before = tf.memory().numTensors;
    const p1 = 100 / 9; // one pixel
    const p2 = 200 / 9; // two pixels
    const morf = await road(x, MAP, centreScore, { percentiles: [p1, p2], noise: 0 });
    // 1 pixel: the centre alone → 5; 2 pixels: centre + top-middle → 121/23 (solved above).
    expect(morf.original).toBeCloseTo(100, 5);
    expect(morf.scores[0]).toBeCloseTo(5, 5);
    expect(morf.scores[1]).toBeCloseTo(121 / 23, 4);
    expect(morf.mean).toBeCloseTo((5 + 121 / 23) / 2, 4);
    expect(morf.changes[0]).toBeCloseTo(-95, 4);
    expect(morf.meanChange).toBeCloseTo(morf.mean - 100, 5);
    // LeRF removes the corner (0.1), then the bottom-middle (0.2): the centre stays 100.
    const lerf = await road(x, MAP, centreScore, { percentiles: [p1, p2], noise: 0, order: 'LeRF' });
    expect(Array.from(lerf.scores)).toEqual([100, 100]);
    const both = await roadCombined(x, MAP, centreScore, { percentiles: [p1, p2], noise: 0 });
    expect(both.combined).toBeCloseTo((100 - (5 + 121 / 23) / 2) / 2, 4);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('perfect +2, inverted −2, seeded random in between (object model, default percentiles)', async () => {
    // 8×8 dark image with a bright 2×2 object; score = sum over the object's pixels.
    const h = 8;
    const w = 8;
    const obj = (y: number, x: number) => y >= 3 && y < 5 && x >= 3 && x < 5;
    const pixels: number[] = [];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.push(obj(y, x) ? 1 : 0);
    const x = tf.tensor4d(pixels, [1, h, w, 1]);
    const weights = tf.tensor4d(pixels, [1, h, w, 1]);
    const score: ScoreCallback = (images) => tf.tidy(() => tf.sum(tf.mul(images, weights), [1, 2, 3]).dataSync());
    const perfect: HeatMap = { data: Float32Array.from(pixels), height: h, width: w };
    const inverted: HeatMap = { data: Float32Array.from(pixels, (v) => 1 - v), height: h, width: w };
    const before = tf.memory().numTensors;
    // Perfect: MoRF removes the object first (≥ 6 pixels at 10 %): it is imputed from its dark
    // surroundings → 0 at every percentage; LeRF only removes background (≤ 58 of 60) → 4. (4 − 0)/2 = 2.
    const p = await roadCombined(x, perfect, score, { noise: 0 });
    expect(Array.from(p.morf.scores)).toEqual(new Array(9).fill(0));
    expect(Array.from(p.lerf.scores)).toEqual(new Array(9).fill(4));
    expect(p.combined).toBe(2);
    // Inverted: the roles swap → −2.
    const i = await roadCombined(x, inverted, score, { noise: 0 });
    expect(i.combined).toBe(-2);
    // Random map (seeded): strictly in between, and the default noise keeps it there.
    const r = await roadCombined(x, randomMap(h, w, 5), score);
    expect(r.combined).toBeGreaterThan(-2);
    expect(r.combined).toBeLessThan(2);
    expect(r.morf.percentiles).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, weights]);
  });
});
