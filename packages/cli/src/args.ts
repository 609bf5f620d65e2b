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
  const method = (values.method ?? 'gradcam').toLowerCase();
  if (!(method in METHODS)) throw new UsageError(`unknown method '${values.method}'; methods: ${Object.keys(METHODS).join(', ')}`);
  const counterfactual = values.counterfactual ?? false;
  if (counterfactual && !METHODS[method as MethodId].usesGradients) {
    throw new UsageError(`--counterfactual negates gradients, but method '${method}' uses none; pick a gradient method (gradcam, gradcam++, …)`);
  }
  const colormap = (values.colormap ?? 'jet').toLowerCase();
  if (!isColormapName(colormap)) throw new UsageError(`unknown colormap '${values.colormap}'; colormaps: ${COLORMAPS.join(', ')}`);
  const alpha = values.alpha === undefined ? 0.5 : Number(values.alpha);
  if (values.alpha !== undefined && (values.alpha.trim() === '' || !(alpha >= 0 && alpha <= 1))) {
    throw new UsageError(`--alpha (heatmap opacity) must be a number from 0 to 1; got '${values.alpha}'`);
  }
  if (values.class && values.top !== undefined) throw new UsageError('--class and --top exclude each other: name the classes, or ask for the top K');
  const top = values.top === undefined ? 1 : positiveInt(values.top, '--top');
  const formats = [...new Set((values.format ?? ['png,html']).flatMap((f) => f.split(',')).map((f) => f.trim().toLowerCase()).filter(Boolean))];
  const badFormat = formats.find((f) => !(OUTPUT_KINDS as readonly string[]).includes(f));
  if (badFormat !== undefined || formats.length === 0) {
    throw new UsageError(`unknown --format '${badFormat ?? ''}'; formats: ${OUTPUT_KINDS.join(', ')} (comma-separated)`);
  }
  const args: ExplainArgs = {
    ...modelSpec(values),
    images: positionals,
    top,
    method: method as MethodId,
    counterfactual,
    colormap,
    alpha,
    out: values.out ?? 'gradcam-out',
    formats: formats as OutputKind[],
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
export function parseEvaluateArgs(argv: string[]): EvaluateArgs | 'help' {
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
      },
    }),
  );
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no folder given: gradcam evaluate <dir> [--boxes FILE] (see gradcam evaluate --help)');
  if (positionals.length > 1) {
    throw new UsageError(
      `gradcam evaluate takes one folder (its annotation file names the images); got ${positionals.length} arguments: ` +
        `${positionals.slice(0, 3).map((p) => `'${p}'`).join(', ')}${positionals.length > 3 ? ', …' : ''}`,
    );
  }
  const listed = [...(values.methods ?? []), ...(values.method ?? [])].flatMap((m) => m.split(',')).map((m) => m.trim().toLowerCase()).filter(Boolean);
  let methods: MethodId[];
  if (listed.length === 0) methods = [...DEFAULT_EVALUATE_METHODS];
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
