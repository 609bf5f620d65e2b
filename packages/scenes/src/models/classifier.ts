/**
 * The scene classifier: encoder → global max pooling → dense(24) logits, one per (colour, shape) pair,
 * trained with sigmoid cross-entropy (multi-label). Max pooling (presence anywhere) learns several times
 * faster than average pooling here, where one object covers a few of the 64 cells.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { ENCODER_OUTPUT, applyEncoder, imageInput } from './encoder.js';
import { glorotInit } from './init.js';
import { type LayerSet, call } from './layer-set.js';

/** Default Grad-CAM layer of the classifier: the encoder's output `enc_features`, 8×8×64. */
export const CLASSIFIER_LAYER = ENCODER_OUTPUT;

/** Creates the classifier's own layers (after the encoder). */
export function createClassifierLayers(seed: number): tfl.layers.Layer[] {
  return [
    tfl.layers.globalMaxPooling2d({ name: 'cls_pool' }),
    tfl.layers.dense({ name: 'cls_logits', units: NUM_CLASSES, kernelInitializer: glorotInit(seed, 'cls_logits') }),
  ];
}

/**
 * Builds the classifier: input `image` [N, 64, 64, 3] (RGB in [0, 1]), output [N, 24] logits
 * (sigmoid → probability that the scene has that colour-shape pair, index `classIndex(colour, shape)`).
 */
export function buildClassifier(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  const logits = call(layers, 'cls_logits', call(layers, 'cls_pool', applyEncoder(layers, image)));
  return tfl.model({ name: 'scene_classifier', inputs: image, outputs: logits });
}
