import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, initBackend, type MethodId } from '../src/index.js';
import { caseInput, loadReference, maxAbsDiff } from './helpers/fixture.js';
import { residualGraphModel } from './helpers/graph-builder.js';
import { residualLayersModel } from './helpers/residual.js';

// Numeric parity with pytorch-grad-cam 1.5 (re-implemented on PyTorch autograd in
// fixtures/pytorch-reference/generate.py, float64): same weights, same input, same targets.
const ref = loadReference();

describe.each(['cpu', 'wasm'] as const)('parity with pytorch-grad-cam on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  const models = {
    LayersModel: () => residualLayersModel(ref.weights),
    GraphModel: () => residualGraphModel(ref.weights),
  };
  describe.each(Object.keys(models) as Array<keyof typeof models>)('%s cutting', (kind) => {
    for (const c of ref.cases) {
      it(c.name, async () => {
        const model = await models[kind]();
        const x = caseInput(ref, c);
        const layers = kind === 'GraphModel' ? c.target_layers.map((l) => `${l}`) : c.target_layers;
        const r = await explain(model, x, { method: c.method as MethodId, layer: layers, targets: c.targets });
        const maps = await r.maps.data();
        if (c.maps_opposite_sign) {
          // SVD signs are arbitrary: each image must match pytorch-grad-cam's map or its sign-flipped twin.
          const per = 400;
          for (let i = 0; i < c.targets.length; i++) {
            const ours = maps.slice(i * per, (i + 1) * per);
            const d1 = maxAbsDiff(ours, c.maps.data.slice(i * per, (i + 1) * per));
            const d2 = maxAbsDiff(ours, c.maps_opposite_sign.data.slice(i * per, (i + 1) * per));
            expect(Math.min(d1, d2)).toBeLessThanOrEqual(1e-5);
          }
        } else {
          expect(maxAbsDiff(maps, c.maps.data)).toBeLessThanOrEqual(1e-5);
          c.layers.forEach((l, j) => {
            const raw = r.layers[j]!.raw.dataSync();
            const scale = Math.max(...l.raw.data.map(Math.abs), 1e-6);
            expect(maxAbsDiff(raw, l.raw.data) / scale).toBeLessThanOrEqual(1e-5);
            if (l.weights) {
              const w = r.layers[j]!.weights!.dataSync();
              const ws = Math.max(...l.weights.data.map(Math.abs), 1e-6);
              expect(maxAbsDiff(w, l.weights.data) / ws).toBeLessThanOrEqual(1e-5);
            }
          });
        }
        expect(maxAbsDiff(await r.scores.data(), c.target_scores)).toBeLessThanOrEqual(1e-4);
        r.dispose();
        x.dispose();
      });
    }
  });
});
