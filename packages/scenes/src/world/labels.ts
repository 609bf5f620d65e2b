/**
 * Multi-label classification targets: which (colour, shape) pairs a scene contains.
 */
import type { Scene, SceneObject } from './scene.js';
import { CLASS_NAMES, NUM_CLASSES, classIndex } from './vocabulary.js';

/** The 24-dimensional 0/1 target of a scene: `t[classIndex(c, s)] = 1` when some object is a c s. */
export function sceneLabels(scene: Scene): Float32Array {
  const t = new Float32Array(NUM_CLASSES);
  for (const o of scene.objects) t[classIndex(o.colour, o.shape)] = 1;
  return t;
}

/** The classes present in a scene, ascending. */
export function presentClasses(scene: Scene): number[] {
  return [...new Set(scene.objects.map((o) => classIndex(o.colour, o.shape)))].sort((a, b) => a - b);
}

/** The objects of class `index` (its ground-truth regions). */
export function objectsOfClass(scene: Scene, index: number): SceneObject[] {
  return scene.objects.filter((o) => classIndex(o.colour, o.shape) === index);
}

/** Names of a set of classes, e.g. `["red circle", "blue square"]`. */
export function classNames(indices: readonly number[]): string[] {
  return indices.map((i) => CLASS_NAMES[i]!);
}
