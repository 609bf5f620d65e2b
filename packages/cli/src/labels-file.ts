import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';

/**
 * Reads class names from a JSON file: an array (`["cat", "dog"]`), an object keyed by output index
 * (`{"0": "cat", "1": "dog"}`, gaps filled with `class <i>`), or either under a `labels` key (Teachable
 * Machine's and ml5's `metadata.json`).
 * @returns the labels in output order, and the index of the first key of an index-keyed object (0 or 1).
 */
export async function readLabelsFile(path: string): Promise<{ labels: string[]; first: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read labels '${path}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 2);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`cannot read labels '${path}': not JSON (${(e as Error).message})`, 2);
  }
  const parsed = labelsFromJson(json);
  if (!parsed) {
    throw new CliError(
      `cannot read labels '${path}': expected a JSON array of class names, an object {"0": "name", …}, or either under "labels"`,
      2,
    );
  }
  return parsed;
}

/**
 * Interprets parsed JSON as labels (see {@link readLabelsFile}).
 * @returns the labels and the first index, or undefined when the JSON holds no labels.
 */
export function labelsFromJson(json: unknown): { labels: string[]; first: number } | undefined {
  const value = json !== null && typeof json === 'object' && !Array.isArray(json) && 'labels' in json ? (json as { labels: unknown }).labels : json;
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.every((v) => typeof v === 'string')) return undefined;
    return { labels: value as string[], first: 0 };
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || !entries.every(([k, v]) => /^\d+$/.test(k) && typeof v === 'string')) return undefined;
  const keys = entries.map(([k]) => Number(k));
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const labels = Array.from({ length: last - first + 1 }, (_, i) => `class ${first + i}`);
  for (const [k, v] of entries) labels[Number(k) - first] = v as string;
  return { labels, first };
}
