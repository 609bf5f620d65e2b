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
