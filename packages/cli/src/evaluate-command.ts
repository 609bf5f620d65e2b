import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import {
  type EvaluationRow,
  type EvaluationSample,
  type Explainable,
  GradCamError,
  type Target,
  classProbability,
  cutGraphModel,
  cutModel,
  evaluateMethods,
  evaluationTable,
  isGraphModel,
  sigmoidScore,
} from '@gradcam/core';
import { type Classifier, type ScoreHead, resolveClass, scoreHead, synonyms } from '@gradcam/classification';
import { imageToTensor } from '@gradcam/viz';
import { decodeImage, writeFileAtomic } from '@gradcam/viz/node';
import { type AnnotatedBox, type Annotation, annotationError, findAnnotationFile, imagePath, readAnnotations } from './annotations.js';
import type { EvaluateArgs } from './args.js';
import type { Streams } from './console.js';
import { CliError, EXIT_OK, UsageError } from './errors.js';
import { loadModel } from './model-source.js';
import { Progress } from './progress.js';

/** One (image, class) sample: its boxes merged over the annotation's entries. */
interface Sample {
  /** The image as the annotation names it, and its resolved path. */
  image: string;
  path: string;
  /** The model output index explained. */
  index: number;
  label: string;
  boxes: AnnotatedBox[];
  where: string;
}

/** What the faithfulness metrics read, and how to say it. */
interface FaithfulnessScore {
  /** Maps a sample's class index to the score the faithfulness metrics read; undefined: the explained output itself. */
  target?: (t: Target) => Target;
  /** `probability` (what the metrics read) and how it is obtained. */
  description: string;
}

/**
 * The score the faithfulness metrics (deletion/insertion, Average Drop / Increase) read. The maps explain
 * what `gradcam explain` explains — the pre-softmax logit when the model exposes it — but Average Drop needs
 * positive scores and deletion curves are only comparable between images as probabilities, so:
 * a softmax model explained on its logits reads the softmax of those logits (its own probability); a sigmoid
 * model the sigmoid of the logit; a model that outputs logits only (the TF-Hub MobileNets) the softmax over its
 * outputs (`classProbability`); a model whose probability output is all there is reads it as it is.
 */
export function faithfulnessScore(head: Pick<ScoreHead, 'scoreSource' | 'activation'>): FaithfulnessScore {
  if (head.scoreSource === 'probability') return { description: `the model's ${head.activation === 'sigmoid' ? 'sigmoid' : 'softmax'} output (probability)` };
  const index = (t: Target) => {
    if (typeof t !== 'number') throw new GradCamError('faithfulness targets are class indices');
    return t;
  };
  if (head.activation === 'softmax') return { target: (t) => classProbability(index(t)), description: "the probability (softmax of the logits = the model's own output)" };
  if (head.activation === 'sigmoid') return { target: (t) => sigmoidScore(index(t)), description: "the probability (sigmoid of the logit = the model's own output)" };
  return { target: (t) => classProbability(index(t)), description: 'the probability (softmax over the logit outputs, classProbability)' };
}

/** What `evaluateMethods` explains for `head` at `layers`: the head's model, or a cut per layer ending at the graph's logits. */
function explainable(head: ScoreHead, layers: string[]): Explainable {
  if (!head.outputs || !isGraphModel(head.explainable)) return head.explainable;
  const model = head.explainable;
  const outputs = head.outputs;
  return layers.map((l) => cutGraphModel(model, l, { outputs }));
}

/** Checks the target layers against the model (as `gradcam explain` does). */
function checkLayers(classifier: Classifier, layers: string[] | undefined): void {
  if (!layers) return;
  try {
    cutModel(classifier.model, layers);
  } catch (e) {
    if (e instanceof GradCamError) throw new UsageError(`${e.message.replace(/^no (layer|node) named/, `unknown layer: no $1 named`)} (see gradcam layers)`);
    throw e;
  }
}

/** True when the annotation's label names the model's label (equal, or one of its comma-separated synonyms). */
function sameLabel(annotated: string, modelLabel: string): boolean {
  const a = synonyms(annotated);
  const m = synonyms(modelLabel);
  return annotated.trim().toLowerCase() === modelLabel.trim().toLowerCase() || a.some((s) => m.includes(s));
}

