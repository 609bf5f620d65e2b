import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradCamError, initBackend, resizeMaps } from '../src/index.js';
import {
  averageDropIncrease,
  confidenceChangeAbsolute,
  deletionInsertion,
  explanationMapScores,
  gaussianBlur,
  type HeatMap,
  maskedByMap,
  percentile,
  randomMap,
  relevanceOrder,
  removalMask,
  type ScoreCallback,
  trapezoidAUC,
} from '../src/metrics/index.js';

/**
 * A toy "model": score = Σ_pixels a · x (one channel), computed with tfjs like a real callback, and a
 * log of the batch sizes it was called with.
 */
function linearModel(a: number[], h: number, w: number): { score: ScoreCallback; calls: number[] } {
  const calls: number[] = [];
  const score: ScoreCallback = (images) => {
    calls.push(images.shape[0]);
    return tf.tidy(() => tf.sum(tf.mul(images, tf.tensor4d(a, [1, h, w, 1])), [1, 2, 3]).dataSync() as Float32Array);
  };
  return { score, calls };
}
const hm = (data: number[], height: number, width: number): HeatMap => ({ data: Float32Array.from(data), height, width });
const close = (got: ArrayLike<number>, want: number[], digits = 5): void => {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, digits));
};

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('MoRF / LeRF ordering', () => {
  it('sorts by value with ties by ascending pixel index in both orders', () => {
    const m = hm([0.5, 0.9, 0.5, 0.1, 0.9, 0.5], 2, 3);
    expect(Array.from(relevanceOrder(m, 'MoRF'))).toEqual([1, 4, 0, 2, 5, 3]);
    expect(Array.from(relevanceOrder(m, 'LeRF'))).toEqual([3, 0, 2, 5, 1, 4]);
    // NaN ranks as least relevant.
    expect(Array.from(relevanceOrder(hm([NaN, 1, 0], 1, 3), 'MoRF'))).toEqual([1, 2, 0]);
    expect(Array.from(relevanceOrder(hm([NaN, 1, 0], 1, 3), 'LeRF'))).toEqual([0, 2, 1]);
  });

  it('removal masks: rank-based, and pytorch-grad-cam percentile thresholds (numpy linear percentile)', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12); // rank 0.75 between 1 and 2
    expect(percentile([0, 0, 0, 0, 1, 1, 1, 1, 2], 50)).toBe(1);
    const m = hm([0, 0, 0, 0, 1, 1, 1, 1, 2], 3, 3);
    // rank: round(0.5 · 9) = 5 pixels; MoRF takes 8, then the 1s at 4..7; LeRF takes the 0s then index 4.
    expect(Array.from(removalMask(m, 0.5, { order: 'MoRF' }))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(removalMask(m, 0.5, { order: 'LeRF' }))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    // threshold (pytorch-grad-cam percentile = 50): MoRF keeps map < percentile(map, 50) = 1 → removes 5;
    // LeRF keeps 1 − map < percentile(1 − map, 50) = 0 → keeps only the 2, removes 8.
    expect(Array.from(removalMask(m, 0.5, { order: 'MoRF', selection: 'threshold' }))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(removalMask(m, 0.5, { order: 'LeRF', selection: 'threshold' }))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(removalMask(m, 0))).toEqual(new Array(9).fill(0));
    expect(Array.from(removalMask(m, 1))).toEqual(new Array(9).fill(1));
  });
});

