/**
 * The Node entry of `@gradcam/scenes` (what `import '@gradcam/scenes'` resolves to under Node): the
 * browser entry, with a `loadSceneModels` that also reads folders on disk and defaults to the package's
 * committed weights.
 */
export * from './index.js';
export { loadSceneModels, defaultWeightsDir } from './io/load-node.js';
