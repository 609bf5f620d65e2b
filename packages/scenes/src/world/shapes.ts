/**
 * Shape geometry: which pixels of an s×s box a shape covers. A pixel (x, y) covers [x, x+1)×[y, y+1)
 * and belongs to the shape when its centre does.
 */
import type { Shape } from './vocabulary.js';

/**
 * Whether the point (u, v) of the unit box [0, 1]² (u right, v down) lies inside `shape`:
 * circle — the inscribed disc; square — the whole box; triangle — apex at top centre, base along the
 * bottom; cross — a plus sign with arms one third of the box wide.
 */
export function insideShape(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
    case 'square':
      return u >= 0 && u <= 1 && v >= 0 && v <= 1;
    case 'triangle':
      return v <= 1 && Math.abs(u - 0.5) <= v / 2;
    case 'cross':
      return (Math.abs(u - 0.5) <= 1 / 6 && v >= 0 && v <= 1) || (Math.abs(v - 0.5) <= 1 / 6 && u >= 0 && u <= 1);
  }
}

/**
 * Rasterises `shape` in the `size`×`size` box whose top-left pixel is (x0, y0) into a mask of the
 * canvas ([height, width], row-major, 1 inside). Pixels outside the canvas are dropped.
 */
export function rasterizeShape(shape: Shape, x0: number, y0: number, size: number, width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = Math.max(0, y0); y < Math.min(height, y0 + size); y++) {
    const v = (y + 0.5 - y0) / size;
    for (let x = Math.max(0, x0); x < Math.min(width, x0 + size); x++) {
      const u = (x + 0.5 - x0) / size;
      if (insideShape(shape, u, v)) mask[y * width + x] = 1;
    }
  }
  return mask;
}
