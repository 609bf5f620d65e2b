/** Levenshtein distance between two strings. */
function editDistance(a: string, b: string): number {
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

/**
 * Ranks `candidates` by closeness to `query` (case-insensitive): names containing the query first,
 * then by edit distance.
 * @returns the indices of the `k` closest candidates, best first.
 */
export function closestIndices(query: string, candidates: readonly string[], k = 3): number[] {
  const q = query.toLowerCase();
  return candidates
    .map((c, i) => {
      const cl = c.toLowerCase();
      // A name that contains the query ("shuttle" → "space shuttle") ranks first, shortest first.
      const score = cl.includes(q) ? -1 + (cl.length - q.length) / 1000 : editDistance(q, cl);
      return { i, score };
    })
    .sort((x, y) => x.score - y.score)
    .slice(0, k)
    .map((x) => x.i);
}
