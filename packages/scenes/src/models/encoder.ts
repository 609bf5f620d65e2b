/**
 * The shared CNN image encoder of the three scene models: 64×64 RGB → an 8×8×64 feature map.
 *
 * conv4×4/2(16) → conv3×3(32) → maxpool2 → conv3×3(64)+BN → maxpool2 → conv3×3(64)+BN → conv1×1(64)+BN,
 * ReLU after each ('same' padding; receptive field 38 px, stride 8). Batch normalisation on the three
 * low-resolution layers only (where it is cheap) roughly triples how fast the classifier learns. The
 * last layer is 1×1: it mixes channels without spreading an object's evidence to the neighbouring cells,
 * which keeps the maxima of the Grad-CAM maps on the objects. It is
 * trained with the classifier and then frozen. The classifier reads it through its class maps (see
 * `classifier.ts`), which the captioner and the VQA model reuse, as Show-and-Tell reuses an ImageNet CNN.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { SCENE_SIZE } from '../world/generator.js';
import { heInit } from './init.js';
import { type LayerSet, call, layerSetOf } from './layer-set.js';

/** Name of the encoder's output layer (8×8×64, after ReLU): the classifier's Grad-CAM target. */
export const ENCODER_OUTPUT = 'enc_features';
/** Channels of the encoder's output. */
export const ENCODER_CHANNELS = 64;
/** Side of the encoder's output map (8: SCENE_SIZE / 8). */
export const FEATURE_SIZE = SCENE_SIZE / 8;
/** The encoder's layers in order. */
export const ENCODER_LAYERS = [
  'enc_conv1',
  'enc_conv2',
  'enc_pool2',
  'enc_conv3',
  'enc_bn3',
  'enc_relu3',
  'enc_pool3',
  'enc_conv4',
  'enc_bn4',
  'enc_relu4',
  'enc_conv5',
  'enc_bn5',
  ENCODER_OUTPUT,
] as const;

/** Creates the encoder's layers with weights initialised from `seed`. */
export function createEncoderLayers(seed: number): tfl.layers.Layer[] {
  const conv = (name: string, filters: number, kernelSize = 3, strides = 1) =>
    tfl.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', activation: 'relu', kernelInitializer: heInit(seed, name) });
  const convBn = (i: number, filters: number, relu = `enc_relu${i}`, kernelSize = 3) => [
    tfl.layers.conv2d({ name: `enc_conv${i}`, filters, kernelSize, padding: 'same', useBias: false, kernelInitializer: heInit(seed, `enc_conv${i}`) }),
    tfl.layers.batchNormalization({ name: `enc_bn${i}` }),
    tfl.layers.activation({ name: relu, activation: 'relu' }),
  ];
  return [
    conv('enc_conv1', 16, 4, 2),
    conv('enc_conv2', 32),
    tfl.layers.maxPooling2d({ name: 'enc_pool2', poolSize: 2 }),
    ...convBn(3, 64),
    tfl.layers.maxPooling2d({ name: 'enc_pool3', poolSize: 2 }),
    ...convBn(4, 64),
    ...convBn(5, ENCODER_CHANNELS, ENCODER_OUTPUT, 1),
  ];
}

/** Applies the encoder to an image tensor [N, 64, 64, 3] (symbolic) → [N, 8, 8, 64]. */
export function applyEncoder(layers: LayerSet, image: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return applyEncoderLevels(layers, image).features;
}

/** The encoder's 16×16 level (`enc_relu3`, [N, 16, 16, 64]) and its output (`enc_features`, [N, 8, 8, 64]). */
export function applyEncoderLevels(layers: LayerSet, image: tfl.SymbolicTensor): { fine: tfl.SymbolicTensor; features: tfl.SymbolicTensor } {
  let x = image;
  let fine: tfl.SymbolicTensor | undefined;
  for (const name of ENCODER_LAYERS) {
    x = call(layers, name, x);
    if (name === 'enc_relu3') fine = x;
  }
  return { fine: fine!, features: x };
}

/** An image input layer [null, 64, 64, 3], float32 RGB in [0, 1]. */
export function imageInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [SCENE_SIZE, SCENE_SIZE, 3], name: 'image', dtype: 'float32' });
}

/** The encoder alone as a model (image → features), over the given layers (e.g. a loaded model's). */
export function buildEncoder(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  return tfl.model({ name: 'scene_encoder', inputs: image, outputs: applyEncoder(layers, image) });
}

export { layerSetOf };
