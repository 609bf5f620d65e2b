import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { IMAGENET_CLASSES, classifierFromModel, explainClassification, resolveClass, scoreHead } from '../src/index.js';
import { GraphBuilder } from './helpers/graph-builder.js';

// Small models with known structure: which score is explained (logit vs probability), default layers,
// class lookup and errors. The real MobileNets are in mobilenet.test.ts.

const LABELS = ['tabby, tabby cat', 'space shuttle', 'Crash helmet'];

type Head = 'dense-softmax' | 'activation-softmax' | 'linear';

function tinyModel(head: Head): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  const conv = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })
    .apply(input) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(conv) as tfl.SymbolicTensor;
  const dense = (activation: 'softmax' | 'linear') =>
    tfl.layers.dense({ units: 3, activation, name: 'fc', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }), biasInitializer: tfl.initializers.constant({ value: 0.1 }) });
  let out: tfl.SymbolicTensor;
  if (head === 'dense-softmax') out = dense('softmax').apply(gap) as tfl.SymbolicTensor;
  else if (head === 'linear') out = dense('linear').apply(gap) as tfl.SymbolicTensor;
  else {
    const probs = tfl.layers.activation({ activation: 'softmax', name: 'probs' }).apply(dense('linear').apply(gap)) as tfl.SymbolicTensor;
    out = tfl.layers.reshape({ targetShape: [1, 3], name: 'out' }).apply(probs) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: out });
}

/** The pre-softmax logits of a tiny model: gap output × fc kernel + bias, computed by hand. */
function manualLogits(model: tfl.LayersModel, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => {
    const gap = tfl.model({ inputs: model.inputs, outputs: model.getLayer('gap').output as tfl.SymbolicTensor }).predict(x) as tf.Tensor2D;
    const [kernel, bias] = model.getLayer('fc').getWeights() as [tf.Tensor2D, tf.Tensor1D];
    return tf.add(tf.matMul(gap, kernel), bias).dataSync() as Float32Array;
  });
}

function randomImage(seed: number, h = 8, w = 8): tf.Tensor3D {
  return tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([h, w, 3], 0, 256, 'float32', seed)), 'int32') as tf.Tensor3D);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('score source: the pre-softmax logit when the model exposes it', () => {
  for (const head of ['dense-softmax', 'activation-softmax', 'linear'] as Head[]) {
    it(`${head}: class scores are the logits, probabilities the model's softmax`, async () => {
      const model = tinyModel(head);
      const classifier = classifierFromModel(model, { labels: LABELS, name: `tiny-${head}` });
      expect(classifier.layer).toBe('conv');
      expect(classifier.scoreSource).toBe('logit');
      expect(classifier.inputSize).toEqual([8, 8]);
      const image = randomImage(7);
      const x = classifier.preprocess(image);
      const logits = manualLogits(model, x);
      const probs = tf.tidy(() => tf.softmax(tf.tensor1d(logits)).dataSync());
      const r = await explainClassification(classifier, image, { classes: [0, 'space shuttle', 'crash HELMET'] });
      expect(r.scoreSource).toBe('logit');
      expect(r.layer).toEqual(['conv']);
      expect(r.explanations.map((e) => e.index)).toEqual([0, 1, 2]);
      expect(r.explanations.map((e) => e.label)).toEqual(LABELS);
      r.explanations.forEach((e, k) => {
        expect(e.score).toBeCloseTo(logits[k]!, 5);
        expect(e.probability).toBeCloseTo(probs[k]!, 5);
        // The logit, not the probability, is what was differentiated.
        expect(Math.abs(e.score - e.probability)).toBeGreaterThan(1e-3);
        expect([e.width, e.height, e.rawWidth, e.rawHeight]).toEqual([8, 8, 8, 8]);
        expect(e.map.every((v) => v >= 0 && v <= 1)).toBe(true);
      });
      const best = r.predictions[0]!;
      expect(best.probability).toBeCloseTo(Math.max(...probs), 6);
      expect(r.predictions).toHaveLength(3);
      tf.dispose([image, x]);
      classifier.dispose?.();
    });
  }

  it('dense-softmax: the linear twin shares the weights and leaves the model untouched', () => {
    const model = tinyModel('dense-softmax');
    const head = scoreHead(model);
    expect(head.scoreSource).toBe('logit');
    expect(head.activation).toBe('softmax');
    expect(head.scoreNode).toBe('fc_logits');
    const x = tf.tidy(() => tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 3)) as tf.Tensor4D;
    const viaHead = tf.tidy(() => (head.explainable as tfl.LayersModel).predict(x) as tf.Tensor);
    expect(Array.from(viaHead.dataSync())).toEqual(Array.from(manualLogits(model, x)).map((v) => expect.closeTo(v, 5)));
    const probs = tf.tidy(() => model.predict(x) as tf.Tensor);
    expect(Array.from(probs.dataSync()).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose([x, viaHead, probs]);
    head.dispose();
  });

  it('GraphModel ending in Softmax → Identity: scores the Softmax input', async () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 8, 8, 3]);
    const kernel = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 4) as tf.Tensor4D;
    const relu = g.op('relu', 'Relu', [g.conv('conv', x, kernel)]);
    const gap = g.op('gap', 'Mean', [relu, g.const('gap/axes', tf.tensor1d([1, 2], 'int32'))], { keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } });
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const fc = g.op('fc', 'MatMul', [gap, g.const('fc/w', w)], { transpose_a: { b: false }, transpose_b: { b: false } });
    g.op('output', 'Identity', [g.op('probs', 'Softmax', [fc])]);
    const model: GraphModel = await g.load();
    const classifier = classifierFromModel(model, { labels: LABELS, inputRange: [-1, 1] });
    expect(classifier.layer).toBe('relu');
    expect(classifier.scoreSource).toBe('logit');
    // The model itself, explained up to the Softmax's input.
    const head = scoreHead(model);
    expect(head.scoreNode).toBe('fc');
    expect(head.outputs).toEqual(['fc']);
    expect(head.explainable).toBe(model);
    const image = randomImage(9);
    const input = classifier.preprocess(image);
    const [logits, probs] = tf.tidy(() => (model.execute(input, ['fc', 'output']) as tf.Tensor[]).map((t) => t.dataSync()));
    const r = await explainClassification(classifier, image, { top: 3 });
    const order = Array.from(probs!.keys()).sort((a, b) => probs![b]! - probs![a]!);
    expect(r.explanations.map((e) => e.index)).toEqual(order);
    r.explanations.forEach((e) => {
      expect(e.score).toBeCloseTo(logits![e.index]!, 4);
      expect(e.probability).toBeCloseTo(probs![e.index]!, 5);
    });
    tf.dispose([image, input, kernel, w]);
    model.dispose();
  });
});

