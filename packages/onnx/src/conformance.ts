/**
 * Runner for the ONNX backend conformance suite (`onnx/backend/test/data/node`: one directory per
 * test with `model.onnx` and `test_data_set_N/{input,output}_K.pb`). Node-only (reads files).
 *
 * Each test runs twice: inputs fed as tfjs tensors (the path model weights and images take) and as
 * plain data (small integer inputs then stay on the host, the shape-arithmetic path). Outputs are
 * compared with the suite's tolerances (rtol 1e-3, atol 1e-7; integers, booleans and strings
 * exactly) and must have the expected ONNX type and shape.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { dtypeFromCode, isFloat, type DType } from './dtypes.js';
import { OnnxSession, type Feed } from './executor.js';
import { parseModel, type OnnxModel, type ValueInfo } from './model.js';
import {
  decodeOptionalProto,
  decodeSequenceProto,
  decodeTensorProto,
  type OptionalProtoMsg,
  type SequenceProtoMsg,
} from './proto.js';
import { makeTensor, Value, type OptionalValue, type RuntimeValue, type SequenceValue } from './value.js';
import { tensorFromProto, toFloat64, type TensorData } from './tensor-data.js';

/** One test of the suite. */
export interface ConformanceCase {
  /** Test name (directory), e.g. `test_add_bcast`. */
  name: string;
  dir: string;
  /** The operator it tests (the op of `test_x` for `test_x_expanded`). */
  op: string;
}

/** Outcome of one test. */
export interface ConformanceResult {
  test: string;
  op: string;
  status: 'pass' | 'fail' | 'excluded';
  /** Failure message, or the reason of an exclusion. */
  detail?: string;
}

/** Per-op summary row. */
export interface OpSummary {
  op: string;
  pass: number;
  fail: number;
  excluded: number;
  failures: ConformanceResult[];
  exclusions: ConformanceResult[];
}

/** Plain data of a test value: a tensor, a sequence of values, or an optional (null = empty). */
type Data = TensorData | Data[] | { optional: Data | null };

const RANDOM_TESTS: Record<string, string> = {
  test_bernoulli: 'random (reference values come from numpy’s generator)',
  test_bernoulli_double: 'random (reference values come from numpy’s generator)',
  test_bernoulli_seed: 'random (reference values come from numpy’s generator)',
  test_bernoulli_expanded: 'random (reference values come from numpy’s generator)',
  test_bernoulli_double_expanded: 'random (reference values come from numpy’s generator)',
  test_bernoulli_seed_expanded: 'random (reference values come from numpy’s generator)',
  test_training_dropout: 'training-mode dropout is random (numpy’s generator); inference only',
  test_training_dropout_default: 'training-mode dropout is random (numpy’s generator); inference only',
  test_training_dropout_default_mask: 'training-mode dropout is random (numpy’s generator); inference only',
  test_training_dropout_mask: 'training-mode dropout is random (numpy’s generator); inference only',
};

/**
 * The op scope gradcam commits to: the ops of ViT, GPT-2, CLIP, BERT-style encoders and ResNet/
 * MobileNet CNNs as exported by optimum at opsets 11–18, plus dynamic quantization. Every
 * conformance test of these ops passes, except variants of types tfjs lacks.
 */
export const CORE_OPS: readonly string[] = [
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Erf', 'Tanh', 'Sigmoid', 'Exp', 'Relu', 'Softmax', 'MatMul', 'Gemm',
  'Conv', 'Transpose', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'Expand',
  'Shape', 'ConstantOfShape', 'Range', 'Where', 'Equal', 'Cast', 'ReduceMean', 'ReduceL2', 'ArgMax', 'Trilu',
  'LayerNormalization', 'GlobalAveragePool', 'MaxPool', 'AveragePool', 'BatchNormalization', 'Clip', 'Identity',
  'Constant', 'If', 'DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger', 'DequantizeLinear',
];

/** Tests whose recorded outputs do not follow from their model (bugs of the onnx 1.12 suite). */
const INCONSISTENT_TESTS: Record<string, string> = {
  test_adam_multiple:
    'suite bug: the expected outputs were computed with epsilon = 1e-2, which the node does not declare (its default applies)',
};

/** Lists the tests of a suite directory (sorted), with the op each tests. */
export function listConformanceTests(root: string): ConformanceCase[] {
  const names = readdirSync(root).filter((n) => existsSync(join(root, n, 'model.onnx'))).sort();
  const opOf = new Map<string, string>();
  const models = new Map<string, OnnxModel>();
  for (const n of names) {
    let m: OnnxModel;
    try {
      m = parseModel(readFileSync(join(root, n, 'model.onnx')));
    } catch {
      continue;
    }
    models.set(n, m);
    const ops = m.graph.nodes.map((x) => (x.domain ? `${x.domain}::${x.opType}` : x.opType));
    const main = ops.filter((o) => o !== 'Constant');
    if (ops.length === 1) opOf.set(n, ops[0]!);
    else if (new Set(main).size === 1) opOf.set(n, main[0]!);
  }
  return names.map((n) => {
    let op = opOf.get(n);
    if (!op && n.endsWith('_expanded')) op = opOf.get(n.slice(0, -'_expanded'.length));
    if (!op) {
      // Expanded function bodies whose base test is absent: name the op by the test's prefix.
      op = n.replace(/^test_/, '').replace(/_expanded$/, '');
    }
    return { name: n, dir: join(root, n), op };
  });
}

