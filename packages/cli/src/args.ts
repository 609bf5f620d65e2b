import { parseArgs } from 'node:util';
import { METHODS, type MethodId } from '@gradcam/core';
import { COLORMAPS, type ColormapName, isColormapName } from '@gradcam/viz';
import { UsageError } from './errors.js';
import type { ModelSpec } from './model-source.js';

/** Output kinds of `gradcam explain --format`. */
export type OutputKind = 'png' | 'jpg' | 'grid' | 'html' | 'json';
/** Every output kind. */
export const OUTPUT_KINDS: readonly OutputKind[] = ['png', 'jpg', 'grid', 'html', 'json'];

/** The options of `gradcam explain`, checked. */
export interface ExplainArgs extends ModelSpec {
  images: string[];
  classes?: string[];
  top: number;
  layers?: string[];
  method: MethodId;
  counterfactual: boolean;
  colormap: ColormapName;
  alpha: number;
  out: string;
  formats: OutputKind[];
  concurrency: number;
}

/** Result formats of `gradcam evaluate --format`. */
export type EvaluateFormat = 'table' | 'json' | 'csv';
/** Every result format of `gradcam evaluate`. */
export const EVALUATE_FORMATS: readonly EvaluateFormat[] = ['table', 'json', 'csv'];
/** Methods `gradcam evaluate` compares by default: every gradient method and Eigen-CAM (Score-CAM and Ablation-CAM are slow; ask for them). */
export const DEFAULT_EVALUATE_METHODS: readonly MethodId[] = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'gradcam-elementwise', 'eigencam'];

/** The options of `gradcam evaluate`, checked. */
export interface EvaluateArgs extends ModelSpec {
  /** The folder of images the annotation file names. */
  dir: string;
  /** The annotation file (`--boxes`); default `<dir>/boxes.json`, else `<dir>/boxes.csv`. */
  boxes?: string;
  methods: MethodId[];
  layers?: string[];
  baselines: boolean;
  faithfulness: boolean;
  /** Deletion/insertion steps. */
  steps: number;
  /** Pointing-game tolerance in model-input pixels. */
  tolerance: number;
  format: EvaluateFormat;
  /** Write the result to this file (atomically) instead of stdout. */
  out?: string;
}

/** The scene-world tasks `gradcam evaluate --task` benchmarks. */
export const SCENE_EVAL_TASKS = ['classify', 'caption', 'vqa'] as const;

/** The options of `gradcam evaluate --task …` (the scene-world benchmark), checked. */
export interface SceneEvaluateArgs {
  kind: 'scenes';
  task: (typeof SCENE_EVAL_TASKS)[number];
  /** Held-out scenes. */
  scenes: number;
  seed: number;
  methods: MethodId[];
  baselines: boolean;
  layers?: string[];
  weights?: string;
  format: EvaluateFormat;
  out?: string;
}

/** The options of `gradcam layers`, checked. */
export interface LayersArgs extends ModelSpec {
  all: boolean;
  json: boolean;
}

const MODEL_OPTIONS = {
  model: { type: 'string', short: 'm' },
  'model-url': { type: 'string' },
  labels: { type: 'string' },
  range: { type: 'string' },
  'input-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Lets option values start with a minus sign followed by a digit (`--range -1,1`, `--alpha -0.5`): node:util
 * parseArgs would take `-1,1` for an option, so such values are attached (`--range=-1,1`).
 * @returns the rewritten arguments.
 */
export function attachNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z][\w-]*$/.test(a) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Runs a node:util parseArgs call, turning its errors into a {@link UsageError} that points at `--help`. */
function guard<R>(command: string, run: () => R): R {
  try {
    return run();
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${msg} (see gradcam ${command} --help)`);
  }
}

function last(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Parses `LO,HI` into a range with LO < HI. */
export function parseRange(text: string): [number, number] {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map((s) => (s === '' ? Number.NaN : Number(s)));
  if (nums.length !== 2 || !nums.every(Number.isFinite) || nums[0]! >= nums[1]!) {
    throw new UsageError(`--range must be LO,HI with LO < HI (e.g. -1,1 or 0,255); got '${text}'`);
  }
  return [nums[0]!, nums[1]!];
}

/** Parses `HxW` (or `H,W`, or one number for a square) into an input size. */
export function parseSize(text: string): [number, number] {
  const parts = text.split(/[x×,]/i).map((s) => Number(s.trim()));
  const size = parts.length === 1 ? [parts[0]!, parts[0]!] : parts;
  if (size.length !== 2 || !size.every((n) => Number.isInteger(n) && n > 0)) throw new UsageError(`--input-size must be HxW with positive integers (e.g. 224x224); got '${text}'`);
  return [size[0]!, size[1]!];
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer; got '${text}'`);
  return n;
}

