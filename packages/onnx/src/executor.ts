/**
 * The executor: runs an ONNX graph node by node with tfjs ops, so that `tf.grad` flows through it.
 *
 * - **Feeds** may name graph inputs *or any intermediate tensor*: a fed tensor replaces the value its
 *   producer would compute, and only the nodes needed for the fetched tensors (given the feeds) run.
 *   That is how a graph is cut: trunk = run(inputs → T), head = run({T: A} → outputs).
 * - **Fetches** may name any tensor (graph outputs, intermediates, initializers).
 * - Constant subgraphs (nodes whose inputs are all initializers/constants) are folded once at load.
 * - Shape arithmetic (Shape → Gather → Concat → Reshape…) stays on the host as exact JS numbers.
 * - Intermediates are freed as soon as their last consumer has run; every public call leaves
 *   `tf.memory().numTensors` unchanged apart from the tensors it returns to the caller.
 *
 * Layouts are ONNX's (NCHW for images); int64 values are int32 tensors (clamped) when they reach tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { storageOf, type DType } from './dtypes.js';
import { parseModel, type OnnxGraph, type OnnxModel, type OnnxNode, type ValueInfo } from './model.js';
import './ops/index.js';
import { getOp, type OpContext } from './ops/registry.js';
import type { TensorData } from './tensor-data.js';
import { makeTensor, Value, withRunCache, type RuntimeValue } from './value.js';

/**
 * A value given for a tensor name: a tfjs tensor (borrowed, never disposed by the session), plain
 * data, a {@link Value}, or a sequence/optional runtime value.
 */
export type Feed = tf.Tensor | TensorData | RuntimeValue;

interface GraphState {
  /** Initializers (not overridable) and folded node outputs. */
  constants: Map<string, Value>;
  /** Initializers that are also graph inputs: defaults used when not fed. */
  defaults: Map<string, Value>;
  producer: Map<string, { node: OnnxNode; index: number }>;
  plans: Map<string, Plan>;
}

interface Plan {
  nodes: OnnxNode[];
  /** For each node, the names bound by earlier nodes of this plan whose last use it is. */
  release: string[][];
}

interface Scope {
  graph: OnnxGraph;
  state: GraphState;
  values: Map<string, RuntimeValue>;
  parent: Scope | undefined;
}

/** Run-wide bookkeeping: how many scope names still hold each value produced by a node. */
interface RunContext {
  refs: Map<RuntimeValue, number>;
}

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/** Frees a value's tensor. Sequence items and optional contents are pinned (see `pin`) and left to the run's tidy. */
function disposeRuntime(v: RuntimeValue): void {
  if (v instanceof Value) v.dispose();
}

/** Keeps the values inside a sequence/optional alive for the rest of the run (they may be shared). */
function pin(v: RuntimeValue, rc: RunContext): void {
  if (v instanceof Value) return;
  const inner = v.kind === 'sequence' ? v.items : v.value ? [v.value] : [];
  for (const x of inner) {
    rc.refs.set(x, (rc.refs.get(x) ?? 0) + 1);
    pin(x, rc);
  }
}

function keepRuntime(v: RuntimeValue): void {
  if (v instanceof Value) {
    v.persistent = true;
    if (v.hasTensor) tf.keep(v.tensor());
  } else if (v.kind === 'sequence') v.items.forEach(keepRuntime);
  else if (v.value) keepRuntime(v.value);
}

/**
 * A loaded ONNX model, ready to run on tfjs. Create with {@link OnnxSession.fromBytes} (or
 * `loadOnnx` from `@gradcam/onnx/node` for a file); free its weights with {@link OnnxSession.dispose}.
 */
export class OnnxSession {
  readonly model: OnnxModel;
  private readonly states = new Map<OnnxGraph, GraphState>();
  private readonly persistentValues: Value[] = [];
  private disposed = false;
  private lastTypes = new Map<string, DType>();

  /** Parses `.onnx` bytes and prepares the graph (initializers uploaded, constants folded). */
  static fromBytes(bytes: Uint8Array | ArrayBuffer): OnnxSession {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    return new OnnxSession(parseModel(u8));
  }

