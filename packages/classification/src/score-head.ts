import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { type Explainable, cutGraphModel, isGraphModel } from '@gradcam/core';
import { graphOf, nodeName } from './graph-view.js';

/** What a classification explanation scores: the pre-softmax logit y^c (the Grad-CAM paper's choice) or the model's probability output. */
export type ScoreSource = 'logit' | 'probability';

/** The activation that ends a classifier: its output is a softmax, independent sigmoids, or raw logits. */
export type OutputActivation = 'softmax' | 'sigmoid' | 'none';

/** The model the engine explains for a classifier: same layers, output moved before the final softmax/sigmoid when the graph exposes it. */
export interface ScoreHead {
  /**
   * The model to explain: a LayersModel whose first output holds the explained scores, [N, K] or
   * [N, 1, 1, K], or the GraphModel itself, whose explained scores are at `outputs` when set.
   */
  explainable: tfl.LayersModel | GraphModel;
  /** GraphModel only: the node(s) the explained head ends at (the logits feeding the final softmax/sigmoid); undefined: the model's outputs. */
  outputs?: string[];
  /** `logit` when `explainable` outputs pre-activation values, `probability` when only the softmax/sigmoid is available. */
  scoreSource: ScoreSource;
  /** The final activation of the original model. */
  activation: OutputActivation;
  /** Where the logits were taken (a layer or node name), or the model output name. */
  scoreNode: string;
  /** Frees what was created to expose the logits (a cloned final layer), never the model itself. */
  dispose(): void;
}

