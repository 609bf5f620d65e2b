/**
 * The classes a question names — what the VQA model's selection s is trained to pick (`models/vqa.ts`):
 * the colour-shape classes that match every colour and shape word of a non-relational or counting
 * question ("what colour is the square ?" → the six square classes; "is there a green cross ?" → green
 * cross; "how many blue objects are there ?" → the four blue classes). A relational question names its
 * referent, not the classes its answer depends on: no classes (`null`).
 */
import { COLOURS, NUM_CLASSES, SHAPES, SHAPE_PLURALS, classIndex } from '../world/vocabulary.js';
import type { QuestionAnswer } from './question.js';

/** Class indices (ascending) the question names, or `null` for a relational question. */
export function questionClasses(q: Pick<QuestionAnswer, 'family' | 'words'>): number[] | null {
  if (q.family === 'relational') return null;
  const colours = COLOURS.filter((c) => q.words.includes(c));
  const shapes = SHAPES.filter((s) => q.words.includes(s) || q.words.includes(SHAPE_PLURALS[s]));
  const out: number[] = [];
  for (const c of colours.length ? colours : COLOURS) for (const s of shapes.length ? shapes : SHAPES) out.push(classIndex(c, s));
  return out.sort((a, b) => a - b);
}

/** The selection target of `questions`: [count, NUM_CLASSES] (1 for a named class) and a weight per question (0 for relational ones). */
export function selectionTargets(questions: ReadonlyArray<Pick<QuestionAnswer, 'family' | 'words'>>): { target: Float32Array; weight: Float32Array } {
  const target = new Float32Array(questions.length * NUM_CLASSES);
  const weight = new Float32Array(questions.length);
  questions.forEach((q, i) => {
    const classes = questionClasses(q);
    if (!classes) return;
    weight[i] = 1;
    for (const c of classes) target[i * NUM_CLASSES + c] = 1;
  });
  return { target, weight };
}