describe('nested models (Teachable Machine layout: [truncated backbone, head])', () => {
  it('cuts inside the backbone and scores the logit of the nested head (its layers re-applied, the softmax cut off)', async () => {
    const backbone = tfl.sequential({
      name: 'backbone',
      layers: [tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) })],
    });
    const head = tfl.sequential({
      name: 'head',
      layers: [tfl.layers.flatten({ inputShape: [8, 8, 4] }), tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })],
    });
    const model = tfl.sequential({ layers: [backbone, head] });
    const classifier = classifierFromModel(model, { labels: LABELS });
    // tfjs splices a first-layer model's graph into the Sequential, so its own conv layer is a cut point.
    expect(classifier.layer).toBe(backbone.layers[0]!.name);
    expect(classifier.scoreSource).toBe('logit');
    const image = randomImage(5);
    const x = classifier.preprocess(image);
    const logits = tf.tidy(() => {
      const [kernel, bias] = head.layers[1]!.getWeights() as [tf.Tensor2D, tf.Tensor1D];
      return tf.add(tf.matMul(tf.reshape(backbone.predict(x) as tf.Tensor, [1, -1]), kernel), bias).dataSync();
    });
    const probs = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const r = await explainClassification(classifier, image, { classes: [0, 1, 2] });
    expect(r.scoreSource).toBe('logit');
    r.explanations.forEach((e, k) => {
      expect(e.score).toBeCloseTo(logits[k]!, 5);
      expect(e.probability).toBeCloseTo(probs[k]!, 6);
    });
    // The model itself is untouched.
    const again = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    expect(Array.from(again)).toEqual(Array.from(probs));
    tf.dispose([image, x]);
  });
});

