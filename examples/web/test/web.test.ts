/**
 * End-to-end tests of the browser demo: builds the app (scripts/make-models.mjs + vite build), serves
 * dist/ on 127.0.0.1, drives Debian's Chromium through playwright-core (headless, no GPU, no network
 * beyond the local server), and checks that the overlays put their heat on the right object of scenes
 * whose ground-truth boxes are known, that errors appear on the page, and that the console stays clean.
 * Screenshots land in examples/web/test-output/. Skips (with the reason) when Chromium is missing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, chromiumSkipReason, type DemoApp, dist, explainAndWait, openPage, readSamples, shots, startDemo, stopDemo } from './harness.js';

const skipReason = chromiumSkipReason;
if (skipReason) console.warn(`examples/web: ${skipReason}`);

interface Box { x1: number; y1: number; x2: number; y2: number }
interface Sample { file: string; name: string; width: number; height: number; objects: { colour: string; label: string; box: Box }[] }

describe.skipIf(!CHROMIUM)('browser demo (examples/web) in Chromium', () => {
  let demo: DemoApp | undefined;
  let browser: Browser;
  let base = '';
  let samples: Sample[] = [];

  beforeAll(async () => {
    // Build (the generated models/samples, then the Vite bundle, ≈ 20 s, shared with the other test files of the run), serve, launch.
    demo = await startDemo();
    ({ browser, base } = demo);
    samples = readSamples<Sample>();
  }, 240_000);

  afterAll(() => stopDemo(demo));

  /** A page on the demo; only the local server is reachable. Collects console errors and page errors. */
  function open(query = ''): Promise<{ page: Page; errors: string[] }> {
    return openPage(browser, `${base}${query}`);
  }

  /**
   * Reads each overlay canvas (drawn at opacity 1: the colormap alone, jet) and measures its heat
   * (R − B, jet's red end minus its blue end) inside the boxes of the objects of the explained colour.
   */
  async function heat(page: Page, boxes: (label: string) => Box[]) {
    const cards = await page.$$eval('.result', (els) =>
      els.map((el) => {
        const c = el.querySelector('canvas') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        return { label: (el as HTMLElement).dataset['label']!, width: c.width, height: c.height, rgba: Array.from(d) };
      }),
    );
    return cards.map((c) => {
      const bs = boxes(c.label);
      let inside = 0, nIn = 0, outside = 0, nOut = 0, best = -1e9, bx = 0, by = 0;
      for (let y = 0; y < c.height; y++)
        for (let x = 0; x < c.width; x++) {
          const i = (y * c.width + x) * 4;
          const h = (c.rgba[i]! - c.rgba[i + 2]!) / 255;
          if (h > best) [best, bx, by] = [h, x, y];
          if (bs.some((b) => x >= b.x1 && x < b.x2 && y >= b.y1 && y < b.y2)) (inside += h), nIn++;
          else (outside += h), nOut++;
        }
      return { label: c.label, meanIn: inside / Math.max(1, nIn), meanOut: outside / Math.max(1, nOut), peak: { x: bx, y: by }, inBox: bs.some((b) => bx >= b.x1 - 4 && bx < b.x2 + 4 && by >= b.y1 - 4 && by < b.y2 + 4) };
    });
  }

  it('loads offline, shows the backend, and the colour detector heats the right object of every scene sample', async () => {
    const { page, errors } = await open();
    const backend = await page.textContent('#backend');
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    console.log(`examples/web: backend in headless Chromium: ${backend} (${await page.getAttribute('#backend', 'title')})`);
    await page.fill('#alpha', '1');
    await page.dispatchEvent('#alpha', 'input');
    for (const [k, s] of samples.entries()) {
      await page.click(`#samples button[data-sample="${s.name}"]`);
      await page.waitForFunction((name) => (window as unknown as { gradcamDemo: { state: { sample?: { name: string } } } }).gradcamDemo.state.sample?.name === name, s.name);
      await explainAndWait(page);
      expect(await page.isHidden('#error'), await page.textContent('#error') ?? '').toBe(true);
      const colours = new Set(s.objects.map((o) => o.colour));
      const labels = await page.$$eval('.result', (els) => els.map((e) => (e as HTMLElement).dataset['label']!));
      // the top classes are the colours present (as many as fit in the top 3)
      expect(labels.slice(0, Math.min(3, colours.size)).every((l) => colours.has(l.split(' ')[0]!)), `${s.name}: ${labels}`).toBe(true);
      const measured = await heat(page, (label) => s.objects.filter((o) => o.colour === label.split(' ')[0]).map((o) => o.box));
      for (const m of measured.filter((m) => colours.has(m.label.split(' ')[0]!))) {
        expect(m.inBox, `${s.name} ${m.label}: hottest pixel at ${m.peak.x},${m.peak.y}`).toBe(true);
        expect(m.meanIn, `${s.name} ${m.label}`).toBeGreaterThan(m.meanOut + 0.5);
      }
      if (k === 0) {
        await page.fill('#alpha', '0.5');
        await page.dispatchEvent('#alpha', 'input');
        await page.screenshot({ path: join(shots, 'web-classification.png'), fullPage: true });
        await page.fill('#alpha', '1');
        await page.dispatchEvent('#alpha', 'input');
      }
    }
    // download one overlay as PNG
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.result .download')]);
    const path = await download.path();
    expect(readFileSync(path!).subarray(1, 4).toString()).toBe('PNG');
    expect(download.suggestedFilename()).toMatch(/\.png$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('every CAM method runs on the wasm and cpu backends and keeps the heat on the object', async () => {
    for (const backend of ['wasm', 'cpu']) {
      const { page, errors } = await open(`?backend=${backend}`);
      expect(await page.textContent('#backend')).toBe(backend);
      await page.fill('#alpha', '1');
      await page.dispatchEvent('#alpha', 'input');
      await page.fill('#top', '1');
      const s = samples[0]!;
      const methods = backend === 'wasm' ? await page.$$eval('#method option', (os) => os.map((o) => (o as HTMLOptionElement).value)) : ['gradcam', 'scorecam'];
      for (const method of methods) {
        await page.selectOption('#method', method);
        await explainAndWait(page);
        expect(await page.isHidden('#error'), `${backend} ${method}: ${await page.textContent('#error')}`).toBe(true);
        const [m] = await heat(page, (label) => s.objects.filter((o) => o.colour === label.split(' ')[0]).map((o) => o.box));
        expect(m!.inBox, `${backend} ${method} ${m!.label}`).toBe(true);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('explains a local model.json + weights picked from disk', async () => {
    const { page, errors } = await open();
    await page.selectOption('#model', 'local');
    const dir = join(dist, 'generated', 'models', 'colours');
    await page.setInputFiles('#local-files', [join(dir, 'model.json'), join(dir, 'weights.bin')]);
    await page.fill('#alpha', '1');
    await page.dispatchEvent('#alpha', 'input');
    await explainAndWait(page);
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
    const labels = await page.$$eval('.result', (els) => els.map((e) => (e as HTMLElement).dataset['label']!));
    expect(labels.length).toBeGreaterThan(0); // unnamed classes of a local model: "class k"
    expect(labels[0]).toMatch(/^class \d$/);
    expect(await page.textContent('#results-info')).toContain('model.json');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows errors on the page: unreadable image, broken model, no network for TF Hub', async () => {
    const { page, errors } = await open();
    // 1. a file that is not an image
    await page.setInputFiles('#file', { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG') });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/broken\.png/);
    // the previous image stays usable
    expect(await page.isVisible('#input-canvas')).toBe(true);
    // 2. a model.json that is not a model
    await page.selectOption('#model', 'local');
    await page.setInputFiles('#local-files', [{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "layers-model", "modelTopology": 42}') }]);
    await page.click('#run');
    await page.waitForFunction(() => !document.querySelector('#error')!.hasAttribute('hidden') && /Explaining failed/.test(document.querySelector('#error')!.textContent ?? ''));
    // 3. MobileNet from TF Hub without a network
    await page.selectOption('#model', 'mobilenet');
    await explainAndWait(page);
    expect(await page.textContent('#error')).toMatch(/TF Hub|network|offline/i);
    await page.screenshot({ path: join(shots, 'web-error.png'), fullPage: true });
    expect(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await page.close();
  });
});

if (skipReason) {
  describe('browser demo (examples/web)', () => {
    it.skip(skipReason, () => {});
  });
}
