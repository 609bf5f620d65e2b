import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { closestNames } from '@gradcam/core';
import { CliError, UsageError } from './errors.js';

/** One ground-truth box in pixels of the original image (x right, y down), with where it was written. */
export interface AnnotatedBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Where the box is in the annotation file: `line 4` (CSV) or `line 7 (samples[2].boxes[0])` (JSON). */
  where: string;
}

/** One annotated (image, class) pair as written in the file: the class is not resolved yet. */
export interface Annotation {
  /** The image path as written (relative to the evaluated folder, or absolute). */
  image: string;
  /** An output index or a label name, as written. */
  class: number | string;
  /** An optional label written beside a numeric class (JSON `label`, CSV `label` column): checked against the model's. */
  label?: string;
  boxes: AnnotatedBox[];
  /** Where the sample starts in the file (`line 3`, or `line 3 (samples[0])`). */
  where: string;
}

/** File names that look like images (offered when an annotated image is missing). */
const IMAGE_FILE = /\.(png|jpe?g|webp|gif|tiff?|avif|bmp|svg)$/i;

/** The largest number of problems listed in one error message. */
const MAX_LISTED = 10;

/**
 * The error for the problems found in an annotation file: one problem on one line
 * (`boxes.csv line 4: …`), several as a list under `N problems in boxes.csv:`. Exit status 2.
 */
export function annotationError(file: string, problems: string[]): UsageError {
  if (problems.length === 1) return new UsageError(`${file} ${problems[0]}`);
  const listed = problems.slice(0, MAX_LISTED).map((p) => `  ${p}`);
  if (problems.length > MAX_LISTED) listed.push(`  … and ${problems.length - MAX_LISTED} more`);
  return new UsageError(`${problems.length} problems in ${file}:\n${listed.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------------------
// JSON with line numbers: JSON.parse finds syntax errors; this small reader (run on valid JSON only) records
// the line each object and array starts on, so problems can name their line.

interface Located {
  value: unknown;
  /** Start line (1-based) of every object and array in `value`. */
  lines: WeakMap<object, number>;
}

function locateJson(text: string): Located {
  const lines = new WeakMap<object, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      lines.set(obj, line);
      i++;
      ws();
      if (text[i] === '}') return i++, obj;
      for (;;) {
        ws();
        const key = str();
        ws();
        i++; // ':'
        obj[key] = value();
        ws();
        if (text[i++] === '}') return obj;
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      lines.set(arr, line);
      i++;
      ws();
      if (text[i] === ']') return i++, arr;
      for (;;) {
        arr.push(value());
        ws();
        if (text[i++] === ']') return arr;
      }
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))!;
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  return { value: value(), lines };
}

/** `Unexpected token } in JSON at position 57` → the same with `(line 4, column 2)`. */
function jsonSyntaxError(text: string, e: Error): string {
  const msg = e.message.split('\n')[0]!;
  const m = /at position (\d+)/.exec(msg);
  if (!m) return msg;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${msg} (line ${line}, column ${column})`;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

/** Checks the four coordinates of a box: finite numbers with x1 < x2 and y1 < y2. Returns the problem, if any. */
export function boxProblem(coords: readonly number[]): string | undefined {
  const [x1, y1, x2, y2] = coords as [number, number, number, number];
  const text = `[${coords.join(', ')}]`;
  if (!(x1 < x2 && y1 < y2)) {
    const which = [!(x1 < x2) ? 'x2 ≤ x1' : '', !(y1 < y2) ? 'y2 ≤ y1' : ''].filter(Boolean).join(' and ');
    return `box ${text} has ${which}: a box is x1,y1,x2,y2 with x1 < x2 and y1 < y2 (top-left and bottom-right corners, in pixels)`;
  }
  return undefined;
}

/**
 * Parses a JSON annotation file: `{ "samples": [{ "image", "class", "boxes": [[x1, y1, x2, y2], …] }] }`
 * (or the bare list), `class` an output index or a label name (`label` is used when `class` is absent,
 * and checked against the model's label when both are given). Boxes may also be `{x1, y1, x2, y2}` objects.
 * @param file the name used in messages.
 * @returns the annotations in file order; throws a UsageError listing every problem with its line.
 */
export function parseAnnotationsJson(text: string, file: string): Annotation[] {
  text = text.replace(/^\uFEFF/, '');
  try {
    JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${jsonSyntaxError(text, e as Error)}`);
  }
  const { value: root, lines } = locateJson(text);
  const at = (node: unknown, path: string) => {
    const l = node !== null && typeof node === 'object' ? lines.get(node) : undefined;
    return l === undefined ? `(${path})` : `line ${l} (${path})`;
  };
  const samples = Array.isArray(root) ? root : root !== null && typeof root === 'object' ? (root as Record<string, unknown>)['samples'] : undefined;
  if (!Array.isArray(samples)) {
    throw new UsageError(`${file}: expected {"samples": [{"image": "cat.png", "class": 281, "boxes": [[x1, y1, x2, y2]]}, …]} (or the list of samples alone)`);
  }
  const problems: string[] = [];
  const out: Annotation[] = [];
  samples.forEach((s, k) => {
    const path = `samples[${k}]`;
    const where = at(s, path);
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      problems.push(`${where}: a sample is an object {"image", "class", "boxes"}; got ${show(s)}`);
      return;
    }
    const o = s as Record<string, unknown>;
    let bad = false;
    const image = o['image'];
    if (typeof image !== 'string' || image.trim() === '') {
      problems.push(`${where}: "image" must be the image's file name; got ${show(image)}`);
      bad = true;
    }
    const label = typeof o['label'] === 'string' ? (o['label'] as string) : undefined;
    const cls = o['class'] ?? label;
    const validClass = (typeof cls === 'number' && Number.isInteger(cls) && cls >= 0) || (typeof cls === 'string' && cls.trim() !== '');
    if (!validClass) {
      problems.push(`${where}: "class" must be an output index (integer ≥ 0) or a label name; got ${show(o['class'])}`);
      bad = true;
    }
    const rawBoxes = o['boxes'] ?? (o['box'] === undefined ? undefined : [o['box']]);
    if (!Array.isArray(rawBoxes) || rawBoxes.length === 0) {
      problems.push(`${where}: "boxes" must be a non-empty list of [x1, y1, x2, y2] boxes in pixels of the image; got ${show(rawBoxes)}`);
      return;
    }
    const boxes: AnnotatedBox[] = [];
    rawBoxes.forEach((b, j) => {
      const bWhere = at(b, `${path}.boxes[${j}]`);
      const where2 = bWhere.startsWith('(') ? where.replace(/\(.*\)$/, `(${path}.boxes[${j}])`) : bWhere;
      const coords = Array.isArray(b)
        ? b
        : b !== null && typeof b === 'object'
          ? ['x1', 'y1', 'x2', 'y2'].map((key) => (b as Record<string, unknown>)[key])
          : undefined;
      if (!coords || coords.length !== 4 || !coords.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        problems.push(`${where2}: a box must be [x1, y1, x2, y2] (or {"x1", "y1", "x2", "y2"}), 4 numbers in pixels; got ${show(b)}`);
        bad = true;
        return;
      }
      const p = boxProblem(coords as number[]);
      if (p) {
        problems.push(`${where2}: ${p}`);
        bad = true;
        return;
      }
      const [x1, y1, x2, y2] = coords as number[];
      boxes.push({ x1: x1!, y1: y1!, x2: x2!, y2: y2!, where: where2 });
    });
    if (bad) return;
    out.push({ image: image as string, class: cls as number | string, ...(label !== undefined && o['class'] !== undefined ? { label } : {}), boxes, where });
  });
  if (problems.length) throw annotationError(file, problems);
  if (out.length === 0) throw new UsageError(`${file} has no samples: nothing to evaluate`);
  return out;
}

