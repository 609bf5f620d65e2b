import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@gradcam/core';
import { generateScene, loadSceneModels, scenesToTensor, trainingSeed } from '../src/node-index.js';
import { TINY_TRAINING as TINY, saveSceneModels, trainSceneModels, useFastTrainingKernels } from '../src/node.js';
import { buildClassifier, createClassifierLayers } from '../src/models/classifier.js';
import { createEncoderLayers } from '../src/models/encoder.js';
import { layerSetOf } from '../src/models/layer-set.js';
import { NON_NEGATIVE_LAYER } from '../src/models/vqa.js';
import { classifierLoss, trainClassifier } from '../src/train/classifier.js';
import { trainLoop } from '../src/train/loop.js';
import * as tfl from '@tensorflow/tfjs-layers';

const dir = mkdtempSync(join(tmpdir(), 'gradcam-scenes-'));
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('training', () => {
  it('lowers the classifier loss on a fixed batch within a few steps', () => {
    const restore = useFastTrainingKernels();
    try {
      const model = buildClassifier(layerSetOf([...createEncoderLayers(3), ...createClassifierLayers(3)]));
      const fixed = () => classifierLoss(model, 99, 0, 16);
      const before = tf.tidy(() => fixed().dataSync()[0]!);
      const start = tf.memory().numTensors;
      const r = trainClassifier(model, { seed: 99, steps: 6, batchSize: 8, learningRate: 3e-3 });
      expect(tf.memory().numTensors).toBe(start);
      const after = tf.tidy(() => fixed().dataSync()[0]!);
      expect(r.losses.length).toBe(6);
      expect(after).toBeLessThan(before - 0.05);
    } finally {
      restore();
    }
  });

  it("applies the weights' constraints after every step, as model.fit does", () => {
    // a non-negative kernel pulled towards negative values: Adam alone would take it below zero
    const layer = tfl.layers.dense({ units: 3, useBias: false, kernelConstraint: 'nonNeg', kernelInitializer: 'ones', inputShape: [2] });
    const model = tfl.sequential({ layers: [layer] });
    const x = tf.tensor2d([[1, 0], [0, 1]]);
    const target = tf.tensor2d([[-1, 2, -3], [4, -5, 6]]);
    trainLoop({ steps: 500, learningRate: 0.2, minLearningRate: 0.001, weights: model.trainableWeights, loss: () => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x) as tf.Tensor, target))) as tf.Scalar) });
    // the constrained least-squares optimum: the kernel is the target with its negative entries at 0
    const kernel = Array.from(layer.getWeights()[0]!.dataSync());
    expect(Math.min(...kernel)).toBe(0);
    expect(kernel.filter((v) => v === 0)).toHaveLength(3);
    for (const [i, want] of [[1, 2], [3, 4], [5, 6]] as const) expect(kernel[i]).toBeCloseTo(want, 2);
    tf.dispose([x, target]);
  });

  it('trains all three tiny models, deterministically from the seed, and saves them loadably', async () => {
    const a = await trainSceneModels({ ...TINY, seed: 5 });
    const b = await trainSceneModels({ ...TINY, seed: 5 });
    for (const k of ['captioner', 'vqa'] as const) {
      expect(a.report[k].lastLoss).toBeLessThan(a.report[k].firstLoss);
      const wa = a.models[k].getWeights();
      const wb = b.models[k].getWeights();
      expect(wa.length).toBe(wb.length);
      wa.forEach((w, i) => expect(tf.tidy(() => tf.max(tf.abs(tf.sub(w, wb[i]!))).dataSync()[0])).toBe(0));
    }
    // The VQA model's evidence → answer kernel starts half negative (Glorot) and is projected to ≥ 0 at every step.
    const kernel = a.models.vqa.getLayer(NON_NEGATIVE_LAYER).getWeights()[0]!;
    expect(tf.tidy(() => tf.min(kernel).dataSync()[0])).toBe(0);
    expect(tf.tidy(() => tf.max(kernel).dataSync()[0])).toBeGreaterThan(0);
    // The encoder is shared: the captioner's copy equals the classifier's.
    const enc = (m: typeof a.models.classifier) => m.getLayer('enc_conv2').getWeights()[0]!;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(enc(a.models.classifier), enc(a.models.captioner)))).dataSync()[0])).toBe(0);

    await saveSceneModels(a.models, dir, { test: true });
    expect(statSync(join(dir, 'vqa', 'weights.bin')).size).toBeGreaterThan(100_000);
    const loaded = await loadSceneModels({ dir });
    const x = scenesToTensor([generateScene(trainingSeed(1, 1))]);
    const p0 = a.models.classifier.predict(x) as tf.Tensor;
    const p1 = loaded.classifier.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(p0, p1))).dataSync()[0])).toBe(0);
    tf.dispose([x, p0, p1]);
    for (const m of [...Object.values(a.models), ...Object.values(b.models), ...Object.values(loaded)]) m.dispose();
  });

  const cli = fileURLToPath(new URL('../dist/train/cli.js', import.meta.url));
  it.skipIf(!existsSync(cli))('runs as the training script (npm run train) and writes weights and a report', async () => {
    const out = join(dir, 'cli');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--tiny', '--out', out, '--eval', '4', '--seed', '3'], {
      env: { ...process.env, GRADCAM_QUIET: '1' },
    });
    expect(stdout).toMatch(/held-out: /);
    const report = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8'));
    expect(report.seed).toBe(3);
    expect(report.options.classifierSteps).toBe(TINY.classifierSteps);
    expect(report.heldOut.scenes).toBe(4);
    for (const m of ['classifier', 'captioner', 'vqa']) expect(existsSync(join(out, m, 'model.json'))).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'vqa', 'model.json'), 'utf8')).userDefinedMetadata;
    expect(meta).toMatchObject({ model: 'vqa', seed: 3 });
  });

  it('fails clearly when the weights are missing', async () => {
    await expect(loadSceneModels({ dir: join(dir, 'nowhere') })).rejects.toThrow(/not found .*npm run train -w @gradcam\/scenes/);
  });
});