/** Layers that only reshape or (at inference) pass values through: looked past when searching for the final activation. */
const PASS_THROUGH_LAYERS = new Set(['Reshape', 'Flatten', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);
/** Graph ops that only reshape or copy values. */
const PASS_THROUGH_OPS = new Set(['Identity', 'Reshape', 'Squeeze', 'ExpandDims', 'IdentityN', 'StopGradient', 'Snapshot']);

function activationOf(name: unknown): OutputActivation {
  return name === 'softmax' ? 'softmax' : name === 'sigmoid' ? 'sigmoid' : 'none';
}

/**
 * Applies the layers of a nested single-chain model (a Sequential) one by one to `input`.
 * @returns the output symbolic tensor, or undefined when the model is not a plain chain.
 */
function unrollChain(nested: tfl.LayersModel, input: tfl.SymbolicTensor): tfl.SymbolicTensor | undefined {
  if (!(nested instanceof tfl.Sequential)) return undefined;
  let t = input;
  for (const layer of nested.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const out = layer.apply(t);
    if (Array.isArray(out)) return undefined;
    t = out as tfl.SymbolicTensor;
  }
  return t;
}

function layersScoreHead(model: tfl.LayersModel): ScoreHead {
  const plain: ScoreHead = { explainable: model, scoreSource: 'logit', activation: 'none', scoreNode: model.outputNames?.[0] ?? 'output', dispose() {} };
  let t = model.outputs[0];
  while (t) {
    const layer = t.sourceLayer as tfl.layers.Layer;
    const cls = layer.getClassName();
    // The input of the call that produced t (a layer used in several graphs has several calls).
    const call = layer.inboundNodes[t.nodeIndex];
    const input = call?.inputTensors.length === 1 ? call.inputTensors[0] : undefined;
    if (PASS_THROUGH_LAYERS.has(cls) && input) {
      t = input;
      continue;
    }
    if (layer instanceof tfl.LayersModel) {
      // A nested model at the end (Teachable Machine: [truncated MobileNet, head Sequential]): re-apply its
      // layers one by one so its final softmax can be cut off like a top-level one.
      const inner = layersScoreHead(layer);
      inner.dispose();
      if (inner.activation === 'none') return plain;
      const unrolled = input ? unrollChain(layer, input) : undefined;
      if (!unrolled) return { ...plain, scoreSource: 'probability', activation: inner.activation, scoreNode: layer.name };
      const head = layersScoreHead(tfl.model({ inputs: model.inputs, outputs: unrolled }));
      return { ...head, activation: inner.activation };
    }
    const config = layer.getConfig() as { activation?: unknown };
    const activation = cls === 'Softmax' ? 'softmax' : activationOf(config.activation);
    if (activation === 'none') return plain;
    if (!input) return { ...plain, scoreSource: 'probability', activation, scoreNode: layer.name };
    if (cls === 'Activation' || cls === 'Softmax') {
      // The logits are this layer's input: a model that ends one layer earlier.
      const explainable = tfl.model({ inputs: model.inputs, outputs: input });
      return { explainable, scoreSource: 'logit', activation, scoreNode: input.sourceLayer.name, dispose() {} };
    }
    // A Dense/Conv layer with a built-in softmax: a linear twin sharing its weights gives the logits.
    const Cls = layer.constructor as new (config: object) => tfl.layers.Layer;
    const twin = new Cls({ ...layer.getConfig(), activation: 'linear', name: `${layer.name}_logits` });
    const out = twin.apply(input) as tfl.SymbolicTensor;
    twin.setWeights(layer.getWeights());
    const explainable = tfl.model({ inputs: model.inputs, outputs: out });
    return { explainable, scoreSource: 'logit', activation, scoreNode: twin.name, dispose: () => twin.dispose() };
  }
  return plain;
}

function graphScoreHead(model: GraphModel): ScoreHead {
  const outName = model.outputs[0]?.name ?? '';
  const plain: ScoreHead = { explainable: model, scoreSource: 'logit', activation: 'none', scoreNode: outName, dispose() {} };
  const g = graphOf(model);
  let node = g?.nodes[nodeName(outName)];
  while (node && PASS_THROUGH_OPS.has(node.op) && node.inputs[0]) node = node.inputs[0];
  if (!node) return plain;
  const activation = node.op === 'Softmax' ? 'softmax' : node.op === 'Sigmoid' ? 'sigmoid' : 'none';
  if (activation === 'none') return plain;
  const logits = node.inputNames.find((n) => !n.startsWith('^'));
  if (!logits) return { ...plain, scoreSource: 'probability', activation, scoreNode: node.name };
  return { explainable: model, outputs: [logits], scoreSource: 'logit', activation, scoreNode: logits, dispose() {} };
}

/**
 * What `explain` takes to explain `head` at `layer`: the model itself, or, when the scores are at other
 * nodes of a GraphModel (its logits), one cut per layer that ends there.
 */
export function explainableAt(head: ScoreHead, layer: string | string[]): Explainable {
  const layers = Array.isArray(layer) ? layer : [layer];
  // An empty list goes to the engine as it is, which rejects it.
  if (!head.outputs || !isGraphModel(head.explainable) || layers.length === 0) return head.explainable;
  const model = head.explainable;
  const outputs = head.outputs;
  return layers.map((l) => cutGraphModel(model, l, { outputs }));
}

/**
 * Finds what to score for a classifier: when the model ends in a softmax (or sigmoid) and the graph
 * exposes its input, the model is re-rooted at that input so that a class index scores the logit.
 * Softmax LayersModels: an `Activation('softmax')`/`Softmax` layer is cut off; a Dense/Conv layer with
 * `activation: 'softmax'` gets a linear twin sharing its weights. GraphModels: the input of the final
 * `Softmax`/`Sigmoid` node (looking past Identity/Reshape/Squeeze) becomes `outputs`.
 * @returns the {@link ScoreHead}; `scoreSource` says whether logits or probabilities are scored.
 */
export function scoreHead(model: tfl.LayersModel | GraphModel): ScoreHead {
  if (model instanceof tfl.LayersModel) return layersScoreHead(model);
  if (isGraphModel(model)) return graphScoreHead(model);
  throw new Error('a classifier model must be a tfjs LayersModel or GraphModel');
}
