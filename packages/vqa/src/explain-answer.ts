/**
 * `explainAnswer`: zero-shot visual question answering by CLIP answer ranking, with one Grad-CAM map
 * per candidate answer. transformers.js 2.17 has no VQA pipeline; CLIP scores how well a text matches
 * an image, so each candidate answer becomes the prompt "question + answer", the real transformers.js
 * zero-shot pipeline ranks the prompts, and the same CLIP file on tfjs explains each logit on the
 * vision tower's patch grid.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GradCamError, type MethodId, type ModelCut, explain } from '@gradcam/core';
import {
  type HfTensor,
  type ImageInput,
  type Region,
  type SceneImageLike,
  type SceneSource,
  inputRegion,
  isSceneImage,
  pixelsToNhwc,
  readImage,
  withCapture,
} from '@gradcam/captioning';
import { DEFAULT_ANSWERS, DEFAULT_TEMPLATE, answerPrompt, hypothesisTemplate } from './answers.js';
import { type TextInputs, answerCuts } from './answer-cut.js';
import { type ClipModel, type ClipOptions, DEFAULT_VQA_MODEL, isClipModel, loadClip } from './clip-model.js';
import { explainSceneAnswerOf } from './scene-answer.js';
import { type AnswerScore, answerScore } from './scores.js';
import { defaultVisionLayer } from './vision-layer.js';

/** Options of {@link explainAnswer}. */
export interface AnswerOptions {
  /**
   * A transformers.js CLIP id or local folder (default {@link DEFAULT_VQA_MODEL}), loaded for this call
   * and freed after it, or a {@link ClipModel} from `loadClip` (reused, faster), or `'scene'`: the
   * scene-world VQA model of `@gradcam/scenes` (64×64 shapes scenes; see `scene`).
   */
  model?: string | ClipModel | 'scene';
  /** Candidate answers (default {@link DEFAULT_ANSWERS}; model 'scene': the model's own answer). */
  answers?: readonly string[];
  /** Prompt template with `{question}` and `{answer}` (default `'{question} {answer}'`). */
  template?: string;
  /** CAM method (default `gradcam`). */
  method?: MethodId;
  /** What each map explains (default `logit`). */
  score?: AnswerScore;
  /** Vision tensor(s) to cut at (default: the last vision layer's `layer_norm1` output); several: maps averaged. */
  layer?: string | string[];
  /** Explain what lowers each answer's score (counterfactual maps). */
  counterfactual?: boolean;
  /** How to load `model` when it is an id. */
  load?: ClipOptions;
  /** With `model: 'scene'`: loaded scene models to reuse, or their weights folder (default: the package's weights). */
  scene?: SceneSource;
}

/** One candidate answer, ranked and explained. */
export interface AnswerExplanation {
  answer: string;
  /** Index in the candidate list. */
  index: number;
  /** 1 = best. */
  rank: number;
  /** The text CLIP scored. */
  prompt: string;
  /** logit_scale · cos(image embedding, prompt embedding), computed on tfjs. */
  logit: number;
  /** softmax of the logits over the candidates (what the pipeline reports as `score`). */
  probability: number;
  /** Heatmap at the model input size (the processor's centre crop), row-major [height × width], in [0, 1]. */
  map: Float32Array;
  width: number;
  height: number;
  /** Signed map at the patch grid (e.g. 7 × 7 for ViT-B/32 at 224) before ReLU and normalisation, row-major. */
  raw: Float32Array;
  rawWidth: number;
  rawHeight: number;
}

/** Result of {@link explainAnswer}: plain arrays, no tensors to free. */
export interface VqaExplanation {
  question: string;
  /** The best-ranked answer. */
  answer: string;
  /** Every candidate, best first (ties keep candidate order, as the pipeline's stable sort does). */
  answers: AnswerExplanation[];
  /** What the transformers.js zero-shot pipeline returned for the same prompts (ONNX Runtime), best first; empty for model 'scene'. */
  pipeline: Array<{ label: string; score: number }>;
  /** The pipeline's `hypothesis_template` (the question filled in); empty for model 'scene'. */
  hypothesisTemplate: string;
  method: MethodId;
  /** What the maps explain. */
  score: AnswerScore;
  /** The vision tensor(s) cut at. */
  layer: string[];
  model: string;
  /** The ONNX file run on tfjs. */
  file: string;
  /** Size of the original image. */
  image: { width: number; height: number };
  /** The part of the original image the model input (and each map) covers: CLIP's centre crop. */
  region: Region;
}

interface ClipInputs extends TextInputs {
  pixel_values: HfTensor;
}

function checkAnswers(answers: readonly string[]): void {
  if (!Array.isArray(answers) || answers.length === 0) throw new GradCamError('answers must be a non-empty list of candidate answers');
  const seen = new Set<string>();
  for (const a of answers) {
    if (typeof a !== 'string' || a.trim() === '') throw new GradCamError(`every candidate answer must be a non-empty string; got ${JSON.stringify(a)}`);
    if (seen.has(a)) throw new GradCamError(`candidate answer ${JSON.stringify(a)} is listed twice`);
    seen.add(a);
  }
}

