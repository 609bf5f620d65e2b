import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GradCamError, closestNames, listNames } from '../errors.js';
import { recordingGradients } from '../grad.js';
import type { HeadOutputs, LayerInfo, ModelCut, TrunkOutput } from '../types.js';

type SymbolicTensor = tfl.SymbolicTensor;
interface GraphNode {
  outboundLayer: tfl.layers.Layer;
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}
interface Container {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  nodesByDepth: Record<string, GraphNode[]>;
}

/** The functional graph behind a LayersModel (a Sequential delegates to an inner functional model). */
function containerOf(model: tfl.LayersModel): Container {
  const inner = (model as unknown as { model?: tfl.LayersModel }).model;
  const c = (inner instanceof tfl.LayersModel ? inner : model) as unknown as Container;
  if (!c.nodesByDepth || !c.outputs) {
    throw new GradCamError('this LayersModel is not built yet: call model.predict once or give its first layer an inputShape');
  }
  return c;
}

/** Nodes of the model in execution order (inputs first), without the InputLayer nodes. */
function orderedNodes(c: Container): GraphNode[] {
  const depths = Object.keys(c.nodesByDepth).map(Number).sort((a, b) => b - a);
  const nodes: GraphNode[] = [];
  for (const d of depths) {
    for (const n of c.nodesByDepth[String(d)]!) {
      if (n.outboundLayer.getClassName() !== 'InputLayer') nodes.push(n);
    }
  }
  return nodes;
}

interface WeightedLayer {
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  activation?: { apply(x: tf.Tensor): tf.Tensor };
  rank?: number;
  dataFormat?: string;
  strides?: number[];
  padding?: string;
  dilationRate?: number | number[];
}

/**
 * Conv2D and Dense layers computed with plain tfjs ops, used while a gradient tape records.
 * Performance: tfjs-layers runs them with tfjs's fused ops, whose custom gradient computes the
 * gradients of all inputs eagerly — weights and bias included — even though gradcam only
 * differentiates with respect to activations or images (for a MobileNetV2 head, the unused
 * 1280×1000 weight gradient cost ~20 % of a forward pass on wasm). The plain ops' registered
 * gradients are lazy, so only the input's is computed. Same math; other configurations
 * (channels-first, 1-D/3-D convolutions, Dense on rank > 2) return null and use `apply`.
 */
function unfusedCall(layer: tfl.layers.Layer, x: tf.Tensor): tf.Tensor | null {
  const l = layer as unknown as WeightedLayer;
  if (!l.kernel || !l.activation) return null;
  const cls = layer.getClassName();
  let y: tf.Tensor;
  if (cls === 'Conv2D' && l.rank === 2 && l.dataFormat === 'channelsLast' && x.rank === 4 && (l.padding === 'same' || l.padding === 'valid')) {
    const d = l.dilationRate ?? 1;
    y = tf.conv2d(x as tf.Tensor4D, l.kernel.read() as tf.Tensor4D, l.strides as [number, number], l.padding, 'NHWC', (typeof d === 'number' ? d : [d[0]!, d[1] ?? d[0]!]) as [number, number]);
  } else if (cls === 'Dense' && x.rank === 2) {
    y = tf.matMul(x, l.kernel.read());
  } else {
    return null;
  }
  if (l.bias) y = tf.add(y, l.bias.read());
  return l.activation.apply(y);
}