function readData(file: string, info: ValueInfo | undefined): Data {
  const bytes = readFileSync(file);
  const kind = info?.kind ?? 'tensor';
  if (kind === 'sequence') return seqData(decodeSequenceProto(bytes));
  if (kind === 'optional') return optData(decodeOptionalProto(bytes));
  const t = tensorFromProto(decodeTensorProto(bytes));
  // The onnx 1.12 suite stores bfloat16 values as their uint16 bit patterns.
  if (info?.dtype === 'bfloat16' && t.dtype === 'uint16') {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const data = Float64Array.from(t.data as Float64Array, (bits) => {
      u[0] = (bits << 16) >>> 0;
      return f[0]!;
    });
    return { dtype: 'bfloat16', dims: t.dims, data };
  }
  return t;
}

function seqData(s: SequenceProtoMsg): Data[] {
  if (s.elemType === 3) return s.sequenceValues.map(seqData);
  if (s.elemType === 5) return s.optionalValues.map(optData);
  return s.tensorValues.map((t) => tensorFromProto(t));
}

function optData(o: OptionalProtoMsg): { optional: Data | null } {
  if (o.elemType === 1 && o.tensorValue) return { optional: tensorFromProto(o.tensorValue) };
  if (o.elemType === 3 && o.sequenceValue) return { optional: seqData(o.sequenceValue) };
  if (o.elemType === 5 && o.optionalValue) return { optional: optData(o.optionalValue) };
  return { optional: null };
}

function toRuntime(d: Data, asTensor: boolean): RuntimeValue | Feed {
  if (Array.isArray(d)) return { kind: 'sequence', items: d.map((x) => toRuntime(x, asTensor) as Value) } as SequenceValue;
  if ('optional' in d) {
    return { kind: 'optional', value: d.optional === null ? undefined : (toRuntime(d.optional, asTensor) as Value) } as OptionalValue;
  }
  if (!asTensor || d.dtype === 'string') return Value.fromData(d, true);
  return Value.fromTensor(makeTensor(toFloat64(d.data), d.dims, d.dtype), d.dtype);
}

function readBack(v: TensorData | TensorData[] | null): Data {
  if (v === null) return { optional: null };
  return v;
}

