/**
 * The Show-and-Tell captioner. Encoder (shared, frozen) → `cap_conv` (3×3, 64, ReLU: the Grad-CAM
 * target, 8×8×64) → image vector v (96, tanh) from three summaries of that map: global max and average
 * pooling (what is there, how many) and a coarse layout (1×1 conv to 4 channels → flatten → dense 32: where,
 * for the relation words). Decoder: a GRU(96) whose input at step t is the embedding (32) of word t
 * concatenated with v ("par-inject": the image is shown at every step rather than only as the initial
 * state, which `cutLayersModel` cannot re-execute yet — an RNN node's recorded `initialState` keyword
 * clashes with its list of inputs), then a dense layer over the caption vocabulary at every step.
 *
 * Teacher forcing: inputs `image` [N, 64, 64, 3] (RGB in [0, 1]) and `words` [N, 16] (int32: START then
 * the caption's words, right-padded), output `logits` [N, 16, |CAPTION_VOCAB|] where row t scores caption
 * word t (0-based; the row after the last word scores END). The score of caption word t is
 * log p(word_t | image, words_<t) = log_softmax(logits[:, t])[word_t].
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { CAPTION_LENGTH, CAPTION_VOCAB } from '../grammar/vocab.js';
import { applyEncoder, featuresInput, imageInput } from './encoder.js';
import { embeddingInit, glorotInit, heInit, recurrentInit } from './init.js';
import { type LayerSet, call } from './layer-set.js';

/** Default Grad-CAM layer of the captioner: its own conv layer on the encoder's map, 8×8×64. */
export const CAPTIONER_LAYER = 'cap_conv';
/** Width of the image vector and of the GRU state. */
export const CAPTIONER_UNITS = 96;

/** Creates the captioner's own layers (after the encoder) with weights initialised from `seed`. */
export function createCaptionerLayers(seed: number): tfl.layers.Layer[] {
  return [
    tfl.layers.conv2d({ name: CAPTIONER_LAYER, filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heInit(seed, CAPTIONER_LAYER) }),
    tfl.layers.globalMaxPooling2d({ name: 'cap_max' }),
    tfl.layers.globalAveragePooling2d({ name: 'cap_mean' }),
    tfl.layers.conv2d({ name: 'cap_layout_conv', filters: 4, kernelSize: 1, activation: 'relu', kernelInitializer: heInit(seed, 'cap_layout_conv') }),
    tfl.layers.flatten({ name: 'cap_layout_flat' }),
    tfl.layers.dense({ name: 'cap_layout', units: 32, activation: 'relu', kernelInitializer: heInit(seed, 'cap_layout') }),
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

/** Wires the captioner's layers: features [N, 8, 8, 64] and words [N, 16] → logits [N, 16, V] (symbolic). */
export function applyCaptioner(layers: LayerSet, features: tfl.SymbolicTensor, words: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const a = call(layers, CAPTIONER_LAYER, features);
  const layout = call(layers, 'cap_layout', call(layers, 'cap_layout_flat', call(layers, 'cap_layout_conv', a)));
  const summary = call(layers, 'cap_summary', [call(layers, 'cap_max', a), call(layers, 'cap_mean', a), layout]);
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
  return tfl.model({ name: 'scene_captioner', inputs: [image, words], outputs: applyCaptioner(layers, applyEncoder(layers, image), words) });
}

/** The captioner on encoder features: inputs `[features, words]` (training on cached features, fast decoding). */
export function buildCaptionerOnFeatures(layers: LayerSet): tfl.LayersModel {
  const features = featuresInput();
  const words = wordsInput();
  return tfl.model({ name: 'scene_captioner_head', inputs: [features, words], outputs: applyCaptioner(layers, features, words) });
}
