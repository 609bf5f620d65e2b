/**
 * Cutting an ONNX graph for `@gradcam/core`: trunk = inputs → tensor T, head = T → outputs, returned
 * as a core `ModelCut` (built with `cutFromFunctions`).
 *
 * Layouts. Core works on NHWC images and NHWC activations; ONNX vision models are NCHW. So:
 * - the trunk receives the NHWC image batch (core's convention) and transposes it to NCHW for the
 *   graph input (`imageLayout: 'nchw'`, the default for rank-4 inputs);
 * - a rank-4 cut tensor T [N, C, h, w] becomes activations A = T transposed to [N, h, w, C]
 *   (`activations: 'nchw'`), and the head transposes A back;
 * - a token tensor T [N, P + g_h·g_w, D] (ViT, CLIP vision tower) becomes A [N, g_h, g_w, D]: the
 *   first P tokens (CLS, distillation) are dropped from A and handed to the head unchanged, the rest
 *   are reshaped row-major to the patch grid (`activations: 'tokens'`; grid inferred as the largest
 *   square ≤ N tokens unless given).
 *
 * Frontier. The head re-runs only the nodes that depend on T. Every other value those nodes read (a
 * skip connection around T, another graph input such as `input_ids`, a shape computed in the trunk)
 * is computed by the trunk and passed to the head as `state`. To keep those values exactly as the
 * graph computed them, the trunk runs the graph one image at a time and the head one row at a time
 * (batch 1 each, outputs concatenated along axis 0): shapes computed inside the graph are then valid
 * for every row, whatever the engine's batching.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cutFromFunctions, type HeadOutputs, type ModelCut } from '@gradcam/core';
import type { DType } from './dtypes.js';
import type { Feed, OnnxSession } from './executor.js';
import type { OnnxNode } from './model.js';
import { Value } from './value.js';

/** How the cut tensor maps to NHWC activations. */
export type ActivationLayout =
  | 'nchw'
  | 'nhwc'
  | 'tokens'
  | {
      tokens: {
        /** Patch grid [g_h, g_w]; default: the largest square ≤ the token count. */
        grid?: [number, number];
        /** Leading tokens to drop (CLS…); default: token count − g_h·g_w. */
        prefix?: number;
      };
    };

/** Options of {@link cutOnnx}. */
export interface CutOnnxOptions {
  /** The tensor T to cut at: any tensor name of the main graph (see `session.tensorNames()`). */
  tensor: string;
  /**
   * Graph inputs fed by the trunk's `inputs` (core passes `[image, ...more]`, batch first): `inputs[k]`
   * feeds `inputNames[k]`. Default: the graph's first rank-4 float input (else its first input).
   */
  inputNames?: string[];
  /** Layout conversion of `inputs[0]`: 'nchw' (NHWC image → NCHW graph input; default for rank 4) or 'none'. */
  imageLayout?: 'nchw' | 'none';
  /** Further inputs fed unchanged with every image (e.g. `input_ids`, `attention_mask`). */
  feeds?: Record<string, Feed>;
  /** Tensors the head returns (default: the graph outputs). One name: the head returns a tensor; several: a map. */
  outputs?: string[];
  /** Layout of T: default 'nchw' for rank 4, 'tokens' for rank 3. */
  activations?: ActivationLayout;
}

interface Plan {
  /** Values the head nodes read that the trunk computes (or that are graph inputs). */
  frontier: string[];
}

/** Which non-constant values the nodes that depend on `cut` (and are needed for `outputs`) read from outside. */
function analyse(session: OnnxSession, cut: string, outputs: string[]): Plan {
  const g = session.model.graph;
  const reads = (n: OnnxNode): string[] => [...n.inputs.filter(Boolean), ...n.subgraphs.flatMap((s) => [...s.outerRefs])];
  // Forward: nodes depending on T.
  const tainted = new Set<string>([cut]);
  const dependent = new Set<OnnxNode>();
  for (const n of g.nodes) {
    if (reads(n).some((r) => tainted.has(r))) {
      dependent.add(n);
      for (const o of n.outputs) if (o && o !== cut) tainted.add(o);
    }
  }
  // Backward from the outputs through dependent nodes only.
  const producer = new Map<string, OnnxNode>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const head = new Set<OnnxNode>();
  const stack = [...outputs];
  const frontier = new Set<string>();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === cut) continue;
    const p = producer.get(name);
    if (p && dependent.has(p)) {
      if (head.has(p)) continue;
      head.add(p);
      stack.push(...reads(p));
    } else if (!session.isConstant(name)) frontier.add(name);
  }
  for (const o of outputs) {
    if (o !== cut && !tainted.has(o)) {
      throw new Error(`output '${o}' does not depend on the cut tensor '${cut}': its gradient would be zero`);
    }
  }
  return { frontier: [...frontier] };
}

function defaultImageInput(session: OnnxSession): string {
  const first4d = session.inputs.find((i) => i.shape?.length === 4 && (i.dtype === 'float32' || i.dtype === undefined));
  const name = first4d?.name ?? session.inputNames[0];
  if (!name) throw new Error('the ONNX graph has no inputs');
  return name;
}

function tokenGrid(n: number, layout: ActivationLayout): { gh: number; gw: number; prefix: number } {
  const spec = typeof layout === 'object' ? layout.tokens : {};
  let gh: number;
  let gw: number;
  if (spec.grid) [gh, gw] = spec.grid;
  else {
    const g = Math.floor(Math.sqrt(spec.prefix !== undefined ? n - spec.prefix : n));
    gh = g;
    gw = g;
  }
  const prefix = spec.prefix ?? n - gh * gw;
  if (prefix < 0 || prefix + gh * gw !== n) {
    throw new Error(`cannot arrange ${n} tokens as ${prefix} prefix tokens + a ${gh}×${gw} grid`);
  }
  return { gh, gw, prefix };
}

