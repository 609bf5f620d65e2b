import type * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { GradCamError } from '@gradcam/core';

/** A node of a loaded GraphModel's executor graph (tfjs-converter internals, as the core engine reads them). */
export interface GraphNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: GraphNode[];
  children: GraphNode[];
}

/** The executor graph of a loaded GraphModel. */
export interface Graph {
  nodes: Record<string, GraphNode>;
  placeholders: GraphNode[];
}

/** Ops whose value is metadata of their input (a shape), not a function of its values. */
const METADATA_OPS = new Set(['Shape', 'ShapeN', 'Size', 'Rank']);

/** The executor graph of a loaded GraphModel. @throws GradCamError when `model` is not a loaded GraphModel. */
export function graphOf(model: GraphModel): Graph {
  const g = (model as unknown as { executor?: { graph?: Graph } }).executor?.graph;
  if (!g) throw new GradCamError('this GraphModel is not loaded yet (await tf.loadGraphModel first)');
  return g;
}

/** "name:1" → "name" (the node behind a tensor name). */
export function nodeName(tensorName: string): string {
  const m = /^(.*):(\d+)$/.exec(tensorName);
  return m ? m[1]! : tensorName;
}

/** Nodes reachable from `from` along value edges (metadata ops like Shape end a path), `from` included. */
function reachable(from: GraphNode, skip?: GraphNode): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.name) || n === skip) continue;
    seen.add(n.name);
    if (METADATA_OPS.has(n.op) && n !== from) continue;
    stack.push(...n.children);
  }
  return seen;
}

/** Ancestors of `to` (itself included). */
function ancestors(to: GraphNode): Set<string> {
  const seen = new Set<string>();
  const stack = [to];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.name)) continue;
    seen.add(n.name);
    stack.push(...n.inputs);
  }
  return seen;
}

/**
 * The nodes every value path from `entry` to `output` goes through (the dominators of `output`
 * w.r.t. `entry`, entry and output excluded), in execution order: the nodes shared by all the branches
 * (e.g. detection heads) that lead to the output. Paths through shape metadata (Shape, Size) do not count.
 * @returns node names, earliest first.
 */
export function sharedNodes(model: GraphModel, entry: string, output: string): string[] {
  const g = graphOf(model);
  const from = g.nodes[nodeName(entry)];
  const to = g.nodes[nodeName(output)];
  if (!from || !to) throw new GradCamError(`no node '${!from ? entry : output}' in the graph model`);
  const down = reachable(from);
  if (!down.has(to.name)) throw new GradCamError(`'${output}' does not depend on '${entry}'`);
  const up = ancestors(to);
  const between = [...down].filter((n) => up.has(n) && n !== from.name && n !== to.name);
  const shared = new Set(between.filter((n) => !reachable(from, g.nodes[n]).has(to.name)));
  return topologicalOrder(to).filter((n) => shared.has(n.name)).map((n) => n.name);
}

/** Ancestors of `to` (itself included) in execution order: inputs before the nodes that read them. */
export function topologicalOrder(to: GraphNode): GraphNode[] {
  const order: GraphNode[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: Array<[GraphNode, boolean]> = [[to, false]];
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
  return order;
}