/** `--method`: a method id of `@gradcam/core` (case-insensitive), default `gradcam`. */
function methodOf(value: string | undefined): MethodId {
  const method = (value ?? 'gradcam').toLowerCase();
  if (!(method in METHODS)) throw new UsageError(`unknown method '${value}'; methods: ${Object.keys(METHODS).join(', ')}`);
  return method as MethodId;
}

/** `--colormap`, default `jet`. */
function colormapOf(value: string | undefined): ColormapName {
  const colormap = (value ?? 'jet').toLowerCase();
  if (!isColormapName(colormap)) throw new UsageError(`unknown colormap '${value}'; colormaps: ${COLORMAPS.join(', ')}`);
  return colormap;
}

/** `--alpha` (heatmap opacity), default 0.5. */
function alphaOf(value: string | undefined): number {
  const alpha = value === undefined ? 0.5 : Number(value);
  if (value !== undefined && (value.trim() === '' || !(alpha >= 0 && alpha <= 1))) {
    throw new UsageError(`--alpha (heatmap opacity) must be a number from 0 to 1; got '${value}'`);
  }
  return alpha;
}

/** `--format` lists (repeatable, comma-separated, case-insensitive), default `png,html`, checked against `kinds`. */
function formatsOf<K extends string>(values: string[] | undefined, kinds: readonly K[]): K[] {
  const formats = [...new Set((values ?? ['png,html']).flatMap((f) => f.split(',')).map((f) => f.trim().toLowerCase()).filter(Boolean))];
  const badFormat = formats.find((f) => !(kinds as readonly string[]).includes(f));
  if (badFormat !== undefined || formats.length === 0) {
    throw new UsageError(`unknown --format '${badFormat ?? ''}'; formats: ${kinds.join(', ')} (comma-separated)`);
  }
  return formats as K[];
}

function modelSpec(values: Record<string, unknown>): ModelSpec {
  const spec: ModelSpec = { model: (last(values['model'] as string | undefined) ?? 'mobilenet').trim() };
  const url = values['model-url'] as string | undefined;
  if (url !== undefined) spec.modelUrl = url;
  const labels = values['labels'] as string | undefined;
  if (labels !== undefined) spec.labels = labels;
  const range = values['range'] as string | undefined;
  if (range !== undefined) spec.range = parseRange(range);
  const size = values['input-size'] as string | undefined;
  if (size !== undefined) spec.inputSize = parseSize(size);
  return spec;
}

/**
 * Parses and checks the arguments of `gradcam explain` (everything after `explain`).
 * @returns the options, or `'help'` for `--help`. Throws {@link UsageError} naming the bad option and value.
 */
