import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { GradCamError, closestNames, listNames } from '../errors.js';
import type { HeadOutputs, LayerInfo, ModelCut, TrunkOutput } from '../types.js';

interface GNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: GNode[];
  children: GNode[];
}
interface Graph {
  nodes: Record<string, GNode>;
  placeholders: GNode[];
  outputs: GNode[];
}

const CONTROL_FLOW = new Set(['Enter', 'Exit', 'Merge', 'Switch', 'NextIteration', 'LoopCond', 'If', 'StatelessIf', 'While', 'StatelessWhile']);

function graphOf(model: GraphModel): Graph {
  const g = (model as unknown as { executor?: { graph?: Graph } }).executor?.graph;
  if (!g) throw new GradCamError('this GraphModel is not loaded yet (await tf.loadGraphModel first)');
  return g;
}

/** "name:1" → ["name", 1]; control inputs ("^name") are ignored by callers. */
function parseName(name: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(name);
  return m ? [m[1]!, Number(m[2])] : [name, 0];
}

/** Nodes that depend on a placeholder (or on the given entry nodes); everything else is a constant of the graph. */
function dynamicNodes(g: Graph, roots: GNode[] = g.placeholders): Set<string> {
  const dyn = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    if (dyn.has(n.name)) continue;
    dyn.add(n.name);
    stack.push(...n.children);
  }
  return dyn;
}

/** Topological order of the ancestors of `outputs` (inputs first). */
function topoOrder(outputs: GNode[]): GNode[] {
  const order: GNode[] = [];
  const state = new Map<string, number>();
  const visit = (root: GNode) => {
    const stack: Array<[GNode, boolean]> = [[root, false]];
    while (stack.length) {
      const [n, done] = stack.pop()!;
      if (done) {
        if (state.get(n.name) !== 2) {
          state.set(n.name, 2);
          order.push(n);
        }
        continue;
      }
      if (state.has(n.name)) continue;
      state.set(n.name, 1);
      stack.push([n, true]);
      for (const i of n.inputs) if (!state.has(i.name)) stack.push([i, false]);
    }
  };
  outputs.forEach(visit);
  return order;
}

function outputNames(model: GraphModel): string[] {
  return model.outputs.map((o) => o.name);
}

/**
 * Candidate target nodes of a GraphModel with their output shapes, found by executing the graph once
 * on `probe` (default: zeros of the model's input signature with batch 1). Shapes are NHWC as the
 * graph computes them; only nodes that depend on the input are listed.
 */
export function listGraphModelNodes(model: GraphModel, probe?: tf.Tensor | tf.Tensor[]): LayerInfo[] {
  const g = graphOf(model);
  const dyn = dynamicNodes(g);
  const order = topoOrder(g.outputs).filter((n) => dyn.has(n.name) && n.op !== 'Placeholder' && !CONTROL_FLOW.has(n.op));
  const names = order.map((n) => n.name);
  const flow = Object.values(g.nodes).find((n) => dyn.has(n.name) && CONTROL_FLOW.has(n.op));
  if (flow) {
    throw new GradCamError(
      `this graph has control flow (${flow.op} at '${flow.name}'), which runs only with executeAsync: name the target layer yourself ` +
        '(and cut after the control flow with cutGraphModel(model, layer, { inputs: [...] }))',
    );
  }
  return tf.tidy(() => {
    const feeds = probeInputs(model, probe);
    const values = model.execute(feeds, names) as tf.Tensor[];
    return order.map((n, i) => {
      const shape = values[i]!.shape;
      return { name: n.name, shape, kind: n.op, spatial: shape.length === 4 && (shape[1]! > 1 || shape[2]! > 1) };
    });
  });
}

function probeInputs(model: GraphModel, probe?: tf.Tensor | tf.Tensor[]): tf.NamedTensorMap {
  const inputs = model.inputs;
  const given = probe === undefined ? [] : Array.isArray(probe) ? probe : [probe];
  const feeds: tf.NamedTensorMap = {};
  inputs.forEach((inp, i) => {
    if (given[i]) {
      feeds[inp.name] = given[i]!;
      return;
    }
    const shape = (inp.shape ?? []).map((d, k) => (d == null || d < 0 ? (k === 0 ? 1 : NaN) : d));
    if (shape.some((d) => Number.isNaN(d))) {
      throw new GradCamError(
        `the input '${inp.name}' has an unknown size [${(inp.shape ?? []).join(',')}]: pass an example input to list the layers`,
      );
    }
    feeds[inp.name] = tf.zeros(shape, (inp.dtype as tf.DataType) ?? 'float32');
  });
  return feeds;
}

