/**
 * The VQA model: the scene features (the classifier's class maps, frozen, max-pooled to 8×8×24) and a
 * question encoder, fused by FiLM (Perez et al., 2018), plus a question-selected read of the class
 * evidence that enters the answer logits linearly.
 *
 * question [N, 11] (int32, left-padded) → embedding(32, uniform ±1) → GRU(64) = q.
 * features → three FiLM blocks [conv(64) → FiLM(q) → ReLU]: the first 1×1 (`vqa_film1`, 8×8×64: the
 * objects the question selects), the second 3×3 with two coordinate channels
 * appended to its input (CoordConv, see `coordinates.ts`), the third 3×3 → concat(global average pool,
 * global max pool, a coarse layout — 1×1 conv to 4 channels → flatten → dense 32 —, q) → dense(128,
 * ReLU) = hidden. FiLM: x·γ(q) + β(q) per channel, γ and β linear in q (γ's bias starts at 1).
 *
 * The evidence read: per class, its evidence e (global max of ReLU(class map)) and a count feature n
 * (global average of a 3×3 conv (24, ReLU) over the class probabilities, the sigmoid of the maps: how
 * many, nearly independent of how strongly — a count read from the evidence itself gave "one" a
 * negative gradient on the counted object, as more of it looked like "two"); the question selects classes with
 * s = sigmoid(dense(q)) (24); answer logits = dense over [hidden, s ⊙ e, s ⊙ n]. Why: an answer about an
 * object ("what colour is the square?" → red, "is there a cross?" → yes, "how many circles?" → one) then
 * grows linearly with that object's own evidence, so its gradient points at the object, where the FiLM
 * path alone gives mixed-sign gradients (counting answers pointed at 44 %: more evidence of the counted
 * circle also meant "two"); absent classes, whose maps are negative everywhere, get no gradient at all
 * through the ReLU. The score of an answer is its logit; its Grad-CAM layer is `VQA_LAYER` (`cls_hidden`,
 * 16×16×64, where the class maps are computed).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ANSWER_VOCAB, QUESTION_LENGTH, QUESTION_VOCAB } from '../grammar/vocab.js';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { imageInput } from './encoder.js';
import { SCENE_LAYER, applySceneFeatures, sceneFeaturesInput } from './classifier.js';
import { embeddingInit, glorotInit, heInit, recurrentInit } from './init.js';
import { applyCoordinates, createCoordinateLayers } from './coordinates.js';
import { type LayerSet, call } from './layer-set.js';

/** Default Grad-CAM layer of the VQA model: {@link SCENE_LAYER} (16×16×64), where the class maps it reads are computed. */
export const VQA_LAYER = SCENE_LAYER;
const CH = 64;
/** The FiLM blocks: kernel size, and whether coordinate channels join the block's input. */
const FILM_BLOCKS = [
  { i: 1, kernel: 1, coords: false },
  { i: 2, kernel: 3, coords: true },
  { i: 3, kernel: 3, coords: false },
] as const;

