/** What an answer's map explains: its image–text logit, or its softmax probability over the candidates. */
import { type ScoreFunction, classLogit, classProbability } from '@gradcam/core';

/** `logit`: logit_scale · cos(image, prompt) (the paper's y^c); `probability`: softmax over the candidates, as the pipeline reports. */
export type AnswerScore = 'logit' | 'probability';

/**
 * The score of candidate `index` on `logits_per_image` [B, K].
 * @returns a core score function → [B].
 */
export function answerScore(index: number, kind: AnswerScore = 'logit'): ScoreFunction {
  if (kind === 'logit') return classLogit(index);
  if (kind === 'probability') return classProbability(index);
  throw new Error(`unknown answer score '${String(kind)}': use 'logit' or 'probability'`);
}
