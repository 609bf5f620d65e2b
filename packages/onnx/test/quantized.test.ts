// Dynamically quantized models — what the default (non-fp32) Xenova files contain — against
// onnxruntime-node run live on the same files (skipped without ../shared). The quantized files are
// made here from ../shared's fp32 models the way ONNX Runtime's dynamic quantizer rewrites them:
// every MatMul/Gemm/Conv with a constant weight becomes DynamicQuantizeLinear → MatMulInteger/ConvInteger
// → Cast → Mul by the two scales (uint8 weights, zero point 128).
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import ort from 'onnxruntime-node';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '@gradcam/core';
import { decodeModel, encodeModel, OnnxSession, tensorFromProto, tensorToProto, type TensorData } from '../src/index.js';
import type { GraphProtoMsg, NodeProtoMsg, TensorProtoMsg } from '../src/proto.js';
import { describeShared, feedsOf, loadReference, maxAbsDiff, type RefCase } from './helpers.js';

function node(opType: string, input: string[], output: string[], attribute: object[] = []): NodeProtoMsg {
  return { opType, input, output, name: `${opType}_${output[0]}`, domain: '', attribute } as unknown as NodeProtoMsg;
}

/** ONNX Runtime-style dynamic quantization of the MatMul, Gemm (no transposition, unit alpha/beta) and Conv nodes with initializer weights. */
function quantizeDynamic(bytes: Uint8Array): { bytes: Uint8Array; matmuls: number; convs: number } {
  const model = decodeModel(bytes);
  const g = model.graph as GraphProtoMsg;
  const inits = new Map<string, TensorProtoMsg>(g.initializer.map((t) => [t.name, t]));
  const added: TensorProtoMsg[] = [];
  const nodes: NodeProtoMsg[] = [];
  let matmuls = 0;
  let convs = 0;
  for (const n of g.node) {
    const wName = n.input[1] ?? '';
    const w = inits.get(wName);
    const plainGemm = n.opType === 'Gemm' && n.attribute.every((a) => (a.name === 'alpha' || a.name === 'beta' ? a.f === 1 : false));
    const isMatMul = (n.opType === 'MatMul' || plainGemm) && w && w.dims.length === 2;
    const isConv = n.opType === 'Conv' && w;
    if (!isMatMul && !isConv) {
      nodes.push(n);
      continue;
    }
    const wd = tensorFromProto(w);
    const vals = wd.data as Float32Array;
    let lo = 0;
    let hi = 0;
    for (const v of vals) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const scale = Math.fround((hi - lo) / 255);
    const zp = 128;
    const q: TensorData = { dtype: 'uint8', dims: wd.dims, data: Array.from(vals, (v) => Math.min(255, Math.max(0, Math.round(v / scale) + zp))) };
    // The uint8 grid must contain the weights' range around zp 128; widen the scale if needed.
    const fits = vals.every((v) => Math.abs(Math.round(v / scale)) <= 127);
    const s = fits ? scale : Math.fround(Math.max(-lo, hi) / 127);
    if (!fits) q.data = Array.from(vals, (v) => Math.min(255, Math.max(0, Math.round(v / s) + zp)));
    const base = `${n.output[0]}_q`;
    added.push(
      tensorToProto(q, `${base}_W`) as unknown as TensorProtoMsg,
      tensorToProto({ dtype: 'uint8', dims: [], data: [zp] }, `${base}_Wzp`) as unknown as TensorProtoMsg,
      tensorToProto({ dtype: 'float32', dims: [], data: [s] }, `${base}_Ws`) as unknown as TensorProtoMsg,
    );
    nodes.push(node('DynamicQuantizeLinear', [n.input[0]!], [`${base}_x`, `${base}_xs`, `${base}_xzp`]));
    if (isMatMul) {
      matmuls++;
      nodes.push(node('MatMulInteger', [`${base}_x`, `${base}_W`, `${base}_xzp`, `${base}_Wzp`], [`${base}_acc`]));
    } else {
      convs++;
      nodes.push(node('ConvInteger', [`${base}_x`, `${base}_W`, `${base}_xzp`, `${base}_Wzp`], [`${base}_acc`], n.attribute));
    }
    nodes.push(node('Cast', [`${base}_acc`], [`${base}_accf`], [{ name: 'to', type: 2, i: 1 }]));
    nodes.push(node('Mul', [`${base}_xs`, `${base}_Ws`], [`${base}_s`]));
    if (isConv && n.input[2]) {
      nodes.push(node('Mul', [`${base}_accf`, `${base}_s`], [`${base}_nob`]));
      const m = wd.dims[0]!;
      added.push(tensorToProto({ dtype: 'int64', dims: [4], data: [1, m, 1, 1] }, `${base}_bshape`) as unknown as TensorProtoMsg);
      nodes.push(node('Reshape', [n.input[2], `${base}_bshape`], [`${base}_b`]));
      nodes.push(node('Add', [`${base}_nob`, `${base}_b`], [n.output[0]!]));
    } else if (n.opType === 'Gemm' && n.input[2]) {
      nodes.push(node('Mul', [`${base}_accf`, `${base}_s`], [`${base}_nob`]));
      nodes.push(node('Add', [`${base}_nob`, n.input[2]], [n.output[0]!]));
    } else nodes.push(node('Mul', [`${base}_accf`, `${base}_s`], [n.output[0]!]));
  }
  g.node = nodes;
  g.initializer.push(...added);
  return { bytes: encodeModel(model), matmuls, convs };
}

function ortFeeds(c: RefCase): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    const data = v.dtype === 'int64' ? BigInt64Array.from(v.data.map((x) => BigInt(x))) : Float32Array.from(v.data);
    feeds[k] = new ort.Tensor(v.dtype as 'float32', data as Float32Array, v.dims);
  }
  return feeds;
}

const MODELS: Array<[name: string, minMatMuls: number, minConvs: number]> = [
  ['tiny-vit-gpt2.encoder_model', 8, 1],
  ['tiny-vit-gpt2.decoder_model', 8, 0],
  ['tiny-clip.model', 16, 1],
];

describeShared('dynamically quantized models vs onnxruntime-node', ['models/onnx-reference', 'models/tiny-clip/onnx/model.onnx'], (shared) => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each(MODELS)('%s: quantized outputs equal onnxruntime’s', async (name, minMatMuls, minConvs) => {
    const ref = loadReference(shared, name);
    const q = quantizeDynamic(readFileSync(join(shared, 'models', ref.model)));
    expect(q.matmuls).toBeGreaterThanOrEqual(minMatMuls);
    expect(q.convs).toBeGreaterThanOrEqual(minConvs);
    const runtime = await ort.InferenceSession.create(q.bytes, { logSeverityLevel: 3 });
    const session = OnnxSession.fromBytes(q.bytes);
    const before = tf.memory().numTensors;
    for (const c of ref.cases) {
      const want = await runtime.run(ortFeeds(c));
      const got = session.runToData(feedsOf(c), Object.keys(c.outputs));
      for (const k of Object.keys(c.outputs)) {
        const w = want[k]!.data as Float32Array;
        const g = (got[k] as TensorData).data as Float64Array;
        // Quantization moved the outputs away from the fp32 reference, but not from ONNX Runtime.
        const scale = Math.max(...Array.from(w, Math.abs));
        expect(maxAbsDiff(g, w) / scale, `${name} ${k}`).toBeLessThan(1e-5);
        expect(maxAbsDiff(w, c.outputs[k]!.data)).toBeGreaterThan(1e-6);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    session.dispose();
  });
});
