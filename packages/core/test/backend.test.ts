import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Backend selection runs once per process, so each case is a fresh Node process running the built
// package (packages/core/dist, built by `npm install` / `npm test`).
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
const script = `
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
const { explain } = await import(${JSON.stringify(dist)});
const input = tfl.input({ shape: [4, 4, 1] });
const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'conv' }).apply(input);
const out = tfl.layers.dense({ units: 2 }).apply(tfl.layers.flatten().apply(conv));
const model = tfl.model({ inputs: input, outputs: out });
for (let i = 0; i < 3; i++) (await explain(model, tf.ones([1, 4, 4, 1]), { layer: 'conv' })).dispose();
console.log('BACKEND=' + tf.getBackend());
`;
function run(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, GRADCAM_QUIET: '', ...env },
    encoding: 'utf8',
    cwd: join(dirname(dist), '..'),
  });
}
const hasTfjsNode = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!existsSync(dist))('backend selection (built package)', () => {
  it('picks tfjs-node when it loads, else wasm, and reports the choice once', () => {
    const r = run({});
    expect(r.status).toBe(0);
    const expected = hasTfjsNode ? 'tensorflow' : 'wasm';
    expect(r.stdout).toContain(`BACKEND=${expected}`);
    const reports = r.stderr.split('\n').filter((l) => l.startsWith('gradcam: tfjs backend'));
    expect(reports.length).toBe(1);
    expect(reports[0]).toContain(hasTfjsNode ? "'node'" : "'wasm'");
  });
  it('GRADCAM_BACKEND forces a backend', () => {
    const r = run({ GRADCAM_BACKEND: 'cpu' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('BACKEND=cpu');
  });
  it('a forced backend that cannot start is a clear error; an unknown name too', () => {
    if (!hasTfjsNode) {
      const r = run({ GRADCAM_BACKEND: 'node' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/the forced backend 'node' is not available: @tensorflow\/tfjs-node did not load/);
    }
    const bad = run({ GRADCAM_BACKEND: 'gpu' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/GRADCAM_BACKEND=gpu is not a backend gradcam knows; use one of node, wasm, cpu/);
  });
});
