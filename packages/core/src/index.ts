/**
 * @gradcam/core — the task-agnostic Grad-CAM engine for TensorFlow.js.
 *
 * A model is cut at a target layer into trunk (input → activations A, NHWC) and head (A → outputs);
 * a score function turns the head outputs into one scalar per explained row; a method turns
 * activations (and gradients of the score w.r.t. A) into a map.
 */
export { explain, explainSync } from './explain.js';
export type { ExplainOptions, Explanation, LayerExplanation } from './explain.js';
export { initBackend } from './backend/select.js';
export type { BackendName, BackendOptions } from './backend/select.js';
export { registerWasmGradientKernels, registerWasmFastKernels } from './backend/kernels/index.js';
export { cutModel, listLayers, defaultLayer, isModelCut } from './cut/index.js';
export type { Explainable } from './cut/index.js';
export { cutLayersModel } from './cut/layers-model.js';
export { cutGraphModel, isGraphModel } from './cut/graph-model.js';
export type { GraphCutOptions } from './cut/graph-model.js';
export { cutFromFunctions } from './cut/functions.js';
export { classLogit, classProbability, sigmoidScore, scoreFunction, pickOutput, classMatrix } from './scores.js';
export type { OutputSelector } from './scores.js';
export { expandTargets, resolveRows, scoreRows } from './targets.js';
export type { Row, TargetsOption } from './targets.js';
export { METHODS, getMethod } from './methods/index.js';
export type { CamContext, CamMethod, CamResult } from './methods/method.js';
export { minMax, resizeMaps, scaleCam, aggregateLayers } from './normalize.js';
export { firstComponentProjection } from './projection.js';
export { withGuidedRelu, inputGradients, inputGradientsSync, guidedBackprop, guidedGradCam } from './guided.js';
export type { InputGradients, InputGradientOptions, GuidedGradCam } from './guided.js';
export { smoothGrad, augmentationSmooth } from './smoothing.js';
export type { SmoothGradOptions, AugSmoothOptions } from './smoothing.js';
export { GradCamError, closestNames, editDistance } from './errors.js';
export type { HeadOutputs, LayerInfo, MethodId, ModelCut, ScoreFunction, Target, TrunkOutput } from './types.js';
export * from './metrics/index.js';
