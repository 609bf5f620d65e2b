/**
 * `explainAnswer(image, question, { model: 'scene' })`: the scene-world VQA model of `@gradcam/scenes`
 * (a FiLM network over 64×64 shapes scenes with a closed answer vocabulary) through the same result
 * type as CLIP answer ranking. Each candidate's map explains its answer logit.
 */
import { GradCamError } from '@gradcam/core';
import { type ImageInput, type SceneImageLike, importScenes, toSceneImage, withSceneModels } from '@gradcam/captioning';
import type { AnswerExplanation, AnswerOptions, VqaExplanation } from './explain-answer.js';

/**
 * Explains the scene VQA model's answer to `question` (default), or each of `options.answers` (words of
 * its answer vocabulary). Probabilities are the model's softmax over its whole answer vocabulary
 * (p_a = p_model · exp(logit_a − logit_model)); maps are at the scene size; no raw maps (`raw` empty).
 */
export async function explainSceneAnswerOf(image: ImageInput | SceneImageLike, question: string, options: AnswerOptions): Promise<VqaExplanation> {
  if (options.score === 'probability') throw new GradCamError("the scene VQA model explains answer logits only: drop score: 'probability'");
  const api = await importScenes();
  const { scene, width, height } = await toSceneImage(image, api.SCENE_SIZE);
  const sceneOptions = { ...(options.method ? { method: options.method } : {}), ...(options.layer ? { layer: options.layer } : {}) };
  return withSceneModels(api, options.scene, async (models) => {
    const own = await api.explainSceneAnswer(models.vqa, scene, question, sceneOptions);
    const candidates = options.answers ?? [own.modelAnswer];
    const results = [];
    for (const answer of candidates) {
      const same = answer.trim().toLowerCase() === own.answer;
      results.push(same ? own : await api.explainSceneAnswer(models.vqa, scene, question, { ...sceneOptions, answer }));
    }
    const all = results.map(
      (r, k): AnswerExplanation => ({
        answer: r.answer,
        index: k,
        rank: 0,
        prompt: r.question,
        logit: r.score,
        probability: own.probability * Math.exp(r.score - own.score),
        map: r.map.data,
        width: r.map.width,
        height: r.map.height,
        raw: new Float32Array(0),
        rawWidth: 0,
        rawHeight: 0,
      }),
    );
    const sorted = [...all].sort((a, b) => b.logit - a.logit || a.index - b.index);
    sorted.forEach((a, i) => (a.rank = i + 1));
    return {
      question: own.question,
      answer: sorted[0]!.answer,
      answers: sorted,
      pipeline: [],
      hypothesisTemplate: '',
      method: options.method ?? 'gradcam',
      score: 'logit',
      layer: options.layer === undefined ? [api.VQA_LAYER] : Array.isArray(options.layer) ? options.layer : [options.layer],
      model: 'scene',
      file: 'scene:vqa',
      image: { width, height },
      region: { x: 0, y: 0, width, height },
    };
  });
}
