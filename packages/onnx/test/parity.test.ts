// Parity with onnxruntime on every ONNX model in ../shared/models (skipped without ../shared): the
// tiny ViT-GPT2 encoder, its three decoders (decoder_model_merged switches branches with a top-level
// If) and tiny CLIP; outputs equal onnxruntime-node 1.14's recorded outputs to 1e-5. Repeated runs
// leave the tensor count unchanged.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { loadOnnx } from '../src/node.js';
import { describeShared, feedsOf, loadReference, maxAbsDiff, tensorDelta } from './helpers.js';

const MODELS = [
  'tiny-vit-gpt2.encoder_model',
  'tiny-vit-gpt2.decoder_model',
  'tiny-vit-gpt2.decoder_with_past_model',
  'tiny-vit-gpt2.decoder_model_merged',
  'tiny-clip.model',
];

describeShared('parity with onnxruntime (../shared/models)', ['models/onnx-reference', 'models/tiny-clip/onnx/model.onnx'], (shared) => {
  describe.each(['wasm', 'cpu'] as const)('on %s', (backend) => {
    beforeAll(async () => {
      await initBackend({ backend });
    });
    it.each(MODELS)('%s: every output of every case within 1e-5', async (name) => {
      const ref = loadReference(shared, name);
      const base = tf.memory().numTensors;
      const session = await loadOnnx(join(shared, 'models', ref.model));
      const loaded = tf.memory().numTensors;
      for (const c of ref.cases) {
        const feeds = feedsOf(c);
        const got = session.runToData(feeds, Object.keys(c.outputs));
        // Not even the first run allocates anything that outlives it.
        expect(tf.memory().numTensors).toBe(loaded);
        for (const [k, want] of Object.entries(c.outputs)) {
          const g = got[k] as { dims: number[]; data: Float64Array };
          expect(g.dims, k).toEqual(want.dims);
          expect(maxAbsDiff(g.data, want.data), `${name} ${k}`).toBeLessThan(1e-5);
        }
        // The same through run(): tensors the caller owns, and nothing else left behind.
        const delta = tensorDelta(() => {
          for (let i = 0; i < 3; i++) tf.dispose(Object.values(session.run(feeds)));
        });
        expect(delta).toBe(0);
      }
      session.dispose();
      expect(tf.memory().numTensors).toBe(base);
    });
  });
});
