/**
 * The VQA model: the shared encoder's 8×8 map and a question encoder, fused by FiLM (Perez et al.,
 * 2018), read out by pooling and an answer softmax.
 *
 * question [N, 11] (int32, left-padded) → embedding(32) → GRU(64) = q.
 * features → conv3×3(64, ReLU) → [conv3×3(64) → FiLM(q) → ReLU] ×2 (the second, `vqa_film2`, 8×8×64, is
 * the Grad-CAM target) → concat(global average pool, global max pool, a coarse layout — 1×1 conv to 4
 * channels → flatten → dense 32 —, q) → dense(128, ReLU) → dense over `ANSWER_VOCAB` = answer logits. FiLM: x·γ(q) + β(q) per channel, γ and β linear in q (γ's bias
 * starts at 1). The score of an answer is its logit.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ANSWER_VOCAB, QUESTION_LENGTH, QUESTION_VOCAB } from '../grammar/vocab.js';
import { applyEncoder, featuresInput, imageInput } from './encoder.js';
import { embeddingInit, glorotInit, heInit, recurrentInit } from './init.js';
import { type LayerSet, call } from './layer-set.js';

/** Default Grad-CAM layer of the VQA model: the output of the last FiLM block, 8×8×64. */
export const VQA_LAYER = 'vqa_film2';
const CH = 64;
const FILM_BLOCKS = [1, 2] as const;

/** Creates the VQA model's own layers (after the encoder) with weights initialised from `seed`. */
export function createVqaLayers(seed: number): tfl.layers.Layer[] {
  const conv = (name: string, activation: 'relu' | 'linear') =>
    tfl.layers.conv2d({ name, filters: CH, kernelSize: 3, padding: 'same', activation, kernelInitializer: heInit(seed, name) });
  return [
    tfl.layers.embedding({ name: 'vqa_embed', inputDim: QUESTION_VOCAB.size, outputDim: 32, embeddingsInitializer: embeddingInit(seed, 'vqa_embed') }),
    tfl.layers.gru({ name: 'vqa_question', units: 64, kernelInitializer: glorotInit(seed, 'vqa_question'), recurrentInitializer: recurrentInit(seed, 'vqa_question') }),
    conv('vqa_conv1', 'relu'),
    ...FILM_BLOCKS.flatMap((i) => [
      conv(`vqa_conv${i + 1}`, 'linear'),
      tfl.layers.dense({ name: `vqa_gamma${i}`, units: CH, biasInitializer: 'ones', kernelInitializer: glorotInit(seed, `vqa_gamma${i}`) }),
      tfl.layers.dense({ name: `vqa_beta${i}`, units: CH, kernelInitializer: glorotInit(seed, `vqa_beta${i}`) }),
      tfl.layers.reshape({ name: `vqa_gamma${i}_map`, targetShape: [1, 1, CH] }),
      tfl.layers.reshape({ name: `vqa_beta${i}_map`, targetShape: [1, 1, CH] }),
      tfl.layers.multiply({ name: `vqa_scale${i}` }),
      tfl.layers.add({ name: `vqa_shift${i}` }),
      tfl.layers.activation({ name: `vqa_film${i}`, activation: 'relu' }),
    ]),
    tfl.layers.globalAveragePooling2d({ name: 'vqa_gap' }),
    tfl.layers.globalMaxPooling2d({ name: 'vqa_gmp' }),
    tfl.layers.conv2d({ name: 'vqa_layout_conv', filters: 4, kernelSize: 1, activation: 'relu', kernelInitializer: heInit(seed, 'vqa_layout_conv') }),
    tfl.layers.flatten({ name: 'vqa_layout_flat' }),
    tfl.layers.dense({ name: 'vqa_layout', units: 32, activation: 'relu', kernelInitializer: heInit(seed, 'vqa_layout') }),
    tfl.layers.concatenate({ name: 'vqa_pooled' }),
    tfl.layers.dense({ name: 'vqa_hidden', units: 128, activation: 'relu', kernelInitializer: heInit(seed, 'vqa_hidden') }),
    tfl.layers.dense({ name: 'vqa_logits', units: ANSWER_VOCAB.size, kernelInitializer: glorotInit(seed, 'vqa_logits') }),
  ];
}

/** Wires the VQA layers: features [N, 8, 8, 64] and question [N, 11] → answer logits [N, |ANSWER_VOCAB|] (symbolic). */
export function applyVqa(layers: LayerSet, features: tfl.SymbolicTensor, question: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const q = call(layers, 'vqa_question', call(layers, 'vqa_embed', question));
  let x = call(layers, 'vqa_conv1', features);
  for (const i of FILM_BLOCKS) {
    const g = call(layers, `vqa_gamma${i}_map`, call(layers, `vqa_gamma${i}`, q));
    const b = call(layers, `vqa_beta${i}_map`, call(layers, `vqa_beta${i}`, q));
    const scaled = call(layers, `vqa_scale${i}`, [call(layers, `vqa_conv${i + 1}`, x), g]);
    x = call(layers, `vqa_film${i}`, call(layers, `vqa_shift${i}`, [scaled, b]));
  }
  const layout = call(layers, 'vqa_layout', call(layers, 'vqa_layout_flat', call(layers, 'vqa_layout_conv', x)));
  const pooled = call(layers, 'vqa_pooled', [call(layers, 'vqa_gap', x), call(layers, 'vqa_gmp', x), layout, q]);
  return call(layers, 'vqa_logits', call(layers, 'vqa_hidden', pooled));
}

/** The question input [null, 11], int32 token indices of `QUESTION_VOCAB`, left-padded. */
export function questionInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [QUESTION_LENGTH], name: 'question', dtype: 'int32' });
}

/** The full VQA model: inputs `[image, question]`, output answer logits. */
export function buildVqa(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  const question = questionInput();
  return tfl.model({ name: 'scene_vqa', inputs: [image, question], outputs: applyVqa(layers, applyEncoder(layers, image), question) });
}

/** The VQA model on encoder features: inputs `[features, question]` (training on cached features). */
export function buildVqaOnFeatures(layers: LayerSet): tfl.LayersModel {
  const features = featuresInput();
  const question = questionInput();
  return tfl.model({ name: 'scene_vqa_head', inputs: [features, question], outputs: applyVqa(layers, features, question) });
}
