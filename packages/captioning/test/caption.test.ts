// explainCaption on tiny-vit-gpt2 (random weights) through the real transformers.js image-to-text
// pipeline: the caption and token ids equal what the pipeline printed (transformers_js_pipelines.json),
// there is one map per word, and each word's probability equals the one computed by onnxruntime-node
// (the ORT encoder + decoder_model.onnx on the same pixel values and tokens) to 1e-5.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import ort from 'onnxruntime-node';
import { RawImage } from '@xenova/transformers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { type Captioner, explainCaption, loadCaptioner } from '../src/index.js';
import type { CaptionExplanation } from '../src/index.js';
import { describeShared } from './helpers.js';

const MODEL = 'tiny-vit-gpt2';
const CAPTION = 'a cat sitting on the red square.';

interface PipelineRef {
  image_to_text: Array<{ image: string; generate_kwargs: Record<string, unknown>; output: Array<{ generated_text: string }>; token_ids: number[] }>;
}

describeShared(
  'explainCaption on tiny-vit-gpt2 (real image-to-text pipeline)',
  ['models/tiny-vit-gpt2/onnx/decoder_model.onnx', 'models/onnx-reference/transformers_js_pipelines.json', 'images/chelsea.png'],
  (shared) => {
    const photo = join(shared, 'images', 'chelsea.png');
    const onnxDir = join(shared, 'models', MODEL, 'onnx');
    let captioner: Captioner;
    let encoderOrt: ort.InferenceSession;
    let decoderOrt: ort.InferenceSession;

    beforeAll(async () => {
      await initBackend({ backend: 'wasm' });
      captioner = await loadCaptioner(MODEL);
      encoderOrt = await ort.InferenceSession.create(join(onnxDir, 'encoder_model.onnx'), { logSeverityLevel: 3 });
      decoderOrt = await ort.InferenceSession.create(join(onnxDir, 'decoder_model.onnx'), { logSeverityLevel: 3 });
    });
    afterAll(async () => {
      await captioner?.dispose();
    });

    /** Word log-probabilities by onnxruntime-node: ORT encoder on the processor's pixels, ORT decoder_model on the tokens, log-softmax in float64. */
    async function ortWordLogProbs(r: CaptionExplanation): Promise<number[]> {
      const { pixel_values } = await captioner.pipeline.processor(await RawImage.read(photo));
      const enc = await encoderOrt.run({ pixel_values: new ort.Tensor('float32', pixel_values.data as Float32Array, pixel_values.dims) });
      const ids = [r.startTokenId, ...r.tokenIds.slice(0, -1)];
      const dec = await decoderOrt.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
        encoder_hidden_states: enc['last_hidden_state']!,
      });
      const logits = dec['logits']!;
      const v = logits.dims[2]!;
      const data = logits.data as Float32Array;
      const tokenLog = r.tokenIds.map((id, j) => {
        const row = Array.from(data.subarray(j * v, (j + 1) * v));
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
        return row[id]! - lse;
      });
      return r.words.map((w) => w.positions.reduce((s, p) => s + tokenLog[p]!, 0));
    }

    it('generates the caption the pipeline prints and explains every word', async () => {
      const ref = (JSON.parse(readFileSync(join(shared, 'models', 'onnx-reference', 'transformers_js_pipelines.json'), 'utf8')) as PipelineRef).image_to_text.find(
        (c) => c.image === 'chelsea.png',
      )!;
      const r = await explainCaption(photo, { model: captioner, generate: ref.generate_kwargs });
      expect(r.source).toBe('generated');
      expect(r.caption).toBe(ref.output[0]!.generated_text); // "hihihi person person"
      expect([r.startTokenId, ...r.tokenIds]).toEqual(ref.token_ids);
      expect(r.words.map((w) => w.text)).toEqual(r.caption.split(' '));
      expect(r.words.map((w) => w.positions)).toEqual([[0, 1, 2], [3], [4]]);
      expect(r.files).toEqual({ encoder: 'onnx/encoder_model.onnx', decoder: 'onnx/decoder_model_merged.onnx' });
      expect(r.layer).toEqual(['last_hidden_state']);
      expect(r.region).toEqual({ x: 0, y: 0, width: 451, height: 300 }); // ViT: the whole photo, stretched
      for (const w of r.words) {
        expect([w.width, w.height, w.rawWidth, w.rawHeight]).toEqual([32, 32, 4, 4]); // 4×4 patch grid, CLS dropped
        expect(w.map.length).toBe(32 * 32);
        expect(Math.min(...w.map)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...w.map)).toBeGreaterThan(0.99);
        expect(w.map.every(Number.isFinite)).toBe(true);
      }
      const expected = await ortWordLogProbs(r);
      r.words.forEach((w, i) => {
        expect(Math.abs(w.probability - Math.exp(expected[i]!))).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(w.logProbability - expected[i]!)).toBeLessThanOrEqual(1e-4); // also relative: p ≈ 1e-6 here
      });
    });

    it('explains a given caption; the merged and the plain decoder give ORT probabilities', async () => {
      const plain = await loadCaptioner(MODEL, { decoder: 'decoder_model' });
      try {
        const merged = await explainCaption(photo, { model: captioner, caption: CAPTION });
        const noPast = await explainCaption(photo, { model: plain, caption: CAPTION });
        expect(noPast.files.decoder).toBe('onnx/decoder_model.onnx');
        expect(merged.source).toBe('given');
        expect(merged.tokenIds).toEqual([64, 272, 302, 273, 274, 299, 303, 13]); // the pipeline tokenizer's ids
        expect(merged.words.map((w) => w.text)).toEqual(['a', 'cat', 'sitting', 'on', 'the', 'red', 'square.']);
        const expected = await ortWordLogProbs(merged);
        for (const r of [merged, noPast]) {
          r.words.forEach((w, i) => {
            expect(Math.abs(w.probability - Math.exp(expected[i]!))).toBeLessThanOrEqual(1e-5);
            expect(Math.abs(w.logProbability - expected[i]!)).toBeLessThanOrEqual(1e-4);
          });
        }
        merged.words.forEach((w, i) => expect(maxDiff(w.raw, noPast.words[i]!.raw)).toBeLessThan(1e-4));
      } finally {
        await plain.dispose();
      }
    });

    it("each raw map is Grad-CAM of the word's log-probability on the patch tokens of last_hidden_state", async () => {
      const r = await explainCaption(photo, { model: captioner, caption: CAPTION });
      const word = r.words[1]!; // "cat"
      const { pixel_values } = await captioner.pipeline.processor(await RawImage.read(photo));
      const ids = [r.startTokenId, ...r.tokenIds.slice(0, -1)];
      const manual = tf.tidy(() => {
        const hidden = captioner.encoder.run({ pixel_values: { dtype: 'float32', dims: pixel_values.dims, data: pixel_values.data as Float32Array } }, ['last_hidden_state'])[
          'last_hidden_state'
        ]!;
        const cls = tf.slice(hidden, [0, 0, 0], [1, 1, -1]);
        const patches = tf.slice(hidden, [0, 1, 0], [1, 16, -1]);
        const logp = (p: tf.Tensor) => {
          const logits = captioner.decoder.run(
            {
              input_ids: { dtype: 'int64', dims: [1, ids.length], data: ids },
              encoder_hidden_states: tf.concat([cls, p], 1),
              use_cache_branch: { dtype: 'bool', dims: [1], data: [false] },
              ...Object.fromEntries(captioner.past.names.map((n) => [n, { dtype: 'float32' as const, dims: [1, 4, 0, 8], data: new Float32Array(0) }])),
            },
            ['logits'],
          )['logits']!;
          return tf.sum(tf.slice(tf.logSoftmax(tf.slice(logits, [0, 1, 0], [1, 1, -1])), [0, 0, 272], [1, 1, 1]));
        };
        const g = tf.grad(logp)(patches); // [1, 16, D]
        const alpha = tf.mean(g, 1, true); // Grad-CAM weights: mean over the 4×4 patch grid
        return tf.sum(tf.mul(alpha, patches), 2).dataSync(); // row-major 4×4 = patch tokens 1..16
      });
      expect(word.text).toBe('cat');
      expect(maxDiff(word.raw, manual)).toBeLessThan(1e-5);
    });

    it('cuts at any named encoder tensor (NCHW conv or tokens); the scores do not depend on the cut', async () => {
      const base = await explainCaption(photo, { model: captioner, caption: CAPTION });
      const mid = await explainCaption(photo, { model: captioner, caption: CAPTION, layer: '/encoder/layer.0/output/Add_output_0' });
      const conv = await explainCaption(photo, { model: captioner, caption: CAPTION, layer: '/embeddings/patch_embeddings/projection/Conv_output_0', method: 'layercam' });
      for (const r of [mid, conv]) {
        expect(r.words.length).toBe(base.words.length);
        r.words.forEach((w, i) => expect(Math.abs(w.logProbability - base.words[i]!.logProbability)).toBeLessThan(1e-5));
      }
      expect([mid.words[0]!.rawWidth, conv.words[0]!.rawWidth]).toEqual([4, 4]);
      expect(maxDiff(mid.words[1]!.raw, base.words[1]!.raw)).toBeGreaterThan(1e-4);
      await expect(explainCaption(photo, { model: captioner, caption: CAPTION, layer: 'last_hiden_state' })).rejects.toThrow(
        /'last_hiden_state' is not a tensor of the encoder; closest: last_hidden_state/,
      );
      await expect(explainCaption(photo, { model: captioner, caption: '   ' })).rejects.toThrow(/no words to explain/);
    });

    it('runs gradient-free and perturbation methods', async () => {
      for (const method of ['gradcam++', 'eigencam', 'scorecam'] as const) {
        const r = await explainCaption(photo, { model: captioner, caption: 'a cat', method });
        expect(r.method).toBe(method);
        expect(r.words.length).toBe(2);
        for (const w of r.words) expect(w.map.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
    });

    it('leaves tf.memory().numTensors unchanged over repeated calls (loaded captioner and model id)', async () => {
      await explainCaption(photo, { model: captioner, caption: CAPTION });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        await explainCaption(photo, { model: captioner, generate: { max_new_tokens: 4 } });
        await explainCaption(photo, { model: captioner, caption: CAPTION, layer: ['/encoder/layer.1/output/Add_output_0', 'last_hidden_state'] });
        expect(tf.memory().numTensors).toBe(before);
      }
      await explainCaption(photo, { model: MODEL, caption: 'a cat' }); // loads and frees its own sessions
      expect(tf.memory().numTensors).toBe(before);
      await expect(explainCaption(photo, { model: captioner, caption: CAPTION, layer: 'nope' })).rejects.toThrow();
      expect(tf.memory().numTensors).toBe(before);
    });
  },
);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
