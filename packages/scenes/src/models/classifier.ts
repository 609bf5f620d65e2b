/**
 * The scene classifier, and the class maps all three scene models read. Encoder (8×8×64) → upsampled ×2
 * and concatenated with the encoder's 16×16 level (`enc_relu3`) → 1×1 conv (64, ReLU) → `cls_maps`, a 1×1
 * conv to one 16×16 map per class (24 colour–shape pairs, linear) → global max pooling = the class logits,
 * trained with sigmoid cross-entropy (multi-label). A class is present where its map is high: max pooling
 * makes the classifier say "present" only through the cells that hold the object (weakly supervised
 * localization, Oquab et al. 2015), so the maps are object-specific; max-pooled to 8×8 (`cls_maps_pool`)
 * they are the input of the captioner (which floors them, see `captioner.ts`) and the VQA model. The
 * Grad-CAM layer of the classifier and the VQA model is the one before them, {@link SCENE_LAYER}; the
 * captioner's is its class evidence (`CAPTIONER_LAYER`).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { FEATURE_SIZE, applyEncoderLevels, imageInput } from './encoder.js';
import { glorotInit, heInit } from './init.js';
import { type LayerSet, call } from './layer-set.js';

/** The class maps [N, 16, 16, 24] (linear logits, one channel per class). */
export const CLASS_MAPS = 'cls_maps';
/**
 * The layer before the class maps, [N, 16, 16, 64] after ReLU: the default Grad-CAM layer of the classifier
 * and the VQA model. Grad-CAM gives the same maps here as at the class maps (a 1×1 linear conv apart), but the
 * methods that assume non-negative activations (Grad-CAM++, XGrad-CAM, Score-CAM, Eigen-CAM) break on
 * the linear, mostly negative class logits and work here.
 */
export const SCENE_LAYER = 'cls_hidden';
/** Default Grad-CAM layer of the classifier: {@link SCENE_LAYER}. */
export const CLASSIFIER_LAYER = SCENE_LAYER;
/** Side of the class maps (16: stride 4). */
export const MAP_SIZE = 2 * FEATURE_SIZE;

/** Creates the classifier's own layers (after the encoder). */
export function createClassifierLayers(seed: number): tfl.layers.Layer[] {
  return [
    tfl.layers.upSampling2d({ name: 'cls_up', size: [2, 2] }),
    tfl.layers.concatenate({ name: 'cls_fuse' }),
    tfl.layers.conv2d({ name: SCENE_LAYER, filters: 64, kernelSize: 1, activation: 'relu', kernelInitializer: heInit(seed, 'cls_hidden') }),
    tfl.layers.conv2d({ name: CLASS_MAPS, filters: NUM_CLASSES, kernelSize: 1, kernelInitializer: glorotInit(seed, CLASS_MAPS) }),
    tfl.layers.globalMaxPooling2d({ name: 'cls_pool' }),
    tfl.layers.maxPooling2d({ name: 'cls_maps_pool', poolSize: 2 }),
  ];
}

/** The class maps of an image tensor [N, 64, 64, 3] (symbolic) → [N, 16, 16, 24]. */
export function applyClassMaps(layers: LayerSet, image: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const { fine, features } = applyEncoderLevels(layers, image);
  const fused = call(layers, 'cls_fuse', [fine, call(layers, 'cls_up', features)]);
  return call(layers, CLASS_MAPS, call(layers, SCENE_LAYER, fused));
}

/** What the captioner and the VQA model read: the class maps max-pooled to 8×8, [N, 8, 8, 24] (symbolic). */
export function applySceneFeatures(layers: LayerSet, image: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return call(layers, 'cls_maps_pool', applyClassMaps(layers, image));
}

/** An input layer for {@link applySceneFeatures}' output, [null, 8, 8, 24] (training on cached features). */
export function sceneFeaturesInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [FEATURE_SIZE, FEATURE_SIZE, NUM_CLASSES], name: 'features', dtype: 'float32' });
}

/** Image → the 8×8×24 scene features, as a model over the given layers (caching features, fast decoding). */
export function buildSceneFeatures(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  return tfl.model({ name: 'scene_features', inputs: image, outputs: applySceneFeatures(layers, image) });
}

/**
 * Builds the classifier: input `image` [N, 64, 64, 3] (RGB in [0, 1]), output [N, 24] logits
 * (sigmoid → probability that the scene has that colour-shape pair, index `classIndex(colour, shape)`).
 */
export function buildClassifier(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  return tfl.model({ name: 'scene_classifier', inputs: image, outputs: call(layers, 'cls_pool', applyClassMaps(layers, image)) });
}
