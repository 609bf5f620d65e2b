import { CHAR_WIDTH, LINE_HEIGHT, drawText, fitText, wrapText } from './font.js';
import { type Rgb, type RgbImage, checkImage, createImage, pasteImage } from './image.js';
import { resizeImage } from './resize.js';

/** One panel of a {@link composeGrid} grid: an image and up to two lines of text under it. */
export interface GridCell {
  image: RgbImage;
  /** First line under the panel (e.g. the class name); cut with `...` to the panel's width. */
  label?: string;
  /** Second line (e.g. `p = 0.93`). */
  note?: string;
}

/** Options of {@link composeGrid}. */
export interface GridOptions {
  /** Height every panel is scaled to, keeping its aspect ratio (default: the tallest panel, at most 320). */
  cellHeight?: number;
  /** Space between panels and around the grid, in pixels (default 8). */
  gap?: number;
  /** Background colour (default white). */
  background?: Rgb;
  /** Text colour (default near-black). */
  textColor?: Rgb;
  /** Text above the grid, wrapped to its width. */
  title?: string;
  /** Text below the grid (a caption, a question and its answer), wrapped to its width. */
  caption?: string;
}

/**
 * Lays out panels in rows — e.g. per input: the photo, then one overlay per class, word or answer — with
 * their labels under them, an optional title above and caption below, in the built-in font (identical in
 * Node and the browser). Panels are scaled (area-averaged) to a common height.
 * @returns a new {@link RgbImage}.
 */
export function composeGrid(rows: GridCell[][], options: GridOptions = {}): RgbImage {
  const cells = rows.flat();
  if (cells.length === 0) throw new RangeError('composeGrid needs at least one panel');
  cells.forEach((c, i) => checkImage(c.image, `panel ${i}`));
  const gap = options.gap ?? 8;
  const cellHeight = Math.round(options.cellHeight ?? Math.min(320, Math.max(...cells.map((c) => c.image.height))));
  if (!(cellHeight > 0)) throw new RangeError(`cellHeight must be positive; got ${options.cellHeight}`);
  const background = options.background ?? [255, 255, 255];
  const ink = options.textColor ?? [20, 20, 20];
  const scaled = rows.map((row) =>
    row.map((cell) => {
      const w = Math.max(1, Math.round((cell.image.width * cellHeight) / cell.image.height));
      const image = w === cell.image.width && cellHeight === cell.image.height ? cell.image : resizeImage(cell.image, w, cellHeight, { kernel: 'area' });
      return { ...cell, image };
    }),
  );
  const rowWidth = (row: GridCell[]) => row.reduce((s, c) => s + c.image.width, 0) + gap * Math.max(0, row.length - 1);
  const innerWidth = Math.max(...scaled.map(rowWidth), CHAR_WIDTH * 8);
  const title = options.title ? wrapText(options.title, innerWidth) : [];
  const caption = options.caption ? wrapText(options.caption, innerWidth) : [];
  const labelLines = scaled.map((row) => Math.max(0, ...row.map((c) => (c.note ? 2 : c.label ? 1 : 0))));
  const rowHeights = labelLines.map((n) => cellHeight + (n ? 4 + n * LINE_HEIGHT : 0));
  const height =
    gap +
    (title.length ? title.length * LINE_HEIGHT + gap : 0) +
    rowHeights.reduce((s, h) => s + h + gap, 0) +
    (caption.length ? caption.length * LINE_HEIGHT + gap : 0);
  const out = createImage(innerWidth + 2 * gap, height, background);
  let y = gap;
  for (const line of title) {
    drawText(out, line, gap, y, ink);
    y += LINE_HEIGHT;
  }
  if (title.length) y += gap;
  scaled.forEach((row, r) => {
    let x = gap;
    for (const cell of row) {
      pasteImage(out, cell.image, x, y);
      let ty = y + cellHeight + 4;
      for (const text of [cell.label, cell.note]) {
        if (text === undefined) continue;
        drawText(out, fitText(text, cell.image.width), x, ty, ink);
        ty += LINE_HEIGHT;
      }
      x += cell.image.width + gap;
    }
    y += rowHeights[r]! + gap;
  });
  for (const line of caption) {
    drawText(out, line, gap, y, ink);
    y += LINE_HEIGHT;
  }
  return out;
}
