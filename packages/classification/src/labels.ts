import { GradCamError } from '@gradcam/core';
import { closestIndices } from './suggest.js';

/** The part of a classifier that class lookup needs. */
export interface LabelSpace {
  name: string;
  labels: string[];
  labelOffset: number;
}

/** The synonyms of a label: its comma-separated names, trimmed and lower-cased ("tabby, tabby cat" → ["tabby", "tabby cat"]). */
export function synonyms(label: string): string[] {
  return label
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}

function describe(space: LabelSpace, k: number): string {
  return `${k + space.labelOffset} '${space.labels[k]}'`;
}

function checkIndex(space: LabelSpace, index: number, query: unknown): number {
  const lo = space.labelOffset;
  const hi = space.labelOffset + space.labels.length - 1;
  if (!Number.isInteger(index) || index < lo || index > hi) {
    throw new GradCamError(
      `class ${JSON.stringify(query)} is out of range for ${space.name}: output indices ${lo}–${hi} have labels` +
        (lo > 0 ? ` (labels[k] is output k + ${lo}; outputs below ${lo} have no label)` : ''),
    );
  }
  return index;
}

/**
 * Resolves a class query to a model output index. A number (or a string of digits) is an output
 * index and is range-checked; a name matches a label, or any of its comma-separated synonyms,
 * case-insensitively ("tabby cat", "Tabby", "espresso").
 * @returns the output index (label index + `labelOffset`).
 * @throws GradCamError for an unknown name (with the closest labels), an ambiguous name (with every
 *   class it names) or an out-of-range index.
 */
export function resolveClass(space: LabelSpace, query: number | string): number {
  if (typeof query === 'number') return checkIndex(space, query, query);
  if (typeof query !== 'string') throw new GradCamError(`a class is an output index or a label name; got ${JSON.stringify(query)}`);
  const q = query.trim().toLowerCase();
  if (/^\d+$/.test(q)) return checkIndex(space, Number(q), query);
  if (q === '') throw new GradCamError('a class name is empty');
  const matches: number[] = [];
  space.labels.forEach((label, k) => {
    if (label.trim().toLowerCase() === q || synonyms(label).includes(q)) matches.push(k);
  });
  if (matches.length === 1) return matches[0]! + space.labelOffset;
  if (matches.length > 1) {
    throw new GradCamError(
      `class '${query}' is ambiguous for ${space.name}: it names ${matches.map((k) => describe(space, k)).join(', ')}; pass the output index`,
    );
  }
  // Suggest per synonym, then report whole labels.
  const names: string[] = [];
  const owner: number[] = [];
  space.labels.forEach((label, k) => synonyms(label).forEach((s) => (names.push(s), owner.push(k))));
  const near = [...new Set(closestIndices(q, names, 8).map((i) => owner[i]!))].slice(0, 3);
  throw new GradCamError(
    `unknown class '${query}' for ${space.name}` +
      (near.length ? ` (did you mean ${near.map((k) => describe(space, k)).join(', ')}?)` : '') +
      `; classes are output indices ${space.labelOffset}–${space.labelOffset + space.labels.length - 1} or label names`,
  );
}
