// explainCaption(image, { model: 'scene' }) routes to @gradcam/scenes' captioner and returns what its
// own explainer returns (same word scores and maps), through the captioning result type. Uses the scene
// package's trained weights, or tiny models trained for the test when those are not there yet.
import * as tf from '@tensorflow/tfjs-core';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { explainCaption, importScenes } from '../src/index.js';
import { sceneWeights } from './scene-weights.js';

const weights = sceneWeights();
if ('skip' in weights) console.warn(`scene captioner route: skipped, ${weights.skip}`);

describe.skipIf('skip' in weights)(`explainCaption with model 'scene'${'skip' in weights ? ` (skipped: ${weights.skip})` : ''}`, () => {
  const dir = 'dir' in weights ? weights.dir : '';
  afterAll(() => {
    if ('temporary' in weights && weights.temporary) rmSync(dir, { recursive: true, force: true });
  });

  it("explains each word as @gradcam/scenes' explainSceneCaption does", async () => {
    await initBackend({ backend: 'wasm' });
    const api = (await importScenes()) as unknown as Awaited<ReturnType<typeof importScenes>> & {
      generateScene(seed: number): { width: number; height: number; image: Float32Array };
    };
    const scene = api.generateScene(7);
    const r = await explainCaption(scene, { model: 'scene', scene: { dir }, caption: 'a red circle' });
    expect(r.model).toBe('scene');
    expect(r.source).toBe('given');
    expect(r.layer).toEqual([api.CAPTIONER_LAYER]);
    expect(r.words.map((w) => w.text)).toEqual(['a', 'red', 'circle']);
    expect(r.region).toEqual({ x: 0, y: 0, width: 64, height: 64 });
    const models = await api.loadSceneModels({ dir });
    try {
      const direct = await api.explainSceneCaption(models.captioner, scene, { caption: 'a red circle' });
      r.words.forEach((w, i) => {
        expect(w.logProbability).toBeCloseTo(direct.words[i]!.score, 6);
        expect(w.probability).toBeCloseTo(Math.exp(direct.words[i]!.score), 9);
        expect([w.width, w.height]).toEqual([64, 64]);
        expect(Array.from(w.map)).toEqual(Array.from(direct.words[i]!.map.data));
        expect(w.positions).toEqual([i]);
        expect(w.tokenIds[0]).toBe(api.CAPTION_VOCAB!.index(w.text));
      });
      const reused = await explainCaption(scene, { model: 'scene', scene: { models }, caption: 'a red circle', method: 'gradcam++' });
      expect(reused.method).toBe('gradcam++');
    } finally {
      for (const m of [models.classifier, models.captioner, models.vqa]) m?.dispose();
    }
  });

  it('resizes photos to the scene size and leaves tf.memory() unchanged with loaded models', async () => {
    // Both routes: `scene: { dir }` loads and frees the models on each call; loaded models are borrowed.
    const api = await importScenes();
    {
      const pixels = { width: 20, height: 20, data: new Uint8Array(20 * 20 * 3).fill(90) };
      await explainCaption(pixels, { model: 'scene', scene: { dir }, caption: 'a red circle' });
      const before = tf.memory().numTensors;
      await explainCaption(pixels, { model: 'scene', scene: { dir }, caption: 'a red circle' });
      expect(tf.memory().numTensors).toBe(before);
    }
    const models = await api.loadSceneModels({ dir });
    try {
      const pixels = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).map((_, i) => (i * 37) % 256) };
      await explainCaption(pixels, { model: 'scene', scene: { models }, caption: 'a blue square' });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        const r = await explainCaption(pixels, { model: 'scene', scene: { models }, caption: 'a blue square' });
        expect(r.image).toEqual({ width: 40, height: 30 });
        expect(r.region).toEqual({ x: 0, y: 0, width: 40, height: 30 });
        expect(tf.memory().numTensors).toBe(before);
      }
      await expect(explainCaption(pixels, { model: 'scene', scene: { models }, caption: 'a zebra' })).rejects.toThrow(/zebra/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      for (const m of [models.classifier, models.captioner, models.vqa]) m?.dispose();
    }
  });
});
