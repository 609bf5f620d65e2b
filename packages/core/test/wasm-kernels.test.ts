/**
 * The gradient kernels registered for tfjs-backend-wasm (src/backend/kernels)
 * are checked value-for-value against the tfjs cpu backend, over a grid of conv
 * configurations, through `tf.grad`, and for memory leaks.
 *
 * Reference for dilations > 1: the tfjs cpu kernels for the three conv backprops
 * ignore `dilations` in their loops (tf.grad refuses dilated depthwise/conv
 * gradients altogether), so dilated cases are compared with the cpu kernel run on
 * the equivalent *undilated* problem: a filter dilated by zero insertion
 * (fh_eff = (fh-1)*d + 1) with dilations 1; the filter gradient is then the
 * zero-inserted gradient sampled every d taps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-core alone registers no gradient functions; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers';

import {
  registerWasmFastKernels,
  registerWasmGradientKernels,
  WASM_FAST_KERNEL_CONFIGS,
  WASM_FAST_KERNELS,
  WASM_GRADIENT_KERNELS,
} from '../src/backend/kernels/index.js';

type Shape = number[];
interface HostTensor {
  values: Float32Array | Int32Array;
  shape: Shape;
  dtype: 'float32' | 'int32';
}
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

const EXPLICIT_PAD: Pad = [
  [0, 0],
  [1, 2],
  [2, 1],
  [0, 0],
];

// ---------------------------------------------------------------- helpers ---

/** Deterministic uniform(-1, 1) values (mulberry32). */
function rand(shape: Shape, seed: number): HostTensor {
  let a = seed >>> 0;
  const n = shape.reduce((p, c) => p * c, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; ++i) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return { values, shape, dtype: 'float32' };
}

function ints(values: number[]): HostTensor {
  return { values: Int32Array.from(values), shape: [values.length], dtype: 'int32' };
}

function toTensor(h: HostTensor): tf.Tensor {
  return tf.tensor(h.values, h.shape, h.dtype);
}

/** Runs one kernel on `backend` with host inputs, returns host output; disposes everything. */
async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, HostTensor> | HostTensor[],
  attrs: object,
): Promise<HostTensor> {
  await tf.setBackend(backend);
  const ts = Array.isArray(inputs) ? inputs.map(toTensor) : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, toTensor(v)]));
  const out = tf.engine().runKernel(kernel, ts as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const res: HostTensor = { values: out.dataSync() as Float32Array, shape: out.shape.slice(), dtype: out.dtype as 'float32' };
  tf.dispose([out, ...(Array.isArray(ts) ? ts : Object.values(ts))]);
  return res;
}

/** max |a - b| must be <= 1e-4 * max(1, max |b|); shapes must agree. */
function expectClose(actual: HostTensor, expected: HostTensor, label: string): void {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expect(actual.values.length, `${label}: size`).toBe(expected.values.length);
  let maxDiff = 0;
  let maxAbs = 0;
  let nonFinite = 0;
  for (let i = 0; i < expected.values.length; ++i) {
    const e = expected.values[i]!;
    const a = actual.values[i]!;
    if (!Number.isFinite(a)) nonFinite++;
    maxDiff = Math.max(maxDiff, Math.abs(a - e));
    maxAbs = Math.max(maxAbs, Math.abs(e));
  }
  expect(nonFinite, `${label}: non-finite values`).toBe(0);
  expect(maxDiff, `${label}: max abs diff ${maxDiff} (max |ref| ${maxAbs})`).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs));
}

