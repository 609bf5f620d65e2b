/**
 * `explainCaption(image, { model: 'scene' })`: the scene-world captioner of `@gradcam/scenes`
 * (word-level Show-and-Tell on 64×64 scenes) through the same result type as the transformers.js
 * captioners. Each word's score is log p(word | image, previous words), as there.
 */
import type { MethodId } from '@gradcam/core';
import type { ImageInput } from './image.js';
import { type SceneImageLike, type SceneSource, importScenes, toSceneImage, withSceneModels } from './scene-models.js';
import type { CaptionExplanation, WordExplanation } from './explain-caption.js';

/** Options of the scene route. */
export interface SceneCaptionOptions {
  caption?: string;
  method?: MethodId;
  layer?: string | string[];
  scene?: SceneSource;
}

/**
 * Explains each word of the scene captioner's caption (or `caption`) of `image`: a scene object, or
 * any image resized to the scene size. Maps are at the scene size; the scene models report no raw map
 * (`raw` is empty, `rawWidth = rawHeight = 0`); `tokenIds` are caption-vocabulary indices.
 */
export async function explainSceneCaptionOf(image: ImageInput | SceneImageLike, options: SceneCaptionOptions): Promise<CaptionExplanation> {
  const api = await importScenes();
  const { scene, width, height } = await toSceneImage(image, api.SCENE_SIZE);
  return withSceneModels(api, options.scene, async (models) => {
    const r = await api.explainSceneCaption(models.captioner, scene, {
      ...(options.caption !== undefined ? { caption: options.caption } : {}),
      ...(options.method ? { method: options.method } : {}),
      ...(options.layer ? { layer: options.layer } : {}),
    });
    const ids = r.words.map((w) => api.CAPTION_VOCAB?.index(w.word) ?? -1);
    const words = r.words.map(
      (w, k): WordExplanation => ({
        text: w.word,
        positions: [w.position],
        tokenIds: [ids[k]!],
        tokens: [w.word],
        index: k,
        logProbability: w.score,
        probability: Math.exp(w.score),
        map: w.map.data,
        width: w.map.width,
        height: w.map.height,
        raw: new Float32Array(0),
        rawWidth: 0,
        rawHeight: 0,
      }),
    );
    return {
      caption: r.caption,
      source: options.caption !== undefined ? 'given' : 'generated',
      tokenIds: ids,
      startTokenId: -1,
      words,
      method: options.method ?? 'gradcam',
      layer: options.layer === undefined ? [api.CAPTIONER_LAYER] : Array.isArray(options.layer) ? options.layer : [options.layer],
      model: 'scene',
      files: { encoder: 'scene:captioner', decoder: 'scene:captioner' },
      image: { width, height },
      region: { x: 0, y: 0, width, height },
    };
  });
}
