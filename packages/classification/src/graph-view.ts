import type { GraphModel } from '@tensorflow/tfjs-converter';

/**
 * A view of a loaded GraphModel whose outputs are other nodes of the same graph (e.g. the logits
 * feeding a Softmax). Everything else — weights, executor, `execute` — is the model's own, so the view
 * costs nothing and the core engine cuts it like any GraphModel.
 * @returns an object usable wherever a GraphModel is, with `outputs`/`outputNodes` replaced.
 */
export function withOutputs(model: GraphModel, outputs: string[]): GraphModel {
  const view = Object.create(model) as GraphModel;
  const infos = outputs.map((name) => ({ name, shape: undefined, dtype: 'float32' }));
  Object.defineProperty(view, 'outputs', { get: () => infos });
  Object.defineProperty(view, 'outputNodes', { get: () => [...outputs] });
  return view;
}

/** A node of a loaded GraphModel's executor graph (tfjs-converter internals). */
export interface GraphNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: GraphNode[];
  children: GraphNode[];
}

/**
 * The executor graph of a loaded GraphModel: nodes by name, placeholders, outputs.
 * @returns undefined when `model` exposes no graph (not a loaded tfjs GraphModel).
 */
export function graphOf(model: GraphModel): { nodes: Record<string, GraphNode> } | undefined {
  return (model as unknown as { executor?: { graph?: { nodes: Record<string, GraphNode> } } }).executor?.graph;
}

/** "name:1" → "name" (the node behind a tensor name). */
export function nodeName(tensorName: string): string {
  const m = /^(.*):(\d+)$/.exec(tensorName);
  return m ? m[1]! : tensorName;
}

/** True if `model` looks like a loaded tfjs GraphModel (duck-typed, as the core engine does). */
export function isGraphModel(model: unknown): model is GraphModel {
  return typeof model === 'object' && model !== null && typeof (model as GraphModel).execute === 'function' && 'executor' in (model as object);
}