/** Zero-inserts a [fh, fw, a, b] filter: [(fh-1)dh+1, (fw-1)dw+1, a, b]. */
function dilateFilter(f: HostTensor, dh: number, dw: number): HostTensor {
  const [fh, fw, a, b] = f.shape as [number, number, number, number];
  const eh = (fh - 1) * dh + 1;
  const ew = (fw - 1) * dw + 1;
  const out = new Float32Array(eh * ew * a * b);
  const inner = a * b;
  for (let p = 0; p < fh; ++p)
    for (let q = 0; q < fw; ++q)
      out.set(f.values.subarray((p * fw + q) * inner, (p * fw + q + 1) * inner), (p * dh * ew + q * dw) * inner);
  return { values: out, shape: [eh, ew, a, b], dtype: 'float32' };
}

/** Inverse of dilateFilter's layout: picks every dh-th / dw-th tap. */
function subsampleFilter(f: HostTensor, dh: number, dw: number): HostTensor {
  const [eh, ew, a, b] = f.shape as [number, number, number, number];
  const fh = (eh - 1) / dh + 1;
  const fw = (ew - 1) / dw + 1;
  const inner = a * b;
  const out = new Float32Array(fh * fw * inner);
  for (let p = 0; p < fh; ++p)
    for (let q = 0; q < fw; ++q)
      out.set(f.values.subarray((p * dh * ew + q * dw) * inner, (p * dh * ew + q * dw + 1) * inner), (p * fw + q) * inner);
  return { values: out, shape: [fh, fw, a, b], dtype: 'float32' };
}

function forwardShape(
  xShape: Shape,
  filterShape: Shape,
  strides: number,
  dilations: number,
  pad: Pad,
  depthwise: boolean,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): Shape {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
  ).outShape;
}

/** numTensors / numDataBuffers / backend data ids, to compare before and after. */
function memorySnapshot(): number[] {
  const m = tf.memory();
  return [m.numTensors, m.numDataBuffers, tf.engine().backend.numDataIds()];
}

// ----------------------------------------------------------------- setup ---

let registered: string[] = [];
let missingBefore: string[] = [];
let replaced: string[] = [];

beforeAll(async () => {
  missingBefore = WASM_GRADIENT_KERNELS.filter((k) => tf.getKernel(k, 'wasm') == null);
  registered = registerWasmGradientKernels();
  replaced = registerWasmFastKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(await tf.setBackend('cpu')).toBe(true);
});

afterAll(() => {
  tf.disposeVariables();
});

describe('registerWasmGradientKernels', () => {
  it('registers exactly the kernels wasm lacked, and is idempotent', () => {
    expect(registered).toEqual(missingBefore);
    // On tfjs-backend-wasm 4.22 none of these exist natively.
    expect([...missingBefore].sort()).toEqual([...WASM_GRADIENT_KERNELS].sort());
    for (const k of WASM_GRADIENT_KERNELS) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
    expect(registerWasmGradientKernels()).toEqual([]);
  });
});

describe('registerWasmFastKernels', () => {
  it('replaces the slow native kernels with gradcam\'s, and is idempotent', () => {
    expect([...replaced].sort()).toEqual([...WASM_FAST_KERNELS].sort());
    for (const config of WASM_FAST_KERNEL_CONFIGS) expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
    expect(registerWasmFastKernels()).toEqual([]);
  });
});

// ------------------------------------------------------ conv kernel grids ---

