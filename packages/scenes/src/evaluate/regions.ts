/**
 * Ground-truth regions of the localization metrics: objects' boxes, and boxes grown by the pointing
 * game's tolerance.
 */
import type { Box } from '../world/scene.js';

/** The pointing game's tolerance: a fraction of the box size (15 %, as in Zhang et al.'s protocol). */
export const POINTING_TOLERANCE = 0.15;

/**
 * A 0/1 mask [height, width] of the pixels whose centre lies within `fraction` · max(box width, box
 * height) (Euclidean distance) of one of `boxes` (continuous rectangles, see `Box`). `fraction` 0 gives
 * the boxes themselves.
 */
export function boxesMask(boxes: readonly Box[], width: number, height: number, fraction = 0): Float32Array {
  const mask = new Float32Array(width * height);
  for (const b of boxes) {
    const t = fraction * Math.max(b.x2 - b.x1, b.y2 - b.y1);
    for (let y = 0; y < height; y++) {
      const cy = y + 0.5;
      const dy = cy < b.y1 ? b.y1 - cy : cy > b.y2 ? cy - b.y2 : 0;
      if (dy > t) continue;
      for (let x = 0; x < width; x++) {
        const cx = x + 0.5;
        const dx = cx < b.x1 ? b.x1 - cx : cx > b.x2 ? cx - b.x2 : 0;
        if (dx * dx + dy * dy <= t * t) mask[y * width + x] = 1;
      }
    }
  }
  return mask;
}