/** Compares an actual value with the expected one; returns a message when they differ. */
export function compareData(expected: Data, actual: Data, rtol = 1e-3, atol = 1e-7): string | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return 'expected a sequence';
    if (expected.length !== actual.length) return `sequence length ${actual.length}, expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = compareData(expected[i]!, actual[i]!, rtol, atol);
      if (m) return `item ${i}: ${m}`;
    }
    return undefined;
  }
  if ('optional' in expected) {
    const inner = Array.isArray(actual) || !('optional' in actual) ? actual : actual.optional;
    if (expected.optional === null) return inner === null ? undefined : 'expected an empty optional';
    if (inner === null) return 'got an empty optional';
    return compareData(expected.optional, inner, rtol, atol);
  }
  if (Array.isArray(actual) || 'optional' in actual) return 'expected a tensor';
  if (expected.dims.join() !== actual.dims.join()) return `shape [${actual.dims}], expected [${expected.dims}]`;
  if (expected.dtype !== actual.dtype) return `type ${actual.dtype}, expected ${expected.dtype}`;
  if (expected.dtype === 'string') {
    const e = expected.data as string[];
    const a = actual.data as string[];
    const i = e.findIndex((s, k) => s !== a[k]);
    return i >= 0 ? `string ${i}: '${a[i]}', expected '${e[i]}'` : undefined;
  }
  const e = toFloat64(expected.data);
  const a = toFloat64(actual.data);
  const float = isFloat(expected.dtype);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < e.length; i++) {
    const x = e[i]!;
    const y = a[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `element ${i}: ${y}, expected ${x}`;
      continue;
    }
    if (x === y) continue;
    if (!float) return `element ${i}: ${y}, expected ${x}`;
    const err = Math.abs(x - y) - (atol + rtol * Math.abs(x));
    if (!(err <= 0) && Math.abs(x - y) - (atol + rtol * Math.abs(x)) > worst) {
      worst = err;
      worstAt = i;
    }
  }
  if (worstAt >= 0) return `element ${worstAt}: ${a[worstAt]}, expected ${e[worstAt]} (beyond rtol ${rtol}, atol ${atol})`;
  return undefined;
}

/** Why a failing test may be excluded: the ONNX types tfjs lacks that it uses, or randomness. */
function exclusionReason(c: ConformanceCase, model: OnnxModel): string | undefined {
  if (RANDOM_TESTS[c.name]) return RANDOM_TESTS[c.name];
  if (INCONSISTENT_TESTS[c.name]) return INCONSISTENT_TESTS[c.name];
  const types = new Set<DType>();
  for (const v of [...model.graph.inputs, ...model.graph.outputs]) if (v.dtype) types.add(v.dtype);
  for (const n of model.graph.nodes) {
    for (const key of ['to', 'dtype']) {
      if (n.attrs.has(key)) {
        try {
          types.add(dtypeFromCode(n.attrs.int(key)));
        } catch {
          // not a type attribute
        }
      }
    }
  }
  if (types.has('string')) return 'string tensors: tfjs has no string arithmetic or number↔string conversion with numpy’s formatting';
  if (types.has('bfloat16')) {
    return 'bfloat16: tfjs has no bfloat16 tensors (float32 → bfloat16 rounds to nearest even here; the 1.12 suite’s expected values truncate)';
  }
  if (types.has('float16')) return 'float16: tfjs has no float16 tensors (computed in float32, not rounded like float16 arithmetic)';
  if (types.has('uint64')) return 'uint64 values beyond 2^31: tfjs has no 64-bit integers (int32 storage)';
  if (types.has('uint32')) return 'uint32 values beyond 2^31: tfjs has no unsigned 32-bit integers (int32 storage)';
  if (types.has('float64')) return 'float64: tfjs has no float64 tensors (computed in float32)';
  return undefined;
}

/** Runs one test (all its data sets, tensor feeds and host feeds). */
export function runConformanceTest(c: ConformanceCase): ConformanceResult {
  let model: OnnxModel;
  try {
    model = parseModel(readFileSync(join(c.dir, 'model.onnx')));
  } catch (e) {
    return { test: c.name, op: c.op, status: 'fail', detail: `model: ${(e as Error).message}` };
  }
  const fail = (detail: string): ConformanceResult => {
    // An unsupported op is a failure, whatever its types (random ops excepted: they cannot match).
    const why = /is not supported/.test(detail) && !RANDOM_TESTS[c.name] ? undefined : exclusionReason(c, model);
    return why ? { test: c.name, op: c.op, status: 'excluded', detail: `${why} — ${detail}` } : { test: c.name, op: c.op, status: 'fail', detail };
  };
  let session: OnnxSession | undefined;
  const before = tf.memory().numTensors;
  try {
    session = new OnnxSession(model);
    const inputs = model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name));
    const outputs = model.graph.outputs;
    const sets = readdirSync(c.dir).filter((d) => d.startsWith('test_data_set_')).sort();
    for (const set of sets) {
      const dir = join(c.dir, set);
      const files = readdirSync(dir);
      const ins = inputs
        .map((info, k) => ({ info, file: join(dir, `input_${k}.pb`) }))
        .filter(({ file }) => files.includes(file.split('/').pop()!));
      const expected = outputs.map((info, k) => readData(join(dir, `output_${k}.pb`), info));
      for (const asTensor of [true, false]) {
        const feeds: Record<string, Feed> = {};
        const created: tf.Tensor[] = [];
        for (const { info, file } of ins) {
          const v = toRuntime(readData(file, info), asTensor);
          const collect = (x: unknown): void => {
            if (x instanceof Value) {
              if (x.hasTensor) created.push(x.tensor());
            } else if (x && typeof x === 'object' && 'kind' in x) {
              const r = x as SequenceValue | OptionalValue;
              if (r.kind === 'sequence') r.items.forEach(collect);
              else collect(r.value);
            }
          };
          collect(v);
          feeds[info.name] = v as Feed;
        }
        let got: Record<string, TensorData | TensorData[] | null>;
        try {
          got = session.runToData(feeds, outputs.map((o) => o.name));
        } finally {
          created.forEach((t) => t.dispose());
        }
        for (let k = 0; k < outputs.length; k++) {
          const msg = compareData(expected[k]!, readBack(got[outputs[k]!.name]!));
          if (msg) return fail(`${set}, ${asTensor ? 'tensor' : 'host'} feeds, output '${outputs[k]!.name}': ${msg}`);
        }
      }
    }
    session.dispose();
    session = undefined;
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) return { test: c.name, op: c.op, status: 'fail', detail: `${leaked} tensors leaked` };
    return { test: c.name, op: c.op, status: 'pass' };
  } catch (e) {
    return fail((e as Error).message.split('\n')[0]!);
  } finally {
    session?.dispose();
  }
}

/** Runs every test under `root` (optionally only those whose name matches `filter`). */
export function runConformance(root: string, filter?: RegExp): ConformanceResult[] {
  return listConformanceTests(root)
    .filter((c) => !filter || filter.test(c.name))
    .map((c) => runConformanceTest(c));
}

/** Groups results per op (sorted by op name). */
export function summarizeByOp(results: ConformanceResult[]): OpSummary[] {
  const map = new Map<string, OpSummary>();
  for (const r of results) {
    let s = map.get(r.op);
    if (!s) map.set(r.op, (s = { op: r.op, pass: 0, fail: 0, excluded: 0, failures: [], exclusions: [] }));
    s[r.status] += 1;
    if (r.status === 'fail') s.failures.push(r);
    if (r.status === 'excluded') s.exclusions.push(r);
  }
  return [...map.values()].sort((a, b) => a.op.localeCompare(b.op));
}