interface ConvCase {
  xShape: Shape;
  fh: number;
  fw: number;
  stride: number;
  dilation: number;
  pad: Pad;
  mult: number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convGrid(): ConvCase[] {
  const cases: ConvCase[] = [];
  for (const xShape of [
    [2, 7, 9, 3],
    [1, 8, 6, 2],
  ])
    for (const [fh, fw] of [
      [3, 3],
      [2, 3],
    ] as const)
      for (const stride of [1, 2])
        for (const dilation of [1, 2])
          for (const pad of ['same', 'valid', EXPLICIT_PAD] as Pad[])
            for (const mult of [1, 2]) cases.push({ xShape, fh, fw, stride, dilation, pad, mult });
  // Numeric padding and dimRoundingMode.
  cases.push({ xShape: [1, 8, 8, 2], fh: 3, fw: 3, stride: 2, dilation: 1, pad: 0, mult: 1, dimRoundingMode: 'ceil' });
  cases.push({ xShape: [1, 8, 8, 2], fh: 3, fw: 3, stride: 2, dilation: 1, pad: 1, mult: 2, dimRoundingMode: 'floor' });
  cases.push({ xShape: [1, 7, 7, 2], fh: 3, fw: 3, stride: 1, dilation: 1, pad: 2, mult: 1 });
  // Padding larger than the dilated filter (forces cropping of the zero-dilated dy).
  cases.push({
    xShape: [1, 5, 6, 2],
    fh: 2,
    fw: 2,
    stride: 2,
    dilation: 1,
    pad: [
      [0, 0],
      [3, 0],
      [0, 3],
      [0, 0],
    ],
    mult: 1,
  });
  return cases;
}

const label = (c: ConvCase) =>
  `x${JSON.stringify(c.xShape)} f${c.fh}x${c.fw} s${c.stride} d${c.dilation} pad=${JSON.stringify(c.pad)} m${c.mult}` +
  (c.dimRoundingMode ? ` ${c.dimRoundingMode}` : '');

describe('DepthwiseConv2dNativeBackpropInput on wasm matches cpu', () => {
  const cases = convGrid();
  it(`over ${cases.length} configurations`, async () => {
    let seed = 1;
    for (const c of cases) {
      const C = c.xShape[3]!;
      const filter = rand([c.fh, c.fw, C, c.mult], seed++);
      const dyShape = forwardShape(c.xShape, filter.shape, c.stride, c.dilation, c.pad, true, c.dimRoundingMode);
      const dy = rand(dyShape, seed++);
      const attrs = { strides: c.stride, dilations: c.dilation, pad: c.pad, dimRoundingMode: c.dimRoundingMode, inputShape: c.xShape };
      const got = await runOn('wasm', tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, attrs);
      const ref = await runOn(
        'cpu',
        tf.DepthwiseConv2dNativeBackpropInput,
        { dy, filter: dilateFilter(filter, c.dilation, c.dilation) },
        { ...attrs, dilations: 1 },
      );
      expectClose(got, ref, label(c));
      if (c.dilation === 1) {
        // Undilated: the cpu kernel itself with identical attrs.
        expectClose(got, await runOn('cpu', tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, attrs), label(c) + ' (direct)');
      }
    }
  });
});

describe('DepthwiseConv2dNativeBackpropFilter on wasm matches cpu', () => {
  const cases = convGrid();
  it(`over ${cases.length} configurations`, async () => {
    let seed = 1000;
    for (const c of cases) {
      const C = c.xShape[3]!;
      const x = rand(c.xShape, seed++);
      const filterShape = [c.fh, c.fw, C, c.mult];
      const dyShape = forwardShape(c.xShape, filterShape, c.stride, c.dilation, c.pad, true, c.dimRoundingMode);
      const dy = rand(dyShape, seed++);
      const attrs = { strides: c.stride, dilations: c.dilation, pad: c.pad, dimRoundingMode: c.dimRoundingMode, filterShape };
      const got = await runOn('wasm', tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, attrs);
      const effShape = [(c.fh - 1) * c.dilation + 1, (c.fw - 1) * c.dilation + 1, C, c.mult];
      const refEff = await runOn('cpu', tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, dilations: 1, filterShape: effShape });
      expectClose(got, subsampleFilter(refEff, c.dilation, c.dilation), label(c));
      if (c.dilation === 1) {
        expectClose(got, await runOn('cpu', tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, attrs), label(c) + ' (direct)');
      }
    }
  });
});

