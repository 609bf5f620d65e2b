import { FONT_CELL, FONT_FIRST_CHAR, FONT_GLYPHS_BASE64 } from './font-data.js';
import { type Rgb, type RgbImage, checkImage } from './image.js';
import { fromBase64 } from './base64.js';

/** Size of one character of the built-in monospaced font (DejaVu Sans Mono raster): 10 × 20 pixels. */
export const CHAR_WIDTH = FONT_CELL.width;
/** Line height of the built-in font, in pixels. */
export const LINE_HEIGHT = FONT_CELL.height;

const GLYPHS = 95;
let coverage: Uint8Array | undefined;

/** Glyph coverage 0–255, glyph-major, row-major within a glyph. */
function glyphs(): Uint8Array {
  if (!coverage) {
    const packed = fromBase64(FONT_GLYPHS_BASE64);
    coverage = new Uint8Array(packed.length * 2);
    for (let i = 0; i < packed.length; i++) {
      coverage[2 * i] = (packed[i]! >> 4) * 17;
      coverage[2 * i + 1] = (packed[i]! & 15) * 17;
    }
  }
  return coverage;
}

const FOLD: Record<string, string> = { '×': 'x', '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"', '…': '...', '·': '.', '≤': '<=', '≥': '>=', '→': '->', 'ß': 'ss', 'æ': 'ae', 'Æ': 'AE', 'ø': 'o', 'Ø': 'O', 'œ': 'oe', 'Œ': 'OE' };

/**
 * Folds text onto printable ASCII, the characters the built-in font has: accents dropped (`é` → `e`), common
 * typography replaced (`×` → `x`, `—` → `-`, `…` → `...`, curly quotes → straight); anything else becomes `?`.
 * @returns the text {@link drawText} draws.
 */
export function asciiFold(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')) {
    const code = ch.codePointAt(0)!;
    out += code >= 32 && code < 127 ? ch : (FOLD[ch] ?? '?');
  }
  return out;
}

/** Width in pixels of `text` in the built-in font (every character is {@link CHAR_WIDTH} wide). */
export function textWidth(text: string): number {
  return asciiFold(text).length * CHAR_WIDTH;
}

/**
 * Shortens `text` to at most `maxWidth` pixels, ending it with `...` when cut.
 * @returns the text as drawn by {@link drawText}, folded to ASCII (see {@link asciiFold}).
 */
export function fitText(text: string, maxWidth: number): string {
  const chars = [...asciiFold(text)];
  const max = Math.floor(maxWidth / CHAR_WIDTH);
  if (chars.length <= max) return text;
  if (max <= 3) return chars.slice(0, Math.max(0, max)).join('');
  return chars.slice(0, max - 3).join('') + '...';
}

/**
 * Splits `text` into lines of at most `maxWidth` pixels, breaking at spaces (words longer than a line are cut).
 * @returns the lines, at least one.
 */
export function wrapText(text: string, maxWidth: number): string[] {
  const max = Math.max(1, Math.floor(maxWidth / CHAR_WIDTH));
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/).map(asciiFold)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let w = word;
      while ([...w].length > max) {
        if (line) lines.push(line);
        line = '';
        lines.push([...w].slice(0, max).join(''));
        w = [...w].slice(max).join('');
      }
      if (!line) line = w;
      else if ([...line].length + 1 + [...w].length <= max) line += ` ${w}`;
      else {
        lines.push(line);
        line = w;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Draws one line of `text` into `image` (mutating it) with its top-left corner at (`x`, `y`), anti-aliased over
 * the existing pixels, clipped to the image. Text is folded to ASCII first ({@link asciiFold}).
 * @returns the x coordinate just after the text.
 */
export function drawText(image: RgbImage, text: string, x: number, y: number, color: Rgb = [0, 0, 0]): number {
  checkImage(image);
  const g = glyphs();
  const { width: cw, height: ch } = FONT_CELL;
  let cx = Math.round(x);
  const top = Math.round(y);
  for (const char of asciiFold(text)) {
    let code = char.codePointAt(0)! - FONT_FIRST_CHAR;
    if (code < 0 || code >= GLYPHS) code = '?'.charCodeAt(0) - FONT_FIRST_CHAR;
    for (let r = 0; r < ch; r++) {
      const py = top + r;
      if (py < 0 || py >= image.height) continue;
      for (let c = 0; c < cw; c++) {
        const px = cx + c;
        if (px < 0 || px >= image.width) continue;
        const a = g[(code * ch + r) * cw + c]!;
        if (a === 0) continue;
        const o = (py * image.width + px) * 3;
        for (let k = 0; k < 3; k++) image.data[o + k] = Math.round((color[k]! * a + image.data[o + k]! * (255 - a)) / 255);
      }
    }
    cx += cw;
  }
  return cx;
}