/** Resolves every annotation's class and merges the boxes of the same image and class; warns about labels that disagree. */
function resolveSamples(classifier: Classifier, file: string, dir: string, annotations: Annotation[], io: Streams): Sample[] {
  const problems: string[] = [];
  const byKey = new Map<string, Sample>();
  for (const a of annotations) {
    let index: number;
    try {
      index = resolveClass(classifier, a.class);
    } catch (e) {
      if (e instanceof GradCamError) {
        problems.push(`${a.where}: ${e.message}`);
        continue;
      }
      throw e;
    }
    const label = classifier.labels[index - classifier.labelOffset]!;
    if (a.label !== undefined && !sameLabel(a.label, label)) {
      let hint = '';
      try {
        const j = resolveClass(classifier, a.label);
        hint = ` ('${a.label}' is class ${j} of this model${classifier.labelOffset ? `, whose output 0 is a background class: ImageNet class k is output k + ${classifier.labelOffset}` : ''})`;
      } catch {
        hint = '';
      }
      io.err.write(`warning: ${file} ${a.where}: class ${index} is '${label}' for ${classifier.name}, but the annotation says '${a.label}'${hint}; evaluating class ${index}\n`);
    }
    const path = imagePath(dir, a.image);
    const key = `${path}\0${index}`;
    const s = byKey.get(key);
    if (s) s.boxes.push(...a.boxes);
    else byKey.set(key, { image: a.image, path, index, label, boxes: [...a.boxes], where: a.where });
  }
  if (problems.length) throw annotationError(file, problems);
  return [...byKey.values()];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A value of a result row for JSON (NaN → null) or CSV (NaN → empty). */
const jsonNumber = (v: number) => (Number.isFinite(v) ? v : null);
const csvNumber = (v: number) => (Number.isFinite(v) ? String(v) : '');

const ROW_KEYS = ['method', 'samples', 'pointing', 'energy', 'iou', 'deletion', 'insertion', 'averageDrop', 'increase'] as const;

/** The rows as CSV, one line per method, NaN (metric not computed) as an empty field. */
export function evaluationCsv(rows: EvaluationRow[]): string {
  const lines = [ROW_KEYS.join(','), ...rows.map((r) => ROW_KEYS.map((k) => (k === 'method' ? r.method : csvNumber(r[k]))).join(','))];
  return `${lines.join('\n')}\n`;
}

/**
 * `gradcam evaluate <dir>`: reads the annotation file (boxes and classes per image), checks it, loads the model,
 * preprocesses every image as `gradcam explain` does (boxes scaled from the photo's pixels to the model input's),
 * and computes the localization and faithfulness metrics of each method and baseline with `evaluateMethods`.
 * The result (Markdown table, JSON or CSV) goes to stdout or `--out`; progress and the summary to stderr.
 * @returns the exit status: 0 on success. Bad annotations throw UsageError (2); unreadable images and write
 *   failures CliError (1).
 */
export async function evaluateCommand(args: EvaluateArgs, io: Streams): Promise<number> {
  const started = performance.now();
  const dirStat = await stat(args.dir).catch(() => undefined);
  if (!dirStat) throw new UsageError(`no such folder '${args.dir}' (gradcam evaluate <dir>: the folder of images the annotation file names)`);
  if (!dirStat.isDirectory()) throw new UsageError(`'${args.dir}' is not a folder: gradcam evaluate <dir> takes the folder of images (and --boxes FILE the annotation file)`);
  const file = await findAnnotationFile(args.dir, args.boxes);
  const annotations = await readAnnotations(file, args.dir);

  const { classifier, description } = await loadModel(args);
  const inputs = new Map<string, { input: tf.Tensor4D; width: number; height: number }>();
  let head: ScoreHead | undefined;
  try {
    checkLayers(classifier, args.layers);
    const samples = resolveSamples(classifier, file, args.dir, annotations, io);

    // Every image once, preprocessed like `gradcam explain` (classifier.preprocess: range, stretch to the input size).
    const unreadable: string[] = [];
    const tried = new Set<string>();
    for (const s of samples) {
      if (tried.has(s.path)) continue;
      tried.add(s.path);
      try {
        const image = await decodeImage(s.path);
        const pixels = imageToTensor(image);
        try {
          inputs.set(s.path, { input: tf.tidy(() => classifier.preprocess(pixels)), width: image.width, height: image.height });
        } finally {
          pixels.dispose();
        }
      } catch (e) {
        unreadable.push((e as Error).message);
      }
    }
    if (unreadable.length) {
      throw new CliError(unreadable.length === 1 ? unreadable[0]! : `${unreadable.length} images cannot be read:\n${unreadable.map((u) => `  ${u}`).join('\n')}`);
    }
    // Boxes must lie on their image (pixels of the decoded, EXIF-rotated photo).
    const problems: string[] = [];
    for (const s of samples) {
      const { width: w, height: h } = inputs.get(s.path)!;
      for (const b of s.boxes) {
        const text = `[${b.x1}, ${b.y1}, ${b.x2}, ${b.y2}]`;
        if ([b.x1, b.y1, b.x2, b.y2].every((v) => v >= 0 && v <= 1) && (w > 2 || h > 2)) {
          problems.push(`${b.where}: box ${text} on the ${w}×${h} image '${s.image}' looks normalised to [0, 1]: give its corners in pixels of the image`);
        } else if (b.x1 < 0 || b.y1 < 0 || b.x2 > w || b.y2 > h) {
          problems.push(`${b.where}: box ${text} does not fit the ${w}×${h} image '${s.image}' (corners in its pixels: 0 ≤ x ≤ ${w}, 0 ≤ y ≤ ${h})`);
        }
      }
    }
    if (problems.length) throw annotationError(file, problems);

    // Boxes from the photo's pixels to the model input's: the input is the photo stretched to inputSize.
    const [inH, inW] = classifier.inputSize;
    const evalSamples: EvaluationSample[] = samples.map((s) => {
      const { input, width, height } = inputs.get(s.path)!;
      const sx = inW / width;
      const sy = inH / height;
      return {
        input,
        target: s.index,
        boxes: s.boxes.map((b) => ({ x1: b.x1 * sx, y1: b.y1 * sy, x2: b.x2 * sx, y2: b.y2 * sy })),
        name: `${basename(s.image)} ${s.index}`,
      };
    });

    head = scoreHead(classifier.model);
    const layers = args.layers ?? [classifier.layer];
    const faith = faithfulnessScore(head);
    const names = [...args.methods, ...(args.baselines ? ['random', 'center'] : [])];
    const boxCount = samples.reduce((n, s) => n + s.boxes.length, 0);
    io.err.write(`model: ${description}\n`);
    io.err.write(
      `evaluate: ${args.methods.join(', ')}${args.baselines ? ' against the random and centre baselines' : ''} on layer ${layers.join(' + ')}; ` +
        `${plural(samples.length, 'sample')} (${plural(inputs.size, 'image')}, ${boxCount} box${boxCount === 1 ? '' : 'es'}) from ${file}\n`,
    );
    io.err.write(
      `metrics: pointing game (tolerance ${args.tolerance} px of the ${inW}×${inH} input), energy in the boxes, box IoU` +
        (args.faithfulness
          ? `; deletion/insertion AUC (${args.steps} steps), Average Drop and Increase in Confidence on ${faith.description}\n`
          : ' (faithfulness metrics off)\n'),
    );

    const n = evalSamples.length;
    const progress = new Progress(names.length * n, io.err, io.err);
    const label = (step: number) => (step < names.length * n ? `${names[Math.floor(step / n)]} · ${evalSamples[step % n]!.name}` : '');
    let methodStarted = performance.now();
    progress.start(label(0));
    let rows: EvaluationRow[];
    try {
      rows = await evaluateMethods(explainable(head, layers), evalSamples, {
        methods: args.methods,
        baselines: args.baselines,
        layer: args.layers ?? classifier.layer,
        faithfulness: args.faithfulness,
        steps: args.steps,
        tolerance: args.tolerance,
        ...(faith.target ? { faithfulnessTarget: faith.target } : {}),
        onProgress: (done) => {
          progress.step(label(done));
          if (done % n === 0) {
            const k = done / n;
            const now = performance.now();
            progress.print(`[${k}/${names.length}] ${names[k - 1]}: ${plural(n, 'sample')} in ${((now - methodStarted) / 1000).toFixed(1)} s`);
            methodStarted = now;
          }
        },
      });
    } finally {
      progress.end();
    }

    let text: string;
    if (args.format === 'json') {
      text = `${JSON.stringify(
        {
          model: classifier.name,
          description,
          layer: layers,
          scoreSource: head.scoreSource,
          faithfulnessScore: args.faithfulness ? faith.description : null,
          annotations: file,
          inputSize: [inH, inW],
          options: { methods: args.methods, baselines: args.baselines, faithfulness: args.faithfulness, steps: args.steps, tolerance: args.tolerance },
          samples: samples.map((s, i) => ({
            image: s.image,
            class: s.index,
            label: s.label,
            width: inputs.get(s.path)!.width,
            height: inputs.get(s.path)!.height,
            boxes: s.boxes.map((b) => [b.x1, b.y1, b.x2, b.y2]),
            inputBoxes: evalSamples[i]!.boxes.map((b) => [b.x1, b.y1, b.x2, b.y2]),
          })),
          rows: rows.map((r) => Object.fromEntries(ROW_KEYS.map((k) => [k, k === 'method' ? r.method : jsonNumber(r[k])]))),
        },
        null,
        2,
      )}\n`;
    } else if (args.format === 'csv') text = evaluationCsv(rows);
    else text = `${evaluationTable(rows)}\n`;

    let written: string | undefined;
    if (args.out !== undefined) {
      try {
        written = await writeFileAtomic(resolve(args.out), text);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new CliError(`cannot write '${args.out}': ${err.code === 'EISDIR' ? 'it is a folder' : err.code === 'EACCES' ? 'permission denied' : err.message}`);
      }
    } else io.out.write(text);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const methodRows = rows.filter((r) => r.method !== 'random' && r.method !== 'center');
    const best = methodRows.reduce<EvaluationRow | undefined>((b, r) => (b === undefined || r.pointing > b.pointing ? r : b), undefined);
    const base = rows.filter((r) => r.method === 'random' || r.method === 'center');
    io.err.write(
      `done: ${plural(args.methods.length, 'method')}${args.baselines ? ' and 2 baselines' : ''} on ${plural(n, 'sample')} (${plural(inputs.size, 'image')}) in ${seconds} s` +
        (best ? `; best pointing: ${best.method} ${best.pointing.toFixed(2)}${base.length ? ` (${base.map((r) => `${r.method} ${r.pointing.toFixed(2)}`).join(', ')})` : ''}` : '') +
        (written ? `; ${args.format} written to ${args.out}` : '') +
        '\n',
    );
    return EXIT_OK;
  } finally {
    for (const { input } of inputs.values()) input.dispose();
    head?.dispose();
    classifier.dispose?.();
  }
}