  /** Wraps an already parsed model. */
  constructor(model: OnnxModel) {
    this.model = model;
    // Every (sub)graph is prepared now, so that no run allocates persistent tensors.
    const prepare = (g: OnnxGraph): void => {
      this.graphState(g);
      for (const n of g.nodes) n.subgraphs.forEach(prepare);
    };
    prepare(model.graph);
  }

  /** The graph inputs the caller feeds (initializer-backed inputs with defaults excluded). */
  get inputs(): ValueInfo[] {
    const g = this.model.graph;
    return g.inputs.filter((i) => !g.initializers.has(i.name));
  }

  /** The graph outputs. */
  get outputs(): ValueInfo[] {
    return this.model.graph.outputs;
  }

  /** Names of {@link inputs}. */
  get inputNames(): string[] {
    return this.inputs.map((i) => i.name);
  }

  /** Names of {@link outputs}. */
  get outputNames(): string[] {
    return this.outputs.map((o) => o.name);
  }

  /** Every tensor name of the main graph (inputs, initializers, node outputs) in execution order. */
  tensorNames(): string[] {
    return [...this.names()];
  }

  private nameSet: Set<string> | undefined;
  private names(): Set<string> {
    if (!this.nameSet) {
      const g = this.model.graph;
      const names = [...g.inputs.map((i) => i.name), ...g.initializers.keys()];
      for (const n of g.nodes) for (const o of n.outputs) if (o) names.push(o);
      this.nameSet = new Set(names);
    }
    return this.nameSet;
  }

  /** True when a main-graph tensor is a constant: an initializer or folded at load time. */
  isConstant(name: string): boolean {
    return this.graphState(this.model.graph).constants.has(name);
  }

  /**
   * Like {@link run}, and also returns each fetched tensor's ONNX element type (int64 values come
   * back as int32 tensors; the type says what they were).
   */
  runTyped(feeds: Record<string, Feed>, fetches: string[]): Record<string, { tensor: tf.Tensor; dtype: DType }> {
    const tensors = this.run(feeds, fetches);
    const types = this.lastTypes;
    const res: Record<string, { tensor: tf.Tensor; dtype: DType }> = {};
    for (const name of fetches) res[name] = { tensor: tensors[name]!, dtype: types.get(name) ?? 'float32' };
    return res;
  }

  /** The node that computes a tensor of the main graph, if any. */
  producerOf(name: string): OnnxNode | undefined {
    return this.graphState(this.model.graph).producer.get(name)?.node;
  }

  /** The nodes that read a tensor of the main graph. */
  consumersOf(name: string): OnnxNode[] {
    return this.model.graph.nodes.filter(
      (n) => n.inputs.includes(name) || n.subgraphs.some((g) => g.outerRefs.has(name)),
    );
  }

  /**
   * Runs the graph. `feeds` maps graph inputs — or any intermediate tensor, to cut the graph there —
   * to values; `fetches` names the tensors to return (default: the graph outputs). Returns new tfjs
   * tensors the caller disposes (int64/uint8… come back as int32, float64/float16 as float32).
   * Synchronous and differentiable: call it inside `tf.grad` to differentiate with respect to a feed.
   */
  run(feeds: Record<string, Feed>, fetches: string[] = this.outputNames): Record<string, tf.Tensor> {
    this.checkAlive();
    return tf.tidy(() => {
      const values = this.execute(feeds, fetches);
      const result: Record<string, tf.Tensor> = {};
      const given = new Set<tf.Tensor>();
      fetches.forEach((name, i) => {
        const v = values[i]!;
        if (!(v instanceof Value)) throw new Error(`tensor '${name}' is a ${v.kind}, not a tensor: use runToData`);
        this.lastTypes.set(name, v.dtype);
        let t: tf.Tensor;
        if (v.persistent || v.borrowed) t = v.hasTensor ? tf.clone(v.tensor()) : makeTensor(v.host!, v.shape, v.dtype);
        else {
          t = v.tensor();
          if (given.has(t)) t = tf.clone(t);
        }
        if (t.dtype !== storageOf(v.dtype)) t = tf.cast(t, storageOf(v.dtype));
        given.add(t);
        result[name] = t;
      });
      return result;
    });
  }

