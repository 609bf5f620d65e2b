import { describe, expect, it } from 'vitest';
import {
  ANSWER_VOCAB,
  CAPTION_LENGTH,
  CAPTION_VOCAB,
  CLOSEST_MARGIN,
  QUESTION_LENGTH,
  QUESTION_VOCAB,
  type Scene,
  type SceneObject,
  type Shape,
  type Colour,
  captionScene,
  captionTokens,
  captionWords,
  classIndex,
  generateScene,
  questionClasses,
  questionTokens,
  questionWords,
  rng,
  sampleQuestions,
  sceneQuestions,
} from '../src/index.js';

function obj(id: number, colour: Colour, shape: Shape, x: number, y: number): SceneObject {
  const box = { x1: x - 7, y1: y - 7, x2: x + 7, y2: y + 7 };
  return { id, colour, shape, size: 14, box, mask: new Uint8Array(64 * 64), centre: { x, y } };
}
const scene = (...objects: SceneObject[]): Scene => ({ seed: 0, width: 64, height: 64, image: new Float32Array(64 * 64 * 3), objects });

describe('caption grammar', () => {
  it('names one object, two with their relation, groups with counts in canonical order', () => {
    expect(captionScene(scene(obj(0, 'red', 'circle', 20, 20))).text).toBe('a red circle');
    expect(captionScene(scene(obj(0, 'blue', 'square', 50, 22), obj(1, 'red', 'circle', 12, 20))).text).toBe('a red circle left of a blue square');
    expect(captionScene(scene(obj(0, 'blue', 'square', 10, 22), obj(1, 'red', 'circle', 50, 20))).text).toBe('a red circle right of a blue square');
    expect(captionScene(scene(obj(0, 'blue', 'square', 20, 50), obj(1, 'red', 'circle', 22, 10))).text).toBe('a red circle above a blue square');
    expect(captionScene(scene(obj(0, 'blue', 'square', 20, 10), obj(1, 'red', 'circle', 22, 50))).text).toBe('a red circle below a blue square');
    expect(captionScene(scene(obj(0, 'green', 'triangle', 10, 10), obj(1, 'green', 'triangle', 50, 50))).text).toBe('two green triangles');
    expect(captionScene(scene(obj(0, 'yellow', 'cross', 10, 10), obj(1, 'cyan', 'cross', 50, 50), obj(2, 'cyan', 'cross', 30, 50))).text).toBe(
      'a yellow cross and two cyan crosses',
    );
    expect(captionScene(scene(obj(0, 'red', 'cross', 10, 10), obj(1, 'blue', 'square', 50, 50), obj(2, 'red', 'circle', 30, 50), obj(3, 'magenta', 'triangle', 10, 50))).text).toBe(
      'a red circle , a blue square , a magenta triangle and a red cross',
    );
  });

  it('grounds each colour and shape word in the objects it names', () => {
    const c = captionScene(scene(obj(0, 'blue', 'square', 50, 22), obj(1, 'red', 'circle', 12, 20)));
    expect(c.words.map((w) => [w.word, w.role, w.objects])).toEqual([
      ['a', 'article', []],
      ['red', 'colour', [1]],
      ['circle', 'shape', [1]],
      ['left', 'relation', [1, 0]],
      ['of', 'relation', [1, 0]],
      ['a', 'article', []],
      ['blue', 'colour', [0]],
      ['square', 'shape', [0]],
    ]);
    const two = captionScene(scene(obj(0, 'green', 'triangle', 10, 10), obj(1, 'green', 'triangle', 50, 50)));
    expect(two.words[2]).toEqual({ word: 'triangles', role: 'shape', objects: [0, 1] });
  });

  it('fits every generated caption in the decoder and in the vocabulary', () => {
    for (let i = 0; i < 300; i++) {
      const s = generateScene(Math.floor(Math.random() * 2 ** 32));
      const words = captionScene(s).words.map((w) => w.word);
      const t = captionTokens(words);
      expect(t.length).toBe(words.length + 1);
      expect(t.input[0]).toBe(CAPTION_VOCAB.index('<start>'));
      expect(CAPTION_VOCAB.word(t.target[words.length]!)).toBe('<end>');
      expect([...t.input.slice(1, words.length + 1)].map((k) => CAPTION_VOCAB.word(k))).toEqual(words);
      expect(t.input.length).toBe(CAPTION_LENGTH);
    }
    expect(captionWords('a red circle, two blue squares')).toEqual(['a', 'red', 'circle', ',', 'two', 'blue', 'squares']);
    expect(() => captionTokens(['a', 'purple', 'circle'])).toThrow(/unknown word 'purple'.*known words: a two/);
  });
});

