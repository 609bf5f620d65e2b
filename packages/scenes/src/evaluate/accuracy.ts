/**
 * Held-out accuracy of the three models: classifier exact match, exact caption match, VQA accuracy
 * per question family.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { captionScene } from '../grammar/caption.js';
import { type QuestionAnswer, sampleQuestions } from '../grammar/question.js';
import { answerQuestions } from '../models/answer.js';
import { captionScenes } from '../models/caption.js';
import { predictClasses } from '../models/classify.js';
import { presentClasses } from '../world/labels.js';
import { mixSeed, rng } from '../world/rng.js';
import type { Scene } from '../world/scene.js';

/** Share of scenes whose predicted label set (probability > 0.5) equals the true one. */
export function classifierExactMatch(classifier: tfl.LayersModel, scenes: readonly Scene[]): number {
  const pred = predictClasses(classifier, scenes);
  let ok = 0;
  pred.forEach((p, i) => {
    const t = presentClasses(scenes[i]!);
    if (p.length === t.length && p.every((c, k) => c === t[k])) ok++;
  });
  return ok / scenes.length;
}

/** Share of scenes whose greedy caption equals the reference caption word for word. */
export function captionExactMatch(captioner: tfl.LayersModel, scenes: readonly Scene[]): number {
  const caps = captionScenes(captioner, scenes);
  return caps.filter((c, i) => c.text === captionScene(scenes[i]!).text).length / scenes.length;
}

/** VQA accuracy by question family and kind. */
export interface VqaAccuracy {
  /** Accuracy over "non-relational" questions (query colour/shape, existence). */
  nonRelational: number;
  /** Accuracy over relational ("closest") and counting questions together. */
  relationalAndCounting: number;
  relational: number;
  counting: number;
  /** Accuracy and count per question kind. */
  byKind: Record<string, { accuracy: number; count: number }>;
  questions: number;
}

/** Answers `perScene` balanced questions per scene (seeded by `seed` and the scene) and scores them. */
export function vqaAccuracy(vqa: tfl.LayersModel, scenes: readonly Scene[], seed: number, perScene = 4): VqaAccuracy {
  const qs: Array<{ scene: Scene; q: QuestionAnswer }> = [];
  for (const s of scenes) for (const q of sampleQuestions(s, rng(mixSeed(seed, s.seed, 0x5a)), perScene)) qs.push({ scene: s, q });
  const answers = answerQuestions(vqa, qs.map((x) => x.scene), qs.map((x) => x.q.words));
  const tally = new Map<string, [number, number]>();
  const add = (k: string, ok: boolean) => {
    const t = tally.get(k) ?? [0, 0];
    t[0] += ok ? 1 : 0;
    t[1]++;
    tally.set(k, t);
  };
  qs.forEach(({ q }, i) => {
    const ok = answers[i]!.answer === q.answer;
    add(`kind:${q.kind}`, ok);
    add(`family:${q.family}`, ok);
    if (q.family !== 'non-relational') add('relational+counting', ok);
  });
  const acc = (k: string) => {
    const t = tally.get(k);
    return t ? t[0] / t[1] : NaN;
  };
  const byKind: VqaAccuracy['byKind'] = {};
  for (const [k, [a, n]] of tally) if (k.startsWith('kind:')) byKind[k.slice(5)] = { accuracy: a / n, count: n };
  return {
    nonRelational: acc('family:non-relational'),
    relationalAndCounting: acc('relational+counting'),
    relational: acc('family:relational'),
    counting: acc('family:counting'),
    byKind,
    questions: qs.length,
  };
}
