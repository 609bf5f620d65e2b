// explainAnswer(image, question, { model: 'scene' }) routes to @gradcam/scenes' VQA model: the default
// candidate is the model's own answer, every candidate's map and logit are what explainSceneAnswer
// returns, and probabilities equal the model's softmax over its whole answer vocabulary. Uses the scene
// package's trained weights, or tiny models trained for the test when those are not there yet.
import * as tf from '@tensorflow/tfjs-core';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { importScenes } from '@gradcam/captioning';
import { explainAnswer } from '../src/index.js';
import { sceneWeights } from './scene-weights.js';

const weights = sceneWeights();
if ('skip' in weights) console.warn(`scene VQA route: skipped, ${weights.skip}`);

interface ScenesExtra {
  generateScene(seed: number): { width: number; height: number; image: Float32Array };
  answerQuestions(vqa: unknown, scenes: unknown[], questions: string[][]): Array<{ answer: string; probability: number; logits: Float32Array }>;
  ANSWER_VOCAB: { index(word: string): number };
}

describe.skipIf('skip' in weights)(`explainAnswer with model 'scene'${'skip' in weights ? ` (skipped: ${weights.skip})` : ''}`, () => {
  const dir = 'dir' in weights ? weights.dir : '';
  afterAll(() => {
    if ('temporary' in weights && weights.temporary) rmSync(dir, { recursive: true, force: true });
  });

  it('explains the model’s answer and ranks candidates by the model’s own logits', async () => {
    await initBackend({ backend: 'wasm' });
    const api = (await importScenes()) as Awaited<ReturnType<typeof importScenes>> & ScenesExtra;
    const scene = api.generateScene(3);
    const models = await api.loadSceneModels({ dir });
    try {
      const question = 'what colour is the circle?';
      const own = await explainAnswer(scene, question, { model: 'scene', scene: { models } });
      const direct = await api.explainSceneAnswer(models.vqa, scene, question);
      expect(own.model).toBe('scene');
      expect(own.layer).toEqual([api.VQA_LAYER]);
      expect(own.answers.map((a) => a.answer)).toEqual([direct.modelAnswer]);
      expect(own.answer).toBe(direct.modelAnswer);
      expect(own.answers[0]!.probability).toBeCloseTo(direct.probability, 6);
      expect(Array.from(own.answers[0]!.map)).toEqual(Array.from(direct.map.data));

      const candidates = ['red', 'blue', 'green', 'yes'];
      const r = await explainAnswer(scene, question, { model: 'scene', scene: { models }, answers: candidates });
      const full = api.answerQuestions(models.vqa, [scene], [own.question.split(' ')])[0]!;
      const z = Array.from(full.logits).reduce((s, l) => s + Math.exp(l - full.logits[0]!), 0);
      const expected = candidates
        .map((a) => ({ a, logit: full.logits[api.ANSWER_VOCAB.index(a)]! }))
        .sort((x, y) => y.logit - x.logit);
      expect(r.answers.map((a) => a.answer)).toEqual(expected.map((e) => e.a));
      r.answers.forEach((a, i) => {
        expect(a.rank).toBe(i + 1);
        expect(a.logit).toBeCloseTo(expected[i]!.logit, 5);
        expect(Math.abs(a.probability - Math.exp(expected[i]!.logit - full.logits[0]!) / z)).toBeLessThan(1e-5);
        expect([a.width, a.height]).toEqual([64, 64]);
      });
      await expect(explainAnswer(scene, question, { model: 'scene', scene: { models }, score: 'probability' })).rejects.toThrow(/logits only/);
    } finally {
      for (const m of [models.classifier, models.captioner, models.vqa]) m?.dispose();
    }
  });

  it('leaves tf.memory().numTensors unchanged (weights folder or loaded models)', async () => {
    const pixels = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).map((_, i) => (i * 53) % 256) };
    await explainAnswer(pixels, 'how many circles are there?', { model: 'scene', scene: { dir } });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      const r = await explainAnswer(pixels, 'how many circles are there?', { model: 'scene', scene: { dir }, answers: ['one', 'two'] });
      expect(r.image).toEqual({ width: 40, height: 30 });
      expect(tf.memory().numTensors).toBe(before);
    }
    await expect(explainAnswer(pixels, 'how many circles are there?', { model: 'scene', scene: { dir }, answers: ['zebra'] })).rejects.toThrow(/zebra/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
