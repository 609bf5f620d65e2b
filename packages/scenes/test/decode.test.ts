// Greedy decoding limits and memory: a caption never exceeds what the decoder input holds (so the model's
// own caption can always be explained), repeated decoding leaves tf.memory() flat, and disposing the
// captioner frees everything decoding built on it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@gradcam/core';
import { CAPTION_LENGTH, MAX_CAPTION_WORDS, buildCaptioner, captionScenes, explainSceneCaption, generateScene, layerSetOf } from '../src/node-index.js';
import { createCaptionerLayers } from '../src/models/captioner.js';
import { createClassifierLayers } from '../src/models/classifier.js';
import { createEncoderLayers } from '../src/models/encoder.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('greedy caption decoding', () => {
  it('stops at MAX_CAPTION_WORDS, explains its own longest caption, and frees everything with the model', async () => {
    expect(MAX_CAPTION_WORDS).toBe(CAPTION_LENGTH - 1);
    const base = tf.memory().numTensors;
    // An untrained captioner rarely says END: its captions run to the length limit.
    const captioner = buildCaptioner(layerSetOf([...createEncoderLayers(5), ...createClassifierLayers(7), ...createCaptionerLayers(6)]));
    const withModel = tf.memory().numTensors;
    const scenes = [generateScene(1), generateScene(2), generateScene(3)];
    const first = captionScenes(captioner, scenes);
    for (const c of first) {
      expect(c.words.length).toBeLessThanOrEqual(MAX_CAPTION_WORDS);
      expect(c.logProbs).toHaveLength(c.words.length + 1); // each word, then END
    }
    const longest = first.reduce((a, b) => (b.words.length > a.words.length ? b : a));
    expect(longest.words.length).toBe(MAX_CAPTION_WORDS);
    for (let i = 0; i < 3; i++) expect(captionScenes(captioner, scenes)).toEqual(first);
    expect(tf.memory().numTensors).toBe(withModel);
    const r = await explainSceneCaption(captioner, scenes[first.indexOf(longest)]!);
    expect(r.caption).toBe(longest.text);
    expect(r.words).toHaveLength(MAX_CAPTION_WORDS);
    expect(tf.memory().numTensors).toBe(withModel);
    captioner.dispose();
    expect(tf.memory().numTensors).toBe(base);
  });
});