  /**
   * Like {@link run} but reads every fetched value back to plain {@link TensorData} (ONNX types kept;
   * sequences as arrays, empty optionals as null). No tensor escapes.
   */
  runToData(feeds: Record<string, Feed>, fetches: string[] = this.outputNames): Record<string, TensorData | TensorData[] | null> {
    this.checkAlive();
    const result: Record<string, TensorData | TensorData[] | null> = {};
    tf.tidy(() => {
      const values = this.execute(feeds, fetches);
      const read = (v: RuntimeValue | undefined): TensorData | TensorData[] | null => {
        if (v === undefined) return null;
        if (v instanceof Value) return v.toData();
        if (v.kind === 'sequence') return v.items.map((x) => x.toData());
        return read(v.value);
      };
      fetches.forEach((name, i) => (result[name] = read(values[i])));
    });
    return result;
  }

  /**
   * The low-level run: feeds → fetched runtime values. Tensors it creates are not tracked for the
   * caller: call it inside `tf.tidy` and copy out what must survive.
   */
  execute(feeds: Record<string, Feed>, fetches: string[]): RuntimeValue[] {
    this.checkAlive();
    const graph = this.model.graph;
    const bindings = new Map<string, RuntimeValue>();
    for (const [name, f] of Object.entries(feeds)) {
      const v = this.toValue(name, f);
      if (v instanceof Value) v.borrowed = true; // feeds are never freed by the run (the tidy frees what it made)
      bindings.set(name, v);
    }
    const known = this.names();
    for (const name of [...bindings.keys(), ...fetches]) {
      if (!known.has(name)) throw new Error(`unknown tensor '${name}'${suggest(name, [...known])}`);
    }
    return withRunCache(() => this.executeGraph(graph, bindings, fetches, undefined, { refs: new Map() }));
  }

  /** Frees the weights and folded constants. The session cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.persistentValues) v.dispose(true);
    this.states.clear();
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('the ONNX session was disposed');
  }

  private declared(name: string): ValueInfo | undefined {
    const g = this.model.graph;
    return g.inputs.find((i) => i.name === name) ?? g.valueInfo.get(name) ?? g.outputs.find((o) => o.name === name);
  }

  private toValue(name: string, f: Feed): RuntimeValue {
    if (f instanceof Value) return f;
    if ('kind' in f && (f.kind === 'sequence' || f.kind === 'optional')) return f;
    const info = this.declared(name);
    if (isTensor(f)) {
      const dtype: DType =
        info?.dtype && storageOf(info.dtype) === f.dtype
          ? info.dtype
          : info?.dtype ?? (f.dtype === 'int32' ? 'int64' : (f.dtype as DType));
      checkShape(name, f.shape, info);
      if (f.dtype !== storageOf(dtype)) return Value.fromTensor(tf.cast(f, storageOf(dtype)), dtype);
      const v = Value.fromTensor(f, dtype);
      v.borrowed = true;
      return v;
    }
    checkShape(name, f.dims, info);
    return Value.fromData(f);
  }

  private graphState(graph: OnnxGraph): GraphState {
    const existing = this.states.get(graph);
    if (existing) return existing;
    const inputNames = new Set(graph.inputs.map((i) => i.name));
    const constants = new Map<string, Value>();
    const defaults = new Map<string, Value>();
    for (const [name, d] of graph.initializers) {
      const val = Value.fromData(d);
      keepRuntime(val);
      this.persistentValues.push(val);
      (inputNames.has(name) ? defaults : constants).set(name, val);
    }
    const producer = new Map<string, { node: OnnxNode; index: number }>();
    graph.nodes.forEach((node, index) => node.outputs.forEach((o) => o && producer.set(o, { node, index })));
    const state: GraphState = { constants, defaults, producer, plans: new Map() };
    this.states.set(graph, state);
    this.fold(graph, state);
    return state;
  }

  /** Precomputes nodes whose inputs are all constants (Constant nodes, shape arithmetic on initializers…). */
  private fold(graph: OnnxGraph, state: GraphState): void {
    for (const node of graph.nodes) {
      if (node.subgraphs.length > 0) continue;
      const op = getOp(node.domain, node.opType);
      if (!op || !op.foldable) continue;
      if (!node.inputs.every((n) => !n || state.constants.has(n))) continue;
      const inputs = node.inputs.map((n) => (n ? state.constants.get(n) : undefined));
      try {
        tf.tidy(() => {
          const outs = op.kernel(inputs, this.context(node, undefined, { refs: new Map() }));
          node.outputs.forEach((name, k) => {
            const v = outs[k];
            if (!name || !(v instanceof Value)) return;
            keepRuntime(v);
            this.persistentValues.push(v);
            state.constants.set(name, v);
          });
        });
      } catch {
        // Not foldable after all (e.g. needs a runtime value): it runs at run time and reports errors there.
      }
    }
  }

