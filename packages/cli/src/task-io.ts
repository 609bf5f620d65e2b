/**
 * What `gradcam caption` and `gradcam vqa` share: reading every photo before any work, resolving a
 * transformers.js model given as a local folder or a Hub id, and output file names.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { RgbImage } from '@gradcam/viz';
import { decodeImage } from '@gradcam/viz/node';
import { CliError } from './errors.js';
import { labelSlug } from './naming.js';
import { showPath } from './output.js';

/** A decoded input photo. */
export interface InputImage {
  path: string;
  image: RgbImage;
}

/**
 * Decodes every image (duplicates once), so that a missing or broken file stops the command before any model is
 * loaded or file written.
 * @returns the images in order. Throws {@link CliError} (exit 1) naming each image that cannot be read and why.
 */
export async function readInputs(paths: readonly string[]): Promise<InputImage[]> {
  const unique = [...new Set(paths)];
  const results = await Promise.allSettled(unique.map((p) => decodeImage(p)));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
  if (failed.length) throw new CliError(failed.length === 1 ? failed[0]! : `${failed.length} images cannot be read:\n  ${failed.join('\n  ')}`);
  return unique.map((path, i) => ({ path, image: (results[i] as PromiseFulfilledResult<RgbImage>).value }));
}

/** A transformers.js model as `loadCaptioner` / `loadClip` take it. */
export interface TransformersModel {
  /** The id given to transformers.js. */
  id: string;
  /** Hub options: for a local folder, its parent as the file cache, and no download. */
  options: { cache_dir?: string; local_files_only?: boolean };
  /** Where it comes from, for the terminal. */
  where: string;
}

/**
 * Resolves `--model` for the transformers.js route: an existing folder is read from disk only (transformers.js
 * resolves `<folder>/config.json`, `<folder>/onnx/…` through its file cache rooted at the folder's parent); anything
 * else is a Hugging Face Hub id (downloaded once into transformers.js's cache; needs a network).
 * Throws {@link CliError} for a path that does not exist or is a file.
 */
export function transformersModel(model: string): TransformersModel {
  const abs = resolve(model);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) {
      throw new CliError(`--model '${model}' is a file; give 'scene', the folder of a transformers.js model (config.json, onnx/…), or a Hugging Face Hub id`);
    }
    if (!existsSync(resolve(abs, 'config.json'))) {
      throw new CliError(`--model '${model}' is not a transformers.js model folder: it has no config.json (expected config.json, tokenizer.json, onnx/…)`);
    }
    return { id: basename(abs), options: { cache_dir: dirname(abs), local_files_only: true }, where: `local folder ${showPath(abs)}` };
  }
  if (/^(\.{1,2}[\\/]|[\\/]|~)/.test(model) || /\.(json|onnx)$/i.test(model)) {
    throw new CliError(`--model '${model}': no such folder; give 'scene', the folder of a transformers.js model (config.json, onnx/…), or a Hugging Face Hub id`);
  }
  return { id: model, options: {}, where: 'Hugging Face Hub via transformers.js (needs a network on first use, then its cache)' };
}

/** A file-name fragment for a caption word or answer: its slug, `comma` for ",", `word` when nothing is left. */
export function wordSlug(word: string): string {
  if (word.trim() === ',') return 'comma';
  const slug = labelSlug(word.replace(/,/g, ' '));
  return slug === 'class' && !/class/i.test(word) ? 'word' : slug;
}

/** The file-name suffix of a method (none for the default `gradcam`). */
export const methodSuffix = (method: string) => (method === 'gradcam' ? '' : `-${method}`);

/** `message`, prefixed with the input's name unless it already names it. */
export const withName = (message: string, name: string) => (message.includes(name) ? message : `${name}: ${message}`);
