/**
 * Explaining the classifier: a Grad-CAM map per (colour, shape) label of a scene image.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { CLASSIFIER_LAYER } from '../models/classifier.js';
import { classProbabilities } from '../models/classify.js';
import type { SceneImage } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';
import { CLASS_NAMES, NUM_CLASSES } from '../world/vocabulary.js';
import { type SceneExplainOptions, type TargetMap, explainMaps } from './run.js';
import { classScore } from './scores.js';

/** Options of {@link explainSceneClass}. */
export interface ExplainClassOptions extends SceneExplainOptions {
  /**
   * Labels to explain, as indices (`classIndex(colour, shape)`) or names ("red circle"). Default: the
   * predicted labels (probability > 0.5), or the most probable one when none is.
   */
  classes?: ReadonlyArray<number | string>;
}

/** The map of one label. */
export interface ClassExplanation extends TargetMap {
  /** Label index in [0, 24). */
  classIndex: number;
  /** "red circle". */
  name: string;
  /** Sigmoid probability of the label. */
  probability: number;
}

/** Result of {@link explainSceneClass}. */
export interface SceneClassExplanation {
  /** Probability of every label, indexed by class. */
  probabilities: Float32Array;
  /** Labels with probability > 0.5, ascending. */
  predicted: number[];
  /** One map per explained label (score = the label's logit). */
  explanations: ClassExplanation[];
}

/** Resolves a label given as index or name. */
export function resolveClass(c: number | string): number {
  const i = typeof c === 'number' ? c : CLASS_NAMES.indexOf(c.trim().toLowerCase().replace(/\s+/g, ' ').replace('colour', ''));
  if (!Number.isInteger(i) || i < 0 || i >= NUM_CLASSES) {
    throw new RangeError(`unknown class ${JSON.stringify(c)}; classes are 0–${NUM_CLASSES - 1}: ${CLASS_NAMES.join(', ')}`);
  }
  return i;
}

/**
 * Explains the classifier's labels on one scene image (64×64 RGB in [0, 1]) through `@gradcam/core`:
 * score = the label's logit, default layer `CLASSIFIER_LAYER` (`cls_hidden`, 16×16). Leaves no tensors behind.
 */
export async function explainSceneClass(classifier: tfl.LayersModel, scene: SceneImage, options: ExplainClassOptions = {}): Promise<SceneClassExplanation> {
  const probabilities = classProbabilities(classifier, [scene])[0]!;
  const predicted = [...probabilities].flatMap((p, i) => (p > 0.5 ? [i] : []));
  let classes = options.classes?.map(resolveClass) ?? predicted;
  if (classes.length === 0) classes = [probabilities.indexOf(Math.max(...probabilities))];
  const [maps] = await explainMaps(classifier, [scenesToTensor([scene])], [classes.map(classScore)], options.layer ?? CLASSIFIER_LAYER, options);
  return {
    probabilities,
    predicted,
    explanations: classes.map((c, k) => ({ ...maps![k]!, classIndex: c, name: CLASS_NAMES[c]!, probability: probabilities[c]! })),
  };
}
