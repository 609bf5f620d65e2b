/** Intersection over union of two boxes [x1, y1, x2, y2]. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression within each class: boxes in decreasing score order, each dropped when
 * it overlaps a kept box of the same class by more than `threshold` IoU.
 * @param boxes [x1, y1, x2, y2] per box.
 * @returns indices of the kept boxes, best score first.
 */
export function nmsPerClass(boxes: ReadonlyArray<readonly number[]>, scores: readonly number[], classes: readonly number[], threshold: number): number[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.every((k) => classes[k] !== classes[i] || iou(boxes[k]!, boxes[i]!) <= threshold)) kept.push(i);
  }
  return kept;
}
