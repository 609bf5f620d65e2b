import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initBackend } from '@gradcam/core';
import {
  CAPTIONER_LAYER,
  CLASSIFIER_LAYER,
  CLASS_NAMES,
  type Caption,
  type QuestionAnswer,
  type Scene,
  type SceneModels,
  VQA_LAYER,
  captionScene,
  explainSceneAnswer,
  explainSceneCaption,
  explainSceneClass,
  generateScene,
  heldOutSeed,
  localize,
  mixSeed,
  objectsOfClass,
  presentClasses,
  rng,
  sampleQuestions,
} from '@gradcam/scenes';
import { type ReportExplanation, type ReportItem, type RgbImage, overlayHeatmap } from '@gradcam/viz';
import { encodeImage, writeFileAtomic, writeReport } from '@gradcam/viz/node';
import type { DemoArgs } from './args.js';
import type { Streams } from './console.js';
import { EXIT_OK } from './errors.js';
import { drawBoxes, floatToRgb, fmt, mapPeak, showPath, upscaleNearest } from './output.js';
import { disposeSceneModels, loadSceneWeights, sceneWeightsDir } from './scene-weights.js';

/** Questions asked per scene. */
export const DEMO_QUESTIONS = 3;
/** Scenes are drawn this many times larger in the report (64×64 → 256×256, nearest neighbour). */
const PICTURE_SCALE = 4;
/** Salt of the question sampler: the questions of scene i are drawn from `rng(mixSeed(seed, i, QUESTION_SALT))`. */
const QUESTION_SALT = 0xde70;

/** One explained target in demo.json: what the map explains and where it peaks. */
export interface DemoTarget {
  /** Class name, caption word, or "question → answer". */
  label: string;
  /** The explained score (class logit, log p(word), answer logit). */
  score: number;
  probability: number;
  /** The map's (first) maximum, in scene pixels (0–63), and its value. */
  argmax: { x: number; y: number };
  peak: number;
  /** Ids of the ground-truth objects the target is about (null: unknown, e.g. words of a wrong caption). */
  objects: number[] | null;
  /**
   * Pointing game (peak within 15 % of the box size of one of `objects`' boxes) and the share of the map's mass
   * inside the boxes, for the targets the summary scores (present classes, colour/shape words of a right caption
   * that name one object, right answers about one object); null otherwise.
   */
  hit: boolean | null;
  energy: number | null;
}

/** One scene of demo.json. */
export interface DemoScene {
  index: number;
  seed: number;
  width: number;
  height: number;
  objects: Array<{ id: number; shape: string; colour: string; box: { x1: number; y1: number; x2: number; y2: number }; centre: { x: number; y: number } }>;
  truth: { classes: string[]; caption: string };
  classes: { predicted: string[]; correct: boolean; targets: Array<DemoTarget & { classIndex: number }> };
  caption: { text: string; truth: string; correct: boolean; targets: Array<DemoTarget & { position: number; word: string }> };
  questions: Array<DemoTarget & { question: string; kind: string; truth: string; answer: string; correct: boolean }>;
}

/** The whole of demo.json. */
export interface DemoJson {
  command: 'gradcam demo';
  seed: number;
  count: number;
  method: string;
  /** The weights directory the models were loaded from. */
  weights: string;
  layers: { classifier: string; captioner: string; vqa: string };
  /** How to read `argmax`, `peak` and the boxes. */
  maps: string;
  summary: { classesCorrect: number; captionsCorrect: number; answersCorrect: number; questions: number; pointing: { hits: number; scored: number } };
  scenes: DemoScene[];
}

interface Computed {
  json: DemoScene;
  scene: Scene;
  maps: { classes: Float32Array[]; words: Float32Array[]; answers: Float32Array[] };
  probabilities: Float32Array;
}

/** The `DEMO_QUESTIONS` distinct questions of scene `index` of run `seed`. */
export function demoQuestions(scene: Scene, seed: number, index: number): QuestionAnswer[] {
  const drawn = sampleQuestions(scene, rng(mixSeed(seed, index, QUESTION_SALT)), 4 * DEMO_QUESTIONS);
  const seen = new Set<string>();
  return drawn.filter((q) => !seen.has(q.text) && seen.add(q.text)).slice(0, DEMO_QUESTIONS);
}

function target(label: string, score: number, probability: number, map: { data: Float32Array; width: number; height: number }, scene: Scene, objects: number[] | null, scored: boolean): DemoTarget {
  const peak = mapPeak(map.data, map.width);
  const boxes = (objects ?? []).map((id) => scene.objects[id]!.box);
  const loc = scored && boxes.length > 0 ? localize(map, boxes) : undefined;
  return { label, score, probability, argmax: { x: peak.x, y: peak.y }, peak: peak.value, objects, hit: loc?.hit ?? null, energy: loc?.energy ?? null };
}