export function parseExplainArgs(argv: string[]): ExplainArgs | 'help' {
  const { values, positionals } = guard('explain', () =>
    parseArgs({
      args: attachNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        ...MODEL_OPTIONS,
        class: { type: 'string', short: 'c', multiple: true },
        top: { type: 'string', short: 'k' },
        layer: { type: 'string', short: 'l', multiple: true },
        method: { type: 'string' },
        counterfactual: { type: 'boolean' },
        colormap: { type: 'string' },
        alpha: { type: 'string' },
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f', multiple: true },
        concurrency: { type: 'string', short: 'j' },
      },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no images given: gradcam explain <images...> (see gradcam explain --help)');
  const method = methodOf(values.method);
  const counterfactual = values.counterfactual ?? false;
  if (counterfactual && !METHODS[method as MethodId].usesGradients) {
    throw new UsageError(`--counterfactual negates gradients, but method '${method}' uses none; pick a gradient method (gradcam, gradcam++, …)`);
  }
  const colormap = colormapOf(values.colormap);
  const alpha = alphaOf(values.alpha);
  if (values.class && values.top !== undefined) throw new UsageError('--class and --top exclude each other: name the classes, or ask for the top K');
  const top = values.top === undefined ? 1 : positiveInt(values.top, '--top');
  const formats = formatsOf(values.format, OUTPUT_KINDS);
  const args: ExplainArgs = {
    ...modelSpec(values),
    images: positionals,
    top,
    method,
    counterfactual,
    colormap,
    alpha,
    out: values.out ?? 'gradcam-out',
    formats,
    concurrency: values.concurrency === undefined ? 2 : positiveInt(values.concurrency, '--concurrency'),
  };
  if (values.class) args.classes = values.class;
  if (values.layer) args.layers = values.layer;
  return args;
}

/**
 * Parses and checks the arguments of `gradcam evaluate` (everything after `evaluate`).
 * @returns the options, or `'help'` for `--help`. Throws {@link UsageError} naming the bad option and value.
 */
export function parseEvaluateArgs(argv: string[]): EvaluateArgs | SceneEvaluateArgs | 'help' {
  const { values, positionals } = guard('evaluate', () =>
    parseArgs({
      args: attachNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        ...MODEL_OPTIONS,
        boxes: { type: 'string', short: 'b' },
        methods: { type: 'string', multiple: true },
        method: { type: 'string', multiple: true },
        layer: { type: 'string', short: 'l', multiple: true },
        'no-baselines': { type: 'boolean' },
        'no-faithfulness': { type: 'boolean' },
        steps: { type: 'string' },
        tolerance: { type: 'string' },
        format: { type: 'string', short: 'f' },
        out: { type: 'string', short: 'o' },
        task: { type: 'string', short: 't' },
        scenes: { type: 'string', short: 'n' },
        seed: { type: 'string', short: 's' },
        weights: { type: 'string', short: 'w' },
      },
    }),
  );
  if (values.help) return 'help';
  const sceneOnly = (['scenes', 'seed', 'weights'] as const).filter((k) => values[k] !== undefined);
  if (values.task === undefined && sceneOnly.length) {
    throw new UsageError(`--${sceneOnly[0]} belongs to the scene benchmark: add --task classify|caption|vqa (see gradcam evaluate --help)`);
  }
  if (values.task === undefined && positionals.length === 0) throw new UsageError('no folder given: gradcam evaluate <dir> [--boxes FILE] (see gradcam evaluate --help)');
  if (values.task === undefined && positionals.length > 1) {
    throw new UsageError(
      `gradcam evaluate takes one folder (its annotation file names the images); got ${positionals.length} arguments: ` +
        `${positionals.slice(0, 3).map((p) => `'${p}'`).join(', ')}${positionals.length > 3 ? ', …' : ''}`,
    );
  }
  const listed = [...(values.methods ?? []), ...(values.method ?? [])].flatMap((m) => m.split(',')).map((m) => m.trim().toLowerCase()).filter(Boolean);
  let methods: MethodId[];
  if (listed.length === 0) methods = values.task !== undefined ? (Object.keys(METHODS) as MethodId[]) : [...DEFAULT_EVALUATE_METHODS];
  else if (listed.length === 1 && listed[0] === 'all') methods = Object.keys(METHODS) as MethodId[];
  else {
    const bad = listed.find((m) => !(m in METHODS));
    if (bad !== undefined) {
      const baseline = bad === 'random' || bad === 'center' || bad === 'centre';
      throw new UsageError(
        `unknown method '${bad}'${baseline ? ' (the random and centre baselines are added by default; --no-baselines drops them)' : ''}; ` +
          `methods: ${Object.keys(METHODS).join(', ')}, or all (comma-separated)`,
      );
    }
    methods = [...new Set(listed)] as MethodId[];
  }
  const steps = values.steps === undefined ? 25 : positiveInt(values.steps, '--steps');
  const tolerance = values.tolerance === undefined ? 15 : Number(values.tolerance);
  if (values.tolerance !== undefined && (values.tolerance.trim() === '' || !(tolerance >= 0) || !Number.isFinite(tolerance))) {
    throw new UsageError(`--tolerance (pointing-game distance in model-input pixels) must be a number ≥ 0; got '${values.tolerance}'`);
  }
  let format: string;
  if (values.format !== undefined) format = values.format.trim().toLowerCase();
  else {
    // No --format: from --out's extension (.json, .csv), else the Markdown table.
    const ext = values.out?.toLowerCase().match(/\.(json|csv)$/)?.[1];
    format = ext ?? 'table';
  }
  if (format === 'markdown' || format === 'md') format = 'table';
  if (!(EVALUATE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown --format '${values.format}' for gradcam evaluate; formats: ${EVALUATE_FORMATS.join(', ')}`);
  }
  if (values.task !== undefined) {
    const task = values.task.trim().toLowerCase();
    if (!(SCENE_EVAL_TASKS as readonly string[]).includes(task)) throw new UsageError(`unknown --task '${values.task}'; tasks: ${SCENE_EVAL_TASKS.join(', ')}`);
    if (positionals.length > 0) throw new UsageError(`--task evaluates generated scenes: give no folder (got '${positionals[0]}')`);
    const other = (['boxes', 'model', 'model-url', 'labels', 'range', 'input-size', 'steps', 'tolerance', 'no-faithfulness'] as const).find((k) => values[k] !== undefined);
    if (other) throw new UsageError(`--${other} is for folders of annotated images, not for --task (the scene benchmark)`);
    const seed = values.seed === undefined ? 0 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be an integer ≥ 0; got '${values.seed}'`);
    const sceneArgs: SceneEvaluateArgs = {
      kind: 'scenes',
      task: task as SceneEvaluateArgs['task'],
      scenes: values.scenes === undefined ? 1000 : positiveInt(values.scenes, '--scenes'),
      seed,
      methods,
      baselines: !values['no-baselines'],
      format: format as EvaluateFormat,
    };
    if (values.layer) sceneArgs.layers = values.layer;
    if (values.weights !== undefined) sceneArgs.weights = values.weights;
    if (values.out !== undefined) sceneArgs.out = values.out;
    return sceneArgs;
  }
  const args: EvaluateArgs = {
    ...modelSpec(values),
    dir: positionals[0]!,
    methods,
    baselines: !values['no-baselines'],
    faithfulness: !values['no-faithfulness'],
    steps,
    tolerance,
    format: format as EvaluateFormat,
  };
  if (values.boxes !== undefined) args.boxes = values.boxes;
  if (values.layer) args.layers = values.layer;
  if (values.out !== undefined) args.out = values.out;
  return args;
}

/**
 * Parses the arguments of `gradcam layers`.
 * @returns the options, or `'help'`.
 */
export function parseLayersArgs(argv: string[]): LayersArgs | 'help' {
  const { values, positionals } = guard('layers', () =>
    parseArgs({ args: attachNegativeValues(argv), allowPositionals: true, strict: true, options: { ...MODEL_OPTIONS, all: { type: 'boolean' }, format: { type: 'string', short: 'f' } } }),
  );
  if (values.help) return 'help';
  if (positionals.length) throw new UsageError(`gradcam layers takes no images; got '${positionals[0]}' (see gradcam layers --help)`);
  const format = (values.format ?? 'text').toLowerCase();
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format '${values.format}' for gradcam layers; formats: text, json`);
  return { ...modelSpec(values), all: values.all ?? false, json: format === 'json' };
}

/**
 * Parses the arguments of `gradcam methods`.
 * @returns `{ json }`, or `'help'`.
 */
export function parseMethodsArgs(argv: string[]): { json: boolean } | 'help' {
  const { values, positionals } = guard('methods', () =>
    parseArgs({ args: argv, allowPositionals: true, strict: true, options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } } }),
  );
  if (values.help) return 'help';
  if (positionals.length) throw new UsageError(`gradcam methods takes no arguments; got '${positionals[0]}'`);
  const format = (values.format ?? 'text').toLowerCase();
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format '${values.format}' for gradcam methods; formats: text, json`);
  return { json: format === 'json' };
}

