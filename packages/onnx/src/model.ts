/**
 * The model parser: `.onnx` bytes → {@link OnnxModel}, a plain graph structure (nodes in topological
 * order, initializers as {@link TensorData}, attributes decoded, subgraphs parsed recursively with
 * the outer-scope names they read).
 */
import { dtypeFromCode, type DType } from './dtypes.js';
import {
  decodeModel,
  int64ToNumber,
  type AttributeProtoMsg,
  type GraphProtoMsg,
  type NodeProtoMsg,
  type ValueInfoProtoMsg,
} from './proto.js';
import { tensorFromProto, type TensorData } from './tensor-data.js';

/** A decoded attribute value. */
export type AttributeValue = number | number[] | string | string[] | TensorData | TensorData[] | OnnxGraph | OnnxGraph[];

/** Typed access to a node's attributes with defaults. */
export class Attributes {
  constructor(readonly map: ReadonlyMap<string, AttributeValue>) {}
  has(name: string): boolean {
    return this.map.has(name);
  }
  int(name: string, dflt?: number): number {
    const v = this.map.get(name);
    if (v === undefined) return req(name, dflt);
    if (typeof v !== 'number') throw new Error(`attribute '${name}' is not an int`);
    return v;
  }
  float(name: string, dflt?: number): number {
    return this.int(name, dflt);
  }
  ints(name: string, dflt?: number[]): number[] {
    const v = this.map.get(name);
    if (v === undefined) return req(name, dflt);
    if (!Array.isArray(v)) throw new Error(`attribute '${name}' is not a list`);
    return v as number[];
  }
  floats(name: string, dflt?: number[]): number[] {
    return this.ints(name, dflt);
  }
  string(name: string, dflt?: string): string {
    const v = this.map.get(name);
    if (v === undefined) return req(name, dflt);
    if (typeof v !== 'string') throw new Error(`attribute '${name}' is not a string`);
    return v;
  }
  strings(name: string, dflt?: string[]): string[] {
    const v = this.map.get(name);
    if (v === undefined) return req(name, dflt);
    return v as string[];
  }
  tensor(name: string): TensorData {
    const v = this.map.get(name);
    if (v === undefined) throw new Error(`missing attribute '${name}'`);
    return v as TensorData;
  }
  graph(name: string): OnnxGraph {
    const v = this.map.get(name);
    if (!(v instanceof OnnxGraph)) throw new Error(`missing graph attribute '${name}'`);
    return v;
  }
}

function req<T>(name: string, dflt: T | undefined): T {
  if (dflt === undefined) throw new Error(`missing attribute '${name}'`);
  return dflt;
}

/** A graph input or output with its declared type and shape (dimension names for symbolic dims). */
export interface ValueInfo {
  name: string;
  /** Element type of a tensor, undefined for sequences/optionals/unknown. */
  dtype?: DType;
  /** Declared dims: numbers, symbolic names, or null when unknown. Undefined when the rank is unknown. */
  shape?: Array<number | string | null>;
  /** 'tensor', 'sequence', 'optional' or 'unknown'. */
  kind: 'tensor' | 'sequence' | 'optional' | 'unknown';
}

/** One node. */
export interface OnnxNode {
  name: string;
  opType: string;
  /** '' for the default `ai.onnx` domain. */
  domain: string;
  /** Input names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Attributes;
  /** Graph attributes (If branches, Loop/Scan bodies). */
  subgraphs: OnnxGraph[];
}

/** A (sub)graph. */
export class OnnxGraph {
  /** Names read by this graph (or its subgraphs) that it does not define: outer-scope values. */
  readonly outerRefs: Set<string>;
  constructor(
    readonly name: string,
    readonly nodes: OnnxNode[],
    readonly initializers: Map<string, TensorData>,
    readonly inputs: ValueInfo[],
    readonly outputs: ValueInfo[],
    readonly valueInfo: Map<string, ValueInfo>,
  ) {
    const defined = new Set<string>([...initializers.keys(), ...inputs.map((i) => i.name)]);
    for (const n of nodes) for (const o of n.outputs) if (o) defined.add(o);
    this.outerRefs = new Set();
    for (const n of nodes) {
      for (const i of n.inputs) if (i && !defined.has(i)) this.outerRefs.add(i);
      for (const g of n.subgraphs) for (const r of g.outerRefs) if (!defined.has(r)) this.outerRefs.add(r);
    }
    for (const o of outputs) if (!defined.has(o.name)) this.outerRefs.add(o.name);
  }
}

/** A parsed model. */
export interface OnnxModel {
  irVersion: number;
  /** Opset version per domain ('' = ai.onnx). */
  opsets: Map<string, number>;
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
}