/** Splits one CSV line into fields (RFC 4180 quoting: `"a, b"`, `""` for a quote). Returns undefined for an unclosed quote. */
export function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') (field += '"'), (i += 2);
          else {
            i++;
            break;
          }
        } else field += line[i++];
      }
      while (i < line.length && line[i] !== ',') field += line[i++]; // text after the closing quote, kept
    } else {
      while (i < line.length && line[i] !== ',') field += line[i++];
    }
    fields.push(field.trim());
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

const CSV_COLUMNS = ['image', 'class', 'x1', 'y1', 'x2', 'y2'] as const;

/**
 * Parses a CSV annotation file with the header `image,class,x1,y1,x2,y2` (columns in any order; an optional
 * `label` column is checked against the model's labels; others are ignored). Each row is one box; rows of
 * the same image and class are several boxes of one sample. Blank lines and lines starting with `#` are skipped.
 * @param file the name used in messages.
 * @returns one annotation per row (merged later), in file order; throws a UsageError listing every problem with its line.
 */
export function parseAnnotationsCsv(text: string, file: string): Annotation[] {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerAt = rows.findIndex((r) => r.trim() !== '' && !r.trim().startsWith('#'));
  if (headerAt < 0) throw new UsageError(`${file} is empty: expected the header image,class,x1,y1,x2,y2 and one row per box`);
  const header = (csvFields(rows[headerAt]!) ?? []).map((h) => h.toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new UsageError(
      `${file} line ${headerAt + 1}: the header must name the columns image,class,x1,y1,x2,y2 (any order); ` +
        `missing ${missing.join(', ')} in '${rows[headerAt]!.trim()}'`,
    );
  }
  const col = Object.fromEntries([...CSV_COLUMNS, 'label'].map((c) => [c, header.indexOf(c)])) as Record<string, number>;
  const problems: string[] = [];
  const out: Annotation[] = [];
  for (let r = headerAt + 1; r < rows.length; r++) {
    const raw = rows[r]!;
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const where = `line ${r + 1}`;
    const f = csvFields(raw);
    if (!f) {
      problems.push(`${where}: a quoted field is not closed`);
      continue;
    }
    if (f.length < header.length) {
      problems.push(`${where}: expected ${header.length} fields (${header.join(',')}), got ${f.length}: '${raw.trim()}'`);
      continue;
    }
    const image = f[col['image']!]!;
    const cls = f[col['class']!]!;
    const label = col['label']! >= 0 ? f[col['label']!] : undefined;
    let bad = false;
    if (image === '') (problems.push(`${where}: the image is empty`), (bad = true));
    if (cls === '') (problems.push(`${where}: the class is empty (an output index or a label name)`), (bad = true));
    const coords: number[] = [];
    for (const c of ['x1', 'y1', 'x2', 'y2']) {
      const text = f[col[c]!]!;
      const v = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(v)) {
        problems.push(`${where}: ${c} '${text}' is not a number (coordinates are pixels of the original image)`);
        bad = true;
      }
      coords.push(v);
    }
    if (!bad) {
      const p = boxProblem(coords);
      if (p) (problems.push(`${where}: ${p}`), (bad = true));
    }
    if (bad) continue;
    const [x1, y1, x2, y2] = coords as [number, number, number, number];
    out.push({ image, class: /^\d+$/.test(cls) ? Number(cls) : cls, ...(label ? { label } : {}), boxes: [{ x1, y1, x2, y2, where }], where });
  }
  if (problems.length) throw annotationError(file, problems);
  if (out.length === 0) throw new UsageError(`${file} has no rows after its header: nothing to evaluate`);
  return out;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * The annotation file of a folder: `--boxes FILE` when given, else `<dir>/boxes.json`, else `<dir>/boxes.csv`.
 * @returns its path; throws a UsageError when there is none.
 */
