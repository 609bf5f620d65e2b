/**
 * End-to-end test of the demo's transformers.js captioning: a real transformers.js model folder
 * (../shared/models/tiny-vit-gpt2, random weights) served over http by the test server, captioned and
 * explained entirely in Chromium (transformers.js on onnxruntime-web for the caption, @gradcam/captioning
 * on tfjs for the maps), checked against @gradcam/captioning's explainCaption in Node on the same pixels.
 * Skips (saying why) without Chromium or without ../shared.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, type DemoApp, dist, explainAndWait, openPage, root, shots, startDemo, stopDemo } from './harness.js';

const SHARED = process.env['GRADCAM_SHARED'] ?? resolve(root, '..', '..', '..', 'shared');
const MODEL = 'tiny-vit-gpt2';
const MODEL_DIR = join(SHARED, 'models', MODEL);
const PHOTO = join(SHARED, 'images', 'chelsea.png');
const skipReason =
  chromiumSkipReason ||
  (!existsSync(join(MODEL_DIR, 'onnx', 'decoder_model_merged.onnx')) || !existsSync(PHOTO)
    ? `${SHARED}/models/${MODEL} or images/chelsea.png is absent (test models and photos are not part of the repository): transformers.js captioning test skipped`
    : '');
if (skipReason) console.warn(`examples/web: ${skipReason}`);

/** The tiny model's input size (preprocessor_config.json: 32 × 32, plain resize, no crop). */
const SIZE = 32;

interface DemoState {
  busy: boolean;
  imageName: string;
  image?: { width: number; height: number; data: Uint8Array };
  caption?: { model: string; text: string; words: { text: string; probability?: number }[] };
  pinned?: string;
}
type Demo = { gradcamDemo: { state: DemoState; numTensors(): number } };

/** Every overlay canvas on the page (RGBA bytes). */
async function overlays(page: Page) {
  return page.$$eval('.result', (els) =>
    els.map((el) => {
      const c = el.querySelector('canvas') as HTMLCanvasElement;
      return { target: (el as HTMLElement).dataset['target']!, label: (el as HTMLElement).dataset['label']!, rgba: Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data) };
    }),
  );
}

