/**
 * @gradcam/classification — Grad-CAM for image classifiers: MobileNet through
 * `@tensorflow-models/mobilenet`, and any tfjs classifier given its labels and preprocessing.
 */
export type { Classifier, ClassifierOptions } from './classifier.js';
export { classifierFromModel } from './classifier.js';
export { loadMobileNet, IMAGENET_CLASSES } from './mobilenet.js';
export type { MobileNetOptions } from './mobilenet.js';
export { resolveClass, synonyms } from './labels.js';
export { explainClassification } from './explain-classification.js';
export type { ClassificationOptions, ClassificationResult, ClassExplanation } from './explain-classification.js';
export type { Prediction } from './predictions.js';
export { centerCrop } from './preprocess.js';
export type { ResizeMode } from './preprocess.js';
export { scoreHead } from './score-head.js';
export type { ScoreHead, ScoreSource, OutputActivation } from './score-head.js';
export { classifierDefaultLayer } from './default-layer.js';