describe('deletion and insertion (RISE)', () => {
  // Image 1×3, one channel, all ones; score = 3·x0 + 2·x1 + 1·x2 (6 on the full image).
  const A = [3, 2, 1];
  const image = () => tf.ones([1, 1, 3, 1]) as tf.Tensor4D;

  it('hand-computed curves and trapezoid AUCs of a 3-pixel model', async () => {
    const { score } = linearModel(A, 1, 3);
    const x = image();
    const before = tf.memory().numTensors;
    // map → order pixel1 (0.9), pixel2 (0.5), pixel0 (0.2).
    const r = await deletionInsertion(x, [[0.2, 0.9, 0.5]], score, { steps: 3, baseline: 'zero' });
    expect(tf.memory().numTensors).toBe(before);
    close(r.x, [0, 1 / 3, 2 / 3, 1]);
    // deletion: 6 → remove p1 (−2) → 4 → remove p2 (−1) → 3 → remove p0 (−3) → 0
    close(r.deletion.curve, [6, 4, 3, 0]);
    // AUC = ⅓ · ((6+4)/2 + (4+3)/2 + (3+0)/2) = ⅓ · 10 = 10/3
    expect(r.deletion.auc).toBeCloseTo(10 / 3, 5);
    // insertion from zeros: 0 → +p1 → 2 → +p2 → 3 → +p0 → 6; AUC = ⅓ · (1 + 2.5 + 4.5) = 8/3
    close(r.insertion.curve, [0, 2, 3, 6]);
    expect(r.insertion.auc).toBeCloseTo(8 / 3, 5);
    expect(r.original).toBeCloseTo(6, 5);
    // normalize: every score / 6.
    const n = await deletionInsertion(x, [[0.2, 0.9, 0.5]], score, { steps: 3, baseline: 'zero', normalize: true });
    close(n.deletion.curve, [1, 4 / 6, 3 / 6, 0]);
    expect(n.deletion.auc).toBeCloseTo(10 / 18, 5);
    expect(n.insertion.auc).toBeCloseTo(8 / 18, 5);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('perfect map gives the best AUCs, inverted the worst, ties by pixel index', async () => {
    const { score } = linearModel(A, 1, 3);
    const x = image();
    const opts = { steps: 3, baseline: 'zero' as const };
    // Perfect: order by contribution a·x = 3, 2, 1. Deletion [6,3,1,0] → ⅓(4.5+2+0.5) = 7/3;
    // insertion [0,3,5,6] → ⅓(1.5+4+5.5) = 11/3.
    const perfect = await deletionInsertion(x, [[3, 2, 1]], score, opts);
    close(perfect.deletion.curve, [6, 3, 1, 0]);
    expect(perfect.deletion.auc).toBeCloseTo(7 / 3, 5);
    expect(perfect.insertion.auc).toBeCloseTo(11 / 3, 5);
    // Inverted: deletion [6,5,3,0] → 11/3; insertion [0,1,3,6] → 7/3.
    const inverted = await deletionInsertion(x, [[1, 2, 3]], score, opts);
    close(inverted.deletion.curve, [6, 5, 3, 0]);
    expect(inverted.deletion.auc).toBeCloseTo(11 / 3, 5);
    expect(inverted.insertion.auc).toBeCloseTo(7 / 3, 5);
    // A flat map removes pixels in index order 0, 1, 2: here the same as the perfect order.
    const flat = await deletionInsertion(x, [[0, 0, 0]], score, opts);
    close(flat.deletion.curve, [6, 3, 1, 0]);
    x.dispose();
  });

  it('seeded random map on an 8×8 linear model lies between the perfect and the inverted map', async () => {
    const w = randomMap(8, 8, 21); // positive pixel weights
    const { score } = linearModel(Array.from(w.data), 8, 8);
    const x = tf.fill([1, 8, 8, 1], 1) as tf.Tensor4D;
    const inverted = hm(Array.from(w.data, (v) => -v), 8, 8);
    const opts = { steps: 16, baseline: 'zero' as const };
    const [p, r, i] = [
      await deletionInsertion(x, w, score, opts),
      await deletionInsertion(x, randomMap(8, 8, 99), score, opts),
      await deletionInsertion(x, inverted, score, opts),
    ];
    // For a linear model with positive weights, removing by contribution is the optimal order.
    expect(p.deletion.auc).toBeLessThan(r.deletion.auc);
    expect(r.deletion.auc).toBeLessThan(i.deletion.auc);
    expect(p.insertion.auc).toBeGreaterThan(r.insertion.auc);
    expect(r.insertion.auc).toBeGreaterThan(i.insertion.auc);
    // Linear model, zero substrate: after k steps deletion keeps total − S_k and insertion has S_k.
    p.deletion.curve.forEach((v, k) => expect(v + p.insertion.curve[k]!).toBeCloseTo(p.original, 3));
    x.dispose();
  });

  it('constant baselines, blur substrate, uneven chunks and batching', async () => {
    const { score, calls } = linearModel(A, 1, 3);
    const x = image();
    // Deletion to 0.5: 6 → 6 − 2·½ = 5 → 5 − 1·½ = 4.5 → 4.5 − 3·½ = 3; AUC = ⅓(5.5 + 4.75 + 3.75) = 14/3.
    const r = await deletionInsertion(x, [[0.2, 0.9, 0.5]], score, { steps: 3, baseline: 0.5, batchSize: 2 });
    close(r.deletion.curve, [6, 5, 4.5, 3]);
    expect(r.deletion.auc).toBeCloseTo(14 / 3, 5);
    // 2·3 + 1 = 7 images in batches of 2.
    expect(calls).toEqual([2, 2, 2, 1]);
    // The blur of a constant image is the image (border taps renormalised): insertion is flat at 6.
    const b = await deletionInsertion(x, [[0.2, 0.9, 0.5]], score, { steps: 3, baseline: { deletion: 'zero', insertion: 'blur' } });
    close(b.insertion.curve, [6, 6, 6, 6]);
    expect(b.insertion.auc).toBeCloseTo(6, 5);
    x.dispose();
    // 5 pixels in 2 steps: round(2.5) = 3 pixels after step 1 → x = [0, 0.6, 1].
    const five = linearModel([1, 1, 1, 1, 1], 1, 5);
    const x5 = tf.ones([1, 5, 1]) as tf.Tensor3D; // [H, W, C] is accepted too
    const u = await deletionInsertion(x5, [[5, 4, 3, 2, 1]], five.score, { steps: 2, baseline: 'zero' });
    close(u.x, [0, 0.6, 1]);
    close(u.deletion.curve, [5, 2, 0]);
    expect(u.deletion.auc).toBeCloseTo(0.6 * 3.5 + 0.4 * 1, 5);
    x5.dispose();
  });

  it('resizes a smaller map to the image like resizeMaps', async () => {
    const a = Array.from(randomMap(4, 4, 2).data);
    const { score } = linearModel(a, 4, 4);
    const x = tf.tidy(() => tf.add(tf.zeros([1, 4, 4, 1]), tf.tensor4d(Array.from(randomMap(4, 4, 3).data), [1, 4, 4, 1]))) as tf.Tensor4D;
    const small = [[0.1, 0.8], [0.4, 0.3]];
    const big = tf.tidy(() => resizeMaps(tf.tensor3d([small]), [4, 4]));
    const r1 = await deletionInsertion(x, small, score, { steps: 4 });
    const r2 = await deletionInsertion(x, big, score, { steps: 4 });
    expect(Array.from(r1.deletion.curve)).toEqual(Array.from(r2.deletion.curve));
    expect(r1.insertion.auc).toBe(r2.insertion.auc);
    tf.dispose([x, big]);
  });

  it('rejects a wrong-length score and leaks nothing when the callback throws', async () => {
    const x = tf.ones([1, 1, 3, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    await expect(deletionInsertion(x, [[1, 2, 3]], () => new Float32Array(1), { steps: 3 })).rejects.toThrow(GradCamError);
    await expect(
      deletionInsertion(x, [[1, 2, 3]], () => {
        throw new Error('model failed');
      }),
    ).rejects.toThrow('model failed');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('trapezoid rule and Gaussian blur by hand', () => {
    expect(trapezoidAUC([0, 0.5, 1], [1, 1, 0])).toBeCloseTo(0.5 + 0.25, 12);
    // Delta at the centre of a 1×5 row, size-3 kernel, σ = 1: weights e^{−½}, 1, e^{−½} normalised,
    // then the vertical pass on a single row is the identity.
    const e = Math.exp(-0.5);
    const blurred = gaussianBlur({ data: Float32Array.from([0, 0, 1, 0, 0]), height: 1, width: 5, channels: 1 }, 1, 3);
    close(blurred.data, [0, e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e), 0], 6);
  });
});

describe('Average Drop / Increase in Confidence', () => {
  it('relative (papers) and absolute (pytorch-grad-cam) definitions, by hand', () => {
    const Y = [0.8, 0.5, 0.4];
    const O = [0.4, 0.6, 0.1];
    const rel = averageDropIncrease(Y, O);
    // drops: 100·0.4/0.8 = 50, 0, 100·0.3/0.4 = 75 → 125/3; increase: only image 1 → 100/3
    close(rel.drops, [50, 0, 75], 4);
    expect(rel.averageDrop).toBeCloseTo(125 / 3, 4);
    expect(Array.from(rel.increased)).toEqual([0, 1, 0]);
    expect(rel.increaseInConfidence).toBeCloseTo(100 / 3, 6);
    const abs = confidenceChangeAbsolute(Y, O);
    close(abs.change, [-0.4, 0.1, -0.3]);
    close(abs.drop, [0.4, 0, 0.3]);
    close(Array.from(abs.increase), [0, 1, 0]);
    expect(abs.meanChange).toBeCloseTo(-0.2, 6);
    expect(abs.meanDrop).toBeCloseTo(0.7 / 3, 6);
    expect(abs.meanIncrease).toBeCloseTo(1 / 3, 6);
    // Equal scores: no drop, no increase (strict >).
    expect(averageDropIncrease([0.5], [0.5])).toMatchObject({ averageDrop: 0, increaseInConfidence: 0 });
    // The relative drop needs Y > 0; lengths must match.
    expect(() => averageDropIncrease([2, -1], [1, 1])).toThrow(/must be > 0/);
    expect(() => averageDropIncrease([1], [1, 2])).toThrow(GradCamError);
    expect(confidenceChangeAbsolute([2, -1], [1, 1]).change[1]).toBe(2);
  });

  it('maskedByMap multiplies every channel by the map, resizes it, and broadcasts', () => {
    const before = tf.memory().numTensors;
    const img = tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
    const m = tf.tensor2d([[1, 0.5], [0, 0.25]]);
    const out = maskedByMap(img, m);
    close(out.dataSync(), [1, 10, 1, 10, 0, 0, 1, 10]);
    // [1 image] × [3 maps] → 3 images; a 1×1 map is constant after resizing.
    const maps = tf.tensor3d([[[1, 1], [1, 1]], [[0, 0], [0, 0]], [[0.5, 0.5], [0.5, 0.5]]]);
    const three = maskedByMap(img, maps);
    expect(three.shape).toEqual([3, 2, 2, 2]);
    close(three.dataSync().slice(16), [0.5, 5, 1, 10, 1.5, 15, 2, 20]);
    const hwc = tf.squeeze(img, [0]) as tf.Tensor3D;
    const resized = maskedByMap(hwc, [[0.5]]);
    close(resized.dataSync(), [0.5, 5, 1, 10, 1.5, 15, 2, 20]);
    const two = tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
    expect(() => maskedByMap(two, maps)).toThrow(/2 images and 3 maps/);
    tf.dispose([img, m, out, maps, three, resized, hwc, two]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('perfect (all-ones), inverted (all-zero) and seeded random maps through a 3-pixel model', async () => {
    const { score, calls } = linearModel([3, 2, 1], 1, 3);
    const x = tf.ones([1, 1, 3, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const rnd = randomMap(1, 3, 4);
    const maps = tf.tensor3d([[[1, 1, 1]], [[0, 0, 0]], [Array.from(rnd.data)]]);
    const s = await explanationMapScores(x, maps, score);
    // one call with the image, one with the 3 masked images, in pair order
    expect(calls).toEqual([1, 3]);
    const oRandom = 3 * rnd.data[0]! + 2 * rnd.data[1]! + rnd.data[2]!;
    close(s.original, [6, 6, 6]);
    close(s.masked, [6, 0, oRandom]);
    const rel = averageDropIncrease(s.original, s.masked);
    close(rel.drops, [0, 100, (100 * (6 - oRandom)) / 6], 3);
    expect(Array.from(rel.increased)).toEqual([0, 0, 0]);
    maps.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
