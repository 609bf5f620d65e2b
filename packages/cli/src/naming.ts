import { basename, extname } from 'node:path';

/**
 * A file-name fragment for a class label: its first comma-separated synonym, lower-cased, runs of other
 * characters than a–z and 0–9 turned into `-` (`'tabby, tabby cat'` → `tabby`, `"jack-o'-lantern"` → `jack-o-lantern`).
 * @returns the slug, or `class` when nothing is left.
 */
export function labelSlug(label: string): string {
  const first = label.split(',')[0] ?? '';
  const slug = first
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'class';
}

/**
 * One output stem per input path: the file name without its extension, made unique in input order by
 * suffixes `-2`, `-3`, … (so `a/cat.png` and `b/cat.jpg` write `cat-…` and `cat-2-…`).
 * @returns stems, index-aligned with `paths`.
 */
export function uniqueStems(paths: readonly string[]): string[] {
  const used = new Map<string, number>();
  const taken = new Set<string>();
  return paths.map((p) => {
    const base = basename(p, extname(p)) || 'image';
    let stem = base;
    let n = used.get(base) ?? 1;
    while (taken.has(stem)) stem = `${base}-${++n}`;
    used.set(base, n);
    taken.add(stem);
    return stem;
  });
}

/**
 * The file name of one overlay: `<stem>-<index>-<label slug>[-<method>][-counterfactual].<ext>`, e.g.
 * `chelsea-281-tabby.png`; the method appears when it is not `gradcam`, so runs of several methods can share
 * a folder.
 */
export function overlayName(stem: string, index: number, label: string, method: string, counterfactual: boolean, ext: string): string {
  const suffix = `${method === 'gradcam' ? '' : `-${method}`}${counterfactual ? '-counterfactual' : ''}`;
  return `${stem}-${index}-${labelSlug(label)}${suffix}.${ext}`;
}
