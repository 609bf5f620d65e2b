// The scene-world models of @gradcam/scenes (64×64 scenes): the multi-label classifier, the captioner and
// the VQA model, each at batch 1 (one held-out scene), plus the classifier at batch 8 through
// @gradcam/core's `explain`. Per model, one round robin in one process: the forward pass alone
// (`model.predict` on the same inputs, tokens included) and the explanations, CPU and wall medians, the
// ratio explanation / forward, numTensors before and after.
//
//   - classifier: score = one class logit (the scene's first object's colour–shape label), `explainSceneClass`;
//   - captioner: every word of the reference caption (`captionScene(scene).text`) in one call, `explainSceneCaption`;
//   - VQA: the scene's first question, its reference answer, `explainSceneAnswer`.
//
// The @gradcam/scenes functions take a scene (not a tensor) and do more than the CAM: they build the
// input tensors, run the model once for its own prediction (class probabilities; the greedy caption,
// one decoder pass per word; the answer) and read the maps back. The `explain (core)` rows are the same
// targets through `explain` alone on prepared tensors, so the difference is that prediction; the
// captioner's greedy decoding is also timed on its own (`greedy caption`), and `explain` of its first
// word alone shows what the other words add.
//
// The weights' values do not matter for timing (only the architecture does): any weights will do, e.g.
// `node packages/scenes/dist/train/cli.js --tiny --out /tmp/w --eval 0`. Without weights the suite
// records `skipped` with the reason and exits 0.
//
//   node suites/scenes.mjs [--weights DIR] [--methods gradcam,gradcam++,eigencam] [--repeats 9] [--warmup 2]
//        [--classifier-batch 8 (0: none)] [--out file.json]
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { explain, initBackend, listLayers } from '@gradcam/core';
import { arg, fmt, mb, roundRobin, writeResult } from '../lib.mjs';

process.env.GRADCAM_QUIET ??= '1';
// Workspace package (not a dependency of the benchmarks package: imported from the monorepo's links).
const scenes = await import('@gradcam/scenes');
const {
  ANSWER_VOCAB,
  CAPTION_LENGTH,
  CAPTION_VOCAB,
  CAPTIONER_LAYER,
  CLASSIFIER_LAYER,
  CLASS_NAMES,
  MODEL_DIRS,
  QUESTION_LENGTH,
  VQA_LAYER,
  answerScore,
  captionScene,
  captionScenes,
  captionTokens,
  captionWordScore,
  captionWords,
  classIndex,
  classScore,
  explainSceneAnswer,
  explainSceneCaption,
  explainSceneClass,
  generateScene,
  heldOutSeed,
  loadSceneModels,
  questionTokens,
  sceneQuestions,
  scenesToTensor,
} = scenes;

const backend = await initBackend({ backend: arg('backend', 'wasm') });
const methods = arg('methods', 'gradcam,gradcam++,eigencam').split(',').filter(Boolean);
const repeats = Number(arg('repeats', '9'));
const warmup = Number(arg('warmup', '2'));
const batchN = Number(arg('classifier-batch', '8'));
const weightsArg = arg('weights', undefined);
const dir = resolve(weightsArg ?? (await scenes.defaultWeightsDir()));
// Recorded relative to the repository when inside it (results/latest.json is committed).
const repo = fileURLToPath(new URL('../../', import.meta.url));
const shown = relative(repo, dir).startsWith('..') ? dir : relative(repo, dir);

const missing = Object.values(MODEL_DIRS)
  .map((name) => join(dir, name, 'model.json'))
  .filter((p) => !existsSync(p));
if (missing.length) {
  const reason = `no scene model weights in ${shown} (missing ${missing.map((p) => relative(dir, p)).join(', ')}); train them with \`npm run train -w @gradcam/scenes\` or pass --weights DIR`;
  console.log(`\nScene models: skipped (${reason})`);
  writeResult({ skipped: reason, weights: shown });
  process.exit(0);
}
const models = await loadSceneModels({ dir });
let training = null;
try {
  const t = JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8'));
  training = { seed: t.seed ?? null, classifierSteps: t.classifier?.steps ?? null, captionerSteps: t.captioner?.steps ?? null, vqaSteps: t.vqa?.steps ?? null };
} catch {
  /* weights without a training report */
}

/** Reads an Explanation's maps back (as the scene functions do) and frees it. */
const read = (r) => {
  r.maps.dataSync();
  r.dispose();
};
// from the model's own graph (Layer.outputShape throws for a layer the split caption decoder shares)
const layerShape = (model, name) => listLayers(model).find((l) => l.name === name).shape.slice(1);

const scene = generateScene(heldOutSeed(0, 0));
const result = { backend, weights: shown, training, repeats, warmup, sceneSeed: scene.seed, models: [] };

async function measure(entry, fns) {
  const rr = await roundRobin(fns, { repeats, warmup });
  const fwd = rr.results.forward;
  entry.forward = fwd;
  entry.runs = {};
  for (const [name, r] of Object.entries(rr.results)) {
    if (name === 'forward') continue;
    entry.runs[name] = { ...r, ratioCpu: r.cpu.median / fwd.cpu.median, ratioWall: r.wall.median / fwd.wall.median };
  }
  entry.rssBefore = rr.rssBefore;
  entry.rssAfter = rr.rssAfter;
  entry.peakRss = rr.peakRss;
  result.models.push(entry);
  print(entry);
}

