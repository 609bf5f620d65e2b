// Gradients of the executor against central finite differences computed through onnxruntime-node
// (skipped without ../shared). L = Σ w ⊙ output for a fixed random w; tf.grad of L through the ONNX
// graph on tfjs is compared with (L(x + h·v) − L(x − h·v)) / 2h evaluated by onnxruntime for random
// unit directions v and for the coordinates with the largest gradients. Covers the patch-embedding
// Conv, attention, GELU (Erf), LayerNorm decompositions, the GPT-2 decoder with and without past,
// the If of the merged decoder (both branches) and CLIP's towers.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import ort from 'onnxruntime-node';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { loadOnnx } from '../src/node.js';
import { describeShared, feedsOf, loadReference, seeded, type RefCase } from './helpers.js';

const CASES: Array<[model: string, caseIndex: number, wrt: string, output: string]> = [
  ['tiny-vit-gpt2.encoder_model', 0, 'pixel_values', 'last_hidden_state'],
  ['tiny-vit-gpt2.decoder_model', 0, 'encoder_hidden_states', 'logits'],
  ['tiny-vit-gpt2.decoder_with_past_model', 0, 'encoder_hidden_states', 'logits'],
  ['tiny-vit-gpt2.decoder_with_past_model', 0, 'past_key_values.0.key', 'logits'],
  ['tiny-vit-gpt2.decoder_model_merged', 0, 'encoder_hidden_states', 'logits'],
  ['tiny-vit-gpt2.decoder_model_merged', 1, 'encoder_hidden_states', 'logits'],
  ['tiny-vit-gpt2.decoder_model_merged', 1, 'past_key_values.1.value', 'logits'],
  ['tiny-clip.model', 0, 'pixel_values', 'logits_per_image'],
  ['tiny-clip.model', 0, 'pixel_values', 'image_embeds'],
];

function ortFeeds(c: RefCase): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    const data =
      v.dtype === 'int64'
        ? BigInt64Array.from(v.data.map((x) => BigInt(x)))
        : v.dtype === 'bool'
          ? Uint8Array.from(v.data.map(Number))
          : Float32Array.from(v.data);
    feeds[k] = new ort.Tensor(v.dtype as 'float32', data as Float32Array, v.dims);
  }
  return feeds;
}

describeShared('gradients vs finite differences through onnxruntime-node', ['models/onnx-reference', 'models/tiny-clip/onnx/model.onnx'], (shared) => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each(CASES)('%s case %i: dL/d%s of %s', async (name, caseIndex, wrt, output) => {
    const ref = loadReference(shared, name);
    const path = join(shared, 'models', ref.model);
    const c = ref.cases[caseIndex]!;
    const session = await loadOnnx(path);
    const runtime = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
    const base = ortFeeds(c);
    const dims = c.inputs[wrt]!.dims;
    const x0 = Float32Array.from(c.inputs[wrt]!.data);
    const outSize = c.outputs[output]!.data.length;
    const w = seeded(outSize, 11);
    const loss = async (x: Float32Array): Promise<number> => {
      const r = await runtime.run({ ...base, [wrt]: new ort.Tensor('float32', x, dims) });
      const y = r[output]!.data as Float32Array;
      let s = 0;
      for (let i = 0; i < y.length; i++) s += w[i]! * y[i]!;
      return s;
    };

    const feeds = feedsOf(c);
    const before = tf.memory().numTensors;
    const wT = tf.tensor(w, c.outputs[output]!.dims);
    const xT = tf.tensor(x0, dims);
    const gT = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(session.run({ ...feeds, [wrt]: x }, [output])[output]!, wT)))(xT);
    const g = Float32Array.from(gT.dataSync());
    tf.dispose([gT, wT, xT]);
    expect(tf.memory().numTensors).toBe(before);
    const gNorm = Math.hypot(...g);
    expect(gNorm).toBeGreaterThan(1e-3);

    const h = 1e-2;
    const directions: Float32Array[] = [];
    for (let k = 0; k < 4; k++) {
      const v = seeded(x0.length, 100 + k);
      const n = Math.hypot(...v);
      directions.push(v.map((a) => a / n));
    }
    const top = [...g.keys()].sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!)).slice(0, 3);
    for (const i of top) {
      const v = new Float32Array(x0.length);
      v[i] = 1;
      directions.push(v);
    }
    for (const v of directions) {
      const fd = ((await loss(x0.map((a, i) => a + h * v[i]!))) - (await loss(x0.map((a, i) => a - h * v[i]!)))) / (2 * h);
      let gv = 0;
      for (let i = 0; i < v.length; i++) gv += g[i]! * v[i]!;
      expect(Math.abs(fd - gv), `fd ${fd} vs grad ${gv}`).toBeLessThan(1e-3 * gNorm);
    }
    session.dispose();
  });
});
