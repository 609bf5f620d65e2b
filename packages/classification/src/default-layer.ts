import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { defaultLayer, listLayers } from '@gradcam/core';
import { graphOf, nodeName } from './graph-view.js';

const GLOBAL_POOL_LAYERS = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D']);
const POOL_OPS = new Set(['Mean', 'AvgPool', 'MaxPool', 'Max']);

/** True for a shape [N, 1, 1, C] or [N, C]: what a global pooling leaves. */
function pooled(shape: Array<number | null>): boolean {
  return shape.length === 2 || (shape.length === 4 && shape[1] === 1 && shape[2] === 1);
}

function layersModelDefault(model: tfl.LayersModel): string {
  const layers = listLayers(model);
  const spatial = new Set(layers.filter((l) => l.spatial).map((l) => l.name));
  for (const info of [...layers].reverse()) {
    if (!GLOBAL_POOL_LAYERS.has(info.kind)) continue;
    try {
      const input = model.getLayer(info.name).input;
      const src = Array.isArray(input) ? undefined : input.sourceLayer.name;
      if (src && spatial.has(src)) return src;
    } catch {
      // a shared layer: fall through to the engine's default
    }
  }
  return defaultLayer(model);
}

function graphModelDefault(model: GraphModel, probe?: tf.Tensor): string {
  const layers = listLayers(model, probe);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const g = graphOf(model);
  for (const info of [...layers].reverse()) {
    if (!POOL_OPS.has(info.kind) || !pooled(info.shape)) continue;
    const input = g?.nodes[info.name]?.inputNames.find((n) => !n.startsWith('^'));
    const source = input ? byName.get(nodeName(input)) : undefined;
    if (source?.spatial) return source.name;
  }
  return defaultLayer(model, probe);
}

/**
 * The default Grad-CAM target of a classifier: the spatial layer feeding its last global pooling
 * (MobileNet v1: `Conv2d_13_pointwise/Relu6`; v2: `Conv_1/Relu6`; Keras MobileNet: `conv_pw_13_relu`),
 * else the engine's default (the last layer with a spatial NHWC output).
 * @param probe an example input for GraphModels whose input size is not in the signature.
 * @returns a layer (LayersModel) or node (GraphModel) name.
 */
export function classifierDefaultLayer(model: tfl.LayersModel | GraphModel, probe?: tf.Tensor): string {
  return model instanceof tfl.LayersModel ? layersModelDefault(model) : graphModelDefault(model, probe);
}