function runNode(node: GraphNode, values: Map<number, tf.Tensor>): void {
  const args = node.inputTensors.map((s) => {
    const v = values.get(s.id);
    if (!v) throw new GradCamError(`internal: value of ${s.name} is missing when running layer ${node.outboundLayer.name}`);
    return v;
  });
  if (args.length === 1 && recordingGradients()) {
    const y = unfusedCall(node.outboundLayer, args[0]!);
    if (y) {
      values.set(node.outputTensors[0]!.id, y);
      return;
    }
  }
  const kwargs = { ...(node.callArgs ?? {}), training: false };
  delete (kwargs as Record<string, unknown>)['mask'];
  const out = node.outboundLayer.apply(args.length === 1 ? args[0]! : args, kwargs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(out) ? out : [out];
  node.outputTensors.forEach((s, i) => values.set(s.id, outs[i]!));
}

function spatial(shape: Array<number | null>): boolean {
  return shape.length === 4 && ((shape[1] ?? 2) > 1 || (shape[2] ?? 2) > 1);
}

/**
 * Candidate target layers of a LayersModel, in execution order, with their output shapes
 * (NHWC; the batch dimension is `null`).
 */
export function listLayersModelLayers(model: tfl.LayersModel): LayerInfo[] {
  const c = containerOf(model);
  const seen = new Set<string>();
  const out: LayerInfo[] = [];
  for (const n of orderedNodes(c)) {
    n.outputTensors.forEach((s, i) => {
      const name = n.outputTensors.length > 1 ? `${n.outboundLayer.name}:${i}` : n.outboundLayer.name;
      if (seen.has(name)) return;
      seen.add(name);
      const shape = [...s.shape];
      out.push({ name, shape, kind: n.outboundLayer.getClassName(), spatial: spatial(shape) });
    });
  }
  return out;
}

/**
 * Cuts a tfjs LayersModel (any DAG: residual adds, concatenations, several inputs and outputs) at
 * `layer`. The trunk runs the layers the cut and its frontier need; the head re-executes the layers
 * that descend from the cut, with A substituted and the frontier fed as constants.
 */
export function cutLayersModel(model: tfl.LayersModel, layer: string): ModelCut {
  const c = containerOf(model);
  const nodes = orderedNodes(c);
  const [layerName, idxStr] = layer.split(':') as [string, string | undefined];
  const cutNode = nodes.find((n) => n.outboundLayer.name === layerName);
  if (!cutNode) {
    const names = listLayersModelLayers(model).filter((l) => l.spatial).map((l) => l.name);
    const near = closestNames(layer, names);
    throw new GradCamError(
      `no layer named '${layer}' in this model${near.length ? ` (did you mean ${near.map((n) => `'${n}'`).join(', ')}?)` : ''}. ` +
        `Layers with spatial NHWC outputs: ${listNames(names)}`,
    );
  }
  const cutTensor = cutNode.outputTensors[Number(idxStr ?? 0)];
  if (!cutTensor) throw new GradCamError(`layer '${layerName}' has ${cutNode.outputTensors.length} outputs; '${layer}' names none of them`);

  // Descendants of the cut tensor, in execution order.
  const downstream = new Set<number>([cutTensor.id]);
  const headNodes: GraphNode[] = [];
  for (const n of nodes) {
    if (n === cutNode) continue;
    if (n.inputTensors.some((s) => downstream.has(s.id))) {
      headNodes.push(n);
      n.outputTensors.forEach((s) => downstream.add(s.id));
    }
  }
  // Keep only head nodes that lead to an output.
  const needed = new Set<number>(c.outputs.map((s) => s.id));
  const head: GraphNode[] = [];
  for (const n of [...headNodes].reverse()) {
    if (n.outputTensors.some((s) => needed.has(s.id))) {
      head.unshift(n);
      n.inputTensors.forEach((s) => needed.add(s.id));
    }
  }
  const produced = new Set<number>([cutTensor.id, ...head.flatMap((n) => n.outputTensors.map((s) => s.id))]);
  const frontier: SymbolicTensor[] = [];
  const addFrontier = (s: SymbolicTensor) => {
    if (!produced.has(s.id) && !frontier.some((f) => f.id === s.id)) frontier.push(s);
  };
  head.forEach((n) => n.inputTensors.forEach(addFrontier));
  c.outputs.forEach(addFrontier);

  // Trunk nodes: ancestors of the cut and the frontier, not descending from the cut.
  const want = new Set<number>([cutTensor.id, ...frontier.map((s) => s.id)]);
  const trunk: GraphNode[] = [];
  for (const n of [...nodes].reverse()) {
    if (downstream.has(n.outputTensors[0]!.id) && n !== cutNode) continue;
    if (n.outputTensors.some((s) => want.has(s.id))) {
      trunk.unshift(n);
      n.inputTensors.forEach((s) => want.add(s.id));
    }
  }

  // Performance: free each trunk intermediate after its last consumer, as tfjs-layers' own
  // `execute` does (keeping every activation alive until the tidy ends costs ~20 % of a MobileNetV2
  // forward on wasm, where freed heap blocks are reused while still in cache, and raises peak memory).
  const keepIds = new Set<number>([...c.inputs.map((s) => s.id), cutTensor.id, ...frontier.map((s) => s.id)]);
  const lastUse = new Map<number, number>();
  trunk.forEach((n, i) => n.inputTensors.forEach((s) => lastUse.set(s.id, i)));
  const freeAfter: number[][] = trunk.map(() => []);
  for (const [id, i] of lastUse) if (!keepIds.has(id)) freeAfter[i]!.push(id);

  return {
    layer,
    trunk(inputs: tf.Tensor[]): TrunkOutput {
      if (inputs.length !== c.inputs.length) {
        throw new GradCamError(
          `the model has ${c.inputs.length} input(s) (${c.inputs.map((s) => `${s.name} [${s.shape.join(',')}]`).join(', ')}) but ${inputs.length} were given`,
        );
      }
      return tf.tidy(() => {
        const values = new Map<number, tf.Tensor>();
        c.inputs.forEach((s, i) => values.set(s.id, inputs[i]!));
        trunk.forEach((n, i) => {
          runNode(n, values);
          for (const id of freeAfter[i]!) {
            values.get(id)?.dispose();
            values.delete(id);
          }
        });
        const activations = values.get(cutTensor.id)!;
        const state = frontier.map((s) => values.get(s.id)!);
        return { activations, state };
      }) as TrunkOutput;
    },
    head(activations: tf.Tensor, state: tf.Tensor[]): HeadOutputs {
      const values = new Map<number, tf.Tensor>();
      values.set(cutTensor.id, activations);
      frontier.forEach((s, i) => values.set(s.id, state[i]!));
      for (const n of head) runNode(n, values);
      const outs = c.outputs.map((s) => values.get(s.id)!);
      return outs.length === 1 ? outs[0]! : outs;
    },
  };
}
