/**
 * The caption grammar: one canonical caption per scene, with the objects each word names.
 *
 * - Objects are grouped by (colour, shape); groups are listed in canonical order (shape, then colour,
 *   as in {@link SHAPES} and {@link COLOURS}), each as "a red circle" or "two green triangles".
 * - Exactly two objects that differ: "a red circle left of a blue square" — the first group, a
 *   relation (left of / right of / above / below, along the axis of the larger centre distance; the
 *   generator keeps the two distances {@link RELATION_MARGIN} apart) and the second.
 * - Otherwise groups are joined "X", "X and Y", "X , Y and Z", "X , Y , Z and W".
 */
import type { Scene, SceneObject } from '../world/scene.js';
import { COLOURS, type Colour, NUMBER_WORDS, SHAPES, SHAPE_PLURALS, type Shape } from '../world/vocabulary.js';

/** What a caption word does. */
export type WordRole = 'article' | 'count' | 'colour' | 'shape' | 'relation' | 'conjunction';

/** A caption word with its grounding. */
export interface CaptionWord {
  word: string;
  role: WordRole;
  /** Ids of the objects the word names (colour and shape words: their group; relations: both objects; else none). */
  objects: number[];
}

/** A scene's caption. */
export interface Caption {
  /** The caption's text, words separated by spaces. */
  text: string;
  /** Its words in order, with what they name. */
  words: CaptionWord[];
}

/** Where a (colour, shape) group comes in a caption: shape-major, then colour (0 = first). */
export function groupRank(colour: Colour, shape: Shape): number {
  return SHAPES.indexOf(shape) * COLOURS.length + COLOURS.indexOf(colour);
}

const RANK = (o: SceneObject) => groupRank(o.colour, o.shape);

/** Groups of identical (colour, shape) objects in canonical order. */
export function objectGroups(scene: Scene): SceneObject[][] {
  const byKey = new Map<number, SceneObject[]>();
  for (const o of scene.objects) {
    const k = RANK(o);
    byKey.set(k, [...(byKey.get(k) ?? []), o]);
  }
  return [...byKey.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/** The relation of `a` to `b` as words: dominant axis of the centre offset. */
export function relationWords(a: SceneObject, b: SceneObject): string[] {
  const dx = a.centre.x - b.centre.x;
  const dy = a.centre.y - b.centre.y;
  if (Math.abs(dx) >= Math.abs(dy)) return dx < 0 ? ['left', 'of'] : ['right', 'of'];
  return dy < 0 ? ['above'] : ['below'];
}

function groupWords(g: SceneObject[]): CaptionWord[] {
  const ids = g.map((o) => o.id);
  const { colour, shape } = g[0]!;
  const n = g.length;
  return [
    { word: n === 1 ? 'a' : NUMBER_WORDS[n]!, role: n === 1 ? 'article' : 'count', objects: n === 1 ? [] : ids },
    { word: colour, role: 'colour', objects: ids },
    { word: n === 1 ? shape : SHAPE_PLURALS[shape], role: 'shape', objects: ids },
  ];
}

/** The canonical caption of a scene (see the module comment for the grammar). */
export function captionScene(scene: Scene): Caption {
  const groups = objectGroups(scene);
  const words: CaptionWord[] = [];
  if (groups.length === 2 && scene.objects.length === 2) {
    const [a, b] = [groups[0]![0]!, groups[1]![0]!];
    words.push(...groupWords([a]));
    for (const w of relationWords(a, b)) words.push({ word: w, role: 'relation', objects: [a.id, b.id] });
    words.push(...groupWords([b]));
  } else {
    groups.forEach((g, i) => {
      if (i > 0) words.push({ word: i === groups.length - 1 ? 'and' : ',', role: 'conjunction', objects: [] });
      words.push(...groupWords(g));
    });
  }
  return { text: words.map((w) => w.word).join(' '), words };
}

/** Splits a caption text into words (whitespace; a comma may be attached to the previous word). */
export function captionWords(text: string): string[] {
  return text.replace(/,/g, ' , ').trim().split(/\s+/).filter((w) => w.length > 0);
}
