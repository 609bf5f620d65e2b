// The committed models on held-out scenes drawn at random each run, against the targets.
// Accuracies sit well above their targets and are asserted as they are. The pointing rates sit close to
// theirs (docs/scenes.md: e.g. 95.x % against 95 % for the classes), so a sample of random scenes measures
// them with noise: the tests sample ~2,000 targets and fail when the sample shows, at ~98 % one-sided
// confidence (two standard errors), that the rate is below the target.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cutModel, initBackend } from '@gradcam/core';
import {
  ANSWER_VOCAB,
  CAPTIONER_LAYER,
  CAPTION_LENGTH,
  CAPTION_VOCAB,
  CLASS_MAPS,
  EVIDENCE_FLOOR,
  QUESTION_LENGTH,
  type SceneModels,
  VQA_LAYER,
  captionExactMatch,
  classifierExactMatch,
  evaluateScenes,
  generateScene,
  heldOutSeed,
  loadSceneModels,
  questionClasses,
  questionTokens,
  rng,
  sampleQuestions,
  scenesToTensor,
  splitCaptioner,
  vqaAccuracy,
} from '../src/node-index.js';

let models: SceneModels;
const runSeed = Math.floor(Math.random() * 2 ** 31);
/** The output of `model`'s layer `layer` on `inputs`: the model's first inputs (the image, and the tokens when the layer needs them). */
const layerOutput = (model: tfl.LayersModel, layer: string, inputs: tf.Tensor | tf.Tensor[]) =>
  tfl.model({ inputs: model.inputs.slice(0, Array.isArray(inputs) ? inputs.length : 1), outputs: model.getLayer(layer).output as tfl.SymbolicTensor }).predict(inputs) as tf.Tensor;
const heldOut = (n: number, salt: number) => Array.from({ length: n }, (_, i) => generateScene(heldOutSeed(runSeed + salt, i)));

beforeAll(async () => {
  if (!TRAINED) return;
  await initBackend({ backend: 'wasm' });
  models = await loadSceneModels();
  console.log(`models.test: held-out run seed ${runSeed}`);
});

// These tests need the trained weights in packages/scenes/weights (committed once trained).
const TRAINED = existsSync(fileURLToPath(new URL('../weights/classifier/model.json', import.meta.url)));
if (!TRAINED) console.warn('scene weights not trained yet (packages/scenes/weights): trained-model tests skipped; run `npm run train -w @gradcam/scenes`');