describe('Conv2DBackpropFilter on wasm matches cpu', () => {
  // `mult` is reused as the output-channel count (1 -> 4 channels, 2 -> 5).
  const cases = convGrid();
  it(`over ${cases.length} configurations (NHWC)`, async () => {
    let seed = 2000;
    for (const c of cases) {
      const Ci = c.xShape[3]!;
      const Co = c.mult === 1 ? 4 : 5;
      const x = rand(c.xShape, seed++);
      const filterShape = [c.fh, c.fw, Ci, Co];
      const dyShape = forwardShape(c.xShape, filterShape, c.stride, c.dilation, c.pad, false, c.dimRoundingMode);
      const dy = rand(dyShape, seed++);
      const attrs = {
        strides: c.stride,
        pad: c.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: c.dimRoundingMode,
        filterShape,
        dilations: c.dilation,
      };
      const got = await runOn('wasm', tf.Conv2DBackpropFilter, { x, dy }, attrs);
      // The cpu kernel has no dilation support: compare with the zero-inserted filter problem.
      const effShape = [(c.fh - 1) * c.dilation + 1, (c.fw - 1) * c.dilation + 1, Ci, Co];
      const refEff = await runOn('cpu', tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, dilations: 1, filterShape: effShape });
      expectClose(got, subsampleFilter(refEff, c.dilation, c.dilation), label(c));
    }
  });

  it('NCHW input matches cpu', async () => {
    for (const [stride, pad] of [
      [1, 'same'],
      [2, 'valid'],
      [2, EXPLICIT_PAD],
    ] as Array<[number, Pad]>) {
      const xNhwc = [2, 7, 9, 3];
      const filterShape = [3, 2, 3, 4];
      const [n, ho, wo, co] = forwardShape(xNhwc, filterShape, stride, 1, pad, false) as [number, number, number, number];
      const x = rand([2, 3, 7, 9], 77 + stride);
      const dy = rand([n, co, ho, wo], 78 + stride);
      const explicitNchw =
        typeof pad === 'object'
          ? [
              [0, 0],
              [0, 0],
              pad[1],
              pad[2],
            ]
          : pad;
      const attrs = { strides: stride, pad: explicitNchw, dataFormat: 'NCHW', filterShape };
      const got = await runOn('wasm', tf.Conv2DBackpropFilter, { x, dy }, attrs);
      const ref = await runOn('cpu', tf.Conv2DBackpropFilter, { x, dy }, attrs);
      expectClose(got, ref, `NCHW s${stride} ${JSON.stringify(pad)}`);
    }
  });
});

describe('Conv2DBackpropInput (replacement: one XNNPACK Conv2D) on wasm matches cpu', () => {
  // `mult` is reused as the output-channel count (1 -> 4 channels, 2 -> 5); dilation is not an attribute
  // of Conv2DBackpropInput (tf.grad refuses dilated conv2d gradients).
  const cases = convGrid().filter((c) => c.dilation === 1);
  cases.push({ xShape: [2, 6, 5, 7], fh: 1, fw: 1, stride: 1, dilation: 1, pad: 'same', mult: 1 });
  cases.push({ xShape: [1, 9, 9, 3], fh: 1, fw: 1, stride: 2, dilation: 1, pad: 'valid', mult: 2 });
  cases.push({ xShape: [1, 1, 1, 6], fh: 1, fw: 1, stride: 1, dilation: 1, pad: 'valid', mult: 1 });
  it(`over ${cases.length} configurations (NHWC)`, async () => {
    let seed = 2500;
    for (const c of cases) {
      const Ci = c.xShape[3]!;
      const Co = c.mult === 1 ? 4 : 5;
      const filter = rand([c.fh, c.fw, Ci, Co], seed++);
      const dyShape = forwardShape(c.xShape, filter.shape, c.stride, 1, c.pad, false, c.dimRoundingMode);
      const dy = rand(dyShape, seed++);
      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode, inputShape: c.xShape };
      const got = await runOn('wasm', tf.Conv2DBackpropInput, { dy, filter }, attrs);
      expectClose(got, await runOn('cpu', tf.Conv2DBackpropInput, { dy, filter }, attrs), label(c));
    }
  });

  it('NCHW matches cpu', async () => {
    for (const [stride, pad] of [
      [1, 'same'],
      [2, 'valid'],
      [2, EXPLICIT_PAD],
    ] as Array<[number, Pad]>) {
      const xNhwc = [2, 7, 9, 3];
      const filter = rand([3, 2, 3, 4], 91 + stride);
      const [n, ho, wo, co] = forwardShape(xNhwc, filter.shape, stride, 1, pad, false) as [number, number, number, number];
      const dy = rand([n, co, ho, wo], 92 + stride);
      const explicitNchw = typeof pad === 'object' ? [[0, 0], [0, 0], pad[1], pad[2]] : pad;
      const attrs = { strides: stride, pad: explicitNchw, dataFormat: 'NCHW', inputShape: [2, 3, 7, 9] };
      const got = await runOn('wasm', tf.Conv2DBackpropInput, { dy, filter }, attrs);
      expectClose(got, await runOn('cpu', tf.Conv2DBackpropInput, { dy, filter }, attrs), `NCHW s${stride} ${JSON.stringify(pad)}`);
    }
  });
});

