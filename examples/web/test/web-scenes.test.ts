/**
 * End-to-end test of the demo's scene-world tasks in Chromium, offline: the committed scene classifier,
 * captioner and VQA model (served with the app) explain the bundled scene samples, and each overlay's
 * hottest pixel must lie on the ground-truth object its class, caption word or answer is about. Skips
 * (saying why) without Chromium or without the trained weights.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, type DemoApp, explainAndWait, openPage, readSamples, root, shots, startDemo, stopDemo } from './harness.js';

const WEIGHTS = join(root, '..', '..', 'packages', 'scenes', 'weights', 'classifier', 'model.json');
const skipReason = chromiumSkipReason || (existsSync(WEIGHTS) ? '' : 'the scene weights (packages/scenes/weights) are not trained: scene-task browser tests skipped');
if (skipReason) console.warn(`examples/web: ${skipReason}`);

interface Box { x1: number; y1: number; x2: number; y2: number }
interface Sample {
  name: string;
  scene?: boolean;
  caption?: string;
  captionWords?: { word: string; role: string; objects: number[] }[];
  questions?: { text: string; answer: string; objects: number[] }[];
  objects: { id: number; colour: string; shape: string; label: string; box: Box }[];
}

/** The hottest pixel of each overlay card (drawn at opacity 1: jet alone, heat = R − B), with the card's label. */
async function peaks(page: Page): Promise<{ label: string; x: number; y: number }[]> {
  return page.$$eval('.result', (els) =>
    els.map((el) => {
      const c = el.querySelector('canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let best = -1e9;
      let bx = 0;
      let by = 0;
      for (let y = 0; y < c.height; y++)
        for (let x = 0; x < c.width; x++) {
          const i = (y * c.width + x) * 4;
          const h = d[i]! - d[i + 2]!;
          if (h > best) [best, bx, by] = [h, x, y];
        }
      // canvas pixels → sample pixels (the canvas may be drawn at another size than the sample)
      return { label: (el as HTMLElement).dataset['label']!, x: (bx + 0.5) / c.width, y: (by + 0.5) / c.height };
    }),
  );
}

/** Whether a peak (fractions of the image) lies in a box (sample pixels of a `size`-px image), with the pointing game's 15 % tolerance. */
function onBox(p: { x: number; y: number }, b: Box, size: number): boolean {
  const t = 0.15 * Math.max(b.x2 - b.x1, b.y2 - b.y1);
  const x = p.x * size;
  const y = p.y * size;
  return x >= b.x1 - t && x <= b.x2 + t && y >= b.y1 - t && y <= b.y2 + t;
}

describe.skipIf(!!skipReason)('browser demo: the scene models (classifier, captioner, VQA) in Chromium', () => {
  let demo: DemoApp | undefined;
  let browser: Browser;
  let base = '';
  let samples: Sample[] = [];

  beforeAll(async () => {
    demo = await startDemo();
    ({ browser, base } = demo);
    samples = readSamples<Sample>().filter((s) => s.scene);
  }, 240_000);

  afterAll(() => stopDemo(demo));

  async function pick(page: Page, s: Sample): Promise<void> {
    await page.click(`#samples button[data-sample="${s.name}"]`);
    await page.waitForFunction((name) => (window as unknown as { gradcamDemo: { state: { sample?: { name: string } } } }).gradcamDemo.state.sample?.name === name, s.name);
  }

  it('classifies, captions and answers each scene sample with the heat on the right object', async () => {
    expect(samples.length).toBeGreaterThan(0);
    const { page, errors } = await openPage(browser, base);
    await page.fill('#alpha', '1');
    await page.dispatchEvent('#alpha', 'input');
    const size = 256; // samples are 64×64 scenes drawn 4× (see scripts/make-models.mjs)
    const misses: string[] = [];
    let checked = 0;
    for (const [k, s] of samples.entries()) {
      await pick(page, s);
      // 1. classification with the scene classifier: one card per predicted class, on that class's objects
      await page.selectOption('#task', 'classification');
      await page.selectOption('#model', 'scenes');
      await explainAndWait(page);
      expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
      const classes = await peaks(page);
      const present = new Set(s.objects.map((o) => o.label));
      expect(classes.filter((c) => present.has(c.label)).length, `${s.name}: ${classes.map((c) => c.label)}`).toBe(present.size);
      for (const c of classes.filter((c) => present.has(c.label))) {
        checked++;
        if (!s.objects.filter((o) => o.label === c.label).some((o) => onBox(c, o.box, size))) misses.push(`${s.name} class ${c.label}`);
      }
      if (k === 0) await page.screenshot({ path: join(shots, 'web-scene-classifier.png'), fullPage: true });
      // 2. captioning with the scene captioner: the caption, and each colour/shape word naming one object on it
      await page.selectOption('#task', 'captioning');
      if (await page.isVisible('#caption-model')) await page.selectOption('#caption-model', 'scene');
      await explainAndWait(page);
      expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
      const caption = await page.evaluate(() => (window as unknown as { gradcamDemo: { state: { caption?: { text: string } } } }).gradcamDemo.state.caption?.text);
      // The words that name objects must be the reference caption's (the relation word may differ: the
      // captioner gets about one two-object relation in two wrong, see docs/scenes.md).
      const said = caption!.split(' ');
      const naming = (ws: string[]) => ws.filter((w) => s.objects.some((o) => o.colour === w || o.shape === w || w.startsWith(o.shape)));
      expect(naming(said), `${s.name}: "${caption}" against "${s.caption}"`).toEqual(naming(s.caption!.split(' ')));
      const words = await peaks(page);
      expect(words).toHaveLength(said.length);
      // the map of each colour/shape word naming one object, where the model said the reference word at the same place
      s.captionWords!.forEach((w, i) => {
        if ((w.role !== 'colour' && w.role !== 'shape') || w.objects.length !== 1 || said[i] !== w.word) return;
        checked++;
        if (!onBox(words[i]!, s.objects[w.objects[0]!]!.box, size)) misses.push(`${s.name} word ${i} '${w.word}'`);
      });
      if (k === 0) await page.screenshot({ path: join(shots, 'web-scene-caption.png'), fullPage: true });
      // 3. VQA: each sample question; the model's answer, and its map on the object when it is about one
      await page.selectOption('#task', 'vqa');
      for (const q of s.questions!) {
        await page.fill('#question', q.text);
        await explainAndWait(page);
        expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
        const [a] = await peaks(page);
        expect(a!.label, `${s.name}: ${q.text}`).toBe(`answer: ${q.answer}`);
        if (q.objects.length === 1) {
          checked++;
          if (!onBox(a!, s.objects[q.objects[0]!]!.box, size)) misses.push(`${s.name} “${q.text}”`);
        }
      }
      if (k === 0) await page.screenshot({ path: join(shots, 'web-scene-vqa.png'), fullPage: true });
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    // the committed models point at about 95 % (classes), 45 % (caption words), 76 % (answers): see docs/scenes.md
    expect(misses.filter((m) => / class /.test(m)).length, misses.join('; ')).toBeLessThanOrEqual(1);
    expect(misses.length / checked, `${misses.length}/${checked} maps off their object: ${misses.join('; ')}`).toBeLessThanOrEqual(0.5);
    // 4. a question with an unknown word is a message on the page, not an exception
    await page.fill('#question', 'what colour is the zebra ?');
    await explainAndWait(page);
    expect(await page.textContent('#error')).toMatch(/zebra/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

if (skipReason) {
  describe('browser demo: the scene models', () => {
    it.skip(skipReason, () => {});
  });
}
