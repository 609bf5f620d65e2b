import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { classLogit, cutModel, explain, initBackend, scoreRows } from '../src/index.js';
import { maxAbsDiff } from './helpers/fixture.js';

/**
 * A DAG LayersModel with two inputs and concatenations: an image branch (conv 'feat' → conv
 * 'feat2', channel-concatenated with 'feat') and a metadata vector branch joined after pooling.
 */
function twoInputModel(): tfl.LayersModel {
  const img = tfl.input({ shape: [8, 8, 2], name: 'img' });
  const meta = tfl.input({ shape: [3], name: 'meta' });
  const feat = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'feat', kernelInitializer: tfl.initializers.randomNormal({ seed: 1 }) }).apply(img) as tfl.SymbolicTensor;
  const feat2 = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'feat2', kernelInitializer: tfl.initializers.randomNormal({ seed: 2 }) }).apply(feat) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ axis: -1, name: 'cat' }).apply([feat2, feat]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(cat) as tfl.SymbolicTensor;
  const m = tfl.layers.dense({ units: 4, activation: 'relu', name: 'meta_dense', kernelInitializer: tfl.initializers.randomNormal({ seed: 3 }) }).apply(meta) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate({ name: 'joined' }).apply([pooled, m]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, name: 'out', kernelInitializer: tfl.initializers.randomNormal({ seed: 4 }) }).apply(joined) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [img, meta], outputs: out });
}

describe('LayersModel DAG with several inputs and concatenations', () => {
  it('the cut reproduces predict, and its gradients match finite differences', async () => {
    await initBackend({ backend: 'cpu' });
    const model = twoInputModel();
    const img = tf.randomUniform([2, 8, 8, 2], -1, 1, 'float32', 1);
    const meta = tf.randomUniform([2, 3], -1, 1, 'float32', 2);
    const [cut] = cutModel(model, 'feat');
    const { activations, state } = cut!.trunk([img, meta]);
    expect(state.length).toBe(1); // meta_dense's output: the only value the head needs besides A
    const full = (model.predict([img, meta]) as tf.Tensor).dataSync();
    expect(maxAbsDiff((cut!.head(activations, state) as tf.Tensor).dataSync(), full)).toBeLessThan(1e-5);

    const f = (a: tf.Tensor) => tf.sum(scoreRows(cut!.head(a, state), [classLogit(0), classLogit(2)]));
    const g = tf.grad(f)(activations).dataSync();
    const a0 = activations.dataSync();
    const eps = 1e-3;
    const live = Array.from(a0.keys()).filter((i) => a0[i]! > 0.05);
    for (const i of live.filter((_, k) => k % Math.max(1, Math.floor(live.length / 20)) === 0)) {
      const p = Float32Array.from(a0);
      const m = Float32Array.from(a0);
      p[i] = p[i]! + eps;
      m[i] = m[i]! - eps;
      const fd = (f(tf.tensor(p, activations.shape)).dataSync()[0]! - f(tf.tensor(m, activations.shape)).dataSync()[0]!) / (2 * eps);
      expect(Math.abs(fd - g[i]!)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(g[i]!)));
    }

    // explain() takes the inputs as a list with the image batch first.
    const r = await explain(model, [img, meta], { layer: 'feat', targets: [0, 2] });
    expect(r.maps.shape).toEqual([2, 8, 8]);
    const scores = r.scores.dataSync();
    expect(scores[0]).toBeCloseTo(full[0]!, 5);
    expect(scores[1]).toBeCloseTo(full[3 + 2]!, 5);
    r.dispose();
    const before = tf.memory().numTensors;
    for (const method of ['gradcam', 'scorecam', 'ablationcam'] as const) (await explain(model, [img, meta], { layer: 'feat', method })).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
