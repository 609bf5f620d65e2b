import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colormapLut, quantizeLevel } from '@gradcam/viz';
import { TINY_GAIN, TINY_LABELS, listFiles, runCli, saveTinyModel, writePng } from './helpers/cli.js';

// The real binary on a tiny model built here: class k of the model is "how much of colour channel k", so the
// Grad-CAM of a class is exactly that channel of the image and every pixel of the output can be derived by hand.

const work = mkdtempSync(join(tmpdir(), 'gradcam-cli-explain-'));
let model = '';
let labels = '';
let red = '';
let big = '';
beforeAll(async () => {
  model = await saveTinyModel(join(work, 'tiny'));
  labels = join(work, 'tiny', 'labels.json');
  // 16×16 (the model's input size): a 4×4 pure red square at the top left, black elsewhere.
  red = await writePng(join(work, 'img', 'red.png'), 16, 16, (x, y) => (x < 4 && y < 4 ? [255, 0, 0] : [0, 0, 0]));
  // 32×32: the same picture at twice the size (the model input is a 2× reduction of it).
  big = await writePng(join(work, 'img', 'big.png'), 32, 32, (x, y) => (x < 8 && y < 8 ? [255, 0, 0] : [0, 0, 0]));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const f = Math.fround;
/** The overlay arithmetic written out (show_cam_on_image in float32): one pixel before division by the max. */
function blend(level: number, rgb: number[], alpha: number, lut = colormapLut('jet')): number[] {
  return [0, 1, 2].map((c) => f(f(f(alpha) * f(lut[level * 3 + c]! / 255)) + f(f(1 - alpha) * f(rgb[c]! / 255))));
}
const finish = (cam: number[], max: number) => cam.map((v) => Math.floor(f(255 * f(v / max))));
async function pixels(path: string) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, at: (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)) };
}

interface Json {
  width: number;
  height: number;
  method: string;
  layer: string[];
  scoreSource: string;
  predictions: Array<{ index: number; label: string; probability: number }>;
  explanations: Array<{ index: number; label: string; probability: number; score: number; map: { width: number; height: number; data: number[] }; raw: { width: number; height: number; data: number[] }; files: string[] }>;
}
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Json;

