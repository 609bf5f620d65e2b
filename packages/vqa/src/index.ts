/**
 * @gradcam/vqa — Grad-CAM for visual question answering.
 *
 * transformers.js 2.17 has no visual-question-answering pipeline. `explainAnswer` answers by CLIP
 * answer ranking (zero-shot): each candidate answer becomes a "question + answer" prompt, the real
 * transformers.js zero-shot pipeline scores the prompts against the image, and the same CLIP ONNX file
 * re-executed on tfjs (`@gradcam/onnx`) explains each answer's logit on the vision tower's patch grid.
 */
export { explainAnswer } from './explain-answer.js';
export type { AnswerExplanation, AnswerOptions, VqaExplanation } from './explain-answer.js';
export { DEFAULT_VQA_MODEL, isClipModel, loadClip } from './clip-model.js';
export type { ClipModel, ClipOptions } from './clip-model.js';
export { DEFAULT_ANSWERS, DEFAULT_TEMPLATE, answerPrompt, hypothesisTemplate } from './answers.js';
export { answerCuts } from './answer-cut.js';
export type { TextInputs } from './answer-cut.js';
export { answerScore } from './scores.js';
export type { AnswerScore } from './scores.js';
export { defaultVisionLayer } from './vision-layer.js';
export { explainSceneAnswerOf } from './scene-answer.js';