describe('Identity (replacement: shared buffer) on wasm', () => {
  it('a clone has the same values, outlives its source, and frees the buffer with the last reference', async () => {
    await tf.setBackend('wasm');
    const before = memorySnapshot();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    const z = tf.engine().runKernel(tf.Identity, { x: y } as unknown as tf.NamedTensorMap) as tf.Tensor;
    expect(y.dataId).not.toBe(undefined);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(z.shape).toEqual([2, 3]);
    z.dispose();
    expect(memorySnapshot()).toEqual(before);
    const ints = tf.tensor1d([7, 8], 'int32');
    const c = tf.clone(ints);
    expect(c.dtype).toBe('int32');
    expect(Array.from(c.dataSync())).toEqual([7, 8]);
    tf.dispose([ints, c]);
    expect(memorySnapshot()).toEqual(before);
  });
});

// --------------------------------------------------- UnsortedSegmentSum -----

/** Plain-JS unsorted segment sum over the first axis (ids outside range dropped). */
function segmentSumRef(x: HostTensor, ids: number[], numSegments: number): HostTensor {
  const inner = x.values.length / x.shape[0]!;
  const out = new Float32Array(numSegments * inner);
  ids.forEach((s, i) => {
    if (s < 0 || s >= numSegments) return;
    for (let k = 0; k < inner; ++k) out[s * inner + k]! += x.values[i * inner + k]!;
  });
  return { values: out, shape: [numSegments, ...x.shape.slice(1)], dtype: 'float32' };
}