/** Parses the bytes of a `.onnx` file. */
export function parseModel(bytes: Uint8Array): OnnxModel {
  let m;
  try {
    m = decodeModel(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model (protobuf decode failed: ${(e as Error).message})`);
  }
  if (!m.graph) throw new Error('not an ONNX model: no graph');
  const opsets = new Map<string, number>();
  for (const o of m.opsetImport) {
    const d = o.domain === 'ai.onnx' ? '' : o.domain ?? '';
    opsets.set(d, int64ToNumber(o.version));
  }
  if (!opsets.has('')) opsets.set('', 1);
  // Model-local functions (m.functions) are not expanded: nodes calling them fail as unsupported ops.
  return {
    irVersion: int64ToNumber(m.irVersion),
    opsets,
    producerName: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    graph: parseGraph(m.graph),
  };
}

function parseValueInfo(v: ValueInfoProtoMsg): ValueInfo {
  const t = v.type;
  if (t?.tensorType) {
    const dims = t.tensorType.shape?.dim;
    return {
      name: v.name,
      kind: 'tensor',
      dtype: t.tensorType.elemType ? dtypeFromCode(t.tensorType.elemType) : undefined,
      shape: dims
        ? dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? int64ToNumber(d.dimValue) : null))
        : undefined,
    };
  }
  const anyT = t as Record<string, unknown> | null | undefined;
  if (anyT?.['sequenceType']) return { name: v.name, kind: 'sequence' };
  if (anyT?.['optionalType']) return { name: v.name, kind: 'optional' };
  return { name: v.name, kind: 'unknown' };
}

/** Parses a GraphProto (recursively for subgraphs). */
export function parseGraph(g: GraphProtoMsg): OnnxGraph {
  const inits = new Map<string, TensorData>();
  for (const t of g.initializer) inits.set(t.name, tensorFromProto(t));
  if (g.sparseInitializer && g.sparseInitializer.length > 0) throw new Error('sparse initializers are not supported');
  const nodes = g.node.map((n, i) => parseNode(n, i));
  const inputs = g.input.map(parseValueInfo);
  const outputs = g.output.map(parseValueInfo);
  const vi = new Map<string, ValueInfo>();
  for (const v of g.valueInfo ?? []) vi.set(v.name, parseValueInfo(v));
  return new OnnxGraph(g.name ?? '', topoSort(nodes), inits, inputs, outputs, vi);
}

function parseNode(n: NodeProtoMsg, index: number): OnnxNode {
  const attrs = new Map<string, AttributeValue>();
  const subgraphs: OnnxGraph[] = [];
  for (const a of n.attribute) {
    const v = parseAttribute(a);
    attrs.set(a.name, v);
    if (v instanceof OnnxGraph) subgraphs.push(v);
    else if (Array.isArray(v) && v.length > 0 && v[0] instanceof OnnxGraph) subgraphs.push(...(v as OnnxGraph[]));
  }
  return {
    name: n.name || `${n.opType}_${index}`,
    opType: n.opType,
    domain: n.domain === 'ai.onnx' ? '' : n.domain ?? '',
    inputs: n.input.slice(),
    outputs: n.output.slice(),
    attrs: new Attributes(attrs),
    subgraphs,
  };
}

const dec = new TextDecoder();

function parseAttribute(a: AttributeProtoMsg): AttributeValue {
  let type = a.type;
  if (!type) {
    // Old files leave `type` unset: infer it from the populated field.
    if (a.t) type = 4;
    else if (a.g) type = 5;
    else if (a.floats?.length) type = 6;
    else if (a.ints?.length) type = 7;
    else if (a.strings?.length) type = 8;
    else if (a.tensors?.length) type = 9;
    else if (a.graphs?.length) type = 10;
    else if (a.s?.length) type = 3;
    else if (a.f) type = 1;
    else type = 2;
  }
  switch (type) {
    case 1:
      return a.f;
    case 2:
      return int64ToNumber(a.i);
    case 3:
      return dec.decode(a.s);
    case 4:
      return tensorFromProto(a.t!);
    case 5:
      return parseGraph(a.g!);
    case 6:
      return a.floats.slice();
    case 7:
      return a.ints.map((v) => int64ToNumber(v));
    case 8:
      return a.strings.map((s) => dec.decode(s));
    case 9:
      return a.tensors.map((t) => tensorFromProto(t));
    case 10:
      return a.graphs.map((g) => parseGraph(g));
    case 11:
    case 12:
      return 'sparse tensor (not supported)';
    case 13:
    case 14:
      return 'type proto';
    default:
      throw new Error(`attribute '${a.name}': unsupported attribute type ${type}`);
  }
}

/** Orders nodes so that each runs after the producers of its inputs (Kahn's algorithm, stable: file order when it already is one). */
function topoSort(nodes: OnnxNode[]): OnnxNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const consumers: number[][] = nodes.map(() => []);
  const pending = new Int32Array(nodes.length);
  nodes.forEach((n, i) => {
    const names = new Set(n.inputs.filter(Boolean));
    for (const g of n.subgraphs) for (const r of g.outerRefs) names.add(r);
    for (const name of names) {
      const p = producer.get(name);
      if (p === undefined || p === i) continue;
      consumers[p]!.push(i);
      pending[i]! += 1;
    }
  });
  // A min-heap would keep file order exactly; a sorted ready list is enough for graphs of this size.
  const ready: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (pending[i] === 0) ready.push(i);
  const order: OnnxNode[] = [];
  let head = 0;
  while (head < ready.length) {
    const i = ready[head++]!;
    order.push(nodes[i]!);
    for (const c of consumers[i]!) {
      pending[c]! -= 1;
      if (pending[c] === 0) ready.push(c);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((_, i) => pending[i]! > 0);
    throw new Error(`the graph has a cycle through node '${stuck?.name}'`);
  }
  return order;
}