describe('explainClassification', () => {
  it('maps differ between classes, are in [0, 1] and never NaN; top defaults to 1', async () => {
    const model = tinyModel('dense-softmax');
    const classifier = classifierFromModel(model, { labels: LABELS });
    const image = randomImage(11);
    const one = await explainClassification(classifier, image);
    expect(one.explanations).toHaveLength(1);
    expect(one.explanations[0]!.index).toBe(one.predictions[0]!.index);
    const all = await explainClassification(classifier, image, { classes: [0, 1, 2], method: 'gradcam++' });
    expect(all.method).toBe('gradcam++');
    for (const e of all.explanations) expect(e.map.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    const [a, b] = all.explanations;
    expect(a!.map.some((v, i) => Math.abs(v - b!.map[i]!) > 1e-3)).toBe(true);
    image.dispose();
  });

  it('leaves tf.memory().numTensors unchanged over repeated calls (also when a call throws)', async () => {
    const model = tinyModel('dense-softmax');
    const classifier = classifierFromModel(model, { labels: LABELS });
    const image = randomImage(12, 20, 13);
    await explainClassification(classifier, image); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) {
      await explainClassification(classifier, image, { classes: i % 2 ? ['tabby cat', 2] : [1], method: i === 3 ? 'scorecam' : 'gradcam' });
      await expect(explainClassification(classifier, image, { layer: 'no_such_layer' })).rejects.toThrow(/no layer named 'no_such_layer'/);
    }
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });

  it('rejects bad images and options with specific messages', async () => {
    const classifier = classifierFromModel(tinyModel('linear'), { labels: LABELS });
    const rgba = tf.zeros([8, 8, 4], 'int32') as tf.Tensor3D;
    const batch = tf.zeros([1, 8, 8, 3]) as unknown as tf.Tensor3D;
    await expect(explainClassification(classifier, rgba)).rejects.toThrow(/\[H, W, 3\].*got shape \[8,8,4\].*alpha/);
    await expect(explainClassification(classifier, batch)).rejects.toThrow(/one image, not a batch/);
    const image = randomImage(1);
    await expect(explainClassification(classifier, image, { top: 0 })).rejects.toThrow(/top must be a positive integer/);
    await expect(explainClassification(classifier, image, { classes: [] })).rejects.toThrow(/non-empty array/);
    await expect(explainClassification(classifier, image, { classes: ['space shutle'] })).rejects.toThrow(/unknown class 'space shutle'.*did you mean 1 'space shuttle'/);
    tf.dispose([rgba, batch, image]);
  });

  it('classifierFromModel checks labels against the model output and the options', () => {
    const model = tinyModel('linear');
    expect(() => classifierFromModel(model, { labels: [...LABELS, 'extra'] })).toThrow(/has 3 outputs but 4 labels starting at output 0 need 4/);
    expect(() => classifierFromModel(model, { labels: LABELS.slice(0, 2), labelOffset: 2 })).toThrow(/need 4/);
    expect(() => classifierFromModel(model, { labels: [] })).toThrow(/non-empty array/);
    expect(() => classifierFromModel(model, { labels: LABELS, inputRange: [1, -1] })).toThrow(/lo < hi/);
    expect(() => classifierFromModel(model, { labels: LABELS, inputSize: [8, 0] })).toThrow(/positive integers/);
    const c = classifierFromModel(model, { labels: LABELS.slice(1), labelOffset: 1, layer: 'conv', name: 'offset' });
    expect(resolveClass(c, 'space shuttle')).toBe(1);
  });
});

describe('resolveClass', () => {
  const hub = { name: 'mobilenet-v1-0.25', labels: [...IMAGENET_CLASSES], labelOffset: 1 };
  const keras = { name: 'keras', labels: [...IMAGENET_CLASSES], labelOffset: 0 };

  it('IMAGENET_CLASSES are the package names in the standard order', () => {
    expect(IMAGENET_CLASSES).toHaveLength(1000);
    expect(IMAGENET_CLASSES[281]).toBe('tabby, tabby cat');
    expect(IMAGENET_CLASSES[812]).toBe('space shuttle');
    expect(IMAGENET_CLASSES[967]).toBe('espresso');
  });

  it('matches any comma-separated synonym, case-insensitively, and adds the label offset', () => {
    expect(resolveClass(keras, 'tabby')).toBe(281);
    expect(resolveClass(keras, 'Tabby Cat')).toBe(281);
    expect(resolveClass(keras, 'tabby, tabby cat')).toBe(281);
    expect(resolveClass(hub, 'tabby cat')).toBe(282);
    expect(resolveClass(keras, '  Space Shuttle ')).toBe(812);
    expect(resolveClass(hub, 'jeweler\'s loupe')).toBe(634);
  });

  it('takes numbers and digit strings as output indices, range-checked', () => {
    expect(resolveClass(keras, 812)).toBe(812);
    expect(resolveClass(keras, '812')).toBe(812);
    expect(resolveClass(hub, 1000)).toBe(1000);
    expect(() => resolveClass(hub, 0)).toThrow(/class 0 is out of range for mobilenet-v1-0.25: output indices 1–1000 have labels \(labels\[k\] is output k \+ 1/);
    expect(() => resolveClass(keras, 1000)).toThrow(/out of range.*0–999/);
    expect(() => resolveClass(keras, 2.5)).toThrow(/out of range/);
  });

  it('names every class an ambiguous name matches', () => {
    expect(() => resolveClass(keras, 'crane')).toThrow(/'crane' is ambiguous for keras: it names 134 'crane', 517 'crane'; pass the output index/);
  });

  it('suggests close labels for an unknown name', () => {
    expect(() => resolveClass(keras, 'spase shuttle')).toThrow(/unknown class 'spase shuttle' for keras \(did you mean 812 'space shuttle'/);
    expect(() => resolveClass(hub, 'expresso')).toThrow(/did you mean 968 'espresso'/);
    expect(() => resolveClass(keras, '')).toThrow(/empty/);
  });
});