/** Where a GraphModel cut starts and ends (default: the model's own inputs and outputs). */
export interface GraphCutOptions {
  /**
   * Nodes fed with the caller's inputs instead of the placeholders, in order (image batch first): start
   * after a preprocessing sub-graph that needs `executeAsync` (coco-ssd), or at any internal tensor.
   */
  inputs?: string[];
  /** Nodes the head ends at (e.g. the logits feeding a final Softmax, or per-class heatmaps). */
  outputs?: string[];
}

/**
 * Cuts a tfjs GraphModel at node `node` (optionally `name:k` for a node's k-th output).
 * trunk = `execute(inputs, [node, ...frontier])`; head = `execute({[node]: A, ...frontier}, outputs)`.
 * The frontier (nodes that feed the head without descending from the cut: skip connections,
 * FPN laterals) is computed in the trunk pass and fed as constants, so the gradient flows through A only.
 */
export function cutGraphModel(model: GraphModel, node: string, options: GraphCutOptions = {}): ModelCut {
  const g = graphOf(model);
  const [cutName] = parseName(node);
  const cut = g.nodes[cutName];
  const inputNames = options.inputs ?? model.inputs.map((i) => i.name);
  const entryNodes = inputNames.map((n) => {
    const e = g.nodes[parseName(n)[0]];
    if (!e) throw new GradCamError(`entry node '${n}' is not in this graph`);
    return e;
  });
  const dyn = dynamicNodes(g, entryNodes);
  if (!cut || !dyn.has(cutName) || cut.op === 'Placeholder') {
    const names = Object.values(g.nodes)
      .filter((n) => dyn.has(n.name) && n.op !== 'Placeholder')
      .map((n) => n.name);
    const near = closestNames(node, names);
    throw new GradCamError(
      `no node named '${node}' that depends on the input in this graph model` +
        `${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(', ')}?)` : ''}. Nodes: ${listNames(names)}`,
    );
  }
  const outputs = options.outputs ?? outputNames(model);
  for (const o of outputs) if (!g.nodes[parseName(o)[0]]) throw new GradCamError(`output node '${o}' is not in this graph`);
  const outputNodes = outputs.map((o) => g.nodes[parseName(o)[0]]!);
  const ancestorsOfOutputs = new Set(topoOrder(outputNodes).map((n) => n.name));
  // Descendants of the cut that lead to an output.
  const down = new Set<string>();
  const stack = [...cut.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (down.has(n.name)) continue;
    down.add(n.name);
    stack.push(...n.children);
  }
  const headNodes = [...down].filter((n) => ancestorsOfOutputs.has(n)).map((n) => g.nodes[n]!);
  for (const n of headNodes) {
    if (CONTROL_FLOW.has(n.op)) {
      throw new GradCamError(
        `the head after '${node}' contains control flow (${n.op} at '${n.name}'), which needs executeAsync and has no gradient path; cut after it or explain a synchronous sub-graph`,
      );
    }
  }
  const frontierSet = new Set<string>();
  for (const n of headNodes) {
    for (const raw of n.inputNames) {
      if (raw.startsWith('^')) continue;
      const [base] = parseName(raw);
      if (base === cutName || down.has(base) || !dyn.has(base)) continue;
      frontierSet.add(raw);
    }
  }
  for (const o of outputs) {
    const [base] = parseName(o);
    if (!down.has(base) && base !== cutName) frontierSet.add(o);
  }
  const frontier = [...frontierSet];

  return {
    layer: node,
    trunk(inputs: tf.Tensor[]): TrunkOutput {
      if (inputs.length !== inputNames.length) {
        throw new GradCamError(`the graph model has ${inputNames.length} input(s) (${inputNames.join(', ')}) but ${inputs.length} were given`);
      }
      const feeds: tf.NamedTensorMap = {};
      inputNames.forEach((n, i) => (feeds[n] = inputs[i]!));
      const values = model.execute(feeds, [node, ...frontier]) as tf.Tensor[];
      const list = Array.isArray(values) ? values : [values];
      return { activations: list[0]!, state: list.slice(1) };
    },
    head(activations: tf.Tensor, state: tf.Tensor[]): HeadOutputs {
      const feeds: tf.NamedTensorMap = { [node]: activations };
      frontier.forEach((f, i) => (feeds[f] = state[i]!));
      const out = model.execute(feeds, outputs) as tf.Tensor | tf.Tensor[];
      return Array.isArray(out) && out.length === 1 ? out[0]! : out;
    },
  };
}

/** True if `model` looks like a loaded tfjs GraphModel. */
export function isGraphModel(model: unknown): model is GraphModel {
  return typeof model === 'object' && model !== null && typeof (model as GraphModel).execute === 'function' && 'executor' in (model as object);
}