describe('UnsortedSegmentSum on wasm', () => {
  const cases: Array<{ xShape: Shape; ids: number[]; numSegments: number }> = [
    { xShape: [13, 5], ids: [3, 1, 3, 0, 6, 6, 6, 2, 1, 0, 5, 3, 4], numSegments: 7 },
    { xShape: [6], ids: [0, 2, 2, 5, 1, 0], numSegments: 6 },
    { xShape: [6, 2, 3], ids: [1, 1, 1, 0, 3, 3], numSegments: 5 },
    { xShape: [7, 4], ids: [-1, 2, 9, 2, 0, -5, 7], numSegments: 8 }, // out-of-range ids are dropped
    { xShape: [3, 4], ids: [10, -1, 4], numSegments: 4 }, // nothing in range: all zeros
    { xShape: [40, 9], ids: Array.from({ length: 40 }, (_, i) => (i * 37) % 300), numSegments: 300 },
  ];
  it('matches the cpu kernel and a plain-JS reference', async () => {
    let seed = 3000;
    for (const c of cases) {
      const x = rand(c.xShape, seed++);
      const inputs = { x, segmentIds: ints(c.ids) };
      const attrs = { numSegments: c.numSegments };
      const got = await runOn('wasm', tf.UnsortedSegmentSum, inputs, attrs);
      const name = `x${JSON.stringify(c.xShape)} ids${JSON.stringify(c.ids)} n=${c.numSegments}`;
      expectClose(got, await runOn('cpu', tf.UnsortedSegmentSum, inputs, attrs), name);
      expectClose(got, segmentSumRef(x, c.ids, c.numSegments), name + ' (js)');
    }
  });

  it('handles an embedding-sized gradient (x [64, 768], 50 000 segments)', async () => {
    // The cpu kernel loops over all 50 000 segments (minutes); compare with plain JS.
    const ids = Array.from({ length: 64 }, (_, i) => (i * 7919 + 13) % 50000);
    ids[10] = ids[3]!; // a repeated token
    const x = rand([64, 768], 4242);
    const got = await runOn('wasm', tf.UnsortedSegmentSum, { x, segmentIds: ints(ids) }, { numSegments: 50000 });
    expectClose(got, segmentSumRef(x, ids, 50000), 'embedding');
  });

  it('keeps int32 values exact', async () => {
    const x: HostTensor = { values: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [4, 2], dtype: 'int32' };
    const got = await runOn('wasm', tf.UnsortedSegmentSum, { x, segmentIds: ints([2, 0, 2, 1]) }, { numSegments: 3 });
    expect(got.shape).toEqual([3, 2]);
    expect(Array.from(got.values)).toEqual([3, 4, 7, 8, 6, 8]);
  });
});

// ------------------------------------------------------------------ Einsum --

describe('Einsum (copy-to-cpu fallback) on wasm matches cpu', () => {
  const cases: Array<{ eq: string; shapes: Shape[] }> = [
    { eq: 'ij,jk->ik', shapes: [[3, 4], [4, 5]] },
    { eq: 'bij,bjk->bik', shapes: [[2, 3, 4], [2, 4, 2]] },
    { eq: 'ij->ji', shapes: [[3, 5]] },
    { eq: 'i,i->', shapes: [[7], [7]] },
    { eq: 'ij,j->i', shapes: [[4, 6], [6]] },
    { eq: 'ij->ij', shapes: [[2, 3]] },
  ];
  it('for several equations', async () => {
    let seed = 5000;
    for (const c of cases) {
      const inputs = c.shapes.map((s) => rand(s, seed++));
      const got = await runOn('wasm', tf.Einsum, inputs, { equation: c.eq });
      const ref = await runOn('cpu', tf.Einsum, inputs, { equation: c.eq });
      expectClose(got, ref, c.eq);
    }
  });
});

// --------------------------------------------------------------- tf.grad ----

/** Gradients of sum(f(a, b) * r) w.r.t. a and b on one backend (r fixed random). */
async function gradsOn(
  backend: 'cpu' | 'wasm',
  f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  a: HostTensor,
  b: HostTensor,
  rSeed: number,
): Promise<[HostTensor, HostTensor]> {
  await tf.setBackend(backend);
  const A = toTensor(a);
  const B = toTensor(b);
  const out = tf.tidy(() => {
    const yShape = tf.tidy(() => f(A, B).shape);
    const r = toTensor(rand(yShape, rSeed));
    return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), r)))([A, B]);
  });
  const host = out.map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape.slice(), dtype: 'float32' as const }));
  tf.dispose([A, B, ...out]);
  return host as [HostTensor, HostTensor];
}