/** Output kinds of `gradcam caption` and `gradcam vqa`. */
export type TaskOutputKind = 'png' | 'jpg' | 'html' | 'json';
/** Every output kind of `gradcam caption` and `gradcam vqa`. */
export const TASK_OUTPUT_KINDS: readonly TaskOutputKind[] = ['png', 'jpg', 'html', 'json'];

/** The `--model` of `gradcam caption` and `gradcam vqa` that names the built-in scene models of `@gradcam/scenes`. */
export const SCENE_MODEL = 'scene';

/** Pictures options shared by the scene-world commands. */
interface PictureArgs {
  method: MethodId;
  colormap: ColormapName;
  alpha: number;
}

/** The options of `gradcam demo`, checked. */
export interface DemoArgs extends PictureArgs {
  /** Output folder (default `gradcam-demo`). */
  out: string;
  /** Number of held-out scenes (default 4). */
  scenes: number;
  /** Run seed: scene i is `generateScene(heldOutSeed(seed, i))` (default 0). */
  seed: number;
  /** Weights folder of the scene models (default: the committed weights of `@gradcam/scenes`). */
  weights?: string;
}

/** What `gradcam caption` and `gradcam vqa` share. */
interface TaskArgs extends PictureArgs {
  /** `scene` (default) or a transformers.js model folder or Hub id. */
  model: string;
  layers?: string[];
  weights?: string;
  out: string;
  formats: TaskOutputKind[];
}

