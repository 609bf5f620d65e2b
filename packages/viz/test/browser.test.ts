import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageFromImageData, imageToImageData } from '../src/browser.js';

/** Every module reachable through relative imports from `entry`, with its bare (package) imports. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
    seen.set(file, specs.filter((s) => !s.startsWith('.')));
    specs.filter((s) => s.startsWith('./')).forEach((s) => visit(s.slice(2).replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('browser entry', () => {
  it('index.ts and browser.ts reach no Node-only module (node:*, sharp)', () => {
    for (const entry of ['index.ts', 'browser.ts']) {
      const graph = importGraph(entry);
      expect(graph.size).toBeGreaterThan(entry === 'index.ts' ? 10 : 2);
      const bare = [...graph.values()].flat();
      expect(bare.filter((s) => s.startsWith('node:') || s === 'sharp' || s === 'fs' || s === 'path'), entry).toEqual([]);
    }
    // The Node entry is the one that uses sharp.
    expect(importGraph('node.ts').get('node.ts')).toContain('sharp');
  });

  it('converts canvas RGBA ImageData to RGB and back (alpha dropped, then 255)', () => {
    const rgba = new Uint8ClampedArray([1, 2, 3, 0, 250, 251, 252, 128]);
    const img = imageFromImageData({ width: 2, height: 1, data: rgba });
    expect(Array.from(img.data)).toEqual([1, 2, 3, 250, 251, 252]);
    const back = imageToImageData(img);
    expect([back.width, back.height]).toEqual([2, 1]);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 255, 250, 251, 252, 255]);
    expect(() => imageFromImageData({ width: 2, height: 2, data: rgba })).toThrow('RGBA pixels of a 2×2 image must be 16 bytes; got 8');
  });
});
