import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { load as loadPackage } from '@tensorflow-models/mobilenet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { fileHandler, loadLayersModelFromFile } from '@gradcam/core/node';
import { type Classifier, IMAGENET_CLASSES, centerCrop, classifierFromModel, explainClassification, loadMobileNet } from '../src/index.js';
import { argmax2d, describeShared, readImage } from './helpers/images.js';
import { serveDirectory } from './helpers/serve.js';

// The real ImageNet MobileNets of ../shared on real photos: what the small-model tests cannot show —
// the right labels through both loading paths, and maps that point at the right objects.

const GRAPH = 'models/mobilenet-v1-025-graph/model.json';
const LAYERS = 'models/mobilenet-v1-075-layers/model.json';
const LABELS = 'models/labels/imagenet_1000.json';
const IMAGES = ['images/chelsea.png', 'images/coffee.png', 'images/astronaut.png'];
/** ImageNet cats (class ids): tabby, tiger cat, Persian, Siamese, Egyptian cat. */
const CATS = [281, 282, 283, 284, 285];
const ESPRESSO = 967;
const SPACE_SHUTTLE = 812;
const CRASH_HELMET = 518;

interface Photos {
  chelsea: tf.Tensor3D;
  coffee: tf.Tensor3D;
  astronaut: tf.Tensor3D;
}

