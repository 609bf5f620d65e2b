/** Error thrown for bad input to the Grad-CAM engine (unknown layer, bad target, wrong shape). */
export class GradCamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GradCamError';
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The up-to-`k` candidates closest to `name` (substring matches first, then edit distance). */
export function closestNames(name: string, candidates: readonly string[], k = 3): string[] {
  const lower = name.toLowerCase();
  return [...candidates]
    .map((c) => {
      const cl = c.toLowerCase();
      const score = cl.includes(lower) || lower.includes(cl) ? -1 : editDistance(lower, cl);
      return { c, score };
    })
    .sort((x, y) => x.score - y.score)
    .slice(0, k)
    .map((x) => x.c);
}

/** Formats a list of names for an error message, eliding the middle of very long lists. */
export function listNames(names: readonly string[], max = 40): string {
  if (names.length <= max) return names.join(', ');
  const head = names.slice(0, max / 2);
  const tail = names.slice(-max / 2);
  return `${head.join(', ')}, … (${names.length - max} more) …, ${tail.join(', ')}`;
}