describe.skipIf(!TRAINED)('the captioner reads the class evidence', () => {
  it("its Grad-CAM layer is ReLU(the classifier's class maps + EVIDENCE_FLOOR), and its split decoder reads the same floored logits", () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const images = scenesToTensor(heldOut(6, 4));
      const maps = layerOutput(models.classifier, CLASS_MAPS, images);
      const evidence = layerOutput(models.captioner, CAPTIONER_LAYER, images);
      expect(tf.max(tf.abs(tf.sub(evidence, tf.relu(tf.add(maps, EVIDENCE_FLOOR))))).dataSync()[0]).toBeLessThan(1e-4);
      // the floor binds somewhere (a class certainly absent at some cell) and objects stay far above it
      expect(tf.min(evidence).dataSync()[0]).toBe(0);
      expect(tf.max(evidence).dataSync()[0]).toBeGreaterThan(EVIDENCE_FLOOR);
      // the fast decoder (cached 8×8 features → head) and the full model give the same word logits
      const { encoder, head } = splitCaptioner(models.captioner);
      const words = tf.tensor2d(Array.from({ length: 6 * CAPTION_LENGTH }, (_, i) => (i * 7) % CAPTION_VOCAB.size), [6, CAPTION_LENGTH], 'int32');
      const split = head.predict([encoder.predict(images) as tf.Tensor, words]) as tf.Tensor;
      const full = models.captioner.predict([images, words]) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(split, full))).dataSync()[0]).toBeLessThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.skipIf(!TRAINED)('loading the committed models', () => {
  it('leaves tf.memory().numTensors as it found it once the models are disposed (no layer leaks on load)', async () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) for (const m of Object.values(await loadSceneModels())) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.skipIf(!TRAINED)('the VQA model reads the class evidence', () => {
  // 24 held-out scenes, 4 questions each, as one batch
  const batch = () => {
    const scenes = heldOut(24, 5);
    const qs = scenes.flatMap((s, i) => sampleQuestions(s, rng(runSeed + i), 4).map((q) => ({ scene: s, q })));
    const tokens = new Int32Array(qs.length * QUESTION_LENGTH);
    qs.forEach(({ q }, i) => tokens.set(questionTokens(q.words), i * QUESTION_LENGTH));
    return { qs, images: scenesToTensor(qs.map((x) => x.scene)), questions: tf.tensor2d(tokens, [qs.length, QUESTION_LENGTH], 'int32') };
  };

  it("its Grad-CAM layer is ReLU(the classifier's class maps + EVIDENCE_FLOOR), and every answer logit grows with it (gradient ≥ 0)", () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const { images, questions } = batch();
      const maps = layerOutput(models.classifier, CLASS_MAPS, images);
      const [cut] = cutModel(models.vqa, VQA_LAYER);
      const { activations, state } = cut!.trunk([images, questions]);
      expect(tf.max(tf.abs(tf.sub(activations, tf.relu(tf.add(maps, EVIDENCE_FLOOR))))).dataSync()[0]).toBeLessThan(1e-4);
      // the answers read the maps' strength only through the selected evidence, with non-negative weights
      // (the masks and counts are step functions): no answer loses from more evidence anywhere
      for (const answer of ['red', 'circle', 'yes', 'no', 'one'].map((w) => ANSWER_VOCAB.index(w))) {
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(cut!.head(a, state) as tf.Tensor, [0, answer], [-1, 1])))(activations);
        expect(tf.min(g).dataSync()[0]).toBeGreaterThanOrEqual(0);
        expect(tf.max(g).dataSync()[0]).toBeGreaterThan(0);
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('its question selection picks exactly the classes a non-relational question names (s > 0.5)', () => {
    const { qs, images, questions } = batch();
    const s = tf.tidy(() => layerOutput(models.vqa, 'vqa_select', [images, questions]).arraySync() as number[][]);
    tf.dispose([images, questions]);
    let named = 0;
    let exact = 0;
    qs.forEach(({ q }, i) => {
      const classes = questionClasses(q);
      if (!classes) return;
      named++;
      const picked = s[i]!.flatMap((v, c) => (v > 0.5 ? [c] : []));
      if (picked.join() === classes.join()) exact++;
    });
    expect(named).toBeGreaterThan(50);
    expect(exact / named).toBeGreaterThanOrEqual(0.99);
  });
});

describe.skipIf(!TRAINED)('held-out accuracy of the committed models', () => {
  it('classifier: ≥ 98 % exact match of the label set', () => {
    expect(classifierExactMatch(models.classifier, heldOut(400, 1))).toBeGreaterThanOrEqual(0.98);
  });

  it('captioner: ≥ 90 % exact caption match (greedy decoding)', () => {
    expect(captionExactMatch(models.captioner, heldOut(400, 2))).toBeGreaterThanOrEqual(0.9);
  });

  it('VQA: ≥ 95 % on non-relational, ≥ 85 % on relational and counting questions', () => {
    // 1000 scenes × 4 questions: about 1,600 relational or counting questions
    const acc = vqaAccuracy(models.vqa, heldOut(1000, 3), runSeed);
    expect(acc.nonRelational).toBeGreaterThanOrEqual(0.95);
    expect(acc.relationalAndCounting).toBeGreaterThanOrEqual(0.85);
  });
});

describe.skipIf(!TRAINED)('Grad-CAM localizes on held-out scenes (pointing game, 15 % box tolerance)', () => {
  // Issue targets: 95 % (class maps), 90 % (caption words naming one object), 90 % (answers about one object).
  const cases = [
    { task: 'classify', n: 900, target: 0.95, name: '≥ 95 % (not rejected at two standard errors)' },
    { task: 'caption', n: 600, target: 0.9, name: '≥ 90 % (not rejected at two standard errors)' },
    { task: 'vqa', n: 1100, target: 0.9, name: '≥ 90 % (not rejected at two standard errors)' },
  ] as const;
  for (const { task, n, target, name } of cases) {
    it(`${task}: Grad-CAM pointing ${name}, far above the centre and random baselines`, async () => {
      const before = tf.memory().numTensors;
      const r = await evaluateScenes({ task, n, seed: runSeed + 10, methods: ['gradcam', 'centre', 'random'], models, accuracy: false });
      expect(tf.memory().numTensors).toBe(before);
      const [cam, centre, random] = r.rows;
      expect(cam!.targets).toBeGreaterThan(1800);
      const standardError = Math.sqrt((target * (1 - target)) / cam!.targets);
      console.log(`models.test: ${task} Grad-CAM pointing ${(100 * cam!.pointing).toFixed(1)} % over ${cam!.targets} targets (run seed ${runSeed})`);
      expect(cam!.pointing).toBeGreaterThanOrEqual(target - 2 * standardError);
      expect(cam!.pointing).toBeGreaterThan(centre!.pointing + 0.2);
      expect(cam!.pointing).toBeGreaterThan(random!.pointing + 0.2);
      expect(cam!.energy).toBeGreaterThan(Math.max(centre!.energy, random!.energy) + 0.08);
    });
  }
});
