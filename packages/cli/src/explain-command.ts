import { resolve, relative, join, isAbsolute } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GradCamError, cutModel } from '@gradcam/core';
import { type Classifier, type ClassificationResult, explainClassification, resolveClass } from '@gradcam/classification';
import {
  type GridCell,
  type Heatmap,
  type ReportItem,
  type RgbImage,
  composeGrid,
  imageToTensor,
  overlayHeatmap,
} from '@gradcam/viz';
import { decodeImage, encodeImage, writeFileAtomic, writeImage, writeReport } from '@gradcam/viz/node';
import type { ExplainArgs } from './args.js';
import type { Streams } from './console.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { loadModel } from './model-source.js';
import { overlayName, uniqueStems } from './naming.js';
import { REPORT_MAX_SIDE, f32, fitWithin, fmt } from './output.js';
import { runPool } from './pool.js';
import { Progress } from './progress.js';

interface Done {
  item: ReportItem;
  files: string[];
  maps: number;
}

/** `message`, prefixed with the input's name unless it already names it. */
const withName = (message: string, name: string) => (message.includes(name) ? message : `${name}: ${message}`);

/** Checks the target layers and classes against the model before any image is read. */
function checkTargets(classifier: Classifier, args: ExplainArgs): void {
  if (args.layers) {
    try {
      cutModel(classifier.model, args.layers);
    } catch (e) {
      if (e instanceof GradCamError) throw new UsageError(`${e.message.replace(/^no (layer|node) named/, `unknown layer: no $1 named`)} (see gradcam layers)`);
      throw e;
    }
  }
  for (const c of args.classes ?? []) {
    try {
      resolveClass(classifier, c);
    } catch (e) {
      if (e instanceof GradCamError) throw new UsageError(e.message);
      throw e;
    }
  }
}

/** The JSON written per image with `--format json`: scores and maps (exact float32 values) for scripts. */
function jsonOf(path: string, image: RgbImage, args: ExplainArgs, modelName: string, r: ClassificationResult, files: string[][]): string {
  const exact = (a: Float32Array) => Array.from(a, f32);
  return JSON.stringify({
    image: path,
    width: image.width,
    height: image.height,
    model: modelName,
    method: r.method,
    counterfactual: args.counterfactual,
    layer: r.layer,
    scoreSource: r.scoreSource,
    predictions: r.predictions,
    explanations: r.explanations.map((x, i) => ({
      index: x.index,
      label: x.label,
      probability: x.probability,
      score: x.score,
      map: { width: x.width, height: x.height, layout: 'row-major [height][width], values in [0, 1] at the model input size', data: exact(x.map) },
      raw: { width: x.rawWidth, height: x.rawHeight, layout: 'row-major [height][width], signed, before ReLU and normalisation', data: exact(x.raw) },
      files: files[i] ?? [],
    })),
  });
}

/**
 * `gradcam explain`: loads the model, checks classes and layer, then explains every image (at most
 * `concurrency` at once): overlays at the photo's resolution, optional grid and JSON, and one HTML report.
 * Files are written atomically; an image that fails is reported and skipped.
 * @returns the exit status: 0 when every image was explained, 1 when some failed.
 */
