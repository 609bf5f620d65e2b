/**
 * @gradcam/scenes — the scene world: a seeded generator of shapes scenes with ground truth (boxes,
 * masks, captions, question–answer pairs), three small models trained by the project in tfjs
 * (multi-label classifier, Show-and-Tell captioner, FiLM VQA) shipped with their weights, their
 * explanations through `@gradcam/core`, and a localization benchmark with known answers.
 *
 * Images are 64×64 RGB, HWC, float values in [0, 1]; model inputs are NHWC [N, 64, 64, 3]; maps are
 * [64, 64] in [0, 1].
 */
export * from './world/vocabulary.js';
export * from './world/scene.js';
export { type Rng, rng, mixSeed, randInt, pick, shuffled } from './world/rng.js';
export * from './world/generator.js';
export * from './world/shapes.js';
export * from './world/tensor.js';
export * from './world/labels.js';
export * from './grammar/vocab.js';
export * from './grammar/caption.js';
export * from './grammar/question.js';
export * from './grammar/tokens.js';
export { questionClasses } from './grammar/selection.js';
export { ENCODER_OUTPUT, ENCODER_CHANNELS, FEATURE_SIZE, buildEncoder } from './models/encoder.js';
export { CLASS_MAPS, SCENE_LAYER, CLASSIFIER_LAYER, MAP_SIZE, buildClassifier, buildSceneFeatures } from './models/classifier.js';
export { CAPTIONER_LAYER, buildCaptioner } from './models/captioner.js';
export { EVIDENCE_FLOOR } from './models/evidence.js';
export { VQA_LAYER, buildVqa } from './models/vqa.js';
export { type LayerSet, layerSetOf, layersOfModel } from './models/layer-set.js';
export { classProbabilities, predictClasses } from './models/classify.js';
export { type DecodedCaption, captionScenes, splitCaptioner } from './models/caption.js';
export { type ModelAnswer, answerQuestions } from './models/answer.js';
export { type SceneModels, type LoadOptions, MODEL_DIRS, loadSceneModels } from './io/load.js';
export { classScore, captionWordScore, answerScore } from './explain/scores.js';
export type { SceneExplainOptions, TargetMap } from './explain/run.js';
export { type ExplainClassOptions, type ClassExplanation, type SceneClassExplanation, explainSceneClass, resolveClass } from './explain/classify.js';
export { type ExplainCaptionOptions, type WordExplanation, type SceneCaptionExplanation, explainSceneCaption } from './explain/caption.js';
export { type ExplainAnswerOptions, type SceneAnswerExplanation, explainSceneAnswer } from './explain/answer.js';
export { POINTING_TOLERANCE, boxesMask } from './evaluate/regions.js';
export { type LocalizationScore, localize } from './evaluate/localization.js';
export { type SceneTask, SCENE_TASKS, type EvalItem, evalItems } from './evaluate/items.js';
export { type VqaAccuracy, classifierExactMatch, captionExactMatch, vqaAccuracy } from './evaluate/accuracy.js';
export { type EvalMethod, EVAL_METHODS, type EvaluateOptions, type MethodScores, type SceneEvaluation, evaluateScenes } from './evaluate/evaluate.js';
