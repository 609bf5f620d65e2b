/**
 * What the localization benchmark explains, per task, on held-out scenes: the targets whose ground
 * truth is known, each with the boxes of the objects it depends on.
 *
 * - classify: every label present in the scene → the boxes of its objects.
 * - caption: the colour and shape words of the scene's caption that name a single object (teacher
 *   forcing on the reference caption) → that object's box.
 * - vqa: up to `perScene` sampled questions whose answer depends on a single object → its box; the
 *   reference answer's logit is explained.
 */
import type { Target } from '@gradcam/core';
import { captionScene } from '../grammar/caption.js';
import { sampleQuestions } from '../grammar/question.js';
import { answerIndex, captionTokens, questionTokens } from '../grammar/tokens.js';
import { CAPTION_VOCAB } from '../grammar/vocab.js';
import { mixSeed, rng } from '../world/rng.js';
import type { Box, Scene } from '../world/scene.js';
import { objectsOfClass, presentClasses } from '../world/labels.js';
import { answerScore, captionWordScore, classScore } from '../explain/scores.js';

/** The three tasks of the scene world. */
export type SceneTask = 'classify' | 'caption' | 'vqa';
/** The task names. */
export const SCENE_TASKS: readonly SceneTask[] = ['classify', 'caption', 'vqa'];

/** One explained input: a scene, the model's second input (caption or question tokens) and its targets. */
export interface EvalItem {
  scene: Scene;
  /** Tokens of the captioner's `words` or the VQA model's `question` input; none for the classifier. */
  tokens?: Int32Array;
  targets: Target[];
  /** Per target, the boxes of the objects it depends on. */
  boxes: Box[][];
  /** Per target, a short description ("red circle", "word 2 'red'", "what colour is the square ? → red"). */
  labels: string[];
}

/** The localization items of `scene` for `task` (empty when the scene has none). */
export function evalItems(task: SceneTask, scene: Scene, seed: number, perScene = 2): EvalItem[] {
  const boxesOf = (ids: readonly number[]) => ids.map((id) => scene.objects[id]!.box);
  if (task === 'classify') {
    const classes = presentClasses(scene);
    return [
      {
        scene,
        targets: classes.map(classScore),
        boxes: classes.map((c) => objectsOfClass(scene, c).map((o) => o.box)),
        labels: classes.map((c) => `${objectsOfClass(scene, c)[0]!.colour} ${objectsOfClass(scene, c)[0]!.shape}`),
      },
    ];
  }
  if (task === 'caption') {
    const caption = captionScene(scene);
    const chosen = caption.words.flatMap((w, i) => ((w.role === 'colour' || w.role === 'shape') && w.objects.length === 1 ? [i] : []));
    if (chosen.length === 0) return [];
    return [
      {
        scene,
        tokens: captionTokens(caption.words.map((w) => w.word)).input,
        targets: chosen.map((i) => captionWordScore(i, CAPTION_VOCAB.index(caption.words[i]!.word))),
        boxes: chosen.map((i) => boxesOf(caption.words[i]!.objects)),
        labels: chosen.map((i) => `word ${i} '${caption.words[i]!.word}'`),
      },
    ];
  }
  const r = rng(mixSeed(seed, scene.seed, 0x9a));
  const single = sampleQuestions(scene, r, 8).filter((q) => q.objects.length === 1);
  const seen = new Set<string>();
  const picked = single.filter((q) => !seen.has(q.text) && seen.add(q.text)).slice(0, perScene);
  return picked.map((q) => ({
    scene,
    tokens: questionTokens(q.words),
    targets: [answerScore(answerIndex(q.answer))],
    boxes: [boxesOf(q.objects)],
    labels: [`${q.text} → ${q.answer}`],
  }));
}
