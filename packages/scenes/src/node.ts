/**
 * Node-only parts of @gradcam/scenes (`@gradcam/scenes/node`): saving models to disk and the training
 * recipe (which reads process CPU time).
 */
export { fileSaveHandler, WEIGHTS_FILE } from './io/save.js';
export { saveSceneModels } from './io/save-models.js';
export { type TrainOptions, type TrainReport, type PhaseReport, TINY_TRAINING, trainSceneModels } from './train/train.js';
export { useFastTrainingKernels } from './train/fast-kernels.js';
