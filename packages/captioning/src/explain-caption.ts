/**
 * `explainCaption`: one Grad-CAM map per word of a caption. The caption comes from the real
 * transformers.js `image-to-text` pipeline (or the caller); each word's score is
 * log p(word | image, previous tokens) through the decoder on tfjs, differentiated w.r.t. the encoder
 * tensor at the cut (default: `last_hidden_state` on the patch grid).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RawImage } from '@xenova/transformers';
import { GradCamError, type MethodId, explain } from '@gradcam/core';
import { type Captioner, type CaptionerOptions, DEFAULT_CAPTION_MODEL, isCaptioner, loadCaptioner } from './captioner.js';
import { ENCODER_OUTPUT, captionCuts } from './caption-cut.js';
import { withCapture } from './capture.js';
import { type ImageInput, readImage } from './image.js';
import { explainSceneCaptionOf } from './scene-caption.js';
import { type SceneImageLike, type SceneSource, isSceneImage } from './scene-models.js';
import { pixelsToNhwc } from './pixels.js';
import { type Region, inputRegion } from './region.js';
import { wordLogProbability } from './scores.js';
import type { HfTensor } from './transformers-types.js';
import { type WordSpan, groupWords } from './words.js';

/** Options of {@link explainCaption}. */
export interface CaptionOptions {
  /**
   * A transformers.js model id or local folder (default {@link DEFAULT_CAPTION_MODEL}), loaded for this
   * call and freed after it, or a {@link Captioner} from `loadCaptioner` (reused, faster), or `'scene'`:
   * the scene-world captioner of `@gradcam/scenes` (64×64 shapes scenes; see `scene`).
   */
  model?: string | Captioner | 'scene';
  /** Explain this caption instead of generating one (tokenized with the model's tokenizer). */
  caption?: string;
  /** CAM method (default `gradcam`). */
  method?: MethodId;
  /** Encoder tensor(s) to cut at (default `last_hidden_state`); several: maps averaged. */
  layer?: string | string[];
  /** Explain what lowers each word's probability (the Grad-CAM paper's counterfactual maps). */
  counterfactual?: boolean;
  /** transformers.js generation options of the pipeline call (e.g. `{ max_new_tokens: 20 }`). */
  generate?: Record<string, unknown>;
  /** How to load `model` when it is an id. */
  load?: CaptionerOptions;
  /** With `model: 'scene'`: loaded scene models to reuse, or their weights folder (default: the package's weights). */
  scene?: SceneSource;
}

/** The explanation of one word. */
export interface WordExplanation extends WordSpan {
  /** Word index in the caption. */
  index: number;
  /** log p(word | image, previous tokens) = Σ log p(token) over its tokens (natural log, ≤ 0): the explained score. */
  logProbability: number;
  /** exp(logProbability). */
  probability: number;
  /** Heatmap at the model input size, row-major [height × width], in [0, 1] (a flat map is all zeros). */
  map: Float32Array;
  width: number;
  height: number;
  /** Signed map at the cut's grid (e.g. 14 × 14 patches) before ReLU and normalisation, row-major. */
  raw: Float32Array;
  rawWidth: number;
  rawHeight: number;
}

/** Result of {@link explainCaption}: plain arrays, no tensors to free. */
export interface CaptionExplanation {
  /** The caption: the pipeline's `generated_text`, or the given caption. */
  caption: string;
  source: 'generated' | 'given';
  /** The caption's token ids (the decoder start token excluded; a final end-of-text token included if generated). */
  tokenIds: number[];
  /** The decoder start token that precedes them. */
  startTokenId: number;
  /** One entry per word, in caption order. */
  words: WordExplanation[];
  method: MethodId;
  /** The encoder tensor(s) cut at. */
  layer: string[];
  model: string;
  /** The ONNX files run on tfjs. */
  files: { encoder: string; decoder: string };
  /** Size of the original image. */
  image: { width: number; height: number };
  /** The part of the original image the model input (and so each map) covers: overlay with `overlayHeatmap(image, map, { region })`. */
  region: Region;
}

interface Prepared {
  caption: string;
  source: 'generated' | 'given';
  pixelValues: HfTensor;
  startTokenId: number;
  tokenIds: number[];
}

/** Runs the real pipeline, recording the pixel values it fed `generate` and the ids it got back. */
async function generateCaption(captioner: Captioner, image: RawImage, generate: Record<string, unknown>): Promise<Prepared> {
  const pipe = captioner.pipeline as unknown as (img: unknown, kwargs: Record<string, unknown>) => Promise<Array<{ generated_text: string }>>;
  const { value, calls } = await withCapture(captioner.pipeline.model, 'generate', () => pipe(image, generate));
  const call = calls[0];
  const ids = (call?.result as Array<Array<number | bigint>> | undefined)?.[0]?.map(Number);
  if (!call || !ids || ids.length === 0) throw new Error('the image-to-text pipeline produced no token ids');
  return {
    caption: value[0]?.generated_text ?? '',
    source: 'generated',
    pixelValues: call.args[0] as HfTensor,
    startTokenId: ids[0]!,
    tokenIds: ids.slice(1),
  };
}

