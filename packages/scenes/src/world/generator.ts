/**
 * The seeded scene generator (Sort-of-CLEVR / ShapeWorld style): a mildly textured, noisy background
 * with 1–4 non-overlapping coloured shapes. Everything is a pure function of the seed.
 */
import { type Rng, mixSeed, randInt, rng } from './rng.js';
import type { Box, Scene, SceneObject } from './scene.js';
import { rasterizeShape } from './shapes.js';
import { COLOURS, COLOUR_RGB, type Colour, SHAPES, type Shape } from './vocabulary.js';

/** Canvas side of the scene world, pixels (square images, 64×64). */
export const SCENE_SIZE = 64;
/** Object box sides are drawn uniformly from [MIN_OBJECT_SIZE, MAX_OBJECT_SIZE] pixels. */
export const MIN_OBJECT_SIZE = 12;
/** See {@link MIN_OBJECT_SIZE}. */
export const MAX_OBJECT_SIZE = 17;
/** Empty pixels kept between any two objects' boxes (non-overlap with a margin). */
export const OBJECT_GAP = 2;
/**
 * In two-object scenes the horizontal and vertical centre distances differ by at least this many
 * pixels, so that the caption's relation (left of / right of vs above / below) is never a tie.
 */
export const RELATION_MARGIN = 6;
/** Scenes drawn from seeds ≥ this value are the held-out split; training only uses seeds below it. */
export const HELD_OUT_SEED_BASE = 2 ** 31;

/** Options of {@link generateScene}; the defaults define the scene world the models are trained on. */
export interface SceneOptions {
  /** Number of objects; default: uniform in 1–4. */
  objects?: number;
  /** Force the objects' shapes / colours (one per object, in order); the rest is drawn from the seed. */
  shapes?: readonly Shape[];
  colours?: readonly Colour[];
}

function separated(a: Box, b: Box): boolean {
  return a.x2 + OBJECT_GAP <= b.x1 || b.x2 + OBJECT_GAP <= a.x1 || a.y2 + OBJECT_GAP <= b.y1 || b.y2 + OBJECT_GAP <= a.y1;
}

function tightBox(mask: Uint8Array, w: number, h: number): Box {
  let x1 = w;
  let y1 = h;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      if (y > y2) y2 = y;
    }
  }
  return { x1, y1, x2: x2 + 1, y2: y2 + 1 };
}

interface Placement {
  x0: number;
  y0: number;
  size: number;
  box: Box;
}

/** Draws non-overlapping drawing boxes; null when the random placement fails (the caller retries). */
function place(r: Rng, n: number): Placement[] | null {
  const out: Placement[] = [];
  for (let i = 0; i < n; i++) {
    let ok = false;
    for (let attempt = 0; attempt < 200 && !ok; attempt++) {
      const size = randInt(r, MIN_OBJECT_SIZE, MAX_OBJECT_SIZE);
      const x0 = randInt(r, 1, SCENE_SIZE - 1 - size);
      const y0 = randInt(r, 1, SCENE_SIZE - 1 - size);
      const box = { x1: x0, y1: y0, x2: x0 + size, y2: y0 + size };
      if (out.every((p) => separated(p.box, box))) {
        out.push({ x0, y0, size, box });
        ok = true;
      }
    }
    if (!ok) return null;
  }
  if (n === 2) {
    const [a, b] = out as [Placement, Placement];
    const dx = Math.abs(a.x0 + a.size / 2 - (b.x0 + b.size / 2));
    const dy = Math.abs(a.y0 + a.size / 2 - (b.y0 + b.size / 2));
    if (Math.abs(dx - dy) < RELATION_MARGIN) return null;
  }
  return out;
}

function drawBackground(r: Rng, image: Float32Array): void {
  const base = 0.12 + 0.2 * r();
  const tint = [r() * 0.04 - 0.02, r() * 0.04 - 0.02, r() * 0.04 - 0.02];
  const fx = (0.5 + 2 * r()) * ((2 * Math.PI) / SCENE_SIZE);
  const fy = (0.5 + 2 * r()) * ((2 * Math.PI) / SCENE_SIZE);
  const px = 2 * Math.PI * r();
  const py = 2 * Math.PI * r();
  const amp = 0.02 + 0.04 * r();
  for (let y = 0; y < SCENE_SIZE; y++) {
    for (let x = 0; x < SCENE_SIZE; x++) {
      const texture = amp * Math.sin(fx * x + px) * Math.cos(fy * y + py);
      const i = (y * SCENE_SIZE + x) * 3;
      for (let c = 0; c < 3; c++) image[i + c] = base + tint[c]! + texture + (r() - 0.5) * 0.08;
    }
  }
}

function drawObject(r: Rng, image: Float32Array, mask: Uint8Array, colour: Colour): void {
  const rgb = COLOUR_RGB[colour].map((v) => v + (r() - 0.5) * 0.12);
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    for (let c = 0; c < 3; c++) image[p * 3 + c] = rgb[c]! + (r() - 0.5) * 0.08;
  }
}

/**
 * Generates the scene of `seed` (any integer; taken to 32 bits): a {@link SCENE_SIZE}² RGB image in
 * [0, 1] with 1–4 non-overlapping objects, each one of {@link SHAPES} in one of {@link COLOURS}, box side
 * 12–17 px, with its tight box and pixel mask. The same seed and options give the same scene.
 */
export function generateScene(seed: number, options: SceneOptions = {}): Scene {
  const s = seed >>> 0;
  const r = rng(mixSeed(s, 0x5ce7e));
  const n = options.objects ?? randInt(r, 1, 4);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new RangeError(`a scene has 1–4 objects, got ${n}`);
  let placements: Placement[] | null = null;
  while (!placements) placements = place(r, n);
  const image = new Float32Array(SCENE_SIZE * SCENE_SIZE * 3);
  drawBackground(r, image);
  const objects: SceneObject[] = placements.map((p, id) => {
    const shape = options.shapes?.[id] ?? SHAPES[randInt(r, 0, SHAPES.length - 1)]!;
    const colour = options.colours?.[id] ?? COLOURS[randInt(r, 0, COLOURS.length - 1)]!;
    const mask = rasterizeShape(shape, p.x0, p.y0, p.size, SCENE_SIZE, SCENE_SIZE);
    drawObject(r, image, mask, colour);
    return {
      id,
      shape,
      colour,
      size: p.size,
      box: tightBox(mask, SCENE_SIZE, SCENE_SIZE),
      mask,
      centre: { x: p.x0 + p.size / 2, y: p.y0 + p.size / 2 },
    };
  });
  for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, image[i]!));
  return { seed: s, width: SCENE_SIZE, height: SCENE_SIZE, image, objects };
}

/** The seed of the `index`-th held-out scene of evaluation run `seed` (always ≥ {@link HELD_OUT_SEED_BASE}). */
export function heldOutSeed(seed: number, index: number): number {
  return HELD_OUT_SEED_BASE + (mixSeed(seed, index, 0xe7a1) % HELD_OUT_SEED_BASE);
}

/** The seed of the `index`-th training scene of training run `seed` (always < {@link HELD_OUT_SEED_BASE}). */
export function trainingSeed(seed: number, index: number): number {
  return mixSeed(seed, index, 0x7a1e) % HELD_OUT_SEED_BASE;
}