/** Creates the VQA model's own layers (after the encoder) with weights initialised from `seed`. */
export function createVqaLayers(seed: number): tfl.layers.Layer[] {
  return [
    tfl.layers.embedding({ name: 'vqa_embed', inputDim: QUESTION_VOCAB.size, outputDim: 32, embeddingsInitializer: embeddingInit(seed, 'vqa_embed', 1) }),
    tfl.layers.gru({ name: 'vqa_question', units: 64, kernelInitializer: glorotInit(seed, 'vqa_question'), recurrentInitializer: recurrentInit(seed, 'vqa_question') }),
    ...createCoordinateLayers('vqa'),
    tfl.layers.concatenate({ name: 'vqa_with_coords' }),
    ...FILM_BLOCKS.flatMap(({ i, kernel }) => [
      tfl.layers.conv2d({ name: `vqa_conv${i}`, filters: CH, kernelSize: kernel, padding: 'same', kernelInitializer: heInit(seed, `vqa_conv${i}`) }),
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
    tfl.layers.activation({ name: 'vqa_relu', activation: 'relu' }),
    tfl.layers.globalMaxPooling2d({ name: 'vqa_evidence' }),
    tfl.layers.activation({ name: 'vqa_probs', activation: 'sigmoid' }),
    tfl.layers.conv2d({ name: 'vqa_count_conv', filters: NUM_CLASSES, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heInit(seed, 'vqa_count_conv') }),
    tfl.layers.globalAveragePooling2d({ name: 'vqa_count' }),
    tfl.layers.dense({ name: 'vqa_select', units: NUM_CLASSES, activation: 'sigmoid', kernelInitializer: glorotInit(seed, 'vqa_select') }),
    tfl.layers.multiply({ name: 'vqa_selected_evidence' }),
    tfl.layers.multiply({ name: 'vqa_selected_count' }),
    tfl.layers.concatenate({ name: 'vqa_answer_in' }),
    tfl.layers.dense({ name: 'vqa_logits', units: ANSWER_VOCAB.size, kernelInitializer: glorotInit(seed, 'vqa_logits') }),
  ];
}

/** Wires the VQA layers: scene features [N, 8, 8, 24] and question [N, 11] → answer logits [N, |ANSWER_VOCAB|] (symbolic). */
export function applyVqa(layers: LayerSet, features: tfl.SymbolicTensor, question: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const q = call(layers, 'vqa_question', call(layers, 'vqa_embed', question));
  const { x: cx, y: cy } = applyCoordinates(layers, 'vqa', features);
  // the FiLM blocks read the raw class logits: normalised inputs (sigmoid, batch norm) answer as well but
  // localise far worse (Grad-CAM pointing 59 % and 35 % against 76 % in session-2 experiments)
  let x = features;
  for (const { i, coords } of FILM_BLOCKS) {
    const input = coords ? call(layers, 'vqa_with_coords', [x, cx, cy]) : x;
    const g = call(layers, `vqa_gamma${i}_map`, call(layers, `vqa_gamma${i}`, q));
    const b = call(layers, `vqa_beta${i}_map`, call(layers, `vqa_beta${i}`, q));
    const scaled = call(layers, `vqa_scale${i}`, [call(layers, `vqa_conv${i}`, input), g]);
    x = call(layers, `vqa_film${i}`, call(layers, `vqa_shift${i}`, [scaled, b]));
  }
  const layout = call(layers, 'vqa_layout', call(layers, 'vqa_layout_flat', call(layers, 'vqa_layout_conv', x)));
  const pooled = call(layers, 'vqa_pooled', [call(layers, 'vqa_gap', x), call(layers, 'vqa_gmp', x), layout, q]);
  const hidden = call(layers, 'vqa_hidden', pooled);
  // the question-selected evidence and counts, linear into the logits (see the module comment)
  const evidence = call(layers, 'vqa_relu', features);
  const e = call(layers, 'vqa_evidence', evidence);
  const n = call(layers, 'vqa_count', call(layers, 'vqa_count_conv', call(layers, 'vqa_probs', features)));
  const select = call(layers, 'vqa_select', q);
  const read = [call(layers, 'vqa_selected_evidence', [select, e]), call(layers, 'vqa_selected_count', [select, n])];
  return call(layers, 'vqa_logits', call(layers, 'vqa_answer_in', [hidden, ...read]));
}

/** The question input [null, 11], int32 token indices of `QUESTION_VOCAB`, left-padded. */
export function questionInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [QUESTION_LENGTH], name: 'question', dtype: 'int32' });
}

/** The full VQA model: inputs `[image, question]`, output answer logits. */
export function buildVqa(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  const question = questionInput();
  return tfl.model({ name: 'scene_vqa', inputs: [image, question], outputs: applyVqa(layers, applySceneFeatures(layers, image), question) });
}

/** The VQA model on encoder features: inputs `[features, question]` (training on cached features). */
export function buildVqaOnFeatures(layers: LayerSet): tfl.LayersModel {
  const features = sceneFeaturesInput();
  const question = questionInput();
  return tfl.model({ name: 'scene_vqa_head', inputs: [features, question], outputs: applyVqa(layers, features, question) });
}
