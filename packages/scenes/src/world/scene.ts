/**
 * The scene data model: images with their objects' ground truth (boxes, masks, centres).
 */
import type { Colour, Shape } from './vocabulary.js';

/**
 * An axis-aligned box in pixels, the convention of `@gradcam/core`'s metrics: pixel (x, y) covers
 * [x, x+1)×[y, y+1); the box of pixels xmin..xmax, ymin..ymax (inclusive) is
 * `{ x1: xmin, y1: ymin, x2: xmax + 1, y2: ymax + 1 }`.
 */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One object of a scene with its ground truth. */
export interface SceneObject {
  /** Index of the object in `scene.objects`. */
  id: number;
  shape: Shape;
  colour: Colour;
  /** Side of the square box the shape is drawn in, pixels. */
  size: number;
  /** Tight bounding box of `mask`. */
  box: Box;
  /** Pixel mask [height, width], row-major, 1 on the object. */
  mask: Uint8Array;
  /** Centre of the drawing box, pixels (x right, y down); relations and distances use it. */
  centre: { x: number; y: number };
}

/**
 * An image the scene models read: 64×64 RGB, HWC row-major `image[(y·width + x)·3 + c]`, float values
 * in [0, 1]. A {@link Scene} is one; so is any photo resized to 64×64 and scaled to [0, 1].
 */
export interface SceneImage {
  width: number;
  height: number;
  image: Float32Array;
}

/** A generated scene: its image and its objects' ground truth. */
export interface Scene extends SceneImage {
  /** The seed it was generated from: `generateScene(seed)` reproduces it exactly. */
  seed: number;
  /** 1–4 non-overlapping objects, in drawing order. */
  objects: SceneObject[];
}
