// Realistic-size random-weight ONNX graphs written with @gradcam/onnx's model writer (shared by
// onnx-forward.mjs and suites/onnx-cut.mjs): a ResNet-18-style CNN and a ViT-S/16-sized encoder.
import { buildModel } from '@gradcam/onnx';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const rand = rng(1);
export const randn = (n, scale) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
const f32 = (dims, scale) => ({ dtype: 'float32', dims, data: randn(dims.reduce((a, b) => a * b, 1), scale) });
const i64 = (data) => ({ dtype: 'int64', dims: [data.length], data });

/** ResNet-18-like: conv7×7/2 → maxpool → 4 stages of 2 basic blocks (64…512) → GAP → fc 1000. */
export function resnetLike() {
  const nodes = [];
  const inits = {};
  let id = 0;
  const conv = (x, cin, cout, k, stride, relu = true) => {
    const n = `c${id++}`;
    inits[`${n}.w`] = f32([cout, cin, k, k], Math.sqrt(2 / (cin * k * k)));
    inits[`${n}.b`] = f32([cout], 0.01);
    const p = Math.floor(k / 2);
    nodes.push({ op: 'Conv', inputs: [x, `${n}.w`, `${n}.b`], outputs: [`${n}.y`], attrs: { kernel_shape: [k, k], strides: [stride, stride], pads: [p, p, p, p] } });
    if (!relu) return `${n}.y`;
    nodes.push({ op: 'Relu', inputs: [`${n}.y`], outputs: [`${n}.r`] });
    return `${n}.r`;
  };
  let x = conv('pixel_values', 3, 64, 7, 2);
  nodes.push({ op: 'MaxPool', inputs: [x], outputs: ['pool'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
  x = 'pool';
  let cin = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let b = 0; b < 2; b++) {
      const s = b === 0 ? stride : 1;
      const y = conv(conv(x, cin, cout, 3, s), cout, cout, 3, 1, false);
      const skip = s !== 1 || cin !== cout ? conv(x, cin, cout, 1, s, false) : x;
      const n = `add${id++}`;
      nodes.push({ op: 'Add', inputs: [y, skip], outputs: [n] }, { op: 'Relu', inputs: [n], outputs: [`${n}.r`] });
      x = `${n}.r`;
      cin = cout;
    }
  }
  nodes.push({ op: 'GlobalAveragePool', inputs: [x], outputs: ['gap'] }, { op: 'Flatten', inputs: ['gap'], outputs: ['flat'] });
  inits['fc.w'] = f32([1000, 512], 0.05);
  inits['fc.b'] = f32([1000], 0.01);
  nodes.push({ op: 'Gemm', inputs: ['flat', 'fc.w', 'fc.b'], outputs: ['logits'], attrs: { transB: 1 } });
  return {
    bytes: buildModel({
      opset: 17,
      inputs: [{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1000] }],
      initializers: inits,
      nodes,
    }),
    feeds: { pixel_values: [[1, 3, 224, 224], randn(3 * 224 * 224, 1)] },
  };
}

