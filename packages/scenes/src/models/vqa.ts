/**
 * The VQA model: the scene features (the classifier's class maps, frozen, max-pooled to 8×8×24) read
 * as non-negative class evidence (`evidence.ts`: `vqa_class_evidence` = ReLU(class logit + 8), its
 * Grad-CAM layer `VQA_LAYER`) and as class masks (`masks.ts`: [logit > 0], gradient-free), and a
 * question encoder; two paths into the answer softmax.
 *
 * question [N, 11] (int32, left-padded) → embedding(32, uniform ±1) → GRU(64) = q.
 * Reasoning path, on the masks: three FiLM blocks (Perez et al., 2018) [conv(64) → FiLM(q) → ReLU], the
 * first 1×1 (`vqa_film1`), the second 3×3 with two coordinate channels appended to its input (CoordConv,
 * see `coordinates.ts`), the third 3×3 → concat(global average pool, global max pool, a coarse layout —
 * 1×1 conv to 4 channels → flatten → dense 32 —, q) → dense(128, ReLU) = hidden; a count per class n
 * (global average of a 3×3 conv (24, ReLU) over the masks). FiLM: x·γ(q) + β(q) per channel, γ and β
 * linear in q (γ's bias starts at 1).
 * Evidence path: per class, its evidence e (global max of ReLU(floored logit)); the question selects
 * classes with s = sigmoid(dense(q)) (24), trained also to match the classes the question names
 * (`questionClasses`, e.g. "how many circles?" → the six circle classes; not for relational questions).
 * Answer logits = dense([hidden, s ⊙ n]) + dense⁺(s ⊙ e), dense⁺ with non-negative weights and no bias.
 *
 * Why: the masks and counts are step functions of the maps (where and how many, not how strongly), so the
 * answer's gradient reaches the class maps only through s ⊙ e with non-negative weights: an answer about
 * an object grows with the evidence of the classes the question names, and its Grad-CAM map is a
 * non-negative sum of those classes' evidence — on the object. With the reasoning path on the raw maps,
 * the sign of that gradient was a draw of training: the softmax fixes only differences of logits, so
 * "one" could fall with the counted object's evidence while "two" fell faster (counting answers pointed
 * at 37–52 % for two training draws with the evidence floor, 81 % for the committed one without), and a
 * learned selection left weight on classes the question does not name (docs/scenes.md).
 * The score of an answer is its logit.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ANSWER_VOCAB, QUESTION_LENGTH, QUESTION_VOCAB } from '../grammar/vocab.js';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { imageInput } from './encoder.js';
import { applyClassMaps, sceneFeaturesInput } from './classifier.js';
import { embeddingInit, glorotInit, heInit, recurrentInit } from './init.js';
import { applyCoordinates, createCoordinateLayers } from './coordinates.js';
import { type LayerSet, call } from './layer-set.js';
import { applyEvidenceFloor, createEvidenceFloorLayers, evidenceLayerName } from './evidence.js';
import { classMasks } from './masks.js';

/**
 * Default Grad-CAM layer of the VQA model: `vqa_class_evidence`, ReLU(class maps + 8), [N, 16, 16, 24],
 * non-negative, one channel per class; the model reads the image only through it.
 */
export const VQA_LAYER = evidenceLayerName('vqa');
const CH = 64;
/**
 * The dense layer from the selected evidence to the answer logits, whose kernel training keeps ≥ 0
 * (projected after every step, see `train/vqa.ts`; not a layer constraint, which tfjs leaks on load).
 */
export const NON_NEGATIVE_LAYER = 'vqa_evidence_logits';
/** The FiLM blocks: kernel size, and whether coordinate channels join the block's input. */
const FILM_BLOCKS = [
  { i: 1, kernel: 1, coords: false },
  { i: 2, kernel: 3, coords: true },
  { i: 3, kernel: 3, coords: false },
] as const;

