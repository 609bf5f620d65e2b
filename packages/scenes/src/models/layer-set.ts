/**
 * A model's layers by name: freshly created for training, or taken from a loaded model, so that the
 * same wiring code builds the full model, a head on cached features, or a sub-model of a loaded model.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** Looks a layer up by name. */
export type LayerSet = (name: string) => tfl.layers.Layer;

/** A {@link LayerSet} over freshly created layers; throws on an unknown name. */
export function layerSetOf(layers: readonly tfl.layers.Layer[]): LayerSet {
  const byName = new Map(layers.map((l) => [l.name, l]));
  return (name) => {
    const l = byName.get(name);
    if (!l) throw new Error(`internal: no layer '${name}'`);
    return l;
  };
}

/** A {@link LayerSet} over the layers of a (loaded) model. */
export function layersOfModel(model: tfl.LayersModel): LayerSet {
  return (name) => model.getLayer(name);
}

/** Applies a layer to one or several symbolic tensors. */
export function call(layers: LayerSet, name: string, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  return layers(name).apply(x) as tfl.SymbolicTensor;
}
