/**
 * The scene-world models of `@gradcam/scenes` (64×64 shapes scenes; a Show-and-Tell captioner and a
 * FiLM VQA model trained by the project), reached through a runtime import so that this package builds
 * and runs without them. Only the calls below are used; their shapes are checked at run time.
 */
import type { RawImage } from '@xenova/transformers';
import { initBackend } from '@gradcam/core';
import { type ImageInput, readImage } from './image.js';

/** A scene image as `@gradcam/scenes` takes it: HWC RGB floats in [0, 1]. */
export interface SceneImageLike {
  width: number;
  height: number;
  image: Float32Array;
}

/** A `{ data, width, height }` map of the scene explainers, in [0, 1]. */
export interface SceneMap {
  map: { data: Float32Array; width: number; height: number };
  score: number;
}

/** The scene models (`loadSceneModels()`): tfjs LayersModels. */
export interface SceneModelsLike {
  classifier?: { dispose(): unknown };
  captioner: { dispose(): unknown };
  vqa: { dispose(): unknown };
}

/** The part of `@gradcam/scenes` the captioning and VQA explainers call. */
export interface ScenesApi {
  SCENE_SIZE: number;
  CAPTIONER_LAYER: string;
  VQA_LAYER: string;
  CAPTION_VOCAB?: { index(word: string): number };
  loadSceneModels(options?: { dir?: string }): Promise<SceneModelsLike>;
  explainSceneCaption(
    captioner: unknown,
    scene: SceneImageLike,
    options?: { caption?: string; method?: string; layer?: string | string[] },
  ): Promise<{ caption: string; modelCaption: string; words: Array<SceneMap & { position: number; word: string }> }>;
  explainSceneAnswer(
    vqa: unknown,
    scene: SceneImageLike,
    question: string,
    options?: { answer?: string; method?: string; layer?: string | string[] },
  ): Promise<SceneMap & { question: string; answer: string; modelAnswer: string; probability: number }>;
}

/** Where the scene models come from: already loaded (reused, not freed), or a weights folder (default: the package's own weights). */
export interface SceneSource {
  models?: SceneModelsLike;
  /** Weights directory for `loadSceneModels({ dir })`. */
  dir?: string;
}

const REQUIRED = ['loadSceneModels', 'explainSceneCaption', 'explainSceneAnswer'] as const;

/** Imports `@gradcam/scenes` and checks that it has the scene explainers; throws saying what is missing. */
export async function importScenes(): Promise<ScenesApi> {
  const specifier = '@gradcam/scenes';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`model 'scene' needs @gradcam/scenes, which did not load: ${(e as Error).message}`);
  }
  const missing = REQUIRED.filter((name) => typeof mod[name] !== 'function');
  if (missing.length > 0) throw new Error(`model 'scene' needs @gradcam/scenes with ${missing.join(', ')}; this version lacks them`);
  return mod as unknown as ScenesApi;
}

/** True for a scene image object (`{ width, height, image: Float32Array }`). */
export function isSceneImage(x: unknown): x is SceneImageLike {
  return typeof x === 'object' && x !== null && (x as SceneImageLike).image instanceof Float32Array;
}

/**
 * A scene image for the scene models: a scene object as it is, anything else read and resized
 * (bilinear) to `size × size` RGB, scaled to [0, 1].
 */
export async function toSceneImage(image: ImageInput | SceneImageLike, size: number): Promise<{ scene: SceneImageLike; width: number; height: number }> {
  if (isSceneImage(image)) return { scene: image, width: image.width, height: image.height };
  const raw = await readImage(image);
  const small: RawImage = await raw.rgb().resize(size, size, { resample: 2 });
  const data = new Float32Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = small.data[i]! / 255;
  return { scene: { width: size, height: size, image: data }, width: raw.width, height: raw.height };
}

/** Runs `fn` with scene models from `source`, freeing them afterwards when they were loaded here. */
export async function withSceneModels<T>(api: ScenesApi, source: SceneSource | undefined, fn: (models: SceneModelsLike) => Promise<T>): Promise<T> {
  if (source?.models) return fn(source.models);
  await initBackend(); // before the weights exist: they live on the backend explain uses
  const models = await api.loadSceneModels(source?.dir ? { dir: source.dir } : {});
  try {
    return await fn(models);
  } finally {
    for (const m of [models.classifier, models.captioner, models.vqa]) m?.dispose();
  }
}
