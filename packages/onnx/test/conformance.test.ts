// The ONNX backend conformance suite (../shared/onnx-backend-tests/node, 932 single-op tests; skipped
// without ../shared). Every test of every op in the scope passes; the only tolerated
// non-passes there are exclusions for types tfjs lacks; and every failure anywhere is an op that is
// not implemented (never a wrong result of an implemented op).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { listOps } from '../src/index.js';
import { CORE_OPS, runConformance, summarizeByOp, type ConformanceResult } from '../src/node.js';
import { describeShared } from './helpers.js';

const TYPE_REASON = /^(float16|bfloat16|string tensors|float64|uint64|uint32)\b/;

describeShared('ONNX backend conformance suite', ['onnx-backend-tests/node'], (shared) => {
  let results: ConformanceResult[];
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    const before = tf.memory().numTensors;
    results = runConformance(join(shared, 'onnx-backend-tests', 'node'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs all 932 tests', () => {
    expect(results.length).toBe(932);
  });

  it.each([...CORE_OPS])('every test of %s passes (type exclusions aside)', (op) => {
    const rows = results.filter((r) => r.op === op);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      if (r.status === 'excluded') expect(r.detail, r.test).toMatch(TYPE_REASON);
      else expect(r.status, `${r.test}: ${r.detail}`).toBe('pass');
    }
  });

  it('fails only on ops that are not implemented', () => {
    const implemented = new Set(listOps());
    const wrong = results.filter((r) => r.status === 'fail' && !/is not supported by @gradcam\/onnx/.test(r.detail ?? ''));
    expect(wrong.map((r) => `${r.test}: ${r.detail}`)).toEqual([]);
    // …and a failing op is indeed absent from the op table.
    for (const r of results.filter((x) => x.status === 'fail')) {
      const op = /op (\S+) is not supported/.exec(r.detail ?? '')?.[1]?.replace(/^ai\.onnx\.preview\.training::/, 'ai.onnx.preview.training::');
      if (op) expect(implemented.has(op), r.test).toBe(false);
    }
  });

  it('excludes only for missing tfjs types or randomness, with the reason', () => {
    for (const r of results.filter((x) => x.status === 'excluded')) {
      expect(r.detail, r.test).toMatch(/^(float16|bfloat16|string tensors|float64|uint64|uint32|random|training-mode dropout|suite bug)/);
    }
    const table = summarizeByOp(results);
    const pass = table.reduce((a, s) => a + s.pass, 0);
    expect(pass).toBeGreaterThanOrEqual(918);
  });
});
