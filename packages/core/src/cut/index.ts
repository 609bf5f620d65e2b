import * as tfl from '@tensorflow/tfjs-layers';
import type * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { GradCamError } from '../errors.js';
import type { LayerInfo, ModelCut } from '../types.js';
import { cutGraphModel, isGraphModel, listGraphModelNodes } from './graph-model.js';
import { cutLayersModel, listLayersModelLayers } from './layers-model.js';

/** Anything `explain` can cut: a LayersModel, a GraphModel, or a ready-made cut (one per target layer). */
export type Explainable = tfl.LayersModel | GraphModel | ModelCut | ModelCut[];

/** True for a {@link ModelCut} (an object with `trunk` and `head` functions). */
export function isModelCut(x: unknown): x is ModelCut {
  return typeof x === 'object' && x !== null && typeof (x as ModelCut).trunk === 'function' && typeof (x as ModelCut).head === 'function';
}

/**
 * Lists a model's layers (LayersModel) or input-dependent nodes (GraphModel) with output shapes, in
 * execution order. `probe` (GraphModel only) is an example input used to infer shapes.
 */
export function listLayers(model: tfl.LayersModel | GraphModel, probe?: tf.Tensor | tf.Tensor[]): LayerInfo[] {
  if (model instanceof tfl.LayersModel) return listLayersModelLayers(model);
  if (isGraphModel(model)) return listGraphModelNodes(model, probe);
  throw new GradCamError('listLayers needs a tfjs LayersModel or GraphModel');
}

/** Default layers already found, per model and probe shape (a GraphModel needs a full pass to find it). */
const defaults = new WeakMap<object, Map<string, string>>();

/** The default target: the last layer with a 4-D output of more than one spatial position. */
export function defaultLayer(model: tfl.LayersModel | GraphModel, probe?: tf.Tensor | tf.Tensor[]): string {
  const key = JSON.stringify((Array.isArray(probe) ? probe : probe ? [probe] : []).map((t) => t.shape.slice(1)));
  const cached = defaults.get(model)?.get(key);
  if (cached) return cached;
  const layers = listLayers(model, probe).filter((l) => l.spatial);
  const last = layers[layers.length - 1];
  if (!last) throw new GradCamError('the model has no layer with a spatial 4-D (NHWC) output to explain; pass a cut with cutFromFunctions');
  if (!defaults.has(model)) defaults.set(model, new Map());
  defaults.get(model)!.set(key, last.name);
  return last.name;
}

/**
 * Cuts already made, per model and layer name. Performance: a cut is a pure analysis of the model's
 * (immutable) topology and holds no tensors, but making one walks the whole graph — ~1 ms for a
 * MobileNetV2 LayersModel, more for graph models — which every `explain` call used to repeat.
 */
const cuts = new WeakMap<object, Map<string, ModelCut>>();

function cached(model: object, layer: string, make: () => ModelCut): ModelCut {
  let perModel = cuts.get(model);
  if (!perModel) cuts.set(model, (perModel = new Map()));
  let cut = perModel.get(layer);
  if (!cut) perModel.set(layer, (cut = make()));
  return cut;
}

/**
 * Cuts `model` at each of `layers` (default: {@link defaultLayer}). Models that are already cuts
 * are returned as they are.
 */
export function cutModel(model: Explainable, layers?: string | string[], probe?: tf.Tensor | tf.Tensor[]): ModelCut[] {
  if (Array.isArray(model)) return model;
  if (isModelCut(model)) return [model];
  const names = layers === undefined ? [defaultLayer(model, probe)] : Array.isArray(layers) ? layers : [layers];
  if (names.length === 0) throw new GradCamError('`layer` is an empty list: name at least one target layer');
  if (model instanceof tfl.LayersModel) return names.map((n) => cached(model, n, () => cutLayersModel(model, n)));
  if (isGraphModel(model)) return names.map((n) => cached(model, n, () => cutGraphModel(model, n)));
  throw new GradCamError('explain needs a tfjs LayersModel, a GraphModel or a ModelCut ({ trunk, head })');
}
