/**
 * The Show-and-Tell captioner. It reads the scene features — the classifier's class maps (frozen),
 * max-pooled to 8×8×24 — and summarises them into an image vector v (96, tanh) from:
 * - what is there and how much: two 3×3 convs (64, ReLU) on the class probabilities (sigmoid of the maps),
 *   global max and average pooled; the presence of each class (global max of its probability); a count
 *   feature per class (global average of a 3×3 conv, 24, ReLU);
 * - where: one keypoint per class — spatial soft-argmax (Levine et al., 2016): E[x], E[y] under the softmax
 *   of the class's map over the 64 cells, coordinate maps from frozen standard layers (`coordinates.ts`) —
 *   read in caption order: the keypoint of the first class the caption names and the presence-weighted
 *   sum of all (`order.ts`), whose difference is the relation of a two-object scene, plus a small ReLU
 *   layer on these four numbers. (Reading all 24 keypoints unmasked, the decoder got the relation of
 *   two-object scenes right about half of the time: absent classes have keypoints too.)
 *
 * Decoder: a GRU(96) whose input at step t is the embedding (32) of word t concatenated with v
 * ("par-inject": the image is shown at every step rather than only as the initial state, which
 * `cutLayersModel` cannot re-execute yet — an RNN node's recorded `initialState` keyword clashes with its
 * list of inputs). Then a group pointer: h_t says which of the caption's groups it is at (`cap_group`,
 * softmax over 4); frozen slots (`order.ts`) turn the presences into the class of each group, and the
 * chosen group's evidence — the global max of ReLU(its class map): linear in the map, zero for absent
 * classes — and count feature are read. Logits over the caption vocabulary = a dense layer on [h_t, the
 * read count] (`cap_lm_logits`) + a dense layer on the read evidence (`cap_object_logits`, no bias).
 * Why: the colour and shape words then grow linearly with the named object's own class map, so the
 * gradient of log p("red") runs through it and Grad-CAM points at it. When the words came from h_t alone,
 * the decoder drove log p(word) to ≈ 0 through saturated sigmoids, and the gradient that was left pointed
 * at the named object for about 60 % of the words (negative on its class map for about 30 % of them).
 *
 * It reads the class maps as non-negative evidence (`evidence.ts`): `cap_class_evidence` = ReLU(class
 * logit + {@link EVIDENCE_FLOOR}), 16×16×24, zero where a class is absent, max-pooled and shifted back.
 * That layer is its Grad-CAM layer, `CAPTIONER_LAYER` (caption words: 92.1 % pointing on 1,000 held-out
 * scenes, 90.5 % for the previous captioner at `cls_hidden`; docs/scenes.md).
 * The score of word t is log p(word_t | image, words_<t) under teacher forcing (`captionWordScore`).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { CAPTION_LENGTH, CAPTION_VOCAB } from '../grammar/vocab.js';
import { NUM_CLASSES } from '../world/vocabulary.js';
import { FEATURE_SIZE, imageInput } from './encoder.js';
import { applyClassMaps, sceneFeaturesInput } from './classifier.js';
import { embeddingInit, glorotInit, heInit, recurrentInit } from './init.js';
import { applyCoordinates, createCoordinateLayers } from './coordinates.js';
import { MAX_GROUPS, applyFirstPresent, applyGroupSlots, createGroupSlotLayers, createOrderLayers } from './order.js';
import { type LayerSet, call } from './layer-set.js';
import { EVIDENCE_FLOOR, applyEvidenceFloor, createEvidenceFloorLayers, evidenceLayerName } from './evidence.js';

/**
 * Default Grad-CAM layer of the captioner: `cap_class_evidence`, ReLU(class maps + {@link EVIDENCE_FLOOR}),
 * [N, 16, 16, 24], non-negative, one channel per class; the captioner reads the image only through it.
 */
export const CAPTIONER_LAYER = evidenceLayerName('cap');
/** Width of the image vector and of the GRU state. */
export const CAPTIONER_UNITS = 96;

/** Creates the captioner's own layers (after the encoder) with weights initialised from `seed`. */
export function createCaptionerLayers(seed: number): tfl.layers.Layer[] {
  const conv = (name: string, filters = 64) =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heInit(seed, name) });
  const dot = (name: string) => tfl.layers.dot({ name, axes: 1 });
  return [
    tfl.layers.activation({ name: 'cap_probs', activation: 'sigmoid' }),
    conv('cap_conv1'),
    conv('cap_features'),
    conv('cap_count_conv', NUM_CLASSES),
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
    tfl.layers.globalMaxPooling2d({ name: 'cap_present' }),
    tfl.layers.globalAveragePooling2d({ name: 'cap_count' }),
    ...createOrderLayers('cap'),
    dot('cap_first_x'),
    dot('cap_first_y'),
    dot('cap_all_x'),
    dot('cap_all_y'),
    tfl.layers.concatenate({ name: 'cap_layout_in' }),
    tfl.layers.dense({ name: 'cap_relation', units: 16, activation: 'relu', kernelInitializer: heInit(seed, 'cap_relation') }),
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
    tfl.layers.activation({ name: 'cap_relu', activation: 'relu' }),
    tfl.layers.globalMaxPooling2d({ name: 'cap_evidence' }),
    ...createGroupSlotLayers('cap'),
    tfl.layers.repeatVector({ name: 'cap_evidence_k', n: MAX_GROUPS }),
    tfl.layers.repeatVector({ name: 'cap_count_k', n: MAX_GROUPS }),
    tfl.layers.multiply({ name: 'cap_slot_evidence' }),
    tfl.layers.multiply({ name: 'cap_slot_count' }),
    tfl.layers.dense({ name: 'cap_group', units: MAX_GROUPS, activation: 'softmax', kernelInitializer: glorotInit(seed, 'cap_group') }),
    tfl.layers.dot({ name: 'cap_read_evidence', axes: [2, 1] }),
    tfl.layers.dot({ name: 'cap_read_count', axes: [2, 1] }),
    tfl.layers.concatenate({ name: 'cap_lm_in' }),
    tfl.layers.dense({ name: 'cap_lm_logits', units: CAPTION_VOCAB.size, kernelInitializer: glorotInit(seed, 'cap_lm_logits') }),
    tfl.layers.dense({ name: 'cap_object_logits', units: CAPTION_VOCAB.size, useBias: false, kernelInitializer: glorotInit(seed, 'cap_object_logits') }),
    tfl.layers.add({ name: 'cap_logits' }),
    ...createEvidenceFloorLayers('cap'),
  ];
}