export async function findAnnotationFile(dir: string, given?: string): Promise<string> {
  if (given !== undefined) {
    const s = await stat(given).catch(() => undefined);
    if (!s) throw new UsageError(`cannot read the annotation file '${given}' (--boxes): no such file`);
    if (!s.isFile()) throw new UsageError(`cannot read the annotation file '${given}' (--boxes): it is a folder`);
    return given;
  }
  for (const name of ['boxes.json', 'boxes.csv']) {
    const p = join(dir, name);
    if (await isFile(p)) return p;
  }
  throw new UsageError(
    `no annotation file in '${dir}': neither ${join(dir, 'boxes.json')} nor ${join(dir, 'boxes.csv')} exists; ` +
      `pass --boxes FILE (JSON {"samples": [{"image", "class", "boxes": [[x1, y1, x2, y2]]}]} or CSV image,class,x1,y1,x2,y2)`,
  );
}

/**
 * Reads and checks an annotation file: JSON or CSV by its extension (`.json`, `.csv`; otherwise by its first
 * character), every box well-formed, every image present in `dir`.
 * @returns the annotations, in file order.
 * @throws UsageError (exit 2) listing the problems with their lines, the missing images with their paths.
 */
export async function readAnnotations(file: string, dir: string): Promise<Annotation[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read the annotation file '${file}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 2);
  }
  const ext = extname(file).toLowerCase();
  const json = ext === '.json' || (ext !== '.csv' && /^\uFEFF?\s*[[{]/.test(text));
  const annotations = json ? parseAnnotationsJson(text, file) : parseAnnotationsCsv(text, file);
  // Every image must exist: list the missing ones with the path looked at and the closest names in the folder.
  const problems: string[] = [];
  const seen = new Map<string, boolean>();
  let names: string[] | undefined;
  for (const a of annotations) {
    const path = imagePath(dir, a.image);
    if (!seen.has(path)) {
      seen.set(path, await isFile(path));
      if (!seen.get(path)) {
        names ??= await readdir(dir).catch(() => []);
        const near = closestNames(basename(a.image), names.filter((n) => IMAGE_FILE.test(n)), 3);
        problems.push(`${a.where}: image '${a.image}' not found: no such file '${path}'${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(', ')}?)` : ''}`);
      }
    }
  }
  if (problems.length) throw annotationError(file, problems);
  return annotations;
}

/** The path of an annotated image: absolute as written, else relative to the evaluated folder. */
export function imagePath(dir: string, image: string): string {
  return isAbsolute(image) ? image : resolve(dir, image);
}