async function inputCanvas(page: Page): Promise<number[]> {
  return page.$eval('#input-canvas', (c) => Array.from((c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data));
}

const meanAbsDiff = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe.skipIf(!!skipReason)('browser demo: captioning with a transformers.js model folder (tiny-vit-gpt2)', () => {
  let demo: DemoApp | undefined;
  let browser: Browser;
  let base = '';
  let photo: Buffer;

  beforeAll(async () => {
    demo = await startDemo({ [`/models/${MODEL}/`]: MODEL_DIR });
    ({ browser, base } = demo);
    // A real photo at exactly the model's input size: the processor's resize is then the identity in
    // both places (canvas in the browser, sharp in Node), so the page and Node see the same pixel_values.
    const sharp = (await import('sharp')).default;
    photo = await sharp(PHOTO).resize(SIZE, SIZE, { fit: 'cover' }).removeAlpha().png().toBuffer();
  }, 240_000);

  afterAll(() => stopDemo(demo));

  async function pickTransformers(page: Page, source: string): Promise<void> {
    await page.selectOption('#task', 'captioning');
    await page.selectOption('#caption-model', 'transformers');
    expect(await page.isVisible('#caption-source')).toBe(true);
    await page.fill('#caption-source', source);
  }

  async function upload(page: Page): Promise<void> {
    await page.setInputFiles('#file', { name: 'chelsea-32.png', mimeType: 'image/png', buffer: photo });
    await page.waitForFunction(() => (window as unknown as Demo).gradcamDemo.state.imageName === 'chelsea-32.png');
  }

  it('captions a photo in the page: the same caption and word probabilities as explainCaption in Node, one chip and one distinct map per word', async () => {
    const { page, errors } = await open();
    const backend = await page.textContent('#backend');
    await upload(page);
    await pickTransformers(page, `${base}models/${MODEL}/`); // a full http URL of the folder
    await page.fill('#alpha', '1'); // overlays = the colormap alone, to measure heat
    await page.dispatchEvent('#alpha', 'input');
    let t0 = performance.now();
    await explainAndWait(page, 120_000);
    const first = (performance.now() - t0) / 1000;
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
    const { caption, image } = await page.evaluate(() => {
      const s = (window as unknown as Demo).gradcamDemo.state;
      return { caption: s.caption!, image: { width: s.image!.width, height: s.image!.height, data: Array.from(s.image!.data) } };
    });
    expect(image.width).toBe(SIZE);
    expect(image.height).toBe(SIZE);
    expect(caption.model).toBe(`${base}models/${MODEL}/`);

    // The reference: @gradcam/captioning in Node on the pixels the page explained, from the same folder.
    const { env } = await import('@xenova/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = join(SHARED, 'models') + '/';
    const { explainCaption } = await import('@gradcam/captioning');
    const ref = await explainCaption({ width: image.width, height: image.height, data: Uint8Array.from(image.data), channels: 3 }, { model: MODEL, method: 'gradcam' });
    console.log(`examples/web: page caption on ${backend}: “${caption.text}” (${first.toFixed(1)} s incl. loading); Node: “${ref.caption}”`);
    expect(caption.text).toBe(ref.caption);
    expect(ref.words.length).toBeGreaterThan(1);
    expect(caption.words.map((w) => w.text)).toEqual(ref.words.map((w) => w.text));
    caption.words.forEach((w, i) => expect(Math.log(w.probability!), `word ${i} “${w.text}”`).toBeCloseTo(ref.words[i]!.logProbability, 3));

    // One chip per word, showing its probability.
    const chips = await page.$$eval('#caption-line .word', (els) => els.map((e) => ({ word: (e as HTMLElement).dataset['word']!, text: e.textContent ?? '', target: (e as HTMLElement).dataset['target']! })));
    expect(chips.length).toBe(ref.words.length);
    expect(chips.map((c) => c.word)).toEqual(ref.words.map((w) => w.text));
    chips.forEach((c) => expect(c.text).toMatch(/\d%$/));

    // One overlay per word; each has heat (jet's red end somewhere) and differs from every other word's.
    const cards = await overlays(page);
    expect(cards.map((c) => c.target)).toEqual(chips.map((c) => c.target));
    for (const c of cards) {
      let hottest = -1;
      for (let i = 0; i < c.rgba.length; i += 4) hottest = Math.max(hottest, (c.rgba[i]! - c.rgba[i + 2]!) / 255);
      expect(hottest, `${c.label}: no heat`).toBeGreaterThan(0.5);
    }
    for (let a = 0; a < cards.length; a++)
      for (let b = a + 1; b < cards.length; b++) expect(meanAbsDiff(cards[a]!.rgba, cards[b]!.rgba), `${cards[a]!.label} (${a}) vs ${cards[b]!.label} (${b})`).toBeGreaterThan(0.5);

    // Hovering a chip shows its word's overlay on the input; clicking pins it.
    const raw = await inputCanvas(page);
    const k = Math.min(1, chips.length - 1);
    await page.hover(`#caption-line .word[data-target="${chips[k]!.target}"]`);
    expect(await inputCanvas(page)).toEqual(cards[k]!.rgba);
    await page.hover('header');
    expect(await inputCanvas(page)).toEqual(raw);
    await page.click(`#caption-line .word[data-target="${chips[k]!.target}"]`);
    await page.hover('header');
    expect(await inputCanvas(page)).toEqual(cards[k]!.rgba);
    expect(await page.getAttribute(`#caption-line .word[data-target="${chips[k]!.target}"]`, 'aria-pressed')).toBe('true');

    // Explaining again reuses the loaded captioner and leaves no tensor behind.
    const tensors = await page.evaluate(() => (window as unknown as Demo).gradcamDemo.numTensors());
    t0 = performance.now();
    await explainAndWait(page);
    const again = (performance.now() - t0) / 1000;
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
    expect(await page.evaluate(() => (window as unknown as Demo).gradcamDemo.state.caption?.text)).toBe(ref.caption);
    expect(await page.evaluate(() => (window as unknown as Demo).gradcamDemo.numTensors())).toBe(tensors);
    console.log(`examples/web: explain again with the loaded captioner: ${again.toFixed(1)} s`);

    // The screenshot: a word pinned, overlays at the default opacity.
    await page.fill('#alpha', '0.5');
    await page.dispatchEvent('#alpha', 'input');
    const j = k === 0 ? chips.length - 1 : 0; // pin another word (clicking the pinned one unpins it)
    await page.click(`#caption-line .word[data-target="${chips[j]!.target}"]`);
    await page.hover('header');
    expect(await page.evaluate(() => (window as unknown as Demo).gradcamDemo.state.pinned)).toBe(chips[j]!.target);
    await page.screenshot({ path: join(shots, 'web-transformers-caption.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows errors on the page: a folder that 404s, a Hub id without network, a malformed id; then a good folder still works', async () => {
    const { page, errors } = await open();
    await upload(page);
    // 1. a folder URL that does not exist (a path on the page's own server)
    await pickTransformers(page, '/models/no-such-model/');
    await explainAndWait(page);
    expect(await page.textContent('#error')).toMatch(/no transformers\.js model at http:\/\/127\.0\.0\.1:\d+\/models\/no-such-model\/.*HTTP 404/);
    expect(await page.isHidden('#caption-line')).toBe(true);
    // 2. a Hub id with no network
    await page.fill('#caption-source', 'Xenova/vit-gpt2-image-captioning');
    await explainAndWait(page);
    expect(await page.textContent('#error')).toMatch(/Xenova\/vit-gpt2-image-captioning could not be loaded from the Hugging Face Hub.*offline/);
    // 3. neither an id nor a URL
    await page.fill('#caption-source', 'not a model!');
    await explainAndWait(page);
    expect(await page.textContent('#error')).toMatch(/neither a Hugging Face model id/);
    await page.screenshot({ path: join(shots, 'web-transformers-error.png'), fullPage: true });
    // 4. the folder, by a path relative to the page's server, still loads afterwards
    await page.fill('#caption-source', `/models/${MODEL}/`);
    await explainAndWait(page, 120_000);
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
    expect(await page.$$eval('#caption-line .word', (els) => els.length)).toBeGreaterThan(1);
    expect(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await page.close();
  });

  function open(query = ''): Promise<{ page: Page; errors: string[] }> {
    return openPage(browser, `${base}${query}`);
  }
});

if (skipReason) {
  describe('browser demo: captioning with a transformers.js model folder', () => {
    it.skip(skipReason, () => {});
  });
}