/** Wires the captioner's layers: scene features [N, 8, 8, 24] (floored, see {@link applyEvidenceFloor}) and words [N, 16] → logits [N, 16, V] (symbolic). */
export function applyCaptioner(layers: LayerSet, features: tfl.SymbolicTensor, words: tfl.SymbolicTensor): tfl.SymbolicTensor {
  // what is there: convolutions on per-cell class probabilities (the raw logits reach ±tens and saturate v's tanh)
  const probs = call(layers, 'cap_probs', features);
  const a = call(layers, 'cap_features', call(layers, 'cap_conv1', probs));
  const present = call(layers, 'cap_present', probs);
  const count = call(layers, 'cap_count', call(layers, 'cap_count_conv', probs));
  // where: one keypoint per class, E[x] and E[y] under the softmax of its map over the 64 cells
  const { x, y } = applyCoordinates(layers, 'cap', features);
  const attention = call(layers, 'cap_keypoints_softmax', call(layers, 'cap_keypoints_by_channel', call(layers, 'cap_keypoints_flat', features)));
  const kx = call(layers, 'cap_keypoint_x', call(layers, 'cap_expect_x', [attention, call(layers, 'cap_x_flat', x)]));
  const ky = call(layers, 'cap_keypoint_y', call(layers, 'cap_expect_y', [attention, call(layers, 'cap_y_flat', y)]));
  // read in caption order: the first named class's keypoint and the presence-weighted sum of all
  const first = applyFirstPresent(layers, 'cap', present);
  const layout = call(layers, 'cap_layout_in', [
    call(layers, 'cap_first_x', [first, kx]),
    call(layers, 'cap_first_y', [first, ky]),
    call(layers, 'cap_all_x', [present, kx]),
    call(layers, 'cap_all_y', [present, ky]),
  ]);
  const relation = call(layers, 'cap_relation', layout);
  const v = call(layers, 'cap_image_vector', call(layers, 'cap_summary', [call(layers, 'cap_max', a), call(layers, 'cap_mean', a), present, count, layout, relation]));
  const h = call(layers, 'cap_gru', call(layers, 'cap_inject', [call(layers, 'cap_embed', words), call(layers, 'cap_repeat', v)]));
  // the group pointer: h_t picks which of the caption's groups it is at (softmax over 4); the frozen slots
  // turn that into the group's class, whose evidence (linear in its class map) adds to the logits, and
  // whose count feature joins h_t
  const slots = applyGroupSlots(layers, 'cap', present);
  const evidence = call(layers, 'cap_evidence', call(layers, 'cap_relu', features));
  const group = call(layers, 'cap_group', h);
  const readEvidence = call(layers, 'cap_read_evidence', [group, call(layers, 'cap_slot_evidence', [slots, call(layers, 'cap_evidence_k', evidence)])]);
  const readCount = call(layers, 'cap_read_count', [group, call(layers, 'cap_slot_count', [slots, call(layers, 'cap_count_k', count)])]);
  const lm = call(layers, 'cap_lm_logits', call(layers, 'cap_lm_in', [h, readCount]));
  return call(layers, 'cap_logits', [lm, call(layers, 'cap_object_logits', readEvidence)]);
}

/** The decoder's word input [null, 16], int32 token indices of `CAPTION_VOCAB`. */
export function wordsInput(): tfl.SymbolicTensor {
  return tfl.input({ shape: [CAPTION_LENGTH], name: 'words', dtype: 'int32' });
}

/** The full captioner: inputs `[image, words]`, output logits [N, 16, V]. */
export function buildCaptioner(layers: LayerSet): tfl.LayersModel {
  const image = imageInput();
  const words = wordsInput();
  return tfl.model({ name: 'scene_captioner', inputs: [image, words], outputs: applyCaptioner(layers, applyEvidenceFloor(layers, 'cap', applyClassMaps(layers, image), false), words) });
}

/** The captioner on scene features: inputs `[features, words]` (training on cached features, fast decoding). */
export function buildCaptionerOnFeatures(layers: LayerSet): tfl.LayersModel {
  const features = sceneFeaturesInput();
  const words = wordsInput();
  return tfl.model({ name: 'scene_captioner_head', inputs: [features, words], outputs: applyCaptioner(layers, applyEvidenceFloor(layers, 'cap', features, true), words) });
}