/** Runs the three models on held-out scene `index` and explains their outputs (no files written). */
async function explainScene(models: SceneModels, args: DemoArgs, index: number): Promise<Computed> {
  const seed = heldOutSeed(args.seed, index);
  const scene = generateScene(seed);
  const truthCaption: Caption = captionScene(scene);
  const truthClasses = presentClasses(scene);
  const options = { method: args.method };

  const cls = await explainSceneClass(models.classifier, scene, options);
  const classesRight = cls.predicted.length === truthClasses.length && cls.predicted.every((c, k) => c === truthClasses[k]);
  const classTargets = cls.explanations.map((x) => {
    const objects = objectsOfClass(scene, x.classIndex).map((o) => o.id);
    return { ...target(x.name, x.score, x.probability, x.map, scene, objects, true), classIndex: x.classIndex };
  });

  const cap = await explainSceneCaption(models.captioner, scene, options).catch((e: unknown) => {
    // A model that ends its caption at once (badly trained weights) has no word to explain.
    if (e instanceof RangeError && /caption to explain is empty/.test(e.message)) return { caption: '', modelCaption: '', words: [] };
    throw e;
  });
  const captionRight = cap.caption === truthCaption.text;
  const wordTargets = cap.words.map((w) => {
    const truth = captionRight ? truthCaption.words[w.position] : undefined;
    const scored = truth !== undefined && (truth.role === 'colour' || truth.role === 'shape') && truth.objects.length === 1;
    return { ...target(w.word, w.score, Math.exp(w.score), w.map, scene, truth ? truth.objects : null, scored), position: w.position, word: w.word };
  });

  const questions = demoQuestions(scene, args.seed, index);
  const answerTargets: DemoScene['questions'] = [];
  const answerMaps: Float32Array[] = [];
  for (const q of questions) {
    const r = await explainSceneAnswer(models.vqa, scene, q.words, options);
    const correct = r.answer === q.answer;
    answerMaps.push(r.map.data);
    answerTargets.push({
      ...target(`${q.text} → ${r.answer}`, r.score, r.probability, r.map, scene, q.objects, correct && q.objects.length === 1),
      question: q.text,
      kind: q.kind,
      truth: q.answer,
      answer: r.answer,
      correct,
    });
  }

  const json: DemoScene = {
    index,
    seed,
    width: scene.width,
    height: scene.height,
    objects: scene.objects.map((o) => ({ id: o.id, shape: o.shape, colour: o.colour, box: { ...o.box }, centre: { ...o.centre } })),
    truth: { classes: truthClasses.map((c) => CLASS_NAMES[c]!), caption: truthCaption.text },
    classes: { predicted: cls.predicted.map((c) => CLASS_NAMES[c]!), correct: classesRight, targets: classTargets },
    caption: { text: cap.caption, truth: truthCaption.text, correct: captionRight, targets: wordTargets },
    questions: answerTargets,
  };
  return {
    json,
    scene,
    maps: { classes: cls.explanations.map((x) => x.map.data), words: cap.words.map((w) => w.map.data), answers: answerMaps },
    probabilities: cls.probabilities,
  };
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** The terminal lines of one scene: classes, caption and answers against the ground truth. */
function sceneLines(s: DemoScene): string {
  const classes = s.classes.targets.map((t) => `${t.label} ${fmt(t.probability)}`).join(', ');
  const lines = [
    `scene ${s.index} · seed ${s.seed} · ${s.objects.length} object${s.objects.length === 1 ? '' : 's'}`,
    `  classes  ${s.classes.predicted.length ? classes : `none above 0.5 (best: ${classes})`} ${mark(s.classes.correct)}${s.classes.correct ? '' : ` (truth: ${s.truth.classes.join(', ')})`}`,
    `  caption  ${s.caption.text} ${mark(s.caption.correct)}${s.caption.correct ? '' : ` (truth: ${s.caption.truth})`}`,
    ...s.questions.map((q) => `  Q        ${q.question} → ${q.answer} ${fmt(q.probability)} ${mark(q.correct)}${q.correct ? '' : ` (truth: ${q.truth})`}`),
  ];
  return lines.join('\n');
}

/** The report items of one scene: its classes, its caption and its questions, each with the scene and its boxes. */
async function sceneItems(c: Computed, args: DemoArgs): Promise<ReportItem[]> {
  const s = c.json;
  const small = floatToRgb(c.scene.width, c.scene.height, c.scene.image);
  const big = upscaleNearest(small, PICTURE_SCALE);
  const jpeg = async (image: RgbImage) => ({ mime: 'image/jpeg' as const, data: await encodeImage(image, 'jpg', { quality: 90 }) });
  const original = await jpeg(drawBoxes(big, c.scene.objects.map((o) => o.box), PICTURE_SCALE));
  const overlay = async (data: Float32Array) =>
    jpeg(overlayHeatmap(big, { width: c.scene.width, height: c.scene.height, data }, { colormap: args.colormap, alpha: args.alpha }));
  const explanations = async (targets: DemoTarget[], maps: Float32Array[], title: (t: DemoTarget, k: number) => string, scoreName: string) => {
    const out: ReportExplanation[] = [];
    for (const [k, t] of targets.entries()) out.push({ title: title(t, k), image: await overlay(maps[k]!), probability: t.probability, score: t.score, scoreName });
    return out;
  };
  const base = { width: s.width, height: s.height, original };
  const ranked = [...c.probabilities].map((p, k) => ({ label: CLASS_NAMES[k]!, probability: p })).sort((a, b) => b.probability - a.probability);
  return [
    {
      ...base,
      name: `scene ${s.index} · classes: ${s.classes.predicted.join(', ') || 'none'}${s.classes.correct ? ' ✓' : ` ✗ (truth: ${s.truth.classes.join(', ')})`}`,
      predictions: ranked.slice(0, 5),
      explanations: await explanations(s.classes.targets, c.maps.classes, (t) => t.label, 'logit'),
    },
    {
      ...base,
      name: `scene ${s.index} · caption: ${s.caption.text}${s.caption.correct ? ' ✓' : ` ✗ (truth: ${s.caption.truth})`}`,
      explanations: await explanations(s.caption.targets, c.maps.words, (t) => t.label, 'log p'),
    },
    {
      ...base,
      name: `scene ${s.index} · questions`,
      explanations: await explanations(s.questions, c.maps.answers, (t, k) => `${t.label} ${mark(s.questions[k]!.correct)}${s.questions[k]!.correct ? '' : ` (truth: ${s.questions[k]!.truth})`}`, 'logit'),
    },
  ];
}

/**
 * `gradcam demo`: the three scene-world models on `args.scenes` held-out scenes, each target explained; writes
 * report.html and demo.json into `args.out` once everything is computed (nothing is written when anything fails),
 * and prints the predictions against the ground truth.
 * @returns the exit status (0).
 */
export async function demoCommand(args: DemoArgs, io: Streams): Promise<number> {
  const started = performance.now();
  const dir = await sceneWeightsDir(args.weights);
  const backend = await initBackend();
  const models = await loadSceneWeights(dir);
  try {
    const outDir = resolve(args.out);
    io.out.write(
      `gradcam demo: ${args.scenes} held-out scene${args.scenes === 1 ? '' : 's'} (seed ${args.seed}) · scene models from ${showPath(dir)} · ` +
        `${args.method} on ${backend}\n`,
    );
    const computed: Computed[] = [];
    for (let i = 0; i < args.scenes; i++) {
      const c = await explainScene(models, args, i);
      computed.push(c);
      io.out.write(`${sceneLines(c.json)}\n`);
    }
    const scenes = computed.map((c) => c.json);
    const targets = scenes.flatMap((s) => [...s.classes.targets, ...s.caption.targets, ...s.questions]);
    const scored = targets.filter((t) => t.hit !== null);
    const summary: DemoJson['summary'] = {
      classesCorrect: scenes.filter((s) => s.classes.correct).length,
      captionsCorrect: scenes.filter((s) => s.caption.correct).length,
      answersCorrect: scenes.reduce((n, s) => n + s.questions.filter((q) => q.correct).length, 0),
      questions: scenes.reduce((n, s) => n + s.questions.length, 0),
      pointing: { hits: scored.filter((t) => t.hit).length, scored: scored.length },
    };
    const items: ReportItem[] = [];
    for (const c of computed) items.push(...(await sceneItems(c, args)));
    const json: DemoJson = {
      command: 'gradcam demo',
      seed: args.seed,
      count: args.scenes,
      method: args.method,
      weights: dir,
      layers: { classifier: CLASSIFIER_LAYER, captioner: CAPTIONER_LAYER, vqa: VQA_LAYER },
      maps: 'argmax/peak of each map at the scene size (64×64, x right, y down); boxes in pixel edges: pixel (x, y) is inside when x1 ≤ x < x2 and y1 ≤ y < y2',
      summary,
      scenes,
    };
    const jsonPath = await writeFileAtomic(join(outDir, 'demo.json'), `${JSON.stringify(json, null, 1)}\n`);
    const reportPath = await writeReport(join(outDir, 'report.html'), items, {
      title: `gradcam demo: ${args.scenes} scene${args.scenes === 1 ? '' : 's'} of the scene world (seed ${args.seed})`,
      model: `@gradcam/scenes classifier, captioner and VQA model (${showPath(dir)})`,
      method: args.method,
      layer: [CLASSIFIER_LAYER, CAPTIONER_LAYER, VQA_LAYER],
      colormap: args.colormap,
      alpha: args.alpha,
      generated: new Date().toISOString(),
    });
    const n = args.scenes;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out.write(
      `summary: classes right in ${summary.classesCorrect}/${n} scenes · captions ${summary.captionsCorrect}/${n} · answers ${summary.answersCorrect}/${summary.questions}` +
        ` · maps peaking on their object ${summary.pointing.hits}/${summary.pointing.scored} (present classes, words and right answers about one object)\n`,
    );
    io.out.write(`done in ${seconds} s: ${targets.length} maps; ${showPath(jsonPath)}\nreport: ${showPath(reportPath)}\n`);
    return EXIT_OK;
  } finally {
    disposeSceneModels(models);
  }
}