/** logits_per_image of one image through a cut (trunk then head), as plain numbers. */
function forwardLogits(cut: ModelCut, x: tf.Tensor): number[] {
  const t = tf.tidy(() => {
    const { activations, state } = cut.trunk([x]);
    return cut.head(activations, state) as tf.Tensor;
  });
  try {
    return Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

function softmax(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/**
 * Answers `question` about `image` by ranking candidate answers with CLIP, and explains each candidate
 * with a class activation map on the vision tower's patch grid.
 *
 * The real transformers.js zero-shot pipeline runs the prompts `template(question, answer)` (its
 * tokenizer, processor and ONNX Runtime); its exact inputs are then re-run on tfjs through the same
 * `onnx/model.onnx`, once through the vision tower, with one gradient per answer of its logit (or
 * probability). The ranking is the tfjs logits' order, which equals the pipeline's.
 * With `model: 'scene'` the scene-world VQA model of `@gradcam/scenes` answers instead (a closed
 * answer vocabulary; the image resized to its 64×64 scenes, or given as a scene object).
 * @param image a path or URL, a transformers.js `RawImage`, decoded RGB pixels, or (model 'scene') a scene object
 * @returns the ranking and one {@link AnswerExplanation} per candidate (plain arrays; `tf.memory()` unchanged).
 */
export async function explainAnswer(image: ImageInput | SceneImageLike, question: string, options: AnswerOptions = {}): Promise<VqaExplanation> {
  if (typeof question !== 'string') throw new GradCamError('question must be a string');
  if (options.answers !== undefined) checkAnswers(options.answers);
  if (options.model === 'scene') return explainSceneAnswerOf(image, question, options);
  if (isSceneImage(image)) throw new GradCamError("a scene image ({ width, height, image: Float32Array }) is explained with model: 'scene'");
  const answers = options.answers ?? DEFAULT_ANSWERS;
  const template = options.template ?? DEFAULT_TEMPLATE;
  const hypothesis = hypothesisTemplate(template, question);
  const scoreKind = options.score ?? 'logit';
  const own = !isClipModel(options.model);
  const clip = isClipModel(options.model) ? options.model : await loadClip(options.model ?? DEFAULT_VQA_MODEL, options.load);
  try {
    const raw = await readImage(image as ImageInput);
    const layers = options.layer === undefined ? [defaultVisionLayer(clip.session)] : Array.isArray(options.layer) ? options.layer : [options.layer];
    if (layers.length === 0) throw new GradCamError('`layer` is an empty list: name at least one vision tensor');
    const pipe = clip.pipeline as unknown as (img: unknown, labels: string[], o: { hypothesis_template: string }) => Promise<Array<{ label: string; score: number }>>;
    const { value: ranked, calls } = await withCapture(clip.pipeline.model, '_call', () => pipe(raw, [...answers], { hypothesis_template: hypothesis }));
    const inputs = calls[0]?.args[0] as ClipInputs | undefined;
    if (!inputs?.pixel_values || !inputs.input_ids) throw new Error('the zero-shot pipeline did not run the CLIP model');
    const cuts = answerCuts(clip.session, inputs, layers);
    const x = pixelsToNhwc(inputs.pixel_values);
    try {
      const r = await explain(cuts.length === 1 ? cuts[0]! : cuts, x, {
        targets: [answers.map((_, k) => answerScore(k, scoreKind))],
        ...(options.method ? { method: options.method } : {}),
        ...(options.counterfactual ? { counterfactual: true } : {}),
        // a CLIP logit or log-probability may be negative: Ablation-CAM divides its drop by |score| (identical for positive scores)
        ablationDivisor: 'magnitude',
      });
      let logits: number[];
      try {
        // The explained scores are the logits themselves; when probabilities were explained, one more
        // forward pass reads the logits.
        logits = scoreKind === 'logit' ? Array.from(r.scores.dataSync()) : forwardLogits(cuts[0]!, x);
        const [, h, w] = r.maps.shape;
        const [, rh, rw] = r.raw.shape;
        const maps = r.maps.dataSync() as Float32Array;
        const raws = r.raw.dataSync() as Float32Array;
        const probs = softmax(logits);
        const order = answers.map((_, k) => k).sort((a, b) => probs[b]! - probs[a]! || a - b);
        const rankOf = new Map(order.map((k, i) => [k, i + 1]));
        const all = answers.map(
          (answer, k): AnswerExplanation => ({
            answer,
            index: k,
            rank: rankOf.get(k)!,
            prompt: answerPrompt(template, question, answer),
            logit: logits[k]!,
            probability: probs[k]!,
            map: maps.slice(k * h * w, (k + 1) * h * w),
            width: w,
            height: h,
            raw: raws.slice(k * rh * rw, (k + 1) * rh * rw),
            rawWidth: rw,
            rawHeight: rh,
          }),
        );
        const sorted = order.map((k) => all[k]!);
        return {
          question,
          answer: sorted[0]!.answer,
          answers: sorted,
          pipeline: ranked.map(({ label, score }) => ({ label, score })),
          hypothesisTemplate: hypothesis,
          method: r.method,
          score: scoreKind,
          layer: layers,
          model: clip.model,
          file: clip.file,
          image: { width: raw.width, height: raw.height },
          region: inputRegion(clip.pipeline.processor, raw),
        };
      } finally {
        r.dispose();
      }
    } finally {
      tf.dispose(x);
    }
  } finally {
    if (own) await clip.dispose();
  }
}
