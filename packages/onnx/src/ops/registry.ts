/**
 * The op table: ONNX (domain, op_type) → kernel. Each op family lives in its own file under
 * `src/ops/` and registers its kernels here when imported (`ops/index.ts` imports them all).
 *
 * A kernel receives the node's input values (undefined for omitted optional inputs) and returns its
 * output values. It must build tensor results from functional tfjs ops (so that `tf.grad` flows
 * through them) and must never return a tfjs tensor object that one of its inputs holds: return the
 * input `Value` itself, or `tf.clone` the tensor. Host inputs may give host outputs (shape arithmetic).
 * Layouts are ONNX's: images and feature maps are NCHW.
 */
import type { Attributes, OnnxGraph, OnnxNode } from '../model.js';
import type { RuntimeValue } from '../value.js';

/** What a kernel knows about the node it runs. */
export interface OpContext {
  readonly node: OnnxNode;
  readonly attrs: Attributes;
  /** The opset version of the node's domain in this model. */
  readonly opset: number;
  /**
   * Runs a subgraph (If branch, Loop body) with its formal inputs bound to `inputs`; names the subgraph
   * does not define resolve in the enclosing scope. Returns the subgraph's outputs.
   */
  runSubgraph(graph: OnnxGraph, inputs: RuntimeValue[]): RuntimeValue[];
}

/** A kernel. */
export type OpKernel = (inputs: Array<RuntimeValue | undefined>, ctx: OpContext) => RuntimeValue[];

/** Registration options. */
export interface OpOptions {
  /** Domain ('' = ai.onnx, the default). */
  domain?: string;
  /** False for ops whose result must not be precomputed at load time even with constant inputs (random ops). */
  foldable?: boolean;
}

interface Entry {
  kernel: OpKernel;
  foldable: boolean;
}

const TABLE = new Map<string, Entry>();
const key = (domain: string, op: string): string => `${domain === 'ai.onnx' ? '' : domain}::${op}`;

/** Registers a kernel (a later registration of the same op replaces the earlier one). */
export function registerOp(opType: string, kernel: OpKernel, options: OpOptions = {}): void {
  TABLE.set(key(options.domain ?? '', opType), { kernel, foldable: options.foldable ?? true });
}

/** The kernel of an op, or undefined when the table has none. */
export function getOp(domain: string, opType: string): { kernel: OpKernel; foldable: boolean } | undefined {
  return TABLE.get(key(domain, opType));
}

/** Every registered op as `op` (default domain) or `domain::op`. */
export function listOps(): string[] {
  return [...TABLE.keys()].map((k) => (k.startsWith('::') ? k.slice(2) : k)).sort();
}