export async function explainCommand(args: ExplainArgs, io: Streams): Promise<number> {
  const started = performance.now();
  const { classifier, description } = await loadModel(args);
  try {
    checkTargets(classifier, args);
    const outDir = resolve(args.out);
    const show = (p: string) => {
      const rel = relative(process.cwd(), p);
      return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
    };
    const images = [...new Set(args.images)];
    const stems = uniqueStems(images);
    const layerText = (args.layers ?? [classifier.layer]).join(' + ');
    io.out.write(`model: ${description}\n`);
    io.out.write(
      `method: ${args.method}${args.counterfactual ? ' (counterfactual)' : ''} on layer ${layerText}; ` +
        `${args.classes ? `classes ${args.classes.map((c) => `'${c}'`).join(', ')}` : `top ${args.top}`}; ` +
        `${images.length} image${images.length === 1 ? '' : 's'} → ${show(outDir)}/ (${args.formats.join(', ')})\n`,
    );
    const want = new Set(args.formats);
    const results: Array<Done | { error: string; name: string }> = new Array(images.length);
    const progress = new Progress(images.length, io.err, io.out);
    let layerUsed: string[] | undefined;
    await runPool(images, args.concurrency, async (path, i) => {
      const tag = `[${i + 1}/${images.length}]`;
      progress.start(path);
      try {
        const image = await decodeImage(path);
        const tensor = imageToTensor(image);
        let r: ClassificationResult;
        try {
          r = await explainClassification(classifier, tensor, {
            ...(args.classes ? { classes: args.classes } : { top: args.top }),
            method: args.method,
            ...(args.layers ? { layer: args.layers } : {}),
            ...(args.counterfactual ? { counterfactual: true } : {}),
          });
        } finally {
          tensor.dispose();
        }
        layerUsed ??= r.layer;
        const files: string[][] = [];
        const overlays: RgbImage[] = [];
        const lines: string[] = [];
        for (const x of r.explanations) {
          const map: Heatmap = { width: x.width, height: x.height, data: x.map };
          const overlay = overlayHeatmap(image, map, { colormap: args.colormap, alpha: args.alpha });
          overlays.push(overlay);
          const written: string[] = [];
          for (const ext of ['png', 'jpg'] as const) {
            if (!want.has(ext)) continue;
            written.push(await writeImage(join(outDir, overlayName(stems[i]!, x.index, x.label, args.method, args.counterfactual, ext)), overlay));
          }
          files.push(written);
          lines.push(`      ${x.index} '${x.label}' p=${fmt(x.probability)}${written.length ? ` → ${written.map(show).join(', ')}` : ''}`);
        }
        const extra: string[] = [];
        if (want.has('grid')) {
          const cells: GridCell[] = [
            { image, label: 'input', note: `${image.width}x${image.height}` },
            ...r.explanations.map((x, k) => ({ image: overlays[k]!, label: `${x.index} ${x.label.split(',')[0]}`, note: `p = ${fmt(x.probability)}` })),
          ];
          const suffix = `${args.method === 'gradcam' ? '' : `-${args.method}`}${args.counterfactual ? '-counterfactual' : ''}`;
          extra.push(await writeImage(join(outDir, `${stems[i]}-grid${suffix}.png`), composeGrid([cells], { cellHeight: Math.min(320, image.height) })));
        }
        if (want.has('json')) {
          const suffix = `${args.method === 'gradcam' ? '' : `-${args.method}`}${args.counterfactual ? '-counterfactual' : ''}`;
          extra.push(await writeFileAtomic(join(outDir, `${stems[i]}${suffix}.json`), jsonOf(path, image, args, classifier.name, r, files)));
        }
        const item: ReportItem = { name: path, width: image.width, height: image.height, explanations: [], predictions: r.predictions.slice(0, 5) };
        if (want.has('html')) {
          item.original = { mime: 'image/jpeg', data: await encodeImage(fitWithin(image, REPORT_MAX_SIDE), 'jpg', { quality: 85 }) };
          for (const [k, x] of r.explanations.entries()) {
            item.explanations.push({
              title: `${x.index} ${x.label}`,
              image: { mime: 'image/jpeg', data: await encodeImage(fitWithin(overlays[k]!, REPORT_MAX_SIDE), 'jpg', { quality: 85 }) },
              probability: x.probability,
              score: x.score,
              scoreName: r.scoreSource,
            });
          }
        }
        results[i] = { item, files: [...files.flat(), ...extra], maps: r.explanations.length };
        progress.finish(
          path,
          `${tag} ${path} ${image.width}×${image.height}\n${lines.join('\n')}${extra.length ? `\n      + ${extra.map(show).join(', ')}` : ''}`,
        );
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        results[i] = { error: message, name: path };
        progress.finish(path, `${tag} failed: ${withName(message, path)}`, true);
      }
    });
    progress.end();
    const ok = results.filter((r): r is Done => 'item' in r);
    const failed = results.filter((r): r is { error: string; name: string } => 'error' in r);
    let reportPath: string | undefined;
    if (want.has('html') && ok.length > 0) {
      const items = results.map((r) => ('item' in r ? r.item : { name: r.name, explanations: [], error: r.error }));
      reportPath = await writeReport(join(outDir, 'report.html'), items, {
        title: `gradcam: ${images.length} image${images.length === 1 ? '' : 's'}`,
        model: description,
        method: args.method,
        layer: layerUsed ?? args.layers ?? classifier.layer,
        colormap: args.colormap,
        alpha: args.alpha,
        counterfactual: args.counterfactual,
        generated: new Date().toISOString(),
      });
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const fileCount = ok.reduce((s, r) => s + r.files.length, 0) + (reportPath ? 1 : 0);
    const maps = ok.reduce((s, r) => s + r.maps, 0);
    io.out.write(
      `done: ${ok.length} of ${images.length} image${images.length === 1 ? '' : 's'} explained (${maps} map${maps === 1 ? '' : 's'}) in ${seconds} s; ` +
        `${fileCount} file${fileCount === 1 ? '' : 's'} in ${show(outDir)}/${reportPath ? `, report: ${show(reportPath)}` : ''}\n`,
    );
    if (failed.length) {
      io.err.write(`${failed.length} image${failed.length === 1 ? '' : 's'} failed:\n${failed.map((f) => `  ${withName(f.error, f.name)}`).join('\n')}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    classifier.dispose?.();
  }
}

