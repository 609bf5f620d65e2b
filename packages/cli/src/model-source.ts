import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import { initBackend } from '@gradcam/core';
import { fileHandler } from '@gradcam/core/node';
import { type Classifier, IMAGENET_CLASSES, classifierFromModel, loadMobileNet } from '@gradcam/classification';
import { CliError, UsageError } from './errors.js';
import { type RangeChoice, chooseInputRange } from './input-range.js';
import { labelsFromJson, readLabelsFile } from './labels-file.js';

/** What `--model` and its companions say. */
export interface ModelSpec {
  /** A built-in name (`mobilenet`, `mobilenet-v2`, `mobilenet-v1-0.25`, …) or a path/URL of a tfjs `model.json`. */
  model: string;
  /** For built-ins: a local path or URL of the model to load instead of TF Hub. */
  modelUrl?: string;
  /** A labels JSON file, or `imagenet` for the 1000 ImageNet classes. */
  labels?: string;
  /** Input value range (file models). */
  range?: [number, number];
  /** Input size [H, W] for models whose input shape is not fixed. */
  inputSize?: [number, number];
}

/** A loaded classifier and what the CLI tells the user about it. */
export interface LoadedModel {
  classifier: Classifier;
  /** One line: what was loaded and how it is fed, e.g. `mobilenet_0.75_224 (layers model, 1000 classes, input [-1, 1] …)`. */
  description: string;
}

/** A built-in model name parsed: `mobilenet[-v1|-v2][-alpha]`. */
export interface BuiltinModel {
  version: 1 | 2;
  alpha: number;
}

const BUILTIN = /^mobilenet(?:-?v([12]))?(?:[-_@]([0-9.]+))?$/i;

/**
 * Parses a built-in model name: `mobilenet` (v1, α 1.0, the `@tensorflow-models/mobilenet` default),
 * `mobilenet-v2`, `mobilenet-v1-0.25`, `mobilenet-v2-0.75`, ….
 * @returns the version and alpha, or undefined for names that are not built-ins (paths, URLs).
 */
