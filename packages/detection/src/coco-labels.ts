import { CLASSES } from '@tensorflow-models/coco-ssd/dist/classes.js';

const ids = Object.keys(CLASSES)
  .map(Number)
  .sort((a, b) => a - b);

/**
 * COCO class names as `@tensorflow-models/coco-ssd` displays them, by SSD score column:
 * `COCO_SSD_CLASSES[j]` names category id `j + 1` (90 columns; ids COCO never used are `'id 12'` etc.).
 */
export const COCO_SSD_CLASSES: readonly string[] = Object.freeze(
  Array.from({ length: 90 }, (_, j) => CLASSES[String(j + 1)]?.displayName ?? `id ${j + 1}`),
);

/** The 80 COCO classes in the usual contiguous order (CenterNet, YOLO), named as coco-ssd names them ('person', …, 'toothbrush'). */
export const COCO_80_CLASSES: readonly string[] = Object.freeze(ids.map((id) => CLASSES[String(id)]!.displayName));