/** The shared checks on one classifier: cat, espresso (centre crop), shuttle top right and helmet at the bottom. */
function photoChecks(get: () => { classifier: Classifier; photos: Photos }): void {
  it('chelsea.png: top-1 is a cat class', async () => {
    const { classifier, photos } = get();
    const r = await explainClassification(classifier, photos.chelsea);
    const top = r.predictions[0]!;
    expect(CATS.map((c) => c + classifier.labelOffset)).toContain(top.index);
    expect(top.label).toMatch(/cat|tabby/);
    expect(r.explanations[0]!.index).toBe(top.index);
    expect(r.explanations[0]!.map.length).toBe(224 * 224);
  });

  it('coffee.png, centre-cropped: top-1 is espresso', async () => {
    const { classifier, photos } = get();
    const crop = centerCrop(photos.coffee);
    expect(crop.shape).toEqual([400, 400, 3]);
    const r = await explainClassification(classifier, crop);
    crop.dispose();
    expect(r.predictions[0]!.index).toBe(ESPRESSO + classifier.labelOffset);
    expect(r.predictions[0]!.label).toBe('espresso');
  });

  it('astronaut.png: "space shuttle" peaks top right, "crash helmet" at the bottom, by name or index', async () => {
    const { classifier, photos } = get();
    const byName = await explainClassification(classifier, photos.astronaut, { classes: ['space shuttle', 'Crash Helmet'] });
    const byIndex = await explainClassification(classifier, photos.astronaut, {
      classes: [SPACE_SHUTTLE + classifier.labelOffset, CRASH_HELMET + classifier.labelOffset],
    });
    const [shuttle, helmet] = byName.explanations;
    expect([shuttle!.index, helmet!.index]).toEqual([SPACE_SHUTTLE, CRASH_HELMET].map((c) => c + classifier.labelOffset));
    expect(byIndex.explanations[0]!.map).toEqual(shuttle!.map);
    expect(byIndex.explanations[1]!.map).toEqual(helmet!.map);
    const [sx, sy] = argmax2d(shuttle!.map, 224);
    const [hx, hy] = argmax2d(helmet!.map, 224);
    // The shuttle model stands in the top-right corner; the helmet lies on the table at the bottom.
    expect(sy).toBeLessThan(112);
    expect(sx).toBeGreaterThanOrEqual(112);
    expect(hy).toBeGreaterThanOrEqual(112);
    expect(Math.hypot(sx - hx, sy - hy)).toBeGreaterThan(56);
    for (const e of [shuttle!, helmet!]) {
      expect(Math.max(...e.map)).toBeCloseTo(1, 5);
      expect(e.map.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect([e.rawWidth, e.rawHeight]).toEqual([7, 7]);
    }
  });

  it('repeated explanations leave tf.memory().numTensors unchanged', async () => {
    const { classifier, photos } = get();
    await explainClassification(classifier, photos.chelsea);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await explainClassification(classifier, photos.astronaut, { top: 2, method: i === 2 ? 'layercam' : 'gradcam' });
    expect(tf.memory().numTensors).toBe(before);
  });
}

describeShared('MobileNets of ../shared on real photos', [GRAPH, LAYERS, LABELS, ...IMAGES], (shared) => {
  const photos = {} as Photos;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    photos.chelsea = await readImage(join(shared, IMAGES[0]!));
    photos.coffee = await readImage(join(shared, IMAGES[1]!));
    photos.astronaut = await readImage(join(shared, IMAGES[2]!));
  });
  afterAll(() => tf.dispose(Object.values(photos)));

  describe('@tensorflow-models/mobilenet path: mobilenet-v1-025-graph via load({ modelUrl, inputRange: [0, 1] })', () => {
    let classifier: Classifier;
    beforeAll(async () => {
      classifier = await loadMobileNet({ version: 1, alpha: 0.25, modelUrl: fileHandler(join(shared, GRAPH)), inputRange: [0, 1] });
    });
    afterAll(() => classifier?.dispose?.());

    it('finds the variant, its default layer and the background offset', () => {
      expect(classifier.name).toBe('mobilenet-v1-0.25');
      expect(classifier.layer).toBe('module_apply_default/MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6');
      expect(classifier.labelOffset).toBe(1);
      expect(classifier.inputSize).toEqual([224, 224]);
      expect(classifier.scoreSource).toBe('logit');
    });

    it('predictions are exactly what the package classify() reports (labels, probabilities)', async () => {
      const net = await loadPackage({ version: 1, alpha: 0.25, modelUrl: fileHandler(join(shared, GRAPH)), inputRange: [0, 1] });
      for (const image of [photos.chelsea, photos.astronaut]) {
        const theirs = await net.classify(image, 3);
        const ours = (await explainClassification(classifier, image)).predictions.slice(0, 3);
        expect(ours.map((p) => p.label)).toEqual(theirs.map((p) => p.className));
        ours.forEach((p, i) => expect(p.probability).toBeCloseTo(theirs[i]!.probability, 6));
      }
      (net as unknown as { model: tf.InferenceModel & { dispose(): void } }).model.dispose();
    });

    it('the explained score is the graph logit of the class', async () => {
      const r = await explainClassification(classifier, photos.chelsea);
      const logits = tf.tidy(() => {
        const x = classifier.preprocess(photos.chelsea);
        return (classifier.model as tfl.LayersModel).predict(x) as tf.Tensor;
      });
      expect(r.explanations[0]!.score).toBeCloseTo(logits.dataSync()[r.explanations[0]!.index]!, 3);
      logits.dispose();
    });

    photoChecks(() => ({ classifier, photos }));

    it('loads from an HTTP URL too (served on 127.0.0.1)', async () => {
      const server = await serveDirectory(dirname(join(shared, GRAPH)));
      try {
        const viaHttp = await loadMobileNet({ version: 1, alpha: 0.25, modelUrl: `${server.url}model.json`, inputRange: [0, 1] });
        const r = await explainClassification(viaHttp, photos.chelsea);
        expect(CATS.map((c) => c + 1)).toContain(r.predictions[0]!.index);
        viaHttp.dispose?.();
      } finally {
        await server.close();
      }
    });
  });

  describe('generic path: mobilenet-v1-075-layers (Keras, softmax output, input [-1, 1])', () => {
    let classifier: Classifier;
    let model: tfl.LayersModel;
    beforeAll(async () => {
      model = await loadLayersModelFromFile(join(shared, LAYERS));
      classifier = classifierFromModel(model, { labels: [...IMAGENET_CLASSES], inputRange: [-1, 1], name: 'mobilenet-v1-0.75-keras' });
    });
    afterAll(() => model?.dispose());

    it('the shared label file is the package label list', () => {
      expect(JSON.parse(readFileSync(join(shared, LABELS), 'utf8'))).toEqual([...IMAGENET_CLASSES]);
    });

    it('finds conv_pw_13_relu and scores the pre-softmax logit (conv_preds), not the probability', async () => {
      expect(classifier.layer).toBe('conv_pw_13_relu');
      expect(classifier.labelOffset).toBe(0);
      expect(classifier.scoreSource).toBe('logit');
      const r = await explainClassification(classifier, photos.astronaut, { classes: [SPACE_SHUTTLE, CRASH_HELMET] });
      expect(r.scoreSource).toBe('logit');
      const [logits, probs] = tf.tidy(() => {
        const x = classifier.preprocess(photos.astronaut);
        const preds = tfl.model({ inputs: model.inputs, outputs: model.getLayer('conv_preds').output as tfl.SymbolicTensor }).predict(x) as tf.Tensor;
        return [preds.dataSync(), (model.predict(x) as tf.Tensor).dataSync()];
      });
      r.explanations.forEach((e) => {
        expect(e.score).toBeCloseTo(logits![e.index]!, 3);
        expect(e.probability).toBeCloseTo(probs![e.index]!, 6);
      });
    });

    photoChecks(() => ({ classifier, photos }));
  });
});