function print(e) {
  console.log(`\nScene ${e.model} (${e.what}) — ${backend}, batch ${e.batch}, layer ${e.layer}; medians of ${repeats} rounds (round robin, ${warmup} warm-up)`);
  console.log(`  ${'run'.padEnd(34)} ${'CPU ms'.padStart(9)} ${'wall ms'.padStart(9)}  ${'×fwd CPU'.padStart(8)} ${'×fwd wall'.padStart(9)}  tensors`);
  const line = (name, r, rc, rw) =>
    console.log(
      `  ${name.padEnd(34)} ${fmt(r.cpu.median, 2).padStart(9)} ${fmt(r.wall.median, 2).padStart(9)}  ${fmt(rc, 2).padStart(8)} ${fmt(rw, 2).padStart(9)}  ${r.tensorsBefore}→${r.tensorsAfter}`,
    );
  line('forward', e.forward, 1, 1);
  for (const [name, r] of Object.entries(e.runs)) line(name, r, r.ratioCpu, r.ratioWall);
  console.log(`  peak RSS ${mb(e.peakRss)}`);
}

// Classifier, batch 1: one class logit (the first object's label).
{
  const { classifier } = models;
  const obj = scene.objects[0];
  const cls = classIndex(obj.colour, obj.shape);
  const x = scenesToTensor([scene]);
  const fns = {
    forward: () => {
      const y = classifier.predict(x);
      y.dataSync();
      y.dispose();
    },
  };
  for (const method of methods) {
    fns[`explainSceneClass ${method}`] = async () => {
      await explainSceneClass(classifier, scene, { classes: [cls], method });
    };
  }
  fns['explain (core) gradcam'] = async () => read(await explain(classifier, x, { layer: CLASSIFIER_LAYER, targets: [classScore(cls)] }));
  await measure(
    {
      model: 'classifier',
      what: `logit of '${CLASS_NAMES[cls]}'`,
      batch: 1,
      layer: CLASSIFIER_LAYER,
      layerShape: layerShape(classifier, CLASSIFIER_LAYER),
      params: classifier.countParams(),
      targets: 1,
    },
    fns,
  );
  x.dispose();
}

// Captioner, batch 1: every word of the reference caption in one call.
{
  const { captioner } = models;
  const caption = captionScene(scene).text;
  const words = captionWords(caption);
  const x = scenesToTensor([scene]);
  const tokens = tf.tensor2d(captionTokens(words).input, [1, CAPTION_LENGTH], 'int32');
  const targets = words.map((w, p) => captionWordScore(p, CAPTION_VOCAB.index(w)));
  const fns = {
    forward: () => {
      const y = captioner.predict([x, tokens]);
      y.dataSync();
      y.dispose();
    },
  };
  for (const method of methods) {
    fns[`explainSceneCaption ${method}`] = async () => {
      await explainSceneCaption(captioner, scene, { caption, method });
    };
  }
  fns['explain (core) gradcam'] = async () => read(await explain(captioner, [x, tokens], { layer: CAPTIONER_LAYER, targets: [targets] }));
  fns['explain (core) gradcam, 1st word'] = async () => read(await explain(captioner, [x, tokens], { layer: CAPTIONER_LAYER, targets: [targets[0]] }));
  fns['greedy caption'] = () => {
    captionScenes(captioner, [scene]);
  };
  await measure(
    {
      model: 'captioner',
      what: `${words.length} words of '${caption}'`,
      batch: 1,
      layer: CAPTIONER_LAYER,
      layerShape: layerShape(captioner, CAPTIONER_LAYER),
      params: captioner.countParams(),
      targets: words.length,
    },
    fns,
  );
  tf.dispose([x, tokens]);
}

// VQA, batch 1: the scene's first question, its reference answer.
{
  const { vqa } = models;
  const qa = sceneQuestions(scene)[0];
  const x = scenesToTensor([scene]);
  const q = tf.tensor2d(questionTokens(qa.words), [1, QUESTION_LENGTH], 'int32');
  const ai = ANSWER_VOCAB.index(qa.answer);
  const fns = {
    forward: () => {
      const y = vqa.predict([x, q]);
      y.dataSync();
      y.dispose();
    },
  };
  for (const method of methods) {
    fns[`explainSceneAnswer ${method}`] = async () => {
      await explainSceneAnswer(vqa, scene, qa.words, { answer: qa.answer, method });
    };
  }
  fns['explain (core) gradcam'] = async () => read(await explain(vqa, [x, q], { layer: VQA_LAYER, targets: [answerScore(ai)] }));
  await measure(
    {
      model: 'vqa',
      what: `'${qa.text}' → ${qa.answer}`,
      batch: 1,
      layer: VQA_LAYER,
      layerShape: layerShape(vqa, VQA_LAYER),
      params: vqa.countParams(),
      targets: 1,
    },
    fns,
  );
  tf.dispose([x, q]);
}

// Classifier, batch N (8): @gradcam/core's explain directly, one class logit per image.
if (batchN > 1) {
  const { classifier } = models;
  const batch = Array.from({ length: batchN }, (_, i) => generateScene(heldOutSeed(0, i)));
  const x = scenesToTensor(batch);
  const targets = batch.map((s) => classIndex(s.objects[0].colour, s.objects[0].shape));
  const fns = {
    forward: () => {
      const y = classifier.predict(x);
      y.dataSync();
      y.dispose();
    },
  };
  for (const method of methods) fns[`explain (core) ${method}`] = async () => read(await explain(classifier, x, { layer: CLASSIFIER_LAYER, targets, method }));
  await measure(
    {
      model: 'classifier',
      what: 'one class logit per image',
      batch: batchN,
      layer: CLASSIFIER_LAYER,
      layerShape: layerShape(classifier, CLASSIFIER_LAYER),
      params: classifier.countParams(),
      targets: batchN,
    },
    fns,
  );
  x.dispose();
}

for (const m of Object.values(models)) m.dispose();
writeResult(result);
