import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { classProbability, cutFromFunctions, explain, initBackend, type MethodId } from '../src/index.js';

// Captum-style exact checks. A 2×2×2 activation map A (the input itself: the trunk is an identity
// layer 'a') and a head whose gradient varies across positions:
//   z_ij = relu(A_ij · u + b), u = (1, −1), b = 0.5;   m = mean_ij z_ij;   y = (2m, −m).
// Every expected number below is derived by hand from these definitions (comments show the work)
// or by plain-JS arithmetic that does not touch tfjs.
const A = [
  [[1, 2], [3, 0]],
  [[0, 1], [2, -2]],
]; // A[i][j] = (channel0, channel1)
// z = relu([[1−2+.5, 3−0+.5], [0−1+.5, 2+2+.5]]) = [[0, 3.5], [0, 4.5]]; m = 2; y = (4, −2).
// dy0/dA_ij = 2 · ¼ · 1[z_ij>0] · u = (0.5, −0.5) at (0,1) and (1,1), 0 elsewhere.
// dy1/dA_ij = −1 · ¼ · 1[z_ij>0] · u = (−0.25, 0.25) at the same positions.
const U = [1, -1];
const B = 0.5;
const V = [2, -1];

function forward(a: number[][][]): number[] {
  let m = 0;
  for (const row of a) for (const v of row) m += Math.max(0, v[0]! * U[0]! + v[1]! * U[1]! + B) / 4;
  return V.map((vc) => vc * m);
}
const minmax = (x: number[]): number[] => {
  const lo = Math.min(...x);
  const s = x.map((v) => v - lo);
  const hi = Math.max(...s);
  return s.map((v) => v / (1e-7 + hi));
};
/** pytorch-grad-cam post-processing of a 2×2 raw map at input size: ReLU, min-max, (no resize), min-max. */
const post = (raw: number[]) => minmax(minmax(raw.map((v) => Math.max(0, v))));
const flat = (a: number[][][], c: number) => a.flat().map((v) => v[c]!);
const weighted = (w0: number, w1: number) => A.flat().map((v) => w0 * v[0]! + w1 * v[1]!);

const EXPECTED_RAW: Record<string, number[]> = {
  // α = mean gradient = (2·0.5/4, 2·(−0.5)/4) = (0.25, −0.25)
  gradcam: weighted(0.25, -0.25), // [−0.25, 0.75, −0.25, 1]
  // α_c = Σ g·A / (ΣA + 1e-7): channel0 = (0.5·3 + 0.5·2)/6, channel1 = (−0.5·0 + −0.5·−2)/1
  xgradcam: weighted(2.5 / (6 + 1e-7), 1 / (1 + 1e-7)),
  // channel0: g=0.5 twice: Σ relu(g)·g²/(2g² + ΣA·g³ + 1e-6) = 2·0.5·0.25/(0.5 + 6·0.125 + 1e-6); channel1: relu(g)=0
  'gradcam++': weighted((2 * 0.5 * 0.25) / (0.5 + 0.75 + 1e-6), 0),
  // Σ_c g·A: (0,1): 0.5·3 + (−0.5)·0 = 1.5; (1,1): 0.5·2 + (−0.5)(−2) = 2
  hirescam: [0, 1.5, 0, 2],
  // Σ_c relu(g)·A: (0,1): 1.5; (1,1): 0.5·2 + 0·(−2) = 1
  layercam: [0, 1.5, 0, 1],
  // Σ_c relu(g·A): (0,1): 1.5; (1,1): relu(1) + relu(1) = 2
  'gradcam-elementwise': [0, 1.5, 0, 2],
};

