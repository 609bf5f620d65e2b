import type { GraphModel } from '@tensorflow/tfjs-converter';

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