  private context(node: OnnxNode, scope: Scope | undefined, rc: RunContext): OpContext {
    return {
      node,
      attrs: node.attrs,
      opset: this.model.opsets.get(node.domain) ?? 1,
      runSubgraph: (g: OnnxGraph, inputs: RuntimeValue[]) => {
        const bindings = new Map<string, RuntimeValue>();
        g.inputs.forEach((inp, i) => {
          const v = inputs[i];
          if (v !== undefined) bindings.set(inp.name, v);
        });
        return this.executeGraph(g, bindings, g.outputs.map((o) => o.name), scope, rc);
      },
    };
  }

  private plan(graph: OnnxGraph, state: GraphState, bound: Set<string>, fetches: string[]): Plan {
    const key = `${[...bound].sort().join('\u0001')}\u0002${fetches.join('\u0001')}`;
    const cached = state.plans.get(key);
    if (cached) return cached;
    const needed = new Set<number>();
    const stack = [...fetches];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (bound.has(name) || state.constants.has(name)) continue;
      const p = state.producer.get(name);
      if (!p || needed.has(p.index)) continue;
      needed.add(p.index);
      for (const i of p.node.inputs) if (i) stack.push(i);
      for (const g of p.node.subgraphs) stack.push(...g.outerRefs);
    }
    const nodes = graph.nodes.filter((_, i) => needed.has(i));
    // Last use of every name bound by a node of the plan.
    const last = new Map<string, number>();
    nodes.forEach((n, i) => {
      for (const o of n.outputs) if (o && !bound.has(o)) last.set(o, i);
    });
    nodes.forEach((n, i) => {
      const reads = [...n.inputs, ...n.subgraphs.flatMap((g) => [...g.outerRefs])];
      for (const r of reads) if (r && last.has(r)) last.set(r, Math.max(last.get(r)!, i));
    });
    for (const f of fetches) last.delete(f);
    const release: string[][] = nodes.map(() => []);
    for (const [name, i] of last) release[i]!.push(name);
    const plan = { nodes, release };
    state.plans.set(key, plan);
    return plan;
  }

  private executeGraph(
    graph: OnnxGraph,
    bindings: Map<string, RuntimeValue>,
    fetches: string[],
    parent: Scope | undefined,
    rc: RunContext,
  ): RuntimeValue[] {
    const state = this.graphState(graph);
    const scope: Scope = { graph, state, values: new Map(bindings), parent };
    const plan = this.plan(graph, state, new Set(bindings.keys()), fetches);
    const lookup = (name: string): RuntimeValue | undefined => {
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        const v = s.values.get(name) ?? s.state.constants.get(name) ?? s.state.defaults.get(name);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    const owned = new Set<string>();
    plan.nodes.forEach((node, i) => {
      const inputs = node.inputs.map((name) => {
        if (!name) return undefined;
        const v = lookup(name);
        if (v === undefined) throw this.missing(name, graph);
        return v;
      });
      const op = getOp(node.domain, node.opType);
      if (!op) {
        throw new Error(
          `node '${node.name}': op ${node.domain ? `${node.domain}::` : ''}${node.opType} is not supported by @gradcam/onnx`,
        );
      }
      let outs: RuntimeValue[];
      try {
        outs = op.kernel(inputs, this.context(node, scope, rc));
      } catch (e) {
        const err = e as Error;
        if (err.message.startsWith('node ')) throw err;
        throw new Error(`node '${node.name}' (${node.opType}): ${err.message}`);
      }
      const unbound: RuntimeValue[] = [];
      node.outputs.forEach((name, k) => {
        const v = outs[k];
        if (v === undefined) return;
        if (!name || scope.values.has(name)) {
          unbound.push(v);
          return;
        }
        scope.values.set(name, v);
        owned.add(name);
        rc.refs.set(v, (rc.refs.get(v) ?? 0) + 1);
        pin(v, rc);
      });
      for (let k = node.outputs.length; k < outs.length; k++) unbound.push(outs[k]!);
      for (const v of unbound) if (disposable(v, rc)) disposeRuntime(v);
      for (const name of plan.release[i]!) {
        if (!owned.has(name)) continue;
        const v = scope.values.get(name)!;
        scope.values.delete(name);
        owned.delete(name);
        const left = (rc.refs.get(v) ?? 1) - 1;
        if (left <= 0) rc.refs.delete(v);
        else rc.refs.set(v, left);
        if (disposable(v, rc)) disposeRuntime(v);
      }
    });
    const result = fetches.map((name) => {
      const v = lookup(name);
      if (v === undefined) throw this.missing(name, graph);
      return v;
    });
    if (parent) {
      // Hand the outputs over to the caller (the If/Loop kernel): drop this scope's references
      // without disposing them; free everything else this scope still owns.
      const keep = new Set<RuntimeValue>(result);
      for (const name of owned) {
        const v = scope.values.get(name)!;
        const left = (rc.refs.get(v) ?? 1) - 1;
        if (left <= 0) rc.refs.delete(v);
        else rc.refs.set(v, left);
        if (!keep.has(v) && disposable(v, rc)) disposeRuntime(v);
      }
    }
    return result;
  }

  private missing(name: string, graph: OnnxGraph): Error {
    if (graph === this.model.graph && graph.inputs.some((i) => i.name === name)) {
      return new Error(`graph input '${name}' is needed but was not fed (inputs: ${this.inputNames.join(', ')})`);
    }
    return new Error(`tensor '${name}' is neither fed nor computed by any node`);
  }
}

