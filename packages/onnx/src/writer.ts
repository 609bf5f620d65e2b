/**
 * A small ONNX model writer: describe a graph with plain objects, get `.onnx` bytes. Used for test
 * fixtures (the tiny CNN of the Grad-CAM parity test) and for building single-op models.
 */
import { dtypeCode, type DType } from './dtypes.js';
import { encodeModel } from './proto.js';
import { tensorToProto, type TensorData } from './tensor-data.js';

/** A graph input/output declaration; dims may be symbolic (a string) or unknown (null). */
export interface ValueSpec {
  name: string;
  dtype: DType;
  shape?: Array<number | string | null>;
}

/**
 * An attribute value: integers become INT(S), other numbers FLOAT(S) — force floats with
 * `{ float: 1 }` / `{ floats: [1, 2] }`; strings STRING(S); {@link TensorData} TENSOR; a
 * {@link GraphSpec} GRAPH.
 */
export type AttrSpec = number | number[] | string | string[] | TensorData | GraphSpec | { float: number } | { floats: number[] };

/** A node. */
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrSpec>;
}

/** A (sub)graph. */
export interface GraphSpec {
  name?: string;
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: Record<string, TensorData>;
}

/** A model: a graph plus its opset imports. */
export interface ModelSpec extends GraphSpec {
  /** Default-domain opset (default 17). */
  opset?: number;
  /** Further domains and their versions. */
  opsets?: Record<string, number>;
  irVersion?: number;
  producerName?: string;
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  const tensorType: Record<string, unknown> = { elemType: dtypeCode(v.dtype) };
  if (v.shape) {
    tensorType['shape'] = {
      dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
    };
  }
  return { name: v.name, type: { tensorType } };
}

const isTensorData = (v: unknown): v is TensorData =>
  typeof v === 'object' && v !== null && 'dtype' in v && 'dims' in v && 'data' in v;
const isGraph = (v: unknown): v is GraphSpec => typeof v === 'object' && v !== null && 'nodes' in v && 'outputs' in v;

function attribute(name: string, v: AttrSpec): Record<string, unknown> {
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
  if (typeof v === 'string') return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return { name, type: 8, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
    const nums = v as number[];
    return nums.every((x) => Number.isInteger(x)) ? { name, type: 7, ints: nums } : { name, type: 6, floats: nums };
  }
  if (isTensorData(v)) return { name, type: 4, t: tensorToProto(v) };
  if (isGraph(v)) return { name, type: 5, g: graph(v) };
  if ('float' in v) return { name, type: 1, f: v.float };
  if ('floats' in v) return { name, type: 6, floats: v.floats };
  throw new Error(`attribute '${name}': unsupported value`);
}

function graph(g: GraphSpec): Record<string, unknown> {
  return {
    name: g.name ?? 'graph',
    node: g.nodes.map((n, i) => ({
      name: n.name ?? `${n.op}_${i}`,
      opType: n.op,
      domain: n.domain ?? '',
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    initializer: Object.entries(g.initializers ?? {}).map(([k, t]) => tensorToProto(t, k)),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
  };
}

/** Serialises a model description to `.onnx` bytes. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const opsetImport = [{ domain: '', version: spec.opset ?? 17 }];
  for (const [d, v] of Object.entries(spec.opsets ?? {})) opsetImport.push({ domain: d, version: v });
  return encodeModel({
    irVersion: spec.irVersion ?? 8,
    producerName: spec.producerName ?? '@gradcam/onnx',
    opsetImport,
    graph: graph(spec),
  });
}