function scoreCamWeights(): number[] {
  // Masks: each channel min-max normalised ((x−min)/(max−min+1e-8)), multiplied into the input (= A).
  const scores = [0, 1].map((c) => {
    const ch = flat(A, c);
    const lo = Math.min(...ch);
    const hi = Math.max(...ch);
    const mask = ch.map((v) => (v - lo) / (hi - lo + 1e-8));
    const masked = A.map((row, i) => row.map((v, j) => v.map((x) => x * mask[i * 2 + j]!)));
    return forward(masked)[0]!;
  });
  const e = scores.map(Math.exp);
  return e.map((v) => v / (e[0]! + e[1]!));
}
function ablationWeights(): number[] {
  const y = forward(A)[0]!;
  return [0, 1].map((c) => {
    const ablated = A.map((row) => row.map((v) => v.map((x, k) => (k === c ? 0 : x))));
    return (y - forward(ablated)[0]!) / y;
  });
}
function eigenRaw(): number[] {
  // First principal component of the centred 4×2 matrix, closed form for a 2×2 covariance.
  const x0 = flat(A, 0);
  const x1 = flat(A, 1);
  const m0 = x0.reduce((a, b) => a + b) / 4;
  const m1 = x1.reduce((a, b) => a + b) / 4;
  const c0 = x0.map((v) => v - m0);
  const c1 = x1.map((v) => v - m1);
  const a = c0.reduce((s, v) => s + v * v, 0);
  const d = c1.reduce((s, v) => s + v * v, 0);
  const b = c0.reduce((s, v, i) => s + v * c1[i]!, 0);
  const lambda = (a + d) / 2 + Math.sqrt(((a - d) / 2) ** 2 + b * b);
  let v = [b, lambda - a];
  const n = Math.hypot(v[0]!, v[1]!);
  v = [v[0]! / n, v[1]! / n];
  const proj = c0.map((p, i) => p * v[0]! + c1[i]! * v[1]!);
  // gradcam's sign convention: correlate positively with the channel-summed activations.
  const corr = proj.reduce((s, p, i) => s + p * (x0[i]! + x1[i]!), 0);
  return corr < 0 ? proj.map((p) => -p) : proj;
}

function layersModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [2, 2, 2], name: 'x' });
  const a = tfl.layers.activation({ activation: 'linear', name: 'a' }).apply(input);
  const zLayer = tfl.layers.dense({ units: 1, activation: 'relu', name: 'z' });
  const z = zLayer.apply(a);
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(z);
  const outLayer = tfl.layers.dense({ units: 2, useBias: false, name: 'logits' });
  const y = outLayer.apply(gap) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: y });
  zLayer.setWeights([tf.tensor2d([[U[0]!], [U[1]!]]), tf.tensor1d([B])]);
  outLayer.setWeights([tf.tensor2d([V], [1, 2])]);
  return model;
}
const functionCut = () =>
  cutFromFunctions({
    layer: 'a',
    trunk: ([x]) => tf.clone(x!),
    head: (a) => {
      const z = tf.relu(tf.add(tf.sum(tf.mul(a, tf.tensor1d(U)), 3), B));
      return tf.mul(tf.reshape(tf.mean(z, [1, 2]), [-1, 1]), tf.tensor2d([V], [1, 2]));
    },
  });

const input = () => tf.tensor4d(A.flat(2), [1, 2, 2, 2]);