function layersOf(layer: CaptionOptions['layer']): string[] {
  if (layer === undefined) return [ENCODER_OUTPUT];
  const list = Array.isArray(layer) ? layer : [layer];
  if (list.length === 0) throw new GradCamError('`layer` is an empty list: name at least one encoder tensor');
  return list;
}

/**
 * Explains each word of an image's caption with a class activation map.
 *
 * Without `caption`, the caption is generated by the real transformers.js `image-to-text` pipeline
 * (its `generate_kwargs` from `options.generate`); with it, the given text is tokenized and explained.
 * Then one encoder pass on tfjs over the pipeline's own `pixel_values`, and one batched decoder pass
 * (teacher-forced, no cache) per gradient: word w's score is Σ_{j ∈ w} log p(t_j | image, t_<j).
 * With `model: 'scene'` the scene-world captioner of `@gradcam/scenes` explains the image instead
 * (resized to its 64×64 scenes, or given as a scene object), with the same result type.
 * @param image a path or URL, a transformers.js `RawImage`, decoded RGB pixels, or (model 'scene') a scene object
 * @returns the caption and one {@link WordExplanation} per word (plain arrays; `tf.memory()` unchanged).
 */
export async function explainCaption(image: ImageInput | SceneImageLike, options: CaptionOptions = {}): Promise<CaptionExplanation> {
  if (options.model === 'scene') return explainSceneCaptionOf(image, options);
  if (isSceneImage(image)) throw new GradCamError("a scene image ({ width, height, image: Float32Array }) is explained with model: 'scene'");
  const layers = layersOf(options.layer);
  const own = !isCaptioner(options.model);
  const captioner = isCaptioner(options.model) ? options.model : await loadCaptioner(options.model ?? DEFAULT_CAPTION_MODEL, options.load);
  try {
    const raw = await readImage(image as ImageInput);
    const pipe = captioner.pipeline;
    let prepared: Prepared;
    if (options.caption !== undefined) {
      const tokenIds = pipe.tokenizer.encode(options.caption, null, { add_special_tokens: false });
      const { pixel_values } = await pipe.processor(raw);
      prepared = { caption: options.caption, source: 'given', pixelValues: pixel_values, startTokenId: captioner.startTokenId, tokenIds };
    } else {
      prepared = await generateCaption(captioner, raw, options.generate ?? {});
    }
    const { tokenIds, startTokenId } = prepared;
    const spans = groupWords(pipe.tokenizer, tokenIds);
    if (spans.length === 0) throw new GradCamError(`the caption ${JSON.stringify(prepared.caption)} has no words to explain`);
    const inputIds = [startTokenId, ...tokenIds.slice(0, -1)];
    const cuts = captionCuts(captioner, inputIds, layers);
    const targets = spans.map((w) => wordLogProbability(w.positions, tokenIds, w.text));
    const x = pixelsToNhwc(prepared.pixelValues);
    try {
      const r = await explain(cuts.length === 1 ? cuts[0]! : cuts, x, {
        targets: [targets],
        ...(options.method ? { method: options.method } : {}),
        ...(options.counterfactual ? { counterfactual: true } : {}),
        // log p(word) is negative: Ablation-CAM divides its drop by |score|, not the signed score (which flips every weight)
        ablationDivisor: 'magnitude',
      });
      try {
        const [, h, w] = r.maps.shape;
        const [, rh, rw] = r.raw.shape;
        const maps = r.maps.dataSync() as Float32Array;
        const raws = r.raw.dataSync() as Float32Array;
        const scores = r.scores.dataSync();
        const words = spans.map((span, i): WordExplanation => ({
          ...span,
          index: i,
          logProbability: scores[i]!,
          probability: Math.exp(scores[i]!),
          map: maps.slice(i * h * w, (i + 1) * h * w),
          width: w,
          height: h,
          raw: raws.slice(i * rh * rw, (i + 1) * rh * rw),
          rawWidth: rw,
          rawHeight: rh,
        }));
        return {
          caption: prepared.caption,
          source: prepared.source,
          tokenIds,
          startTokenId,
          words,
          method: r.method,
          layer: layers,
          model: captioner.model,
          files: captioner.files,
          image: { width: raw.width, height: raw.height },
          region: inputRegion(pipe.processor, raw),
        };
      } finally {
        r.dispose();
      }
    } finally {
      tf.dispose(x);
    }
  } finally {
    if (own) await captioner.dispose();
  }
}