/**
 * Cuts an ONNX session at tensor `options.tensor` into a core `ModelCut`: `explain(cutOnnx(session,
 * { tensor }), nhwcImages, …)` then explains the ONNX model with any CAM method. See the module
 * documentation for the layout conventions (NCHW graphs, token tensors) and the frontier.
 */
export function cutOnnx(session: OnnxSession, options: CutOnnxOptions): ModelCut {
  const cut = options.tensor;
  if (!session.tensorNames().includes(cut)) throw new Error(`'${cut}' is not a tensor of the ONNX graph`);
  const outputs = options.outputs ?? session.outputNames;
  const inputNames = options.inputNames ?? [defaultImageInput(session)];
  const fixed = options.feeds ?? {};
  const { frontier } = analyse(session, cut, outputs);
  // Graph inputs the head reads are fed to it from the trunk's inputs/fixed feeds, like any frontier value.
  const frontierTypes = new Map<string, DType>();
  let tokens: { gh: number; gw: number; prefix: number } | undefined;
  let layout: ActivationLayout | undefined = options.activations;
  let cutType: DType = 'float32';

  const toGraphInput = (t: tf.Tensor, k: number): tf.Tensor => {
    if (k > 0) return t;
    const mode = options.imageLayout ?? (t.rank === 4 ? 'nchw' : 'none');
    return mode === 'nchw' ? tf.transpose(t, [0, 3, 1, 2]) : t;
  };

  const trunk = (inputs: tf.Tensor[]): { activations: tf.Tensor; state: tf.Tensor[] } =>
    tf.tidy(() => {
      if (inputs.length > inputNames.length) {
        throw new Error(`the trunk got ${inputs.length} inputs but inputNames names ${inputNames.length}`);
      }
      const n = inputs[0]!.shape[0]!;
      const acts: tf.Tensor[] = [];
      const states: tf.Tensor[][] = frontier.map(() => []);
      const prefixes: tf.Tensor[] = [];
      for (let b = 0; b < n; b++) {
        const feeds: Record<string, Feed> = { ...fixed };
        inputs.forEach((t, k) => {
          const row = tf.slice(t, [b, ...new Array(t.rank - 1).fill(0)], [1, ...t.shape.slice(1)]);
          feeds[inputNames[k]!] = toGraphInput(row, k);
        });
        const res = session.runTyped(feeds, [cut, ...frontier]);
        const t = res[cut]!.tensor;
        cutType = res[cut]!.dtype;
        layout ??= t.rank === 4 ? 'nchw' : t.rank === 3 ? 'tokens' : undefined;
        if (layout === undefined) throw new Error(`cut tensor '${cut}' has rank ${t.rank}: give options.activations`);
        if (layout === 'nchw') acts.push(tf.transpose(t, [0, 2, 3, 1]));
        else if (layout === 'nhwc') acts.push(t);
        else {
          tokens = tokenGrid(t.shape[1]!, layout);
          const d = t.shape[2]!;
          const { gh, gw, prefix } = tokens;
          acts.push(tf.reshape(tf.slice(t, [0, prefix, 0], [1, gh * gw, d]), [1, gh, gw, d]));
          prefixes.push(tf.slice(t, [0, 0, 0], [1, prefix, d]));
        }
        frontier.forEach((name, i) => {
          frontierTypes.set(name, res[name]!.dtype);
          states[i]!.push(tf.expandDims(res[name]!.tensor, 0));
        });
      }
      const state = states.map((rows) => tf.concat(rows, 0));
      if (prefixes.length > 0) state.push(tf.concat(prefixes, 0));
      return { activations: tf.concat(acts, 0), state };
    });

  const head = (a: tf.Tensor, state: tf.Tensor[]): HeadOutputs =>
    tf.tidy(() => {
      const rows = a.shape[0]!;
      const perOutput: tf.Tensor[][] = outputs.map(() => []);
      for (let b = 0; b < rows; b++) {
        const ab = tf.slice(a, [b, 0, 0, 0], [1, ...a.shape.slice(1)]);
        let t: tf.Tensor;
        if (layout === 'nchw') t = tf.transpose(ab, [0, 3, 1, 2]);
        else if (layout === 'nhwc' || layout === undefined) t = ab;
        else {
          const { gh, gw, prefix } = tokens!;
          const d = ab.shape[3]!;
          const patches = tf.reshape(ab, [1, gh * gw, d]);
          const pre = state[frontier.length]!;
          t = prefix > 0 ? tf.concat([tf.slice(pre, [b, 0, 0], [1, prefix, d]), patches], 1) : patches;
        }
        const feeds: Record<string, Feed> = { [cut]: Value.fromTensor(t, cutType) };
        frontier.forEach((name, i) => {
          const s = state[i]!;
          const row = tf.squeeze(tf.slice(s, [b, ...new Array(s.rank - 1).fill(0)], [1, ...s.shape.slice(1)]), [0]);
          feeds[name] = Value.fromTensor(row, frontierTypes.get(name) ?? 'float32');
        });
        const res = session.run(feeds, outputs);
        outputs.forEach((o, k) => perOutput[k]!.push(res[o]!));
      }
      const joined = perOutput.map((ts) => (ts.length === 1 ? ts[0]! : tf.concat(ts, 0)));
      if (joined.length === 1) return joined[0]!;
      const map: tf.NamedTensorMap = {};
      outputs.forEach((o, k) => (map[o] = joined[k]!));
      return map;
    });

  return cutFromFunctions({ layer: cut, trunk, head });
}