describe('question grammar', () => {
  it('answers consistently with the scene and tags the objects the answer depends on', () => {
    for (let i = 0; i < 200; i++) {
      const s = generateScene(Math.floor(Math.random() * 2 ** 32));
      for (const q of sceneQuestions(s)) {
        const dep = q.objects.map((id) => s.objects[id]!);
        const [, , , , w4] = q.words;
        switch (q.kind) {
          case 'query-colour':
            expect(s.objects.filter((o) => o.shape === w4).map((o) => o.id)).toEqual(q.objects);
            expect(q.answer).toBe(dep[0]!.colour);
            break;
          case 'query-shape':
            expect(s.objects.filter((o) => o.colour === w4).map((o) => o.id)).toEqual(q.objects);
            expect(q.answer).toBe(dep[0]!.shape);
            break;
          case 'exists-shape':
          case 'exists-class':
            expect(q.answer).toBe(q.objects.length > 0 ? 'yes' : 'no');
            for (const o of dep) expect(q.words).toContain(o.shape);
            break;
          case 'count-shape':
          case 'count-colour':
            expect(ANSWER_VOCAB.index(q.answer) - ANSWER_VOCAB.index('zero')).toBe(q.objects.length);
            break;
          case 'closest-shape':
          case 'closest-colour': {
            const [near, ref] = dep as [SceneObject, SceneObject];
            expect(q.words).toContain(ref.colour);
            expect(q.words).toContain(ref.shape);
            expect(q.answer).toBe(q.kind === 'closest-shape' ? near.shape : near.colour);
            expect(q.answerObjects).toEqual([near.id]);
            const d = (o: SceneObject) => Math.hypot(o.centre.x - ref.centre.x, o.centre.y - ref.centre.y);
            for (const o of s.objects) if (o.id !== ref.id && o.id !== near.id) expect(d(o) - d(near)).toBeGreaterThanOrEqual(CLOSEST_MARGIN);
            break;
          }
        }
        expect(q.words.length).toBeLessThanOrEqual(QUESTION_LENGTH);
        expect(ANSWER_VOCAB.has(q.answer)).toBe(true);
      }
    }
  });

  it('names the classes a question asks about: exactly the classes of the objects its answer depends on', () => {
    const named = (text: string, family: 'non-relational' | 'counting' | 'relational' = 'non-relational') => questionClasses({ family, words: questionWords(text) });
    const all = <T,>(xs: readonly T[], f: (x: T) => number) => xs.map(f).sort((a, b) => a - b);
    const colours = ['red', 'green', 'blue', 'yellow', 'magenta', 'cyan'] as const;
    expect(named('what colour is the square ?')).toEqual(all(colours, (c) => classIndex(c, 'square')));
    expect(named('is there a green cross ?')).toEqual([classIndex('green', 'cross')]);
    expect(named('how many blue objects are there ?', 'counting')).toEqual(all(['circle', 'square', 'triangle', 'cross'] as const, (s) => classIndex('blue', s)));
    expect(named('how many circles are there ?', 'counting')).toEqual(all(colours, (c) => classIndex(c, 'circle')));
    expect(named('what shape is closest to the blue circle ?', 'relational')).toBeNull();
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const s = generateScene(Math.floor(Math.random() * 2 ** 32));
      for (const q of sceneQuestions(s)) {
        const classes = questionClasses(q);
        if (q.family === 'relational') {
          expect(classes).toBeNull();
          continue;
        }
        const ofNamed = s.objects.filter((o) => classes!.includes(classIndex(o.colour, o.shape))).map((o) => o.id);
        expect(ofNamed).toEqual([...q.objects].sort((a, b) => a - b));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('asks the closest-object question only when the referent is unique and the nearest is clear', () => {
    const near = scene(obj(0, 'red', 'circle', 10, 10), obj(1, 'blue', 'square', 30, 10), obj(2, 'green', 'cross', 10, 40));
    const qs = sceneQuestions(near).filter((q) => q.kind === 'closest-shape');
    expect(qs.find((q) => q.text === 'what shape is closest to the red circle ?')?.answer).toBe('square');
    const tie = scene(obj(0, 'red', 'circle', 10, 10), obj(1, 'blue', 'square', 30, 10), obj(2, 'green', 'cross', 10, 31));
    expect(sceneQuestions(tie).some((q) => q.text === 'what shape is closest to the red circle ?')).toBe(false);
  });

  it('samples kinds evenly and balances yes and no', () => {
    const r = rng(5);
    const kinds = new Map<string, number>();
    let yes = 0;
    let exists = 0;
    for (let i = 0; i < 300; i++) {
      const s = generateScene(1000 + i);
      for (const q of sampleQuestions(s, r, 4)) {
        kinds.set(q.kind, (kinds.get(q.kind) ?? 0) + 1);
        if (q.kind === 'exists-class') (exists++, (yes += q.answer === 'yes' ? 1 : 0));
      }
    }
    expect(kinds.size).toBe(8);
    expect(yes / exists).toBeGreaterThan(0.4);
    expect(yes / exists).toBeLessThan(0.6);
  });

  it('tokenises questions left-padded and reads "color"', () => {
    expect(questionWords('What color is the square?')).toEqual(['what', 'colour', 'is', 'the', 'square', '?']);
    const t = questionTokens(['is', 'there', 'a', 'cross', '?']);
    expect(t.length).toBe(QUESTION_LENGTH);
    expect([...t.slice(0, QUESTION_LENGTH - 5)].every((k) => k === 0)).toBe(true);
    expect(QUESTION_VOCAB.word(t[QUESTION_LENGTH - 1]!)).toBe('?');
  });
});
