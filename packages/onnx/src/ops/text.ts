/**
 * String ops on host string tensors: StringNormalizer (case folding, stop words). Strings never
 * reach tfjs.
 */
import { Value } from '../value.js';
import { registerOp } from './registry.js';
import { input } from './util.js';

registerOp('StringNormalizer', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const action = ctx.attrs.string('case_change_action', 'NONE');
  const sensitive = ctx.attrs.int('is_case_sensitive', 0) === 1;
  const stop = ctx.attrs.strings('stopwords', []);
  const stopSet = new Set(sensitive ? stop : stop.map((s) => s.toLowerCase()));
  const strings = x.strings();
  const rows = x.rank === 2 ? x.shape[0]! : 1;
  const cols = strings.length / Math.max(rows, 1);
  const kept: string[][] = [];
  for (let r = 0; r < rows; r++) {
    const row = strings.slice(r * cols, (r + 1) * cols).filter((s) => !stopSet.has(sensitive ? s : s.toLowerCase()));
    kept.push(row.map((s) => (action === 'LOWER' ? s.toLowerCase() : action === 'UPPER' ? s.toUpperCase() : s)));
  }
  const width = Math.max(...kept.map((r) => r.length));
  if (width === 0) return [Value.fromHost([''], x.rank === 2 ? [rows, 1] : [1], 'string')];
  const flat = kept.flat();
  return [Value.fromHost(flat, x.rank === 2 ? [rows, width] : [width], 'string')];
});

/** TfIdfVectorizer (host): n-gram counts (with skips) of int or string rows against a pool, as TF, IDF or TF-IDF. */
registerOp('TfIdfVectorizer', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const a = ctx.attrs;
  const minN = a.int('min_gram_length');
  const maxN = a.int('max_gram_length');
  const maxSkip = a.int('max_skip_count');
  const mode = a.string('mode');
  const counts = a.ints('ngram_counts');
  const indexes = a.ints('ngram_indexes');
  const weights = a.has('weights') ? a.floats('weights') : undefined;
  const pool: Array<string | number> = a.has('pool_strings') ? a.strings('pool_strings') : a.ints('pool_int64s');
  // n-gram key → output column.
  const columns = new Map<string, number>();
  let g = 0;
  counts.forEach((start, i) => {
    const n = i + 1;
    const end = i + 1 < counts.length ? counts[i + 1]! : pool.length;
    for (let p = start; p < end; p += n) columns.set(JSON.stringify(pool.slice(p, p + n)), indexes[g++]!);
  });
  const width = Math.max(...indexes) + 1;
  const items: Array<string | number> = x.dtype === 'string' ? x.strings() : Array.from(x.numbers());
  const rows = x.rank === 2 ? x.shape[0]! : 1;
  const cols = x.rank === 2 ? x.shape[1]! : x.shape[0]!;
  const res = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const row = items.slice(r * cols, (r + 1) * cols);
    for (let skip = 0; skip <= maxSkip; skip++) {
      const step = skip + 1;
      for (let i = 0; i < row.length; i++) {
        for (let n = Math.max(minN, 1); n <= maxN; n++) {
          if (n === 1 && skip > 0) continue;
          const last = i + (n - 1) * step;
          if (last >= row.length) break;
          const gram = Array.from({ length: n }, (_, k) => row[i + k * step]!);
          const col = columns.get(JSON.stringify(gram));
          if (col !== undefined) res[r * width + col]! += 1;
        }
      }
    }
  }
  for (let k = 0; k < res.length; k++) {
    const w = weights ? weights[k % width]! : 1;
    if (mode === 'IDF') res[k] = res[k]! > 0 ? w : 0;
    else if (mode === 'TFIDF') res[k] = res[k]! * w;
  }
  return [Value.fromHost(res, x.rank === 2 ? [rows, width] : [width], 'float32')];
});
