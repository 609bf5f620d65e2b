import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { toSceneImage } from '@gradcam/captioning';
import { SCENE_SIZE, type SceneModels, answerQuestions } from '@gradcam/scenes';
import { type ReportItem, type RgbImage, overlayHeatmap } from '@gradcam/viz';
import { encodeImage, writeFileAtomic, writeImage, writeReport } from '@gradcam/viz/node';
import { type ClipModel, type VqaExplanation, explainAnswer, loadClip } from '@gradcam/vqa';
import { SCENE_MODEL, type VqaArgs } from './args.js';
import type { Streams } from './console.js';
import { GradCamError } from '@gradcam/core';
import { CliError, EXIT_OK } from './errors.js';
import { uniqueStems } from './naming.js';
import { REPORT_MAX_SIDE, exactArray, fitWithin, fmt, showPath } from './output.js';
import { checkSceneAnswers, checkSceneQuestion } from './scene-vocab.js';
import { disposeSceneModels, loadSceneWeights, sceneWeightsDir } from './scene-weights.js';
import { methodSuffix, readInputs, transformersModel, withName, wordSlug } from './task-io.js';

/** Answers drawn by default for CLIP answer ranking (its default candidate list is long). */
export const DEFAULT_CLIP_TOP = 5;

/** The file names of the answers' overlays: `<stem>-answer-<answer>[-<method>].<ext>`, made unique with `-2`, `-3`, …. */
export function answerOverlayNames(stem: string, answers: readonly string[], method: string, ext: string): string[] {
  const taken = new Set<string>();
  return answers.map((a) => {
    const base = `${stem}-answer-${wordSlug(a)}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return `${name}${methodSuffix(method)}.${ext}`;
  });
}

/**
 * `gradcam vqa`: checks the question and answers against the model, reads the image, loads the model, explains the
 * answer(s), and only then writes the overlays (at the photo's resolution), the JSON and the report — so bad input
 * leaves no file behind.
 * @returns the exit status (0); failures throw.
 */
export async function vqaCommand(args: VqaArgs, io: Streams): Promise<number> {
  const started = performance.now();
  const scene = args.model === SCENE_MODEL;
  let question = args.question;
  if (scene) {
    question = checkSceneQuestion(args.question).join(' ');
    if (args.answers) checkSceneAnswers(args.answers);
  }
  const weights = scene ? await sceneWeightsDir(args.weights) : undefined;
  const source = scene ? undefined : transformersModel(args.model);
  const [input] = await readInputs([args.image]);
  const { path, image } = input!;
  let models: SceneModels | undefined;
  let clip: ClipModel | undefined;
  try {
    let description: string;
    if (weights !== undefined) {
      models = await loadSceneWeights(weights);
      description = `scene VQA model of @gradcam/scenes (${showPath(join(weights, 'vqa'))}; images resized to 64×64)`;
    } else {
      try {
        clip = await loadClip(source!.id, source!.options);
      } catch (e) {
        throw new CliError(`cannot load the CLIP model '${args.model}' (${source!.where}): ${(e as Error).message.split('\n')[0]}`);
      }
      description = `${args.model} (transformers.js CLIP answer ranking from ${source!.where}; ${clip.file})`;
    }
    const outDir = resolve(args.out);
    io.out.write(`model: ${description}\n`);
    io.out.write(
      `method: ${args.method}${args.layers ? ` on layer ${args.layers.join(' + ')}` : ''}; ` +
        `${args.answers ? `answer${args.answers.length === 1 ? '' : 's'} ${args.answers.map((a) => `'${a}'`).join(', ')}` : scene ? "the model's answer" : 'the default candidate answers'}; ` +
        `→ ${showPath(outDir)}/ (${args.formats.join(', ')})\n`,
    );
    // 1. The explanation, before any file is written.
    const r: VqaExplanation = await explainAnswer(image, question, {
      ...(models ? { model: 'scene' as const, scene: { models } } : { model: clip! }),
      ...(args.answers ? { answers: args.answers } : {}),
      method: args.method,
      ...(args.layers ? { layer: args.layers.length === 1 ? args.layers[0]! : args.layers } : {}),
    }).catch((e: unknown) => {
      if (e instanceof GradCamError || e instanceof CliError || !(e instanceof Error)) throw e; // bad layer: exit 2
      throw new CliError(withName(e.message, path));
    });
    let own: { answer: string; probability: number } | undefined;
    if (models && args.answers) {
      // The scene model's own answer, next to the answers explained instead of it.
      const { scene: small } = await toSceneImage(image, SCENE_SIZE);
      own = answerQuestions(models.vqa, [small], [question.split(' ')])[0]!;
    } else if (models) own = { answer: r.answer, probability: r.answers[0]!.probability };
    const top = args.top ?? (args.answers || scene ? r.answers.length : DEFAULT_CLIP_TOP);
    const shown = r.answers.slice(0, top);
    // 2. The files.
    const want = new Set(args.formats);
    const [stem] = uniqueStems([path]);
    const overlays = shown.map((a) => overlayHeatmap(image, { width: a.width, height: a.height, data: a.map }, { colormap: args.colormap, alpha: args.alpha, region: r.region }));
    const files: string[][] = shown.map(() => []);
    for (const ext of ['png', 'jpg'] as const) {
      if (!want.has(ext)) continue;
      const names = answerOverlayNames(stem!, shown.map((a) => a.answer), args.method, ext);
      for (const [k, overlay] of overlays.entries()) files[k]!.push(await writeImage(join(outDir, names[k]!), overlay));
    }
    const extra: string[] = [];
    if (want.has('json')) {
      const json = {
        image: path,
        width: image.width,
        height: image.height,
        model: r.model,
        method: r.method,
        layer: r.layer,
        question: r.question,
        answer: r.answer,
        ...(own ? { modelAnswer: own.answer, modelProbability: own.probability } : {}),
        region: r.region,
        answers: r.answers.map((a, k) => ({
          rank: a.rank,
          answer: a.answer,
          probability: a.probability,
          logit: a.logit,
          ...(scene ? {} : { prompt: a.prompt }),
          ...(k < shown.length
            ? {
                map: { width: a.width, height: a.height, layout: 'row-major [height][width], values in [0, 1] at the model input size, covering region of the image', data: exactArray(a.map) },
                ...(a.rawWidth > 0 ? { raw: { width: a.rawWidth, height: a.rawHeight, layout: 'row-major [height][width], signed, before ReLU and normalisation', data: exactArray(a.raw) } } : {}),
                files: files[k] ?? [],
              }
            : {}),
        })),
      };
      extra.push(await writeFileAtomic(join(outDir, `${stem}-vqa${methodSuffix(args.method)}.json`), JSON.stringify(json)));
    }
    let reportPath: string | undefined;
    if (want.has('html')) {
      const jpeg = async (picture: RgbImage) => ({ mime: 'image/jpeg' as const, data: await encodeImage(fitWithin(picture, REPORT_MAX_SIDE), 'jpg', { quality: 85 }) });
      const predictions =
        own && args.answers ? [{ label: `${own.answer} (the model's answer)`, probability: own.probability }] : r.answers.slice(0, 5).map((a) => ({ label: a.answer, probability: a.probability }));
      const item: ReportItem = { name: `${path} · Q: ${r.question}`, width: image.width, height: image.height, original: await jpeg(image), predictions, explanations: [] };
      for (const [k, a] of shown.entries()) {
        item.explanations.push({ title: `${r.question} → ${a.answer}`, image: await jpeg(overlays[k]!), probability: a.probability, score: a.logit, scoreName: 'logit' });
      }
      reportPath = await writeReport(join(outDir, 'report.html'), [item], {
        title: `gradcam vqa: ${r.question}`,
        model: description,
        method: args.method,
        layer: r.layer,
        colormap: args.colormap,
        alpha: args.alpha,
        generated: new Date().toISOString(),
      });
    }
    const lines = [`${path} ${image.width}×${image.height}`, `      Q: ${r.question}`];
    if (own && args.answers) lines.push(`      model's answer: ${own.answer} p=${fmt(own.probability)}`);
    if (scene) lines.push(...shown.map((a) => `      ${args.answers ? 'explained' : 'answer'}: ${a.answer} p=${fmt(a.probability)}`));
    else {
      lines.push(...shown.map((a) => `      ${a.rank}. ${a.answer} p=${fmt(a.probability)}`));
      if (r.answers.length > shown.length) lines.push(`      (${r.answers.length - shown.length} more candidate${r.answers.length - shown.length === 1 ? '' : 's'} not drawn; --top K draws more)`);
    }
    const written = [...files.flat(), ...extra];
    if (written.length) lines.push(`      → ${written.map(showPath).join(', ')}`);
    io.out.write(`${lines.join('\n')}\n`);
    const fileCount = written.length + (reportPath ? 1 : 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out.write(
      `done: ${shown.length} answer map${shown.length === 1 ? '' : 's'} in ${seconds} s; ${fileCount} file${fileCount === 1 ? '' : 's'} in ${showPath(outDir)}/` +
        `${reportPath ? `, report: ${showPath(reportPath)}` : ''}\n`,
    );
    return EXIT_OK;
  } finally {
    if (models) disposeSceneModels(models);
    await clip?.dispose();
  }
}
