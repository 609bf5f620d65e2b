// The executor on small graphs written with the package's own model writer (no ../shared needed):
// the writer/parser round trip, feeding any intermediate tensor and reading any tensor, int64 Slice
// bounds, If running only the taken branch, host shape arithmetic, the straight-through gradients of
// the quantization ops, error messages and memory.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { buildModel, decodeModel, OnnxSession, parseModel, Value, type ModelSpec, type TensorData } from '../src/index.js';
import { maxAbsDiff, seeded, tensorDelta } from './helpers.js';

const f32 = (dims: number[], data: ArrayLike<number>): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(data) });
const i64 = (data: number[]): TensorData => ({ dtype: 'int64', dims: [data.length], data });

/** y = relu(x·W + b) → z = z1 + tanh(y), with named intermediates. */
const mlp: ModelSpec = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
  outputs: [{ name: 'z', dtype: 'float32', shape: ['batch', 3] }],
  initializers: { W: f32([4, 3], seeded(12, 1)), b: f32([3], [0.1, -0.2, 0.3]) },
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
    { op: 'Add', inputs: ['xw', 'b'], outputs: ['pre'] },
    { op: 'Relu', inputs: ['pre'], outputs: ['y'] },
    { op: 'Tanh', inputs: ['y'], outputs: ['t'] },
    { op: 'Add', inputs: ['y', 't'], outputs: ['z'] },
  ],
};

