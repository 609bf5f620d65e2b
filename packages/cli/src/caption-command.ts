import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CaptionExplanation, type Captioner, explainCaption, loadCaptioner } from '@gradcam/captioning';
import type { SceneModels } from '@gradcam/scenes';
import { type ReportItem, type RgbImage, overlayHeatmap } from '@gradcam/viz';
import { encodeImage, writeFileAtomic, writeImage, writeReport } from '@gradcam/viz/node';
import { type CaptionArgs, SCENE_MODEL } from './args.js';
import type { Streams } from './console.js';
import { GradCamError } from '@gradcam/core';
import { CliError, EXIT_OK } from './errors.js';
import { uniqueStems } from './naming.js';
import { REPORT_MAX_SIDE, exactArray, fitWithin, fmt, showPath } from './output.js';
import { checkSceneCaption } from './scene-vocab.js';
import { disposeSceneModels, loadSceneWeights, sceneWeightsDir } from './scene-weights.js';
import { type InputImage, methodSuffix, readInputs, transformersModel, withName, wordSlug } from './task-io.js';

/** The file name of one word's overlay: `<stem>-word<K>-<word>[-<method>].<ext>`, e.g. `scene-word1-red.png`. */
export function wordOverlayName(stem: string, index: number, word: string, method: string, ext: string): string {
  return `${stem}-word${index}-${wordSlug(word)}${methodSuffix(method)}.${ext}`;
}

/** The JSON written per image with `--format json`: the caption, each word's probability and map. */
function jsonOf(input: InputImage, r: CaptionExplanation, files: string[][]): string {
  return JSON.stringify({
    image: input.path,
    width: input.image.width,
    height: input.image.height,
    model: r.model,
    method: r.method,
    layer: r.layer,
    caption: r.caption,
    source: r.source,
    region: r.region,
    words: r.words.map((w, k) => ({
      index: w.index,
      word: w.text,
      probability: w.probability,
      logProbability: w.logProbability,
      map: { width: w.width, height: w.height, layout: 'row-major [height][width], values in [0, 1] at the model input size, covering region of the image', data: exactArray(w.map) },
      ...(w.rawWidth > 0 ? { raw: { width: w.rawWidth, height: w.rawHeight, layout: 'row-major [height][width], signed, before ReLU and normalisation', data: exactArray(w.raw) } } : {}),
      files: files[k] ?? [],
    })),
  });
}

/**
 * `gradcam caption`: checks the caption against the model, reads every image, loads the model once, explains every
 * word of each image's caption, and only then writes the overlays (at each photo's resolution), the JSON and the
 * report — so bad input leaves no file behind.
 * @returns the exit status (0); failures throw.
 */