describe('tf.grad on wasm matches cpu', () => {
  it('depthwiseConv2d w.r.t. input and filter', async () => {
    let seed = 6000;
    for (const stride of [1, 2] as const)
      for (const pad of ['same', 'valid', EXPLICIT_PAD] as Pad[])
        for (const mult of [1, 2]) {
          const x = rand([2, 7, 9, 3], seed++);
          const w = rand([3, 3, 3, mult], seed++);
          const f = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad as 'same');
          const [gxW, gwW] = await gradsOn('wasm', f, x, w, seed);
          const [gxC, gwC] = await gradsOn('cpu', f, x, w, seed++);
          const name = `depthwise s${stride} ${JSON.stringify(pad)} m${mult}`;
          expectClose(gxW, gxC, name + ' dx');
          expectClose(gwW, gwC, name + ' dw');
        }
  });

  it('conv2d w.r.t. input and filter', async () => {
    let seed = 7000;
    for (const stride of [1, 2] as const)
      for (const pad of ['same', 'valid', EXPLICIT_PAD] as Pad[]) {
        const x = rand([2, 7, 9, 3], seed++);
        const w = rand([3, 2, 3, 4], seed++);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad as 'same');
        const [gxW, gwW] = await gradsOn('wasm', f, x, w, seed);
        const [gxC, gwC] = await gradsOn('cpu', f, x, w, seed++);
        const name = `conv2d s${stride} ${JSON.stringify(pad)}`;
        expectClose(gxW, gxC, name + ' dx');
        expectClose(gwW, gwC, name + ' dw');
      }
  });

  it('gather w.r.t. the table (axis 0 and 1, repeated indices)', async () => {
    const idx = [3, 0, 3, 7, 1, 3];
    for (const axis of [0, 1]) {
      const table = rand(axis === 0 ? [9, 5] : [4, 9, 3], 8000 + axis);
      const results: HostTensor[] = [];
      for (const backend of ['wasm', 'cpu'] as const) {
        await tf.setBackend(backend);
        const t = toTensor(table);
        const g = tf.tidy(() => {
          const indices = tf.tensor1d(idx, 'int32');
          const yShape = tf.gather(t, indices, axis).shape;
          const r = toTensor(rand(yShape, 8100 + axis));
          return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, indices, axis), r)))(t);
        });
        results.push({ values: g.dataSync() as Float32Array, shape: g.shape.slice(), dtype: 'float32' });
        tf.dispose([t, g]);
      }
      expectClose(results[0]!, results[1]!, `gather axis ${axis}`);
      // Rows never gathered get zero gradient; row 3 (gathered 3x) is non-zero.
      const inner = axis === 0 ? 5 : 3;
      if (axis === 0) {
        expect(Array.from(results[0]!.values.subarray(2 * inner, 3 * inner))).toEqual([0, 0, 0, 0, 0]);
        expect(results[0]!.values.subarray(3 * inner, 4 * inner).some((v) => v !== 0)).toBe(true);
      }
    }
  });

  it('a depthwise-separable block end to end (Grad-CAM style input gradient)', async () => {
    const x = rand([1, 15, 15, 8], 9000);
    const dwF = rand([3, 3, 8, 1], 9001);
    const pw = rand([1, 1, 8, 6], 9002);
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const h = tf.relu(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'));
      return tf.conv2d(h, toTensor(pw) as tf.Tensor4D, 1, 'same');
    };
    const [gxW, gwW] = await gradsOn('wasm', f, x, dwF, 9003);
    const [gxC, gwC] = await gradsOn('cpu', f, x, dwF, 9003);
    expectClose(gxW, gxC, 'block dx');
    expectClose(gwW, gwC, 'block dw');
  });
});

// ---------------------------------------------------------------- memory ----

