import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@gradcam/core';
import { classMasks } from '../src/models/masks.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('ClassMasks', () => {
  const build = () => {
    const input = tfl.input({ shape: [2, 3] });
    return tfl.model({ inputs: input, outputs: classMasks('masks').apply(input) as tfl.SymbolicTensor });
  };

  it('is [x > 0] elementwise, with a zero gradient', () => {
    const model = build();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.tensor3d([[[-2, 0, 1e-6], [3, -1e-6, 40]]]);
      expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual([0, 0, 1, 1, 0, 1]);
      // a path through the masks passes nothing back: d/dx Σ w·mask(x) = 0 everywhere
      const w = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, model.apply(v) as tf.Tensor)))(x);
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips through a model.json topology (registered with tfjs serialization)', async () => {
    const model = build();
    const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(restored.getLayer('masks').getClassName()).toBe('GradcamClassMasks');
    tf.tidy(() => {
      const x = tf.tensor3d([[[-1, 2, -3], [4, -5, 6]]]);
      expect(Array.from((restored.predict(x) as tf.Tensor).dataSync())).toEqual([0, 1, 0, 1, 0, 1]);
    });
  });
});