export async function captionCommand(args: CaptionArgs, io: Streams): Promise<number> {
  const started = performance.now();
  const scene = args.model === SCENE_MODEL;
  const caption = args.caption !== undefined && scene ? checkSceneCaption(args.caption) : args.caption;
  const weights = scene ? await sceneWeightsDir(args.weights) : undefined;
  const source = scene ? undefined : transformersModel(args.model);
  const inputs = await readInputs(args.images);
  let models: SceneModels | undefined;
  let captioner: Captioner | undefined;
  try {
    let description: string;
    if (weights !== undefined) {
      models = await loadSceneWeights(weights);
      description = `scene captioner of @gradcam/scenes (${showPath(join(weights, 'captioner'))}; images resized to 64×64)`;
    } else {
      try {
        captioner = await loadCaptioner(source!.id, source!.options);
      } catch (e) {
        throw new CliError(`cannot load the captioning model '${args.model}' (${source!.where}): ${(e as Error).message.split('\n')[0]}`);
      }
      description = `${args.model} (transformers.js image-to-text from ${source!.where}; ${captioner.files.encoder} + ${captioner.files.decoder})`;
    }
    const outDir = resolve(args.out);
    io.out.write(`model: ${description}\n`);
    io.out.write(
      `method: ${args.method}${args.layers ? ` on layer ${args.layers.join(' + ')}` : ''}; ${caption !== undefined ? `caption "${caption}"` : "the model's own caption"}; ` +
        `${inputs.length} image${inputs.length === 1 ? '' : 's'} → ${showPath(outDir)}/ (${args.formats.join(', ')})\n`,
    );
    // 1. Every explanation, before any file is written.
    const results: CaptionExplanation[] = [];
    for (const input of inputs) {
      const r = await explainCaption(input.image, {
        ...(models ? { model: 'scene' as const, scene: { models } } : { model: captioner! }),
        ...(caption !== undefined ? { caption } : {}),
        method: args.method,
        ...(args.layers ? { layer: args.layers.length === 1 ? args.layers[0]! : args.layers } : {}),
      }).catch((e: unknown) => {
        if (e instanceof GradCamError || e instanceof CliError || !(e instanceof Error)) throw e; // bad layer: exit 2
        const empty = /caption to explain is empty|has no words to explain/.test(e.message);
        throw new CliError(withName(empty ? "the model's caption is empty: no word to explain (give one with --caption)" : e.message, input.path));
      });
      results.push(r);
    }
    // 2. The files.
    const want = new Set(args.formats);
    const stems = uniqueStems(inputs.map((i) => i.path));
    const items: ReportItem[] = [];
    let fileCount = 0;
    let maps = 0;
    for (const [i, input] of inputs.entries()) {
      const r = results[i]!;
      const overlays: RgbImage[] = [];
      const files: string[][] = [];
      for (const [k, w] of r.words.entries()) {
        const overlay = overlayHeatmap(input.image, { width: w.width, height: w.height, data: w.map }, { colormap: args.colormap, alpha: args.alpha, region: r.region });
        overlays.push(overlay);
        const written: string[] = [];
        for (const ext of ['png', 'jpg'] as const) {
          if (want.has(ext)) written.push(await writeImage(join(outDir, wordOverlayName(stems[i]!, k, w.text, args.method, ext)), overlay));
        }
        files.push(written);
      }
      const extra: string[] = [];
      if (want.has('json')) extra.push(await writeFileAtomic(join(outDir, `${stems[i]}-caption${methodSuffix(args.method)}.json`), jsonOf(input, r, files)));
      if (want.has('html')) {
        const jpeg = async (image: RgbImage) => ({ mime: 'image/jpeg' as const, data: await encodeImage(fitWithin(image, REPORT_MAX_SIDE), 'jpg', { quality: 85 }) });
        const item: ReportItem = { name: `${input.path} · caption: ${r.caption}`, width: input.image.width, height: input.image.height, original: await jpeg(input.image), explanations: [] };
        for (const [k, w] of r.words.entries()) {
          item.explanations.push({ title: w.text, image: await jpeg(overlays[k]!), probability: w.probability, score: w.logProbability, scoreName: 'log p' });
        }
        items.push(item);
      }
      fileCount += files.flat().length + extra.length;
      maps += r.words.length;
      const written = [...files.flat(), ...extra];
      io.out.write(
        `[${i + 1}/${inputs.length}] ${input.path} ${input.image.width}×${input.image.height}\n` +
          `      caption (${r.source === 'given' ? 'given' : 'generated'}): ${r.caption}\n` +
          `      ${r.words.map((w) => `${w.text} ${fmt(w.probability)}`).join(' · ')}\n` +
          (written.length ? `      → ${written.length} file${written.length === 1 ? '' : 's'}: ${showPath(written[0]!)}${written.length > 1 ? ', …' : ''}\n` : ''),
      );
    }
    let reportPath: string | undefined;
    if (want.has('html')) {
      reportPath = await writeReport(join(outDir, 'report.html'), items, {
        title: `gradcam caption: ${inputs.length} image${inputs.length === 1 ? '' : 's'}`,
        model: description,
        method: args.method,
        layer: results[0]?.layer ?? args.layers ?? [],
        colormap: args.colormap,
        alpha: args.alpha,
        generated: new Date().toISOString(),
      });
      fileCount++;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out.write(
      `done: ${inputs.length} image${inputs.length === 1 ? '' : 's'} captioned (${maps} word map${maps === 1 ? '' : 's'}) in ${seconds} s; ` +
        `${fileCount} file${fileCount === 1 ? '' : 's'} in ${showPath(outDir)}/${reportPath ? `, report: ${showPath(reportPath)}` : ''}\n`,
    );
    return EXIT_OK;
  } finally {
    if (models) disposeSceneModels(models);
    await captioner?.dispose();
  }
}
