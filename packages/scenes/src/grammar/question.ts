/**
 * The question grammar: every valid question–answer pair of a scene, each tagged with the objects its
 * answer depends on, and balanced sampling over question kinds.
 *
 * Non-relational: "what colour is the square ?" (exactly one square), "what shape is the red object ?"
 * (exactly one red object), "is there a triangle ?", "is there a green cross ?".
 * Counting: "how many circles are there ?", "how many blue objects are there ?".
 * Relational: "what shape is closest to the blue circle ?", "what colour is the object closest to the
 * blue circle ?" (the referent is unique and the closest object is at least {@link CLOSEST_MARGIN}
 * pixels nearer than the second closest).
 */
import { type Rng, pick } from '../world/rng.js';
import type { Scene, SceneObject } from '../world/scene.js';
import { COLOURS, NUMBER_WORDS, SHAPES, SHAPE_PLURALS } from '../world/vocabulary.js';

/** The question templates. */
export const QUESTION_KINDS = [
  'query-colour',
  'query-shape',
  'exists-shape',
  'exists-class',
  'count-shape',
  'count-colour',
  'closest-shape',
  'closest-colour',
] as const;
/** A question template. */
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The accuracy families of the issue: non-relational vs relational and counting. */
export type QuestionFamily = 'non-relational' | 'relational' | 'counting';

/** The family of each kind. */
export const QUESTION_FAMILY: Readonly<Record<QuestionKind, QuestionFamily>> = {
  'query-colour': 'non-relational',
  'query-shape': 'non-relational',
  'exists-shape': 'non-relational',
  'exists-class': 'non-relational',
  'count-shape': 'counting',
  'count-colour': 'counting',
  'closest-shape': 'relational',
  'closest-colour': 'relational',
};

/** The closest object must be at least this many pixels nearer the referent than the second closest. */
export const CLOSEST_MARGIN = 10;

/** A question about a scene with its answer and grounding. */
export interface QuestionAnswer {
  kind: QuestionKind;
  family: QuestionFamily;
  /** The question's words (ends with "?"). */
  words: string[];
  /** The question's text, words separated by spaces. */
  text: string;
  /** The answer word (an entry of `ANSWER_VOCAB`). */
  answer: string;
  /**
   * Ids of the objects the answer depends on: the queried object; the objects counted or found (empty
   * when none exists); for relational questions the answer object first, then the referent.
   */
  objects: number[];
  /** Ids of the objects the answer describes (relational: the closest object; otherwise = `objects`). */
  answerObjects: number[];
}

function qa(kind: QuestionKind, words: string[], answer: string, objects: number[], answerObjects = objects): QuestionAnswer {
  return { kind, family: QUESTION_FAMILY[kind], words, text: words.join(' '), answer, objects, answerObjects };
}

const dist = (a: SceneObject, b: SceneObject) => Math.hypot(a.centre.x - b.centre.x, a.centre.y - b.centre.y);

/** The object closest to `ref` when it is unambiguous by {@link CLOSEST_MARGIN}; else null. */
export function closestObject(scene: Scene, ref: SceneObject): SceneObject | null {
  const others = scene.objects.filter((o) => o.id !== ref.id).sort((a, b) => dist(a, ref) - dist(b, ref));
  if (others.length === 0) return null;
  if (others.length > 1 && dist(others[1]!, ref) - dist(others[0]!, ref) < CLOSEST_MARGIN) return null;
  return others[0]!;
}

/** Every valid question of the scene, in a fixed order (kind, then vocabulary order). */
export function sceneQuestions(scene: Scene): QuestionAnswer[] {
  const out: QuestionAnswer[] = [];
  const objs = scene.objects;
  const ids = (xs: SceneObject[]) => xs.map((o) => o.id);
  for (const s of SHAPES) {
    const m = objs.filter((o) => o.shape === s);
    if (m.length === 1) out.push(qa('query-colour', ['what', 'colour', 'is', 'the', s, '?'], m[0]!.colour, ids(m)));
  }
  for (const c of COLOURS) {
    const m = objs.filter((o) => o.colour === c);
    if (m.length === 1) out.push(qa('query-shape', ['what', 'shape', 'is', 'the', c, 'object', '?'], m[0]!.shape, ids(m)));
  }
  for (const s of SHAPES) {
    const m = objs.filter((o) => o.shape === s);
    out.push(qa('exists-shape', ['is', 'there', 'a', s, '?'], m.length > 0 ? 'yes' : 'no', ids(m)));
  }
  for (const c of COLOURS) {
    for (const s of SHAPES) {
      const m = objs.filter((o) => o.shape === s && o.colour === c);
      out.push(qa('exists-class', ['is', 'there', 'a', c, s, '?'], m.length > 0 ? 'yes' : 'no', ids(m)));
    }
  }
  for (const s of SHAPES) {
    const m = objs.filter((o) => o.shape === s);
    out.push(qa('count-shape', ['how', 'many', SHAPE_PLURALS[s], 'are', 'there', '?'], NUMBER_WORDS[m.length]!, ids(m)));
  }
  for (const c of COLOURS) {
    const m = objs.filter((o) => o.colour === c);
    out.push(qa('count-colour', ['how', 'many', c, 'objects', 'are', 'there', '?'], NUMBER_WORDS[m.length]!, ids(m)));
  }
  const unique = objs.filter((o) => objs.filter((p) => p.shape === o.shape && p.colour === o.colour).length === 1);
  const ordered = [...unique].sort((a, b) => SHAPES.indexOf(a.shape) - SHAPES.indexOf(b.shape) || COLOURS.indexOf(a.colour) - COLOURS.indexOf(b.colour));
  for (const kind of ['closest-shape', 'closest-colour'] as const) {
    for (const ref of ordered) {
      const near = closestObject(scene, ref);
      if (!near) continue;
      const words =
        kind === 'closest-shape'
          ? ['what', 'shape', 'is', 'closest', 'to', 'the', ref.colour, ref.shape, '?']
          : ['what', 'colour', 'is', 'the', 'object', 'closest', 'to', 'the', ref.colour, ref.shape, '?'];
      out.push(qa(kind, words, kind === 'closest-shape' ? near.shape : near.colour, [near.id, ref.id], [near.id]));
    }
  }
  return out;
}

/**
 * Draws `n` questions of the scene: a kind uniformly among the kinds with a valid question, then a
 * question of that kind (for yes/no kinds, "yes" and "no" equally often when both exist).
 */
export function sampleQuestions(scene: Scene, r: Rng, n: number, kinds: readonly QuestionKind[] = QUESTION_KINDS): QuestionAnswer[] {
  const all = sceneQuestions(scene);
  const byKind = new Map<QuestionKind, QuestionAnswer[]>();
  for (const q of all) if (kinds.includes(q.kind)) byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), q]);
  const available = [...byKind.keys()];
  const out: QuestionAnswer[] = [];
  for (let i = 0; i < n && available.length > 0; i++) {
    const kind = pick(r, available);
    let pool = byKind.get(kind)!;
    if (kind === 'exists-shape' || kind === 'exists-class') {
      const yes = pool.filter((q) => q.answer === 'yes');
      const no = pool.filter((q) => q.answer === 'no');
      if (yes.length > 0 && no.length > 0) pool = r() < 0.5 ? yes : no;
    }
    out.push(pick(r, pool));
  }
  return out;
}

/** Splits a question text into words ("?" may be attached to the last word). */
export function questionWords(text: string): string[] {
  return text.toLowerCase().replace(/\?/g, ' ? ').replace(/color/g, 'colour').trim().split(/\s+/).filter((w) => w.length > 0);
}
