/**
 * The Show-and-Tell captioner. It reads the scene features — the classifier's class maps (frozen),
 * max-pooled to 8×8×24 — and summarises them into an image vector v (96, tanh): global max pooling of
 * two 3×3 convs on their sigmoid (`cap_conv1` → `cap_features`, 64, ReLU: what is there), their global average
 * (how much of it: counts), and one keypoint per class — spatial soft-argmax (Levine et al., 2016): E[x]
 * and E[y] under the softmax of the class's map over the 64 cells, with coordinate maps built from frozen
 * standard layers (see `coordinates.ts`) — for the relation words. Decoder: a GRU(96) whose input at step
 * t is the embedding (32) of word t concatenated with v ("par-inject": the image is shown at every step
 * rather than only as the initial state, which `cutLayersModel` cannot re-execute yet — an RNN node's
 * recorded `initialState` keyword clashes with its list of inputs), then a dense layer over the caption
 * vocabulary at every step. Its Grad-CAM layer is `CAPTIONER_LAYER` (`cls_hidden`, 16×16×64, where the class maps are computed). The score of
 * word t is log p(word_t | image, words_<t) under teacher forcing (`captionWordScore`).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { CAPTION_LENGTH, CAPTION_VOCAB } from '../grammar/vocab.js';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { FEATURE_SIZE, imageInput } from './encoder.js';
import { SCENE_LAYER, applySceneFeatures, sceneFeaturesInput } from './classifier.js';
import { embeddingInit, glorotInit, heInit, recurrentInit } from './init.js';
import { applyCoordinates, createCoordinateLayers } from './coordinates.js';
import { type LayerSet, call } from './layer-set.js';

/** Default Grad-CAM layer of the captioner: {@link SCENE_LAYER} (16×16×64), where the class maps it reads are computed. */
export const CAPTIONER_LAYER = SCENE_LAYER;
/** Width of the image vector and of the GRU state. */
export const CAPTIONER_UNITS = 96;

/** Creates the captioner's own layers (after the encoder) with weights initialised from `seed`. */
export function createCaptionerLayers(seed: number): tfl.layers.Layer[] {
  const conv = (name: string) => tfl.layers.conv2d({ name, filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heInit(seed, name) });
  return [
    tfl.layers.activation({ name: 'cap_probs', activation: 'sigmoid' }),
    conv('cap_conv1'),
    conv('cap_features'),
    ...createCoordinateLayers('cap'),
    tfl.layers.reshape({ name: 'cap_keypoints_flat', targetShape: [FEATURE_SIZE * FEATURE_SIZE, NUM_CLASSES] }),
    tfl.layers.permute({ name: 'cap_keypoints_by_channel', dims: [2, 1] }),
    tfl.layers.softmax({ name: 'cap_keypoints_softmax', axis: -1 }),
    tfl.layers.reshape({ name: 'cap_x_flat', targetShape: [FEATURE_SIZE * FEATURE_SIZE, 1] }),
    tfl.layers.reshape({ name: 'cap_y_flat', targetShape: [FEATURE_SIZE * FEATURE_SIZE, 1] }),
    tfl.layers.dot({ name: 'cap_expect_x', axes: [2, 1] }),
    tfl.layers.dot({ name: 'cap_expect_y', axes: [2, 1] }),
    tfl.layers.flatten({ name: 'cap_keypoint_x' }),
    tfl.layers.flatten({ name: 'cap_keypoint_y' }),
    tfl.layers.globalMaxPooling2d({ name: 'cap_max' }),
    tfl.layers.globalAveragePooling2d({ name: 'cap_mean' }),
    tfl.layers.concatenate({ name: 'cap_summary' }),
    tfl.layers.dense({ name: 'cap_image_vector', units: CAPTIONER_UNITS, activation: 'tanh', kernelInitializer: glorotInit(seed, 'cap_image_vector') }),
    tfl.layers.repeatVector({ name: 'cap_repeat', n: CAPTION_LENGTH }),
    tfl.layers.embedding({ name: 'cap_embed', inputDim: CAPTION_VOCAB.size, outputDim: 32, embeddingsInitializer: embeddingInit(seed, 'cap_embed') }),
    tfl.layers.concatenate({ name: 'cap_inject', axis: -1 }),
    tfl.layers.gru({
      name: 'cap_gru',
      units: CAPTIONER_UNITS,
      returnSequences: true,
      kernelInitializer: glorotInit(seed, 'cap_gru'),
      recurrentInitializer: recurrentInit(seed, 'cap_gru'),
    }),
    tfl.layers.dense({ name: 'cap_logits', units: CAPTION_VOCAB.size, kernelInitializer: glorotInit(seed, 'cap_logits') }),
  ];
}

/** Wires the captioner's layers: scene features [N, 8, 8, 24] and words [N, 16] → logits [N, 16, V] (symbolic). */
export function applyCaptioner(layers: LayerSet, features: tfl.SymbolicTensor, words: tfl.SymbolicTensor): tfl.SymbolicTensor {
  // the convolutions read per-cell class probabilities (raw, the class logits reach ±tens and saturate v's tanh)
  const a = call(layers, 'cap_features', call(layers, 'cap_conv1', call(layers, 'cap_probs', features)));
  const { x, y } = applyCoordinates(layers, 'cap', features);
  // one keypoint per class: E[x], E[y] under the softmax of its map over the 64 cells
  const flat = call(layers, 'cap_keypoints_flat', features);
  const attention = call(layers, 'cap_keypoints_softmax', call(layers, 'cap_keypoints_by_channel', flat));
  const summary = call(layers, 'cap_summary', [
    call(layers, 'cap_max', a),
    call(layers, 'cap_mean', a),
    call(layers, 'cap_keypoint_x', call(layers, 'cap_expect_x', [attention, call(layers, 'cap_x_flat', x)])),
    call(layers, 'cap_keypoint_y', call(layers, 'cap_expect_y', [attention, call(layers, 'cap_y_flat', y)])),
  ]);
  const v = call(layers, 'cap_image_vector', summary);
  const seq = call(layers, 'cap_inject', [call(layers, 'cap_embed', words), call(layers, 'cap_repeat', v)]);
  return call(layers, 'cap_logits', call(layers, 'cap_gru', seq));
}

/** The decoder's word input [null, 16], int32 token indices of `CAPTION_VOCAB`. */
export function wordsInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [CAPTION_LENGTH], name: 'words', dtype: 'int32' });
}

/** The full captioner: inputs `[image, words]`, output logits [N, 16, V]. */
export function buildCaptioner(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  const words = wordsInput();
  return tfl.model({ name: 'scene_captioner', inputs: [image, words], outputs: applyCaptioner(layers, applySceneFeatures(layers, image), words) });
}

/** The captioner on scene features: inputs `[features, words]` (training on cached features, fast decoding). */
export function buildCaptionerOnFeatures(layers: LayerSet): tfl.LayersModel {
  const features = sceneFeaturesInput();
  const words = wordsInput();
  return tfl.model({ name: 'scene_captioner_head', inputs: [features, words], outputs: applyCaptioner(layers, features, words) });
}