/** The options of `gradcam caption`, checked. */
export interface CaptionArgs extends TaskArgs {
  images: string[];
  /** Explain this caption instead of the model's own. */
  caption?: string;
}

/** The options of `gradcam vqa`, checked. */
export interface VqaArgs extends TaskArgs {
  image: string;
  question: string;
  /** Scene model: answers to explain instead of the model's; other models: the candidate answers. */
  answers?: string[];
  /** How many of the best-ranked answers get pictures and maps (default: every answer with --answer or the scene model, else 5). */
  top?: number;
}

function nonNegativeInt(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a non-negative integer; got '${text}'`);
  return n;
}

const PICTURE_OPTIONS = {
  method: { type: 'string' },
  colormap: { type: 'string' },
  alpha: { type: 'string' },
  out: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

const TASK_OPTIONS = {
  ...PICTURE_OPTIONS,
  model: { type: 'string', short: 'm' },
  layer: { type: 'string', short: 'l', multiple: true },
  weights: { type: 'string', short: 'w' },
  format: { type: 'string', short: 'f', multiple: true },
} as const;

/** Checks what `gradcam caption` and `gradcam vqa` share. */
function taskArgs(command: string, values: Record<string, unknown>): TaskArgs {
  const model = (last(values['model'] as string | undefined) ?? SCENE_MODEL).trim();
  if (model === '') throw new UsageError(`--model is empty: give 'scene' or a transformers.js model folder or id (see gradcam ${command} --help)`);
  const scene = model.toLowerCase() === SCENE_MODEL;
  const weights = values['weights'] as string | undefined;
  if (weights !== undefined && !scene) {
    throw new UsageError(`--weights is the weights folder of the scene models (--model scene); for --model '${model}' leave it out`);
  }
  const layers = values['layer'] as string[] | undefined;
  const args: TaskArgs = {
    model: scene ? SCENE_MODEL : model,
    method: methodOf(values['method'] as string | undefined),
    colormap: colormapOf(values['colormap'] as string | undefined),
    alpha: alphaOf(values['alpha'] as string | undefined),
    out: (values['out'] as string | undefined) ?? 'gradcam-out',
    formats: formatsOf(values['format'] as string[] | undefined, TASK_OUTPUT_KINDS),
  };
  if (layers) args.layers = layers;
  if (weights !== undefined) args.weights = weights;
  return args;
}

/**
 * Parses and checks the arguments of `gradcam demo` (everything after `demo`).
 * @returns the options, or `'help'` for `--help`. Throws {@link UsageError} naming the bad option and value.
 */
export function parseDemoArgs(argv: string[]): DemoArgs | 'help' {
  const { values, positionals } = guard('demo', () =>
    parseArgs({
      args: attachNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: { ...PICTURE_OPTIONS, scenes: { type: 'string', short: 'n' }, seed: { type: 'string', short: 's' }, weights: { type: 'string', short: 'w' } },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length) throw new UsageError(`gradcam demo takes no arguments, only options; got '${positionals[0]}' (see gradcam demo --help)`);
  const args: DemoArgs = {
    out: values.out ?? 'gradcam-demo',
    scenes: values.scenes === undefined ? 4 : positiveInt(values.scenes, '--scenes'),
    seed: values.seed === undefined ? 0 : nonNegativeInt(values.seed, '--seed'),
    method: methodOf(values.method),
    colormap: colormapOf(values.colormap),
    alpha: alphaOf(values.alpha),
  };
  if (values.weights !== undefined) args.weights = values.weights;
  return args;
}

/**
 * Parses and checks the arguments of `gradcam caption` (everything after `caption`).
 * @returns the options, or `'help'` for `--help`. Throws {@link UsageError} naming the bad option and value.
 */
export function parseCaptionArgs(argv: string[]): CaptionArgs | 'help' {
  const { values, positionals } = guard('caption', () =>
    parseArgs({ args: attachNegativeValues(argv), allowPositionals: true, strict: true, options: { ...TASK_OPTIONS, caption: { type: 'string', short: 'c' } } }),
  );
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no images given: gradcam caption <images...> (see gradcam caption --help)');
  if (values.caption !== undefined && values.caption.trim() === '') throw new UsageError('--caption is empty: give the caption to explain, or leave it out for the model\'s own');
  const args: CaptionArgs = { ...taskArgs('caption', values), images: positionals };
  if (values.caption !== undefined) args.caption = values.caption.trim();
  return args;
}

/**
 * Parses and checks the arguments of `gradcam vqa` (everything after `vqa`).
 * @returns the options, or `'help'` for `--help`. Throws {@link UsageError} naming the bad option and value.
 */
export function parseVqaArgs(argv: string[]): VqaArgs | 'help' {
  const { values, positionals } = guard('vqa', () =>
    parseArgs({
      args: attachNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: { ...TASK_OPTIONS, answer: { type: 'string', short: 'a', multiple: true }, top: { type: 'string', short: 'k' } },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length !== 2) {
    throw new UsageError(
      `gradcam vqa takes one image and one question (quote it): gradcam vqa photo.png "what colour is the square?"; ` +
        `got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}${positionals.length ? `: ${positionals.slice(0, 3).map((p) => `'${p}'`).join(', ')}${positionals.length > 3 ? ', …' : ''}` : ''}`,
    );
  }
  const question = positionals[1]!.trim();
  if (question === '') throw new UsageError('the question is empty: gradcam vqa <image> "<question>"');
  const args: VqaArgs = { ...taskArgs('vqa', values), image: positionals[0]!, question };
  if (values.answer) {
    const answers = values.answer.map((a) => a.trim());
    if (answers.some((a) => a === '')) throw new UsageError('--answer is empty: give an answer word');
    const seen = new Set<string>();
    for (const a of answers) {
      const key = args.model === SCENE_MODEL ? a.toLowerCase() : a;
      if (seen.has(key)) throw new UsageError(`--answer '${a}' is given twice`);
      seen.add(key);
    }
    args.answers = args.model === SCENE_MODEL ? answers.map((a) => a.toLowerCase()) : answers;
  }
  if (values.top !== undefined) args.top = positiveInt(values.top, '--top');
  return args;
}
