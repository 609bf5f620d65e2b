/**
 * The two localization scores of one map against its ground-truth objects, over `@gradcam/core`'s
 * metrics: the pointing game with a 15 %-of-box tolerance and the energy inside the boxes.
 */
import { type HeatMap, energyPointingGame, pointingGame } from '@gradcam/core';
import type { Box } from '../world/scene.js';
import { POINTING_TOLERANCE, boxesMask } from './regions.js';

/** Localization of one map. */
export interface LocalizationScore {
  /** The map's maximum lies within the tolerance of one of the boxes (ties: every maximum must). */
  hit: boolean;
  /** Share of the map's mass inside the boxes, in [0, 1]. */
  energy: number;
}

/** Scores `map` ([H, W]) against the boxes of the objects the explained target depends on. */
export function localize(map: HeatMap, boxes: readonly Box[], tolerance = POINTING_TOLERANCE): LocalizationScore {
  const { width: w, height: h } = map;
  const grown = { data: boxesMask(boxes, w, h, tolerance), width: w, height: h };
  const inside = { data: boxesMask(boxes, w, h, 0), width: w, height: h };
  return { hit: pointingGame(map, grown, { tolerance: 0 }).hit, energy: energyPointingGame(map, inside) };
}