/** True when no name holds `v` any more and it is neither a constant nor a feed. */
function disposable(v: RuntimeValue, rc: RunContext): boolean {
  if ((rc.refs.get(v) ?? 0) > 0) return false;
  if (v instanceof Value) return !(v.persistent || v.borrowed);
  if (v.kind === 'sequence') return v.items.every((x) => !(x.persistent || x.borrowed));
  return v.value === undefined || disposable(v.value, rc);
}

function checkShape(name: string, shape: readonly number[], info: ValueInfo | undefined): void {
  if (!info?.shape) return;
  const decl = info.shape;
  const fmt = `[${decl.map((d) => (d === null ? '?' : d)).join(', ')}]`;
  if (decl.length !== shape.length) {
    throw new Error(`'${name}' expects rank ${decl.length} ${fmt}, got shape [${shape.join(', ')}] (ONNX image inputs are NCHW)`);
  }
  decl.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && shape[i] !== d) {
      throw new Error(`'${name}' expects shape ${fmt}, got [${shape.join(', ')}] (ONNX image inputs are NCHW)`);
    }
  });
}

function suggest(name: string, known: string[]): string {
  const lower = name.toLowerCase();
  const close = known.filter((k) => k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase())).slice(0, 5);
  return close.length > 0 ? ` (did you mean ${close.map((c) => `'${c}'`).join(', ')}?)` : '';
}
