/**
 * Which present class the caption names first, from standard layers only (so saved models need no custom
 * layer class). A caption lists its groups in canonical order (`groupRank`: shape-major, then colour), so
 * with presences p ∈ [0, 1]^24, the first named class is first_c = p_c · ReLU(1 − Σ_{c' before c} p_c'):
 * a frozen dense layer (`${prefix}_not_after`) with kernel −1 from every class to each class ranked after
 * it and bias 1, ReLU, times p. In a two-object scene the first object's keypoint is first·x and the
 * second's is p·x − first·x, which is what the relation word ("left of", "above", …) compares.
 *
 * The group slots generalise this to the k-th group (k < 4): p_c · relu(1 − |s_c − k|) with s_c = Σ_{c'
 * before c} p_c', the hat function written as relu(s − k + 1) − 2 relu(s − k) + relu(s − k − 1) (two
 * frozen dense layers); the captioner's colour and shape words read their class through them.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { groupRank } from '../grammar/caption.js';
import { NUM_CLASSES, className } from '../world/vocabulary.js';
import { type LayerSet, call } from './layer-set.js';

/** The layers `${prefix}_not_after` (frozen) and `${prefix}_first`. */
export function createOrderLayers(prefix: string): tfl.layers.Layer[] {
  return [
    tfl.layers.dense({ name: `${prefix}_not_after`, units: NUM_CLASSES, activation: 'relu', trainable: false, kernelInitializer: 'zeros', biasInitializer: 'ones' }),
    tfl.layers.multiply({ name: `${prefix}_first` }),
  ];
}

/** Each class's place in a caption's group order (`groupRank`). */
const RANKS = Array.from({ length: NUM_CLASSES }, (_, c) => {
  const { colour, shape } = className(c);
  return groupRank(colour, shape);
});
/** Whether class `i` comes before class `j` in a caption. */
const before = (i: number, j: number): boolean => RANKS[i]! < RANKS[j]!;

/** The frozen kernel [24 in, 24 out]: −1 where the input class comes before the output class in a caption. */
function orderKernel(): tf.Tensor2D {
  const k = new Float32Array(NUM_CLASSES * NUM_CLASSES);
  for (let i = 0; i < NUM_CLASSES; i++) for (let j = 0; j < NUM_CLASSES; j++) if (before(i, j)) k[i * NUM_CLASSES + j] = -1;
  return tf.tensor2d(k, [NUM_CLASSES, NUM_CLASSES]);
}

/**
 * The first present class of presences `p` [N, 24] (symbolic, values in [0, 1]) → [N, 24], one-hot for
 * binary presences; (re)sets the frozen kernel (idempotent: a loaded model holds the same values).
 */
export function applyFirstPresent(layers: LayerSet, prefix: string, p: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const first = call(layers, `${prefix}_first`, [p, call(layers, `${prefix}_not_after`, p)]);
  const kernel = orderKernel();
  const bias = tf.ones([NUM_CLASSES]);
  layers(`${prefix}_not_after`).setWeights([kernel, bias]);
  tf.dispose([kernel, bias]);
  return first;
}

/** Most groups a caption names (scenes hold at most four objects). */
export const MAX_GROUPS = 4;

/**
 * The frozen kernels of the group slots: ramps relu(s_c − k + 1 − j) for group k < 4 and j ∈ {0, 1, 2}
 * (s_c = Σ_{c' before c} p_c'), then the triangle relu(1 − |s_c − k|) = r₀ − 2r₁ + r₂ for each (k, c).
 */
function slotKernels(): { ramps: tf.Tensor2D; rampBias: tf.Tensor1D; triangle: tf.Tensor2D } {
  const C = NUM_CLASSES;
  const U = MAX_GROUPS * 3 * C;
  const ramps = new Float32Array(C * U);
  const rampBias = new Float32Array(U);
  const triangle = new Float32Array(U * MAX_GROUPS * C);
  for (let k = 0; k < MAX_GROUPS; k++) {
    for (let j = 0; j < 3; j++) {
      for (let c = 0; c < C; c++) {
        const u = (k * 3 + j) * C + c;
        for (let i = 0; i < C; i++) if (before(i, c)) ramps[i * U + u] = 1;
        rampBias[u] = -k + 1 - j;
        triangle[u * MAX_GROUPS * C + k * C + c] = j === 1 ? -2 : 1;
      }
    }
  }
  return { ramps: tf.tensor2d(ramps, [C, U]), rampBias: tf.tensor1d(rampBias), triangle: tf.tensor2d(triangle, [U, MAX_GROUPS * C]) };
}

/** The layers of {@link applyGroupSlots} (`${prefix}_slot_ramps` and `${prefix}_slot_triangle` frozen). */
export function createGroupSlotLayers(prefix: string): tfl.layers.Layer[] {
  return [
    tfl.layers.dense({ name: `${prefix}_slot_ramps`, units: MAX_GROUPS * 3 * NUM_CLASSES, activation: 'relu', trainable: false, kernelInitializer: 'zeros' }),
    tfl.layers.dense({ name: `${prefix}_slot_triangle`, units: MAX_GROUPS * NUM_CLASSES, useBias: false, trainable: false, kernelInitializer: 'zeros' }),
    tfl.layers.reshape({ name: `${prefix}_slot_grid`, targetShape: [MAX_GROUPS, NUM_CLASSES] }),
    tfl.layers.repeatVector({ name: `${prefix}_present_k`, n: MAX_GROUPS }),
    tfl.layers.multiply({ name: `${prefix}_slots` }),
  ];
}

/**
 * The group slots of presences `p` [N, 24] (symbolic): [N, 4, 24], row k one-hot on the class of the
 * caption's k-th group (0-based) for binary presences — p_c · relu(1 − |s_c − k|), s_c the number of
 * present classes before c in caption order — and zero when there are fewer groups. (Re)sets the frozen
 * kernels (idempotent).
 */
export function applyGroupSlots(layers: LayerSet, prefix: string, p: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const grid = call(layers, `${prefix}_slot_grid`, call(layers, `${prefix}_slot_triangle`, call(layers, `${prefix}_slot_ramps`, p)));
  const slots = call(layers, `${prefix}_slots`, [grid, call(layers, `${prefix}_present_k`, p)]);
  const { ramps, rampBias, triangle } = slotKernels();
  layers(`${prefix}_slot_ramps`).setWeights([ramps, rampBias]);
  layers(`${prefix}_slot_triangle`).setWeights([triangle]);
  tf.dispose([ramps, rampBias, triangle]);
  return slots;
}
