/**
 * The training data of the two heads, prepared in one streaming pass over the training scenes (never
 * holding more than a batch of images): frozen scene features (the class maps, 8×8), caption tokens and sampled questions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { generateScene } from '../world/generator.js';
import { mixSeed, randInt, rng } from '../world/rng.js';
import type { Scene } from '../world/scene.js';
import { COLOURS, SHAPES } from '../world/vocabulary.js';
import { scenesToTensor } from '../world/tensor.js';
import { type CaptionData, captionData } from './captioner.js';
import type { FeatureCache } from './features.js';
import { type VqaData, vqaData } from './vqa.js';

/** Features, captions and questions of the same training scenes. */
export interface HeadData {
  features: FeatureCache;
  captions: CaptionData;
  questions: VqaData;
}

function concat<A extends Int32Array | Float32Array>(arrays: A[]): A {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const joined = new (arrays[0]!.constructor as new (n: number) => A)(total);
  let o = 0;
  for (const a of arrays) {
    joined.set(a, o);
    o += a.length;
  }
  return joined;
}

/**
 * A training scene of the heads. The natural distribution rarely shows the two hardest caption
 * patterns, so half of the scenes are drawn from it and the other half are enriched: a quarter with a
 * repeated colour-shape pair ("two green triangles", 2–4 objects) and a quarter with exactly two objects
 * (the relation captions). Evaluation always uses the natural distribution.
 */
export function headTrainingScene(seed: number): Scene {
  const r = rng(mixSeed(seed, 0xba1a));
  const u = r();
  if (u < 0.5) return generateScene(seed);
  if (u < 0.75) {
    const shape = SHAPES[randInt(r, 0, SHAPES.length - 1)]!;
    const colour = COLOURS[randInt(r, 0, COLOURS.length - 1)]!;
    return generateScene(seed, { objects: randInt(r, 2, 4), shapes: [shape, shape], colours: [colour, colour] });
  }
  return generateScene(seed, { objects: 2 });
}

/**
 * Runs the (frozen) `features` model — image → the heads' input, `buildSceneFeatures` — over the scenes of
 * `seeds` (see {@link headTrainingScene}) and tokenises their captions and
 * `questionsPerScene` sampled questions (sampling seeded by `questionSeed`). With `shared`, the features
 * live in a SharedArrayBuffer, so that worker threads can train on them without a copy.
 */
export function prepareHeadData(features: tfl.LayersModel, seeds: readonly number[], questionsPerScene: number, questionSeed: number, shared = false): HeadData {
  const shape = features.outputs[0]!.shape.slice(1) as [number, number, number];
  const size = shape[0] * shape[1] * shape[2];
  const bytes = seeds.length * size * 4;
  const data = new Float32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const captions: CaptionData[] = [];
  const questions: VqaData[] = [];
  const chunk = 64;
  for (let i = 0; i < seeds.length; i += chunk) {
    const scenes = seeds.slice(i, i + chunk).map(headTrainingScene);
    const f = tf.tidy(() => features.predict(scenesToTensor(scenes)) as tf.Tensor);
    data.set(f.dataSync(), i * size);
    f.dispose();
    captions.push(captionData(scenes));
    const q = vqaData(scenes, questionsPerScene, questionSeed);
    questions.push({ ...q, scene: q.scene.map((r) => r + i) });
  }
  const answers = concat(questions.map((q) => q.answers));
  return {
    features: { data, count: seeds.length, size, shape },
    captions: {
      count: seeds.length,
      inputs: concat(captions.map((c) => c.inputs)),
      targets: concat(captions.map((c) => c.targets)),
      mask: concat(captions.map((c) => c.mask)),
    },
    questions: {
      count: answers.length,
      scene: concat(questions.map((q) => q.scene)),
      questions: concat(questions.map((q) => q.questions)),
      answers,
      selection: concat(questions.map((q) => q.selection)),
      selectionWeight: concat(questions.map((q) => q.selectionWeight)),
    },
  };
}
