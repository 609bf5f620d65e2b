import { describe, expect, it } from 'vitest';
import { CHAR_WIDTH, LINE_HEIGHT, drawText, fitText, textWidth, wrapText } from '../src/font.js';
import { composeGrid } from '../src/grid.js';
import { createImage } from '../src/image.js';

const px = (img: { width: number; data: Uint8Array }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const solid = (w: number, h: number, rgb: [number, number, number]) => createImage(w, h, rgb);

describe('built-in font', () => {
  it('is 10×20 monospaced; fitText cuts with "..."; wrapText breaks at spaces and cuts long words', () => {
    expect([CHAR_WIDTH, LINE_HEIGHT]).toEqual([10, 20]);
    expect(textWidth('tabby cat')).toBe(90);
    expect(fitText('tabby, tabby cat', 100)).toBe('tabby, ...');
    expect(fitText('cat', 100)).toBe('cat');
    expect(wrapText('a space shuttle on the pad', 100)).toEqual(['a space', 'shuttle on', 'the pad']);
    expect(wrapText('abcdefghijklmno', 50)).toEqual(['abcde', 'fghij', 'klmno']);
  });

  it('draws glyph coverage over the background: "|" is a solid vertical bar, space draws nothing, unknown characters draw "?"', () => {
    const bar = createImage(10, 20, [255, 255, 255]);
    expect(drawText(bar, '|', 0, 0, [0, 0, 0])).toBe(10);
    // The bar's two middle columns are fully inked over most of the cell height; the cell's sides are untouched.
    let inked = 0;
    for (let y = 0; y < 20; y++) if (px(bar, 4, y)[0]! < 40 && px(bar, 5, y)[0]! < 40) inked++;
    expect(inked).toBeGreaterThanOrEqual(14);
    for (let y = 0; y < 20; y++) {
      expect(px(bar, 0, y)).toEqual([255, 255, 255]);
      expect(px(bar, 9, y)).toEqual([255, 255, 255]);
    }
    const blank = createImage(10, 20, [9, 9, 9]);
    drawText(blank, ' ', 0, 0, [255, 0, 0]);
    expect(blank.data.every((v) => v === 9)).toBe(true);
    const q = createImage(10, 20, [255, 255, 255]);
    const e = createImage(10, 20, [255, 255, 255]);
    drawText(q, '?', 0, 0);
    drawText(e, '猫', 0, 0);
    expect(Array.from(e.data)).toEqual(Array.from(q.data));
    expect(q.data.some((v) => v < 100)).toBe(true);
  });

  it('folds text to ASCII: accents dropped, typography replaced, the rest "?"', async () => {
    const { asciiFold } = await import('../src/font.js');
    expect(asciiFold('café 640×427 — “ok”… 猫')).toBe('cafe 640x427 - "ok"... ?');
    expect(textWidth('é×')).toBe(20);
    expect(wrapText('crème brûlée\nœuf', 200)).toEqual(['creme brulee', 'oeuf']);
  });

  it('clips text that runs past the image instead of throwing', () => {
    const img = createImage(15, 10, [255, 255, 255]);
    expect(drawText(img, 'MMMM', -5, -5)).toBe(35);
  });
});

describe('composeGrid', () => {
  it('places panels left to right with gaps, scaled to the cell height (area-averaged), on the background', () => {
    const red = solid(4, 2, [255, 0, 0]);
    const checker = createImage(4, 4);
    // A 4×4 of 2×2 blocks: black, white / white, black → each block averages to itself at 2×2.
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) if ((x < 2) !== (y < 2)) checker.data.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    const grid = composeGrid([[{ image: red }, { image: checker }]], { cellHeight: 2, gap: 1, background: [0, 0, 255] });
    // Width: max(4 + 1 + 2, 8 characters = 80) + 2 gaps; height: gap + 2 + gap.
    expect([grid.width, grid.height]).toEqual([82, 4]);
    expect(px(grid, 0, 0)).toEqual([0, 0, 255]);
    expect(px(grid, 1, 1)).toEqual([255, 0, 0]);
    expect(px(grid, 4, 2)).toEqual([255, 0, 0]);
    expect(px(grid, 5, 1)).toEqual([0, 0, 255]); // the gap
    expect([px(grid, 6, 1), px(grid, 7, 1), px(grid, 6, 2), px(grid, 7, 2)]).toEqual([
      [0, 0, 0],
      [255, 255, 255],
      [255, 255, 255],
      [0, 0, 0],
    ]);
  });

  it('adds label lines under panels, a title above and a caption below, in the built-in font', () => {
    const photo = solid(40, 30, [0, 200, 0]);
    const grid = composeGrid(
      [
        [{ image: photo, label: 'photo' }, { image: photo, label: 'tabby', note: 'p = 0.52' }],
        [{ image: photo }],
      ],
      { gap: 8, title: 'chelsea', caption: 'a cat' },
    );
    // Height: 8 + title 20 + 8 + (30 + 4 + 2 lines·20) + 8 + 30 + 8 + caption 20 + 8.
    expect(grid.height).toBe(8 + 20 + 8 + 74 + 8 + 30 + 8 + 20 + 8);
    expect(grid.width).toBe(8 + 88 + 8);
    // Panel pixels where expected, white around, ink in the label rows and not in the gap between rows.
    expect(px(grid, 8, 36)).toEqual([0, 200, 0]);
    expect(px(grid, 56, 36)).toEqual([0, 200, 0]);
    expect(px(grid, 8, 36 + 74 + 8)).toEqual([0, 200, 0]);
    const inkIn = (x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (px(grid, x, y)[0]! < 128) return true;
      return false;
    };
    expect(inkIn(8, 8, 110 - 16, 20)).toBe(true); // title
    expect(inkIn(8, 36 + 34, 40, 20)).toBe(true); // 'photo'
    expect(inkIn(56, 36 + 34 + 20, 40, 20)).toBe(true); // 'p = 0.52'
    expect(inkIn(8, 36 + 34 + 20, 40, 20)).toBe(false); // no second line under 'photo'
    expect(inkIn(8, grid.height - 28, 60, 20)).toBe(true); // caption
    expect(() => composeGrid([])).toThrow('composeGrid needs at least one panel');
  });
});
