// explainAnswer on tiny-clip (random weights) through the real transformers.js zero-shot pipeline:
// the ranking computed on tfjs equals what the transformers.js zero-shot pipeline returns for the same
// prompts (and what it printed in transformers_js_pipelines.json), probabilities equal its ONNX Runtime
// scores to 1e-5, every answer gets a map on the 4×4 patch grid, and each raw map is Grad-CAM of the
// answer's logit computed by hand with tf.grad through the same session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { RawImage, pipeline } from '@xenova/transformers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { type ClipModel, DEFAULT_ANSWERS, explainAnswer, loadClip } from '../src/index.js';
import { describeShared } from './helpers.js';

const MODEL = 'tiny-clip';
type ZeroShot = (image: unknown, labels: string[], o: { hypothesis_template: string }) => Promise<Array<{ label: string; score: number }>>;

interface PipelineRef {
  zero_shot: Array<{ image: string; candidate_labels: string[]; hypothesis_template: string; output: Array<{ label: string; score: number }> }>;
}

describeShared(
  'explainAnswer on tiny-clip (real zero-shot pipeline)',
  ['models/tiny-clip/onnx/model.onnx', 'models/onnx-reference/transformers_js_pipelines.json', 'images/chelsea.png', 'images/coffee.png'],
  (shared) => {
    const images = {
      'chelsea.png': join(shared, 'images', 'chelsea.png'),
      'coffee.png': join(shared, 'images', 'coffee.png'),
      'shapes_48x40.png': join(shared, 'models', 'onnx-reference', 'shapes_48x40.png'),
    } as Record<string, string>;
    let clip: ClipModel;
    let zeroShot: ZeroShot;

    beforeAll(async () => {
      await initBackend({ backend: 'wasm' });
      clip = await loadClip(MODEL);
      zeroShot = (await pipeline('zero-shot-image-classification', MODEL, { quantized: false })) as unknown as ZeroShot;
    });
    afterAll(async () => {
      await clip?.dispose();
      await (zeroShot as unknown as { dispose(): Promise<void> } | undefined)?.dispose();
    });

    it('reproduces what the transformers.js pipeline printed (transformers_js_pipelines.json)', async () => {
      const ref = JSON.parse(readFileSync(join(shared, 'models', 'onnx-reference', 'transformers_js_pipelines.json'), 'utf8')) as PipelineRef;
      for (const c of ref.zero_shot) {
        const template = c.hypothesis_template.replace('{}', '{answer}');
        const r = await explainAnswer(images[c.image]!, '', { model: clip, answers: c.candidate_labels, template });
        expect(r.answers.map((a) => a.answer)).toEqual(c.output.map((o) => o.label));
        r.answers.forEach((a, i) => expect(Math.abs(a.probability - c.output[i]!.score)).toBeLessThanOrEqual(1e-5));
        expect(r.answers.map((a) => a.prompt)).toEqual(c.output.map((o) => c.hypothesis_template.replace('{}', o.label)));
      }
    });

    it('ranks answers exactly as the zero-shot pipeline does, for questions and the default answers', async () => {
      const cases: Array<[string, string, readonly string[] | undefined]> = [
        ['chelsea.png', 'what animal is this?', ['cat', 'dog', 'bird', 'horse', 'fish']],
        ['chelsea.png', 'what colour is the cat?', undefined],
        ['coffee.png', 'what is on the saucer?', ['a cup', 'a cat', 'a spoon', 'nothing']],
        ['shapes_48x40.png', 'which shape is red?', ['circle', 'square', 'triangle']],
      ];
      for (const [image, question, answers] of cases) {
        const r = await explainAnswer(images[image]!, question, { model: clip, ...(answers ? { answers } : {}) });
        const expected = await zeroShot(await RawImage.read(images[image]!), [...(answers ?? DEFAULT_ANSWERS)], { hypothesis_template: `${question} {}` });
        expect(r.hypothesisTemplate).toBe(`${question} {}`);
        expect(r.answers.map((a) => a.answer)).toEqual(expected.map((e) => e.label));
        r.answers.forEach((a, i) => expect(Math.abs(a.probability - expected[i]!.score)).toBeLessThanOrEqual(1e-5));
        expect(r.pipeline).toEqual(expected);
        expect(r.answer).toBe(expected[0]!.label);
        expect(r.answers.map((a) => a.rank)).toEqual(r.answers.map((_, i) => i + 1));
        // logits are logit_scale · cos: sorted with the probabilities
        for (let i = 1; i < r.answers.length; i++) expect(r.answers[i - 1]!.logit).toBeGreaterThanOrEqual(r.answers[i]!.logit);
      }
    });

    it('gives every answer a map on the vision patch grid, over CLIP’s centre crop', async () => {
      const r = await explainAnswer(images['chelsea.png']!, 'what animal is this?', { model: clip, answers: ['cat', 'dog', 'bird'] });
      expect(r.layer).toEqual(['/vision_model/encoder/layers.1/layer_norm1/Add_1_output_0']);
      expect(r.file).toBe('onnx/model.onnx');
      // 451×300 → shortest edge 32 (48×32) → centre crop 32×32: x 8..40 of 48, i.e. 75.2..375.8 of 451
      expect(r.region.y).toBe(0);
      expect(r.region.height).toBe(300);
      expect(r.region.x).toBeCloseTo((8 * 451) / 48, 9);
      expect(r.region.width).toBeCloseTo((32 * 451) / 48, 9);
      for (const a of r.answers) {
        expect([a.width, a.height, a.rawWidth, a.rawHeight]).toEqual([32, 32, 4, 4]);
        expect(a.map.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(Math.max(...a.map)).toBeGreaterThan(0.99); // gradients reach the patch tokens
      }
    });

    it("each raw map is Grad-CAM of the answer's logit on the patch tokens, by hand", async () => {
      const answers = ['cat', 'dog', 'bird'];
      const r = await explainAnswer(images['chelsea.png']!, 'what animal is this?', { model: clip, answers });
      const layer = r.layer[0]!;
      const { pixel_values } = await clip.pipeline.processor(await RawImage.read(images['chelsea.png']!));
      const text = clip.pipeline.tokenizer(
        answers.map((a) => `what animal is this? ${a}`), // candidate order, as the pipeline builds them
        { padding: true, truncation: true },
      );
      const feeds = {
        pixel_values: { dtype: 'float32' as const, dims: pixel_values.dims, data: pixel_values.data as Float32Array },
        input_ids: { dtype: 'int64' as const, dims: text.input_ids.dims, data: text.input_ids.data as BigInt64Array },
        attention_mask: { dtype: 'int64' as const, dims: text.attention_mask.dims, data: text.attention_mask.data as BigInt64Array },
      };
      for (const a of r.answers) {
        const manual = tf.tidy(() => {
          const tokens = clip.session.run(feeds, [layer])[layer]!; // [1, 17, D]
          const cls = tf.slice(tokens, [0, 0, 0], [1, 1, -1]);
          const patches = tf.slice(tokens, [0, 1, 0], [1, 16, -1]);
          const logit = (p: tf.Tensor) => {
            const all = clip.session.run({ ...feeds, [layer]: tf.concat([cls, p], 1) }, ['logits_per_image'])['logits_per_image']!;
            return tf.sum(tf.slice(all, [0, a.index], [1, 1]));
          };
          const g = tf.grad(logit)(patches);
          return { raw: tf.sum(tf.mul(tf.mean(g, 1, true), patches), 2).dataSync(), logit: logit(patches).dataSync()[0]! };
        });
        expect(Math.abs(manual.logit - a.logit)).toBeLessThan(1e-5);
        let d = 0;
        a.raw.forEach((v, i) => (d = Math.max(d, Math.abs(v - manual.raw[i]!))));
        expect(d).toBeLessThan(1e-5);
      }
    });

    it('explains probabilities on request, with the same ranking and logits', async () => {
      const opts = { model: clip, answers: ['cat', 'dog', 'bird'] };
      const logit = await explainAnswer(images['chelsea.png']!, 'what animal is this?', opts);
      const prob = await explainAnswer(images['chelsea.png']!, 'what animal is this?', { ...opts, score: 'probability', method: 'gradcam++' });
      expect(prob.score).toBe('probability');
      expect(prob.answers.map((a) => a.answer)).toEqual(logit.answers.map((a) => a.answer));
      prob.answers.forEach((a, i) => {
        expect(Math.abs(a.logit - logit.answers[i]!.logit)).toBeLessThan(1e-5);
        expect(Math.abs(a.probability - logit.answers[i]!.probability)).toBeLessThan(1e-6);
      });
    });

    it('rejects bad candidates, templates and layers with clear errors', async () => {
      const img = images['chelsea.png']!;
      await expect(explainAnswer(img, 'q?', { model: clip, answers: [] })).rejects.toThrow(/non-empty list/);
      await expect(explainAnswer(img, 'q?', { model: clip, answers: ['a', 'a'] })).rejects.toThrow(/listed twice/);
      await expect(explainAnswer(img, 'q?', { model: clip, template: '{question}' })).rejects.toThrow(/no \{answer\} placeholder/);
      await expect(explainAnswer(img, 'q?', { model: clip, answers: ['a'], layer: 'image_embed' })).rejects.toThrow(/closest: image_embeds/);
    });

    it('leaves tf.memory().numTensors unchanged over repeated calls (loaded model and model id)', async () => {
      const img = images['coffee.png']!;
      await explainAnswer(img, 'what is this?', { model: clip, answers: ['cup', 'cat'] });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        await explainAnswer(img, 'what is this?', { model: clip });
        await explainAnswer(img, 'what is this?', { model: clip, answers: ['cup', 'cat'], score: 'probability', method: 'scorecam' });
        expect(tf.memory().numTensors).toBe(before);
      }
      await explainAnswer(img, 'what is this?', { model: MODEL, answers: ['cup', 'cat'] });
      await expect(explainAnswer(img, 'q?', { model: clip, answers: ['a'], layer: 'nope' })).rejects.toThrow();
      expect(tf.memory().numTensors).toBe(before);
    });
  },
);