/** Creates the VQA model's own layers (after the encoder) with weights initialised from `seed`. */
export function createVqaLayers(seed: number): tfl.layers.Layer[] {
  return [
    ...createEvidenceFloorLayers('vqa'),
    classMasks('vqa_masks'),
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
    tfl.layers.conv2d({ name: 'vqa_count_conv', filters: NUM_CLASSES, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heInit(seed, 'vqa_count_conv') }),
    tfl.layers.globalAveragePooling2d({ name: 'vqa_count' }),
    tfl.layers.dense({ name: 'vqa_select', units: NUM_CLASSES, activation: 'sigmoid', kernelInitializer: glorotInit(seed, 'vqa_select') }),
    tfl.layers.multiply({ name: 'vqa_selected_evidence' }),
    tfl.layers.multiply({ name: 'vqa_selected_count' }),
    tfl.layers.concatenate({ name: 'vqa_answer_in' }),
    tfl.layers.dense({ name: 'vqa_logits', units: ANSWER_VOCAB.size, kernelInitializer: glorotInit(seed, 'vqa_logits') }),
    tfl.layers.dense({ name: NON_NEGATIVE_LAYER, units: ANSWER_VOCAB.size, useBias: false, kernelInitializer: glorotInit(seed, NON_NEGATIVE_LAYER) }),
    tfl.layers.add({ name: 'vqa_answer' }),
  ];
}

/** The VQA model's two outputs (symbolic): answer logits [N, |ANSWER_VOCAB|] and the question's class selection s [N, 24] in (0, 1). */
export interface VqaOutputs {
  logits: tfl.SymbolicTensor;
  selection: tfl.SymbolicTensor;
}

/** Wires the VQA layers: floored scene features [N, 8, 8, 24] (see `applyEvidenceFloor`) and question [N, 11] → {@link VqaOutputs}. */
export function applyVqa(layers: LayerSet, features: tfl.SymbolicTensor, question: tfl.SymbolicTensor): VqaOutputs {
  const q = call(layers, 'vqa_question', call(layers, 'vqa_embed', question));
  const masks = call(layers, 'vqa_masks', features);
  // the reasoning path: FiLM on the masks (no gradient to the maps, see the module comment)
  const { x: cx, y: cy } = applyCoordinates(layers, 'vqa', masks);
  let x = masks;
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
  const n = call(layers, 'vqa_count', call(layers, 'vqa_count_conv', masks));
  // the evidence path: the question-selected evidence, into the logits with non-negative weights
  const e = call(layers, 'vqa_evidence', call(layers, 'vqa_relu', features));
  const selection = call(layers, 'vqa_select', q);
  const counts = call(layers, 'vqa_selected_count', [selection, n]);
  const evidence = call(layers, 'vqa_selected_evidence', [selection, e]);
  const logits = call(layers, 'vqa_answer', [
    call(layers, 'vqa_logits', call(layers, 'vqa_answer_in', [hidden, counts])),
    call(layers, NON_NEGATIVE_LAYER, evidence),
  ]);
  return { logits, selection };
}

/** The question input [null, 11], int32 token indices of `QUESTION_VOCAB`, left-padded. */
export function questionInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [QUESTION_LENGTH], name: 'question', dtype: 'int32' });
}

/** The full VQA model: inputs `[image, question]`, output answer logits. */
export function buildVqa(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  const question = questionInput();
  const features = applyEvidenceFloor(layers, 'vqa', applyClassMaps(layers, image), false);
  return tfl.model({ name: 'scene_vqa', inputs: [image, question], outputs: applyVqa(layers, features, question).logits });
}

/**
 * The VQA model on encoder features (training on cached features): inputs `[features, question]`,
 * outputs `[answer logits, selection]` ({@link VqaOutputs}).
 */
export function buildVqaOnFeatures(layers: LayerSet): tfl.LayersModel {
  const features = sceneFeaturesInput();
  const question = questionInput();
  const { logits, selection } = applyVqa(layers, applyEvidenceFloor(layers, 'vqa', features, true), question);
  return tfl.model({ name: 'scene_vqa_head', inputs: [features, question], outputs: [logits, selection] });
}
