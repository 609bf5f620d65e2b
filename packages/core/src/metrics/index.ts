/**
 * Evaluation metrics for saliency maps, composable like pytorch-grad-cam's `metrics/`:
 * localization (pointing game, energy pointing game, ILSVRC box IoU — plain JS, no model),
 * faithfulness through a {@link ScoreCallback} (deletion/insertion AUC, Average Drop / Increase in
 * Confidence and pytorch-grad-cam's absolute variants, ROAD), MoRF/LeRF orderings and baseline maps.
 *
 * Layouts: maps [H, W] (or [M, H, W] tensors split with `toHeatMaps`) in [0, 1]; images NHWC;
 * boxes `{ x1, y1, x2, y2 }` in pixels of the map, x right, y down (see `map.ts`).
 */
export { toHeatMap, toHeatMaps, regionMask, isBox } from './map.js';
export type { HeatMap, MapLike, Box, Region } from './map.js';
export {
  pointingGame,
  energyPointingGame,
  boxFromMap,
  boxArea,
  boxIoU,
  localizationIoU,
  largestComponent,
} from './localization.js';
export type { PointingGameOptions, PointingResult, PointingTies, BoxFromMapOptions } from './localization.js';
export { relevanceOrder, removalMask, percentile } from './ordering.js';
export type { RelevanceOrder, RemovalSelection, RemovalMaskOptions } from './ordering.js';
export { readImage, mapAtSize, scoreGenerated } from './score.js';
export type { ScoreCallback, PixelImage } from './score.js';
export { deletionInsertion, trapezoidAUC, gaussianBlur } from './deletion.js';
export type { DeletionBaseline, DeletionInsertionOptions, DeletionInsertionResult, PerturbationCurve } from './deletion.js';
export {
  maskedByMap,
  explanationMapScores,
  averageDropIncrease,
  confidenceChangeAbsolute,
} from './confidence.js';
export type { ExplanationMapScores, AverageDropIncrease, ConfidenceChangeAbsolute } from './confidence.js';
export { noisyLinearImpute, roadImpute, road, roadCombined } from './road.js';
export type { ImputeOptions, RoadOptions, RoadResult, RoadCombinedResult } from './road.js';
export { randomMap, centerMap } from './baselines.js';
export type { CenterMapOptions } from './baselines.js';
export { seededUniform, seededNormal } from './rng.js';
export { evaluateMethods, evaluationTable, targetScoreCallback } from './evaluate.js';
export type { EvaluationSample, EvaluationOptions, EvaluationRow } from './evaluate.js';