/** ViT-S/16-sized encoder: patch conv → CLS + positions → 12 × (LN, 6-head attention, LN, GELU MLP) → LN. */
export function vitLike({ extraOutputs = [], onlyOutputs = null } = {}) {
  const D = 384;
  const H = 6;
  const L = 12;
  const T = 197;
  const nodes = [];
  const inits = {
    'patch.w': f32([D, 3, 16, 16], 0.02),
    'patch.b': f32([D], 0.01),
    cls: f32([1, 1, D], 0.02),
    pos: f32([1, T, D], 0.02),
    flat_shape: i64([1, D, 196]),
    heads_shape: i64([1, T, H, D / H]),
    merge_shape: i64([1, T, D]),
    scale: { dtype: 'float32', dims: [], data: [1 / Math.sqrt(D / H)] },
    sqrt2: { dtype: 'float32', dims: [], data: [Math.SQRT2] },
    one: { dtype: 'float32', dims: [], data: [1] },
    half: { dtype: 'float32', dims: [], data: [0.5] },
  };
  nodes.push(
    { op: 'Conv', inputs: ['pixel_values', 'patch.w', 'patch.b'], outputs: ['pe'], attrs: { kernel_shape: [16, 16], strides: [16, 16] } },
    { op: 'Reshape', inputs: ['pe', 'flat_shape'], outputs: ['pe2'] },
    { op: 'Transpose', inputs: ['pe2'], outputs: ['tok'], attrs: { perm: [0, 2, 1] } },
    { op: 'Concat', inputs: ['cls', 'tok'], outputs: ['withcls'], attrs: { axis: 1 } },
    { op: 'Add', inputs: ['withcls', 'pos'], outputs: ['h0'] },
  );
  const ln = (x, n) => {
    inits[`${n}.g`] = { dtype: 'float32', dims: [D], data: new Float32Array(D).fill(1) };
    inits[`${n}.b`] = f32([D], 0.01);
    nodes.push({ op: 'LayerNormalization', inputs: [x, `${n}.g`, `${n}.b`], outputs: [`${n}.y`], attrs: { axis: -1, epsilon: 1e-6 } });
    return `${n}.y`;
  };
  const linear = (x, n, din, dout) => {
    inits[`${n}.w`] = f32([din, dout], 1 / Math.sqrt(din));
    inits[`${n}.b`] = f32([dout], 0.01);
    nodes.push({ op: 'MatMul', inputs: [x, `${n}.w`], outputs: [`${n}.m`] }, { op: 'Add', inputs: [`${n}.m`, `${n}.b`], outputs: [`${n}.y`] });
    return `${n}.y`;
  };
  let h = 'h0';
  for (let l = 0; l < L; l++) {
    const p = `l${l}`;
    const a = ln(h, `${p}.ln1`);
    const heads = (name) => {
      const y = linear(a, `${p}.${name}`, D, D);
      nodes.push(
        { op: 'Reshape', inputs: [y, 'heads_shape'], outputs: [`${p}.${name}.r`] },
        { op: 'Transpose', inputs: [`${p}.${name}.r`], outputs: [`${p}.${name}.t`], attrs: { perm: name === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3] } },
      );
      return `${p}.${name}.t`;
    };
    const q = heads('q');
    const k = heads('k');
    const v = heads('v');
    nodes.push(
      { op: 'MatMul', inputs: [q, k], outputs: [`${p}.qk`] },
      { op: 'Mul', inputs: [`${p}.qk`, 'scale'], outputs: [`${p}.qks`] },
      { op: 'Softmax', inputs: [`${p}.qks`], outputs: [`${p}.att`], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: [`${p}.att`, v], outputs: [`${p}.ctx`] },
      { op: 'Transpose', inputs: [`${p}.ctx`], outputs: [`${p}.ctxt`], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Reshape', inputs: [`${p}.ctxt`, 'merge_shape'], outputs: [`${p}.merged`] },
    );
    const o = linear(`${p}.merged`, `${p}.o`, D, D);
    nodes.push({ op: 'Add', inputs: [h, o], outputs: [`${p}.res1`] });
    const m = ln(`${p}.res1`, `${p}.ln2`);
    const up = linear(m, `${p}.fc1`, D, 4 * D);
    nodes.push(
      { op: 'Div', inputs: [up, 'sqrt2'], outputs: [`${p}.g1`] },
      { op: 'Erf', inputs: [`${p}.g1`], outputs: [`${p}.g2`] },
      { op: 'Add', inputs: [`${p}.g2`, 'one'], outputs: [`${p}.g3`] },
      { op: 'Mul', inputs: [up, `${p}.g3`], outputs: [`${p}.g4`] },
      { op: 'Mul', inputs: [`${p}.g4`, 'half'], outputs: [`${p}.gelu`] },
    );
    const down = linear(`${p}.gelu`, `${p}.fc2`, 4 * D, D);
    nodes.push({ op: 'Add', inputs: [`${p}.res1`, down], outputs: [`${p}.out`] });
    h = `${p}.out`;
  }
  const out = ln(h, 'final');
  nodes.push({ op: 'Identity', inputs: [out], outputs: ['last_hidden_state'] });
  return {
    bytes: buildModel({
      opset: 17,
      inputs: [{ name: 'pixel_values', dtype: 'float32', shape: [1, 3, 224, 224] }],
      outputs: (onlyOutputs ?? ['last_hidden_state', ...extraOutputs]).map((name) => ({ name, dtype: 'float32', shape: [1, T, D] })),
      initializers: inits,
      nodes,
    }),
    feeds: { pixel_values: [[1, 3, 224, 224], randn(3 * 224 * 224, 1)] },
  };
}

