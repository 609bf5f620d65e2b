/**
 * The class evidence the captioner and the VQA model read: ReLU(class logit + {@link EVIDENCE_FLOOR}),
 * [N, 16, 16, 24], zero where a class is absent (logit below −8, p < 3.4·10⁻⁴: the background and other
 * classes' objects, ≈ −10 to −20), then max-pooled to 8×8 and shifted back — the logits floored at −8.
 * That layer is the head's Grad-CAM layer.
 *
 * Why: Grad-CAM at a layer before the linear class maps (`cls_hidden`) is exactly Σ_c G_c·(map_c − b_c),
 * G_c the score's gradient summed over map c — a weighted sum of class logits whose zero is a logit of
 * ≈ 0. The maps are ≈ −10 away from objects and ≈ −20 on other classes' objects, so a score whose
 * gradient also weighs a second present class sums a strongly negative value onto the named object, and
 * some maps are negative everywhere (all zero after Grad-CAM's ReLU). With "no evidence" at zero each
 * class adds heat only where it is evidenced (docs/scenes.md, "Where Grad-CAM's zero lies").
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { type LayerSet, call } from './layer-set.js';

/**
 * The logit floor of the class evidence: below −8 a class counts as absent (sigmoid < 3.4·10⁻⁴).
 * 98.7 % of the pooled logits of held-out scenes lie below it (the maps are ≈ −10 off their objects), so
 * the evidence is zero except on and around objects. A floor of −24 (binding for 0.6 %) pointed as well
 * for the captioner but left every cell ≈ 14 above zero: maps with 6 % of their mass in the boxes.
 */
export const EVIDENCE_FLOOR = 8;

/** The name of a head's evidence layer (its Grad-CAM layer): `${prefix}_class_evidence`. */
export function evidenceLayerName(prefix: string): string {
  return `${prefix}_class_evidence`;
}

/** The three layers of a head's evidence floor: `${prefix}_floor_shift`, the evidence layer (the ReLU, {@link evidenceLayerName}) and `${prefix}_floor_unshift`. */
export function createEvidenceFloorLayers(prefix: string): tfl.layers.Layer[] {
  return [
    tfl.layers.rescaling({ name: `${prefix}_floor_shift`, scale: 1, offset: EVIDENCE_FLOOR }),
    tfl.layers.activation({ name: evidenceLayerName(prefix), activation: 'relu' }),
    tfl.layers.rescaling({ name: `${prefix}_floor_unshift`, scale: 1, offset: -EVIDENCE_FLOOR }),
  ];
}

/**
 * The class logits floored at −{@link EVIDENCE_FLOOR}, through the head's evidence layer: from the class
 * maps [N, 16, 16, 24] (the full model; max-pooled to 8×8 between the evidence layer and the shift back),
 * or from the max-pooled maps [N, 8, 8, 24] (`pooled`: the head on cached features). Both give the same
 * values exactly: max pooling commutes with the monotone floor.
 */
export function applyEvidenceFloor(layers: LayerSet, prefix: string, maps: tfl.SymbolicTensor, pooled: boolean): tfl.SymbolicTensor {
  const evidence = call(layers, evidenceLayerName(prefix), call(layers, `${prefix}_floor_shift`, maps));
  return call(layers, `${prefix}_floor_unshift`, pooled ? evidence : call(layers, 'cls_maps_pool', evidence));
}