describe('no leaks on wasm', () => {
  const REPEATS = 20;

  async function expectNoLeak(name: string, fn: () => void): Promise<void> {
    await tf.setBackend('wasm');
    const prevIsTest = tf.env().getBool('IS_TEST');
    // With IS_TEST the engine also checks every kernel call for leaked backend data ids.
    tf.env().set('IS_TEST', true);
    try {
      fn(); // warm-up (lazy allocations such as operator caches are not tensors)
      const before = memorySnapshot();
      for (let i = 0; i < REPEATS; ++i) fn();
      expect(memorySnapshot(), name).toEqual(before);
    } finally {
      tf.env().set('IS_TEST', prevIsTest);
    }
  }

  it('kernels called directly', async () => {
    await tf.setBackend('wasm');
    const x = toTensor(rand([2, 7, 9, 3], 1));
    const xMult = toTensor(rand([2, 7, 9, 3], 2));
    const w = toTensor(rand([3, 3, 3, 2], 3));
    const dyDw = toTensor(rand([2, 4, 5, 6], 4)); // depthwise s2 'same' output, mult 2
    const dyConv = toTensor(rand([2, 4, 5, 4], 5)); // conv s2 'same' output, 4 channels
    const table = toTensor(rand([6, 4], 6));
    const ids = tf.tensor1d([1, 3, 3, -1, 12, 0], 'int32');
    const a = toTensor(rand([3, 4], 7));
    const b = toTensor(rand([4, 2], 8));
    const x1 = tf.slice(xMult, [0, 0, 0, 0], [1, 7, 9, 3]);
    const dy1 = tf.slice(dyDw, [0, 0, 0, 0], [1, 4, 5, 6]);
    const run = (k: string, inputs: object, attrs: object) => () =>
      tf.dispose(tf.engine().runKernel(k, inputs as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor);
    await expectNoLeak(
      'DepthwiseConv2dNativeBackpropInput',
      run(tf.DepthwiseConv2dNativeBackpropInput, { dy: dyDw, filter: w }, { strides: 2, dilations: 1, pad: 'same', inputShape: [2, 7, 9, 3] }),
    );
    await expectNoLeak(
      'DepthwiseConv2dNativeBackpropFilter',
      run(tf.DepthwiseConv2dNativeBackpropFilter, { x: xMult, dy: dyDw }, { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 3, 2] }),
    );
    await expectNoLeak(
      'DepthwiseConv2dNativeBackpropFilter (batch 1)',
      run(
        tf.DepthwiseConv2dNativeBackpropFilter,
        { x: x1, dy: dy1 },
        { strides: 2, dilations: 1, pad: 'same', filterShape: [3, 3, 3, 2] },
      ),
    );
    await expectNoLeak(
      'Conv2DBackpropFilter',
      run(tf.Conv2DBackpropFilter, { x, dy: dyConv }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }),
    );
    await expectNoLeak('UnsortedSegmentSum', run(tf.UnsortedSegmentSum, { x: table, segmentIds: ids }, { numSegments: 9 }));
    await expectNoLeak('Einsum', run(tf.Einsum, [a, b], { equation: 'ij,jk->ik' }));
    await expectNoLeak('Einsum (identity)', run(tf.Einsum, [a], { equation: 'ij->ij' }));
    tf.dispose([x, xMult, w, dyDw, dyConv, table, ids, a, b, x1, dy1]);
  });

  it('tf.grad through depthwiseConv2d, conv2d and gather', async () => {
    await tf.setBackend('wasm');
    const x = toTensor(rand([1, 9, 9, 4], 11));
    const wd = toTensor(rand([3, 3, 4, 2], 12));
    const wc = toTensor(rand([3, 3, 8, 5], 13));
    const table = toTensor(rand([20, 6], 14));
    const idx = tf.tensor1d([4, 4, 0, 19], 'int32');
    const g = tf.grads((xi: tf.Tensor, a: tf.Tensor, c: tf.Tensor) => {
      const h = tf.depthwiseConv2d(xi as tf.Tensor4D, a as tf.Tensor4D, 2, 'same');
      return tf.sum(tf.conv2d(h, c as tf.Tensor4D, 1, 'valid'));
    });
    await expectNoLeak('grad depthwise+conv', () => tf.dispose(g([x, wd, wc])));
    const gg = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, idx)));
    await expectNoLeak('grad gather', () => tf.dispose(gg(table)));
    tf.dispose([x, wd, wc, table, idx]);
  });
});
