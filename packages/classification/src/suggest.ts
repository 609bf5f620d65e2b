import { editDistance } from '@gradcam/core';

/**
 * Ranks `candidates` by closeness to `query` (case-insensitive): names containing the query first,
 * shortest first, then by edit distance. Unlike the engine's `closestNames` (made for layer names), a
 * candidate merely contained in the query does not rank first: short labels ('ant', 'ox') would
 * crowd out the label a longer query misspells.
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