describe.each(['cpu', 'wasm'] as const)('exact values on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  const models = { LayersModel: layersModel, 'cutFromFunctions pair': functionCut };
  describe.each(Object.keys(models) as Array<keyof typeof models>)('%s', (kind) => {
    const run = async (method: MethodId, extra: Record<string, unknown> = {}) => {
      const x = input();
      const r = await explain(models[kind](), x, { method, layer: 'a', targets: 0, ...extra });
      const out = { maps: Array.from(r.maps.dataSync()), raw: Array.from(r.raw.dataSync()), scores: Array.from(r.scores.dataSync()), weights: r.weights ? Array.from(r.weights.dataSync()) : null };
      r.dispose();
      x.dispose();
      return out;
    };
    for (const [method, raw] of Object.entries(EXPECTED_RAW)) {
      it(`${method}: raw map and normalised map`, async () => {
        const r = await run(method as MethodId);
        r.raw.forEach((v, i) => expect(v).toBeCloseTo(raw[i]!, 6));
        post(raw).forEach((v, i) => expect(r.maps[i]).toBeCloseTo(v, 6));
        expect(r.scores[0]).toBeCloseTo(4, 6);
      });
    }
    it('score-cam weights: softmax of masked-input scores', async () => {
      const w = scoreCamWeights();
      const r = await run('scorecam');
      w.forEach((v, i) => expect(r.weights![i]).toBeCloseTo(v, 6));
      post(weighted(w[0]!, w[1]!)).forEach((v, i) => expect(r.maps[i]).toBeCloseTo(v, 6));
    });
    it('ablation-cam weights: relative score drop per zeroed channel', async () => {
      const w = ablationWeights();
      const r = await run('ablationcam');
      w.forEach((v, i) => expect(r.weights![i]).toBeCloseTo(v, 6));
      post(weighted(w[0]!, w[1]!)).forEach((v, i) => expect(r.maps[i]).toBeCloseTo(v, 6));
    });
    it("ablation-cam on a negative score: 'score' divides by it (every weight as for +y, pytorch-grad-cam), 'magnitude' by |y|", async () => {
      const w = ablationWeights();
      const negated = (o: unknown) => tf.neg(tf.reshape(tf.slice(o as tf.Tensor, [0, 0], [-1, 1]), [-1]));
      const signed = await run('ablationcam', { targets: negated });
      expect(signed.scores[0]).toBeCloseTo(-4, 6);
      w.forEach((v, i) => expect(signed.weights![i]).toBeCloseTo(v, 6));
      const magnitude = await run('ablationcam', { targets: negated, ablationDivisor: 'magnitude' });
      w.forEach((v, i) => expect(magnitude.weights![i]).toBeCloseTo(-v, 6));
      post(weighted(-w[0]!, -w[1]!)).forEach((v, i) => expect(magnitude.maps[i]).toBeCloseTo(v, 6));
      // a zero score divides by 1: zero weights, an all-zero map, no NaN
      const zero = await run('ablationcam', { targets: (o: unknown) => tf.mul(tf.reshape(tf.slice(o as tf.Tensor, [0, 0], [-1, 1]), [-1]), 0) });
      expect(zero.weights).toEqual([0, 0]);
      expect(zero.maps.every((v) => v === 0)).toBe(true);
      const x = input();
      await expect(explain(models[kind](), x, { method: 'ablationcam', layer: 'a', targets: 0, ablationDivisor: 'abs' as 'score' })).rejects.toThrow(
        /ablationDivisor must be 'score' or 'magnitude'; got 'abs'/,
      );
      x.dispose();
    });
    it('eigen-cam: projection on the first principal component', async () => {
      const raw = eigenRaw();
      const r = await run('eigencam');
      raw.forEach((v, i) => expect(r.raw[i]).toBeCloseTo(v, 5));
      post(raw).forEach((v, i) => expect(r.maps[i]).toBeCloseTo(v, 5));
    });
    it('counterfactual negates the gradients', async () => {
      const r = await run('gradcam', { counterfactual: true });
      weighted(-0.25, 0.25).forEach((v, i) => expect(r.raw[i]).toBeCloseTo(v, 6));
    });
    it('several targets for one image are batched and equal separate runs', async () => {
      const x = input();
      const r = await explain(models[kind](), x, { layer: 'a', targets: [[0, 1]] });
      expect(r.rows.map((row) => row.target)).toEqual([0, 1]);
      const raw = Array.from(r.raw.dataSync());
      // class 1: α = (2·(−0.25)/4, 2·0.25/4) = (−0.125, 0.125)
      [...weighted(0.25, -0.25), ...weighted(-0.125, 0.125)].forEach((v, i) => expect(raw[i]).toBeCloseTo(v, 6));
      expect(Array.from(r.scores.dataSync())).toEqual([4, -2]);
      r.dispose();
      x.dispose();
    });
    it('class probability score: α from d softmax_0 / dA', async () => {
      const x = input();
      const r = await explain(models[kind](), x, { layer: 'a', targets: classProbability(0) });
      // y = (4, −2): p0 = 1/(1+e^−6); dp0/dA = p0·p1·(dy0/dA − dy1/dA) = p0·p1·0.75·u at the two active positions.
      const p0 = 1 / (1 + Math.exp(-6));
      const g = p0 * (1 - p0) * 0.75;
      const alpha = (2 * g) / 4;
      // float32 softmax: compare with a relative tolerance
      weighted(alpha, -alpha).forEach((v, i) => expect(Math.abs(r.raw.dataSync()[i]! - v)).toBeLessThanOrEqual(1e-4 * Math.abs(v) + 1e-12));
      expect(r.scores.dataSync()[0]).toBeCloseTo(p0, 6);
      r.dispose();
      x.dispose();
    });
    it('default target is the top-1 class', async () => {
      const x = input();
      const r = await explain(models[kind](), x, { layer: 'a' });
      expect(r.rows).toEqual([{ item: 0, target: 0 }]);
      r.dispose();
      x.dispose();
    });
  });
});