describe.each(['wasm', 'cpu'] as const)('executor on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('writes and parses models with the official field numbers', () => {
    const bytes = buildModel(mlp);
    const raw = decodeModel(bytes);
    expect(raw.graph!.node.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Relu', 'Tanh', 'Add']);
    const m = parseModel(bytes);
    expect(m.opsets.get('')).toBe(17);
    expect(m.graph.inputs[0]).toEqual({ name: 'x', kind: 'tensor', dtype: 'float32', shape: ['batch', 4] });
    expect(Array.from(m.graph.initializers.get('b')!.data as Float32Array)).toEqual(Array.from(Float32Array.from([0.1, -0.2, 0.3])));
    // Field 1 of NodeProto is `input`, 4 is `op_type`: the first node's bytes start with them.
    const nodeBytes = buildModel({ ...mlp, nodes: [mlp.nodes[0]!], outputs: [{ name: 'xw', dtype: 'float32' }] });
    expect(parseModel(nodeBytes).graph.nodes[0]!.inputs).toEqual(['x', 'W']);
  });

  it('feeds any intermediate tensor (the cut) and reads any tensor, including initializers', () => {
    const s = OnnxSession.fromBytes(buildModel(mlp));
    const x = tf.tensor2d(seeded(8, 2), [2, 4]);
    const all = s.run({ x }, ['xw', 'y', 'z', 'W']);
    const y = all['y']!;
    // Head only: feed y, get z; the producers of y do not run (x is not needed).
    const z = s.run({ y }, ['z'])['z']!;
    expect(maxAbsDiff(z.dataSync(), all['z']!.dataSync())).toBe(0);
    expect(Array.from(all['W']!.dataSync())).toEqual(Array.from(Float32Array.from(seeded(12, 1))));
    // A fed intermediate wins over its producer even when other inputs are present.
    const y2 = tf.mul(y, 2);
    const z2 = s.run({ x, y: y2 }, ['z'])['z']!;
    const expected = tf.add(y2, tf.tanh(y2));
    expect(maxAbsDiff(z2.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
    expect(() => s.run({ x }, ['nope'])).toThrow(/unknown tensor 'nope'/);
    expect(() => s.run({}, ['z'])).toThrow(/graph input 'x' is needed but was not fed/);
    expect(() => s.run({ x: tf.zeros([2, 5]) }, ['z'])).toThrow(/'x' expects shape \[\?, 4\]|expects shape \[batch, 4\]/);
    tf.dispose([x, y2, z, z2, expected, ...Object.values(all)]);
    s.dispose();
  });

  it('differentiates with respect to a fed intermediate', () => {
    const s = OnnxSession.fromBytes(buildModel(mlp));
    const y = tf.tensor2d([0.5, -1, 2, 0, 1, 3], [2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(s.run({ y: v }, ['z'])['z']!))(y);
    const want = tf.grad((v: tf.Tensor) => tf.sum(tf.add(v, tf.tanh(v))))(y);
    expect(maxAbsDiff(g.dataSync(), want.dataSync())).toBeLessThan(1e-6);
    tf.dispose([y, g, want]);
    s.dispose();
  });

  it('leaves tf.memory().numTensors unchanged over repeated calls, and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const s = OnnxSession.fromBytes(buildModel(mlp));
    const x = tf.tensor2d(seeded(8, 3), [2, 4]);
    const delta = tensorDelta(() => {
      for (let i = 0; i < 20; i++) {
        tf.dispose(Object.values(s.run({ x }, ['z', 'y', 'W'])));
        s.runToData({ x });
        const g = tf.grad((v: tf.Tensor) => tf.sum(s.run({ x: v })['z']!))(x);
        g.dispose();
      }
    });
    expect(delta).toBe(0);
    x.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Slice clamps int64 bounds: INT64_MAX means "to the end", INT64_MIN with a negative step "to the start"', () => {
    const model: ModelSpec = {
      opset: 13,
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 6] }],
      outputs: [
        { name: 'a', dtype: 'float32' },
        { name: 'b', dtype: 'float32' },
      ],
      initializers: {
        s1: i64([1]),
        e1: i64([9223372036854775807]),
        ax: i64([1]),
        s2: i64([-2]),
        e2: i64([-9223372036854775808]),
        st2: i64([-2]),
      },
      nodes: [
        { op: 'Slice', inputs: ['x', 's1', 'e1', 'ax'], outputs: ['a'] },
        { op: 'Slice', inputs: ['x', 's2', 'e2', 'ax', 'st2'], outputs: ['b'] },
      ],
    };
    const s = OnnxSession.fromBytes(buildModel(model));
    const out = s.runToData({ x: f32([2, 6], [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]) }, ['a', 'b']);
    expect(Array.from((out['a'] as TensorData).data as Float64Array)).toEqual([1, 2, 3, 4, 5, 11, 12, 13, 14, 15]);
    expect(Array.from((out['b'] as TensorData).data as Float64Array)).toEqual([4, 2, 0, 14, 12, 10]);
    s.dispose();
  });

  it('If runs only the selected branch (the other may even hold an unsupported op)', () => {
    const branch = (name: string, op: string): ModelSpec['nodes'][number]['attrs'] => ({
      [name]: { nodes: [{ op, inputs: ['x'], outputs: [`${name}_out`] }], inputs: [], outputs: [{ name: `${name}_out`, dtype: 'float32' }] },
    });
    const model: ModelSpec = {
      opset: 17,
      inputs: [
        { name: 'cond', dtype: 'bool', shape: [1] },
        { name: 'x', dtype: 'float32', shape: [3] },
      ],
      outputs: [{ name: 'y', dtype: 'float32' }],
      nodes: [
        { op: 'If', inputs: ['cond'], outputs: ['y'], attrs: { ...branch('then_branch', 'Exp'), ...branch('else_branch', 'NotARealOp') } },
      ],
    };
    const s = OnnxSession.fromBytes(buildModel(model));
    const x = tf.tensor1d([0, 1, 2]);
    const y = s.run({ cond: { dtype: 'bool', dims: [1], data: [1] }, x })['y']!;
    expect(maxAbsDiff(y.dataSync(), [1, Math.E, Math.exp(2)])).toBeLessThan(1e-5);
    const g = tf.grad((v: tf.Tensor) => tf.sum(s.run({ cond: { dtype: 'bool', dims: [1], data: [1] }, x: v })['y']!))(x);
    expect(maxAbsDiff(g.dataSync(), [1, Math.E, Math.exp(2)])).toBeLessThan(1e-5);
    expect(() => s.run({ cond: { dtype: 'bool', dims: [1], data: [0] }, x })).toThrow(/NotARealOp is not supported/);
    tf.dispose([x, y, g]);
    s.dispose();
  });

  it('keeps shape arithmetic on the host: Shape → Gather → Concat → Reshape works for any batch', () => {
    const model: ModelSpec = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: ['n', 'seq', 4] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: { zero: i64([0]), rest: i64([2, 2]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
        { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['n'] },
        { op: 'Shape', inputs: ['x'], outputs: ['shape2'], attrs: { start: 1, end: 2 } },
        { op: 'Concat', inputs: ['n', 'shape2', 'rest'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
      ],
    };
    const s = OnnxSession.fromBytes(buildModel(model));
    for (const [n, seq] of [[1, 3], [4, 5]] as const) {
      const x = tf.tensor3d(seeded(n * seq * 4, n), [n, seq, 4]);
      tf.tidy(() => {
        const [target, y] = s.execute({ x }, ['target', 'y']) as Value[];
        expect(target!.isHost).toBe(true);
        expect(Array.from(target!.numbers())).toEqual([n, seq, 2, 2]);
        expect(y!.shape).toEqual([n, seq, 2, 2]);
      });
      x.dispose();
    }
    s.dispose();
  });

  it('dynamic quantization: forward as specified, straight-through gradient = dequantized weights', () => {
    // y = DequantizedMatMul(x, Wq) the way ONNX Runtime's dynamic quantizer writes it.
    const wq = [12, -7, 3, 100, -128, 5, 0, 64, -33, 7, 90, -1];
    const model: ModelSpec = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: ['n', 4] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: {
        Wq: { dtype: 'int8', dims: [4, 3], data: wq },
        Wzp: { dtype: 'int8', dims: [], data: [0] },
        Ws: f32([], [0.02]),
      },
      nodes: [
        { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xzp'] },
        { op: 'MatMulInteger', inputs: ['xq', 'Wq', 'xzp', 'Wzp'], outputs: ['acc'] },
        { op: 'Cast', inputs: ['acc'], outputs: ['accf'], attrs: { to: 1 } },
        { op: 'Mul', inputs: ['xs', 'Ws'], outputs: ['scale'] },
        { op: 'Mul', inputs: ['accf', 'scale'], outputs: ['y'] },
      ],
    };
    const s = OnnxSession.fromBytes(buildModel(model));
    const xv = seeded(8, 4, -2, 3);
    const x = tf.tensor2d(xv, [2, 4]);
    // Reference forward, per the ONNX spec of DynamicQuantizeLinear (round half to even).
    const lo = Math.min(0, ...xv);
    const hi = Math.max(0, ...xv);
    const sc = Math.fround((hi - lo) / 255);
    const rne = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
    const zp = Math.min(255, Math.max(0, rne(-lo / sc)));
    const q = Array.from(xv, (v) => Math.min(255, Math.max(0, rne(Math.fround(v / sc)) + zp)));
    const want: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) acc += (q[r * 4 + k]! - zp) * wq[k * 3 + c]!;
        want.push(acc * Math.fround(sc * 0.02));
      }
    }
    const out = s.run({ x }, ['y', 'xq'])!;
    expect(maxAbsDiff(out['y']!.dataSync(), want)).toBeLessThan(1e-5);
    expect(Array.from(out['xq']!.dataSync())).toEqual(q);
    expect(out['xq']!.dtype).toBe('int32');
    // Straight-through: dy/dx = dequantized W, i.e. the gradient of x · (Wq · 0.02).
    const g = tf.grad((v: tf.Tensor) => tf.sum(s.run({ x: v })['y']!))(x);
    const wDeq = tf.mul(tf.tensor2d(wq, [4, 3]), 0.02);
    const gWant = tf.grad((v: tf.Tensor) => tf.sum(tf.matMul(v as tf.Tensor2D, wDeq as tf.Tensor2D)))(x);
    expect(maxAbsDiff(g.dataSync(), gWant.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, g, wDeq, gWant, ...Object.values(out)]);
    s.dispose();
  });

  it('folds constant subgraphs once at load', () => {
    const model: ModelSpec = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', shape: [2, 2] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: { W: f32([2, 2], [1, 2, 3, 4]) },
      nodes: [
        { op: 'Transpose', inputs: ['W'], outputs: ['Wt'] },
        { op: 'MatMul', inputs: ['x', 'Wt'], outputs: ['y'] },
      ],
    };
    const s = OnnxSession.fromBytes(buildModel(model));
    expect(s.isConstant('Wt')).toBe(true);
    expect(s.isConstant('y')).toBe(false);
    const y = s.run({ x: tf.eye(2) })['y']!;
    expect(Array.from(y.dataSync())).toEqual([1, 3, 2, 4]);
    y.dispose();
    s.dispose();
  });
});
