/**
 * The scene world's closed vocabulary: shapes, colours and their names. Indices into these lists are
 * the class indices of the classifier and the ordering of the caption grammar.
 */

/** The shapes, in canonical order (captions list groups in this order). */
export const SHAPES = ['circle', 'square', 'triangle', 'cross'] as const;
/** A shape name. */
export type Shape = (typeof SHAPES)[number];

/** Plural of each shape name, as captions and questions spell it. */
export const SHAPE_PLURALS: Readonly<Record<Shape, string>> = {
  circle: 'circles',
  square: 'squares',
  triangle: 'triangles',
  cross: 'crosses',
};

/** The colours, in canonical order. */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'magenta', 'cyan'] as const;
/** A colour name. */
export type Colour = (typeof COLOURS)[number];

/** Nominal RGB of each colour, components in [0, 1] (objects jitter around it). */
export const COLOUR_RGB: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [0.86, 0.16, 0.14],
  green: [0.16, 0.78, 0.22],
  blue: [0.2, 0.32, 0.92],
  yellow: [0.9, 0.86, 0.16],
  magenta: [0.86, 0.2, 0.86],
  cyan: [0.16, 0.82, 0.86],
};

/** Number words for counts 0–4, as captions and answers spell them. */
export const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four'] as const;

/** Number of classifier labels: one per (colour, shape) pair. */
export const NUM_CLASSES = COLOURS.length * SHAPES.length;

/** The classifier label of a (colour, shape) pair: `colourIndex · |SHAPES| + shapeIndex`, in [0, 24). */
export function classIndex(colour: Colour, shape: Shape): number {
  return COLOURS.indexOf(colour) * SHAPES.length + SHAPES.indexOf(shape);
}

/** The (colour, shape) pair of a classifier label and its name, e.g. `"red circle"`. */
export function className(index: number): { colour: Colour; shape: Shape; name: string } {
  if (!Number.isInteger(index) || index < 0 || index >= NUM_CLASSES) {
    throw new RangeError(`class ${index} is out of range (0–${NUM_CLASSES - 1})`);
  }
  const colour = COLOURS[Math.floor(index / SHAPES.length)]!;
  const shape = SHAPES[index % SHAPES.length]!;
  return { colour, shape, name: `${colour} ${shape}` };
}

/** Every class name, indexed by class: `CLASS_NAMES[classIndex(c, s)] === "c s"`. */
export const CLASS_NAMES: readonly string[] = Array.from({ length: NUM_CLASSES }, (_, i) => className(i).name);