describe('gradcam explain on a tiny model (real binary)', () => {
  it('writes the overlay with exactly the hand-derived pixels, the JSON maps and scores, and the report', async () => {
    const out = join(work, 'out1');
    const r = await runCli(['explain', red, '--model', model, '--labels', labels, '--out', out, '--format', 'png,json,html']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(listFiles(out)).toEqual(['red-0-red.png', 'red.json', 'report.html']);
    expect(r.stdout).toContain(`model: tiny (layers model, 3 outputs, labels from ${labels}, input 16×16, values in [0, 1]: the default`);
    expect(r.stdout).toContain("      0 'red, crimson' p=0.391 → ");
    expect(r.stdout).toMatch(/done: 1 of 1 image explained \(1 map\) in [\d.]+ s; 3 files in .*out1\/, report: .*report\.html\n$/);

    const json = readJson(join(out, 'red.json'));
    expect([json.width, json.height, json.method, json.layer, json.scoreSource]).toEqual([16, 16, 'gradcam', ['features'], 'logit']);
    // logits = GAIN · (mean of each channel) = (4 · 16/256, 0, 0); softmax of (0.25, 0, 0).
    const pRed = Math.exp(0.25) / (Math.exp(0.25) + 2);
    expect(json.predictions.map((p) => p.label)).toEqual(TINY_LABELS);
    expect(json.predictions[0]!.probability).toBeCloseTo(pRed, 6);
    expect(json.predictions[1]!.probability).toBeCloseTo(1 / (Math.exp(0.25) + 2), 6);
    const x = json.explanations[0]!;
    expect([x.index, x.label, x.score]).toEqual([0, 'red, crimson', (TINY_GAIN * 16) / 256]);
    // Raw Grad-CAM: weight GAIN/256 on the red channel times activation 1 inside the square.
    expect(x.raw.data.filter((v) => v !== 0)).toEqual(Array(16).fill(TINY_GAIN / 256));
    // Normalised map: min-max (x − min)/(max + 1e-7) per layer, then again across layers (pytorch-grad-cam's
    // aggregate_multi_layers): inside the square 0.9999999 in float32, 0 elsewhere; never NaN.
    const inside = (i: number) => i % 16 < 4 && Math.floor(i / 16) < 4;
    const once = f(f(TINY_GAIN / 256) / f(f(TINY_GAIN / 256) + 1e-7));
    const twice = f(once / f(once + 1e-7));
    expect(twice).toBe(f(0.9999999));
    x.map.data.forEach((v, i) => expect(f(v)).toBe(inside(i) ? twice : 0)); // JSON holds the shortest decimal of each float32

    // Overlay pixels, by hand: the square is level quantize(0.9999999) = 254 of jet over red, the rest level 0 over black.
    const lSquare = quantizeLevel(x.map.data[0]!);
    expect(lSquare).toBe(254);
    const sq = blend(lSquare, [255, 0, 0], 0.5);
    const bg = blend(0, [0, 0, 0], 0.5);
    const max = Math.max(...sq, ...bg);
    const png = await pixels(join(out, 'red-0-red.png'));
    expect([png.width, png.height]).toEqual([16, 16]);
    expect(png.at(0, 0)).toEqual(finish(sq, max));
    expect(png.at(3, 3)).toEqual(finish(sq, max));
    expect(png.at(4, 4)).toEqual(finish(bg, max));
    expect(png.at(15, 0)).toEqual(finish(bg, max));
    expect(finish(sq, max)).toEqual([255, 0, 0]);
    expect(finish(bg, max)).toEqual([0, 0, 84]); // 255 · (0.5·128/255) / (0.5·132/255 + 0.5) = 84.3

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(`<h2>${red} <span class="dim">16×16</span></h2>`);
    expect(html).toContain('<b>0 red, crimson</b><br><span class="num">p = 0.391 · logit 0.250</span>');
    expect(html.match(/<img src="data:image\/jpeg;base64,/g)).toHaveLength(2);
  });

  it('overlays at the photo resolution: a 32×32 photo gets a 32×32 overlay whose map is the 16×16 map resized like cv2.resize', async () => {
    const out = join(work, 'out2');
    const r = await runCli(['explain', big, '--model', model, '--labels', labels, '--out', out, '--format', 'png,json']);
    expect(r.code).toBe(0);
    const json = readJson(join(out, 'big.json'));
    const x = json.explanations[0]!;
    // The model saw the photo halved (2×2 blocks averaged): the same 4×4 square in its 16×16 map.
    expect([x.map.width, x.map.height]).toEqual([16, 16]);
    const m = f(x.map.data[0]!);
    expect(x.map.data.filter((v) => f(v) === m)).toHaveLength(16);
    const png = await pixels(join(out, 'big-0-red.png'));
    expect([png.width, png.height]).toEqual([32, 32]);
    // Photo pixel p ↦ map coordinate s = (p + 0.5)/2 − 0.5 (cv2.resize): weight of the square a(p) = 1 for
    // s ≤ 3, 4 − s between the last square row and the next, 0 beyond: p = 7 → s = 3.25 → ¾, p = 8 → ¼.
    const a = (p: number) => Math.min(1, Math.max(0, 4 - ((p + 0.5) / 2 - 0.5)));
    expect([a(3), a(7), a(8), a(10)]).toEqual([1, 0.75, 0.25, 0]);
    const lut = colormapLut('jet');
    const cams: number[][] = [];
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) cams.push(blend(quantizeLevel(f(a(y) * (a(x) * m))), x < 8 && y < 8 ? [255, 0, 0] : [0, 0, 0], 0.5, lut));
    const max = Math.max(...cams.flat());
    expect(quantizeLevel(f(0.5625 * m))).toBe(143);
    let checked = 0;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        expect(png.at(x, y), `pixel (${x}, ${y})`).toEqual(finish(cams[y * 32 + x]!, max));
        checked++;
      }
    expect(checked).toBe(1024);
  });

  it('--colormap viridis --alpha 1 paints the colormap alone, rescaled so the brightest channel is 255', async () => {
    const out = join(work, 'out3');
    const r = await runCli(['explain', red, '--model', model, '--labels', labels, '--out', out, '--format', 'png', '--colormap', 'viridis', '--alpha', '1']);
    expect(r.code).toBe(0);
    const png = await pixels(join(out, 'red-0-red.png'));
    const lut = colormapLut('viridis');
    const sq = blend(254, [255, 0, 0], 1, lut);
    const bg = blend(0, [0, 0, 0], 1, lut);
    const max = Math.max(...sq, ...bg);
    expect(png.at(1, 1)).toEqual(finish(sq, max));
    expect(png.at(9, 9)).toEqual(finish(bg, max));
    // viridis 254 = (251, 231, 35) is the brightest: everything is scaled by 255/251; level 0 = (68, 1, 84).
    expect([...lut.slice(254 * 3, 255 * 3)]).toEqual([251, 231, 35]);
    expect(png.at(1, 1)).toEqual([255, 234, 35]);
    expect(png.at(9, 9)).toEqual([69, 1, 85]);
  });

  it('--class by name (case-insensitive synonym), --counterfactual and a class absent from the image give all-zero maps, never NaN', async () => {
    const out = join(work, 'out4');
    const r = await runCli(['explain', red, '--model', model, '--labels', labels, '--out', out, '--format', 'json', '--class', 'EMERALD', '--class', '0']);
    expect(r.code).toBe(0);
    const json = readJson(join(out, 'red.json'));
    expect(json.explanations.map((x) => [x.index, x.label])).toEqual([
      [1, 'green, emerald'],
      [0, 'red, crimson'],
    ]);
    expect(json.explanations[0]!.map.data.every((v) => v === 0)).toBe(true); // no green anywhere: flat → zeros
    const cf = join(work, 'out5');
    const c = await runCli(['explain', red, '--model', model, '--labels', labels, '--out', cf, '--format', 'json,png', '--counterfactual']);
    expect(c.code).toBe(0);
    expect(listFiles(cf)).toEqual(['red-0-red-counterfactual.png', 'red-counterfactual.json']);
    const cj = readJson(join(cf, 'red-counterfactual.json'));
    // Negated gradients: the raw map is minus the factual one, so nothing survives the ReLU.
    expect(cj.explanations[0]!.raw.data.filter((v) => v !== 0)).toEqual(Array(16).fill(-TINY_GAIN / 256));
    expect(cj.explanations[0]!.map.data.every((v) => v === 0)).toBe(true);
  });

  it('--method, --layer, --concurrency, grid and jpg outputs, metadata.json labels, and a plain-lines progress when not on a TTY', async () => {
    const dir = join(work, 'meta');
    const m2 = await saveTinyModel(dir, { labels: 'metadata' });
    const images = await Promise.all(
      [0, 1, 2, 3, 4].map((k) => writePng(join(work, 'many', `img${k}.png`), 16, 16, (x, y) => (x >= 3 * (k % 4) && x < 3 * (k % 4) + 4 && y < 4 ? [0, 0, 255] : [0, 0, 0]))),
    );
    const out = join(work, 'out6');
    const r = await runCli(['explain', ...images, '--model', m2, '--out', out, '--format', 'jpg,grid,json', '--method', 'eigencam', '--layer', 'conv', '--concurrency', '3']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('labels from metadata.json');
    expect(r.stdout).toContain('method: eigencam on layer conv; top 1; 5 images');
    for (let k = 0; k < 5; k++) expect(r.stdout).toMatch(new RegExp(`\\[${k + 1}/5\\] .*img${k}\\.png 16×16`));
    expect(r.stdout).not.toMatch(/\r|█/);
    expect(listFiles(out)).toEqual(
      [0, 1, 2, 3, 4].flatMap((k) => [`img${k}-2-blue-eigencam.jpg`, `img${k}-eigencam.json`, `img${k}-grid-eigencam.png`]).sort(),
    );
    for (let k = 0; k < 5; k++) {
      const x = readJson(join(out, `img${k}-eigencam.json`)).explanations[0]!;
      // Eigen-CAM of a single non-zero channel is that channel: the blue square, wherever it is.
      const col = 3 * (k % 4);
      x.map.data.forEach((v, i) => expect(v > 0.99, `img${k} pixel ${i}`).toBe(i % 16 >= col && i % 16 < col + 4 && i < 64));
    }
    const grid = await sharp(join(out, 'img0-grid-eigencam.png')).metadata();
    // Two 16×16 panels, gaps of 8, at least 8 characters wide, label lines under them.
    expect([grid.width, grid.height]).toEqual([8 + 80 + 8, 8 + 16 + 4 + 40 + 8]);
  });

  it('loads --model from an http(s) URL (a loopback server here), weights fetched beside model.json', async () => {
    const { createServer } = await import('node:http');
    const { readFile } = await import('node:fs/promises');
    const served: string[] = [];
    const server = createServer((req, res) => {
      served.push(req.url ?? '');
      readFile(join(work, 'tiny', (req.url ?? '/').slice(1))).then(
        (body) => res.end(body),
        () => ((res.statusCode = 404), res.end()),
      );
    });
    const port = await new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));
    try {
      const out = join(work, 'out-http');
      const r = await runCli(['explain', red, '--model', `http://127.0.0.1:${port}/model.json`, '--labels', labels, '--out', out, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(served).toContain('/model.json');
      expect(served).toContain('/weights.bin');
      expect(readJson(join(out, 'red.json')).explanations[0]!.score).toBe(0.25);
      const missing = await runCli(['explain', red, '--model', `http://127.0.0.1:${port}/nothing/model.json`, '--out', out]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`gradcam: cannot load model 'http://127.0.0.1:${port}/nothing/model.json': HTTP 404 Not Found.`);
    } finally {
      server.close();
    }
  });

  it('gradcam layers lists the spatial layers with shapes and marks the default; --format json; gradcam methods', async () => {
    const r = await runCli(['layers', '--model', model, '--labels', labels]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(1)).toEqual(['2 layers with spatial outputs (CAM targets); * = default target', '  conv      Conv2D  [N, 16, 16, 3]', '* features  Conv2D  [N, 16, 16, 3]', '']);
    const all = await runCli(['layers', '--model', model, '--labels', labels, '--all', '--format', 'json']);
    const j = JSON.parse(all.stdout) as { default: string; layers: Array<{ name: string; shape: unknown[]; spatial: boolean; default: boolean }> };
    expect(j.default).toBe('features');
    expect(j.layers.map((l) => [l.name, l.spatial, l.default])).toEqual([
      ['conv', true, false],
      ['features', true, true],
      ['pool', false, false],
      ['logits', false, false],
      ['probs', false, false],
    ]);
    expect(j.layers.find((l) => l.name === 'pool')!.shape).toEqual([null, 3]);
    const m = await runCli(['methods']);
    expect(m.code).toBe(0);
    const lines = m.stdout.trim().split('\n');
    expect(lines.slice(0, 9).map((l) => l.split(/\s+/)[0])).toEqual(['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'gradcam-elementwise', 'eigencam', 'scorecam', 'ablationcam']);
    expect(lines[0]).toBe('gradcam              Grad-CAM: activations weighted by the spatially averaged gradient (Selvaraju et al. 2017)');
    const mj = JSON.parse((await runCli(['methods', '--format', 'json'])).stdout) as Array<{ id: string; usesGradients: boolean }>;
    expect(mj.filter((x) => !x.usesGradients).map((x) => x.id)).toEqual(['eigencam', 'scorecam', 'ablationcam']);
  });
});