export function parseBuiltin(name: string): BuiltinModel | undefined {
  const m = BUILTIN.exec(name.trim());
  if (!m) return undefined;
  const version = (m[1] === '2' ? 2 : 1) as 1 | 2;
  const alpha = m[2] === undefined ? 1 : Number(m[2]);
  const valid = version === 1 ? [0.25, 0.5, 0.75, 1] : [0.5, 0.75, 1];
  if (!valid.includes(alpha)) throw new UsageError(`MobileNet v${version} has no alpha ${m[2]}; built-ins: ${valid.map((a) => `mobilenet-v${version}-${a}`).join(', ')}`);
  return { version, alpha };
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

function tfHubUrl(b: BuiltinModel): string {
  const a = String(Math.round(b.alpha * 100)).padStart(3, '0');
  return `https://tfhub.dev/google/imagenet/mobilenet_v${b.version}_${a}_224/classification/${b.version}`;
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { cause?: { code?: string; message?: string } };
  if (err?.code === 'ENOENT') return `no such file${err.path ? ` '${err.path}'` : ''}`;
  const cause = err?.cause?.code ?? err?.cause?.message;
  const msg = String(err?.message ?? e).split('\n')[0]!;
  return cause && !msg.includes(cause) ? `${msg} (${cause})` : msg;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function loadBuiltin(spec: ModelSpec, b: BuiltinModel): Promise<LoadedModel> {
  const title = `MobileNet v${b.version} ${b.alpha.toFixed(2)}`;
  let modelUrl: string | tf.io.IOHandler | undefined;
  if (spec.modelUrl !== undefined) {
    if (isUrl(spec.modelUrl)) modelUrl = spec.modelUrl;
    else {
      const path = resolve(spec.modelUrl);
      if (!(await exists(path))) {
        throw new CliError(`cannot load the built-in model '${spec.model}' from --model-url '${spec.modelUrl}': no such file. Point --model-url at the model.json of a local copy (its weight files beside it).`);
      }
      modelUrl = fileHandler(path);
    }
  }
  try {
    const classifier = await loadMobileNet({ version: b.version, alpha: b.alpha, ...(modelUrl !== undefined ? { modelUrl } : {}) });
    const from = spec.modelUrl ?? tfHubUrl(b);
    return { classifier, description: `${classifier.name} (${title} via @tensorflow-models/mobilenet from ${from}; ${classifier.labels.length} ImageNet classes)` };
  } catch (e) {
    const reason = reasonOf(e);
    if (spec.modelUrl !== undefined) {
      throw new CliError(
        `cannot load the built-in model '${spec.model}' (${title}) from --model-url '${spec.modelUrl}': ${reason}.\n` +
          `  --model-url must be the model.json of the TF Hub ${title} graph model in tfjs format, with its weight files beside it.`,
      );
    }
    throw new CliError(
      `cannot load the built-in model '${spec.model}' (${title}) from TF Hub: ${reason}.\n` +
        `  Without a network, use a local copy: download ${tfHubUrl(b)} in tfjs format (model.json and its group1-shard*of* files, in one folder)\n` +
        `  and run with --model ${spec.model} --model-url path/to/model.json, or explain any tfjs classifier with --model path/to/model.json [--labels labels.json].`,
    );
  }
}

/** Reads and parses a model.json from disk or over HTTP(S). */
async function readModelJson(source: string): Promise<Record<string, unknown>> {
  let text: string;
  if (isUrl(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    text = await res.text();
  } else {
    text = await readFile(source, 'utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a tfjs model.json: invalid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || !('modelTopology' in json)) throw new Error('not a tfjs model.json: it has no "modelTopology"');
  return json as Record<string, unknown>;
}

/**
 * The format of a parsed tfjs model.json: its `format` field, else the shape of `modelTopology`
 * (Keras `model_config`/`class_name` → layers; a TensorFlow GraphDef `node` list → graph).
 * @returns `layers` or `graph`; throws for anything else.
 */
export function modelFormat(json: Record<string, unknown>): 'layers' | 'graph' {
  const format = json['format'];
  if (format === 'layers-model') return 'layers';
  if (format === 'graph-model') return 'graph';
  const topo = json['modelTopology'] as Record<string, unknown> | null;
  if (topo && typeof topo === 'object') {
    if ('model_config' in topo || 'class_name' in topo) return 'layers';
    if ('node' in topo) return 'graph';
  }
  throw new Error(`not a tfjs model.json: unknown format ${JSON.stringify(format ?? null)} and a modelTopology that is neither a Keras model nor a graph`);
}

/** Number of values of the model's first output for a zero image. */
function outputCount(model: tfl.LayersModel | GraphModel, size: [number, number]): number {
  return tf.tidy(() => {
    const x = tf.zeros([1, size[0], size[1], 3]);
    const out = model instanceof tfl.LayersModel ? model.predict(x) : model.execute(x, model.outputs[0]!.name);
    return (Array.isArray(out) ? out[0]! : (out as tf.Tensor)).size;
  });
}

function fixedInputSize(model: tfl.LayersModel | GraphModel): [number, number] | undefined {
  const shape = model.inputs[0]?.shape;
  const h = shape?.[1];
  const w = shape?.[2];
  return typeof h === 'number' && h > 0 && typeof w === 'number' && w > 0 ? [h, w] : undefined;
}

async function loadFileModel(spec: ModelSpec): Promise<LoadedModel> {
  const source = isUrl(spec.model) ? spec.model : resolve(spec.model);
  const hint =
    `  --model takes the path or URL of a tfjs model.json (layers or graph model, weight files beside it),\n` +
    `  or a built-in: mobilenet (TF Hub; offline: --model mobilenet --model-url path/to/local/model.json).`;
  const fail = (reason: string) => new CliError(`cannot load model '${spec.model}': ${reason}.\n${hint}`);
  if (!isUrl(source) && !(await exists(source))) {
    const s = await stat(source).catch(() => undefined);
    if (s?.isDirectory() && (await exists(join(source, 'model.json')))) return loadFileModel({ ...spec, model: join(spec.model, 'model.json') });
    throw fail(s?.isDirectory() ? 'it is a folder without a model.json' : 'no such file');
  }
  let json: Record<string, unknown>;
  let format: 'layers' | 'graph';
  let model: tfl.LayersModel | GraphModel;
  try {
    json = await readModelJson(source);
    format = modelFormat(json);
    await initBackend();
    const handler = isUrl(source) ? source : fileHandler(source);
    model = format === 'layers' ? await tfl.loadLayersModel(handler) : await loadGraphModel(handler);
  } catch (e) {
    throw fail(reasonOf(e));
  }
  try {
    const inputSize = spec.inputSize ?? fixedInputSize(model);
    if (!inputSize) throw new UsageError(`model '${spec.model}' takes input shape [${model.inputs[0]?.shape}] without a fixed size: pass --input-size HxW`);
    const shape = model.inputs[0]?.shape;
    if (shape && (shape.length !== 4 || (shape[3] !== null && shape[3] !== -1 && shape[3] !== 3))) {
      throw fail(`its input shape is [${shape}], but gradcam explain needs an RGB image input [N, H, W, 3]`);
    }
    const outputs = outputCount(model, inputSize);
    // Labels: --labels, else the folder's metadata.json, else "class i".
    let metadata: Record<string, unknown> | undefined;
    if (!isUrl(source)) {
      const metaPath = join(dirname(source), 'metadata.json');
      if (await exists(metaPath)) {
        try {
          metadata = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
        } catch {
          metadata = undefined;
        }
      }
    }
    let labels: string[];
    let first = 0;
    let labelSource: string;
    if (spec.labels !== undefined) {
      const parsed = spec.labels.toLowerCase() === 'imagenet' ? { labels: [...IMAGENET_CLASSES], first: 0 } : await readLabelsFile(spec.labels);
      labels = parsed.labels;
      first = parsed.first;
      labelSource = spec.labels.toLowerCase() === 'imagenet' ? 'ImageNet labels' : `labels from ${spec.labels}`;
    } else {
      const fromMeta = metadata ? labelsFromJson(metadata) : undefined;
      if (fromMeta) {
        labels = fromMeta.labels;
        first = fromMeta.first;
        labelSource = 'labels from metadata.json';
      } else {
        labels = Array.from({ length: outputs }, (_, i) => `class ${i}`);
        labelSource = 'no labels (pass --labels)';
      }
    }
    // 1000 labels on 1001 outputs: TF-Hub style background class at output 0.
    const labelOffset = first > 0 ? first : labels.length === outputs - 1 ? 1 : 0;
    if (labelOffset + labels.length > outputs) {
      throw new UsageError(
        `the labels (${labelSource.replace(/^labels from /, '')}) name ${labels.length} classes${labelOffset ? ` from output ${labelOffset}` : ''}, but the model outputs ${outputs} values`,
      );
    }
    const range: RangeChoice = chooseInputRange(spec.range, metadata, json, model);
    const name = basename(dirname(isUrl(source) ? new URL(source).pathname : source)) || 'model';
    const classifier = classifierFromModel(model, { labels, labelOffset, inputRange: range.range, inputSize, name });
    const release = classifier.dispose?.bind(classifier);
    classifier.dispose = () => {
      release?.();
      model.dispose();
    };
    const description =
      `${name} (${format} model, ${outputs} outputs, ${labelSource}${labelOffset ? `, output 0 = background` : ''}, ` +
      `input ${inputSize[0]}×${inputSize[1]}, values in [${range.range.join(', ')}]: ${range.source})`;
    return { classifier, description };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Loads the classifier `--model` names: a built-in MobileNet through `@gradcam/classification` (TF Hub, or
 * `--model-url`), or a tfjs layers/graph `model.json` from a path or URL with its labels and input range.
 * @returns the classifier (dispose it when done) and a one-line description.
 * @throws CliError with the reason and what to do (exit 1), or UsageError for inconsistent options (exit 2).
 */
export async function loadModel(spec: ModelSpec): Promise<LoadedModel> {
  const builtin = parseBuiltin(spec.model);
  if (builtin) {
    if (spec.labels !== undefined || spec.range !== undefined || spec.inputSize !== undefined) {
      throw new UsageError(`--labels, --range and --input-size apply to --model path/to/model.json, not to the built-in '${spec.model}'`);
    }
    return loadBuiltin(spec, builtin);
  }
  if (spec.modelUrl !== undefined) throw new UsageError(`--model-url gives the local copy of a built-in model (--model mobilenet); for your own model pass its path to --model`);
  return loadFileModel(spec);
}
