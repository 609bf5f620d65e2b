import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, encodeImage, writeFileAtomic, writeImage } from '../src/node.js';
import { ImageReadError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'gradcam-viz-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 3×2 RGB test image with six distinct pixels. */
const PIXELS = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 150, 100, 1, 2, 3];
const px = (data: Uint8Array, width: number, x: number, y: number) => Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));

describe('decodeImage (Node, sharp)', () => {
  it('decodes a PNG it did not write itself to exactly the generated pixels', async () => {
    const png = await sharp(Buffer.from(PIXELS), { raw: { width: 3, height: 2, channels: 3 } }).png().toBuffer();
    const file = join(dir, 'six.png');
    writeFileSync(file, png);
    const img = await decodeImage(file);
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(Array.from(img.data)).toEqual(PIXELS);
    expect(Array.from((await decodeImage(new Uint8Array(png))).data)).toEqual(PIXELS);
  });

  it('decodes lossless WebP and JPEG (within JPEG error) from bytes', async () => {
    const webp = await sharp(Buffer.from(PIXELS), { raw: { width: 3, height: 2, channels: 3 } }).webp({ lossless: true }).toBuffer();
    expect(Array.from((await decodeImage(new Uint8Array(webp))).data)).toEqual(PIXELS);
    const flat = await sharp(Buffer.alloc(16 * 16 * 3, 180), { raw: { width: 16, height: 16, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const img = await decodeImage(flat);
    expect([img.width, img.height]).toEqual([16, 16]);
    expect(img.data.every((v) => Math.abs(v - 180) <= 2)).toBe(true);
  });

  it('drops alpha, expands greyscale to RGB and reduces 16-bit PNGs to 8 bits', async () => {
    const rgba = await sharp(Buffer.from([10, 20, 30, 0, 40, 50, 60, 255]), { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    expect(Array.from((await decodeImage(rgba)).data)).toEqual([10, 20, 30, 40, 50, 60]);
    const grey = await sharp(Buffer.from([0, 128, 255, 7]), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect(Array.from((await decodeImage(grey)).data)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255, 7, 7, 7]);
    const deep = await sharp(Buffer.from(PIXELS), { raw: { width: 3, height: 2, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    expect(Array.from((await decodeImage(deep)).data)).toEqual(PIXELS);
  });

  it('applies EXIF orientation: a 32×16 JPEG tagged orientation 6 (rotate 90° clockwise) decodes as 16×32', async () => {
    // Stored: left half red, right half blue; top 8 rows brighter than the bottom 8 (solid 8×8 blocks survive JPEG).
    const w = 32;
    const h = 16;
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        const bright = y < 8 ? 255 : 128;
        if (x < 16) raw[o] = bright;
        else raw[o + 2] = bright;
      }
    const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const img = await decodeImage(jpeg);
    expect([img.width, img.height]).toEqual([16, 32]);
    // Rotating 90° clockwise puts the stored top-left (bright red) at the displayed top-right, and the
    // stored bottom-left (dim red) at the displayed top-left; blue ends up in the bottom half.
    const near = (got: number[], want: number[]) => got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(10));
    near(px(img.data, 16, 12, 3), [255, 0, 0]);
    near(px(img.data, 16, 3, 3), [128, 0, 0]);
    near(px(img.data, 16, 12, 28), [0, 0, 255]);
    near(px(img.data, 16, 3, 28), [0, 0, 128]);
  });

  it('fails with ImageReadError naming the path and the reason', async () => {
    const missing = join(dir, 'nope.png');
    await expect(decodeImage(missing)).rejects.toThrow(new ImageReadError(missing, 'no such file'));
    await expect(decodeImage(missing)).rejects.toThrow(`cannot read image '${missing}': no such file`);
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'this is not a PNG');
    await expect(decodeImage(text)).rejects.toThrow(`cannot read image '${text}': not an image sharp can decode (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG)`);
    const png = await sharp(Buffer.alloc(64 * 64 * 3, 90), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    const cut = join(dir, 'truncated.png');
    writeFileSync(cut, png.subarray(0, png.length >> 1));
    const err = await decodeImage(cut).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(ImageReadError);
    expect(err!.message.startsWith(`cannot read image '${cut}': `)).toBe(true);
    await expect(decodeImage(new Uint8Array([1, 2, 3]), { name: 'upload #3' })).rejects.toThrow("cannot read image 'upload #3': not an image");
  });
});

describe('encodeImage / writeImage / writeFileAtomic', () => {
  const img = { width: 3, height: 2, data: Uint8Array.from(PIXELS) };

  it('PNG round-trips exactly; JPEG stays close; the format follows the extension', async () => {
    const png = await encodeImage(img, 'png');
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(Array.from((await decodeImage(png)).data)).toEqual(PIXELS);
    const file = await writeImage(join(dir, 'out', 'a.jpeg'), { width: 16, height: 16, data: new Uint8Array(16 * 16 * 3).fill(200) }, { quality: 95 });
    const back = await decodeImage(file);
    expect((await sharp(file).metadata()).format).toBe('jpeg');
    expect(back.data.every((v) => Math.abs(v - 200) <= 2)).toBe(true);
    await expect(writeImage(join(dir, 'a.gif'), img)).rejects.toThrow(`cannot tell the image format of '${join(dir, 'a.gif')}': use a .png, .jpg, .jpeg or .webp name`);
  });

  it('writes through a temporary file and leaves nothing behind on failure', async () => {
    const target = join(dir, 'atomic', 'report.html');
    await writeFileAtomic(target, 'hello');
    expect(readFileSync(target, 'utf8')).toBe('hello');
    expect(readdirSync(join(dir, 'atomic'))).toEqual(['report.html']);
    // Renaming onto a directory fails: the temp file must be removed and the directory untouched.
    const blocked = join(dir, 'atomic', 'blocked.png');
    await writeFileAtomic(join(blocked, 'x'), 'y');
    await expect(writeFileAtomic(blocked, 'data')).rejects.toThrow();
    expect(readdirSync(join(dir, 'atomic')).sort()).toEqual(['blocked.png', 'report.html']);
  });
});
