import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { listFiles, runCli } from './helpers/cli.js';
import { describeShared } from './helpers/shared.js';

// The real binary on real photos and real ImageNet MobileNets from ../shared (skipped without it).

const work = mkdtempSync(join(tmpdir(), 'gradcam-cli-real-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Map {
  width: number;
  height: number;
  data: number[];
}
interface Json {
  predictions: Array<{ index: number; label: string; probability: number }>;
  explanations: Array<{ index: number; label: string; map: Map }>;
}

/** Mean of the map over the box [x0, x1) × [y0, y1) given in fractions of the width and height, and over the rest. */
function meanInside(m: Map, x0: number, x1: number, y0: number, y1: number): { inside: number; outside: number } {
  let si = 0;
  let ni = 0;
  let so = 0;
  let no = 0;
  m.data.forEach((v, i) => {
    const x = (i % m.width) / m.width;
    const y = Math.floor(i / m.width) / m.height;
    if (x >= x0 && x < x1 && y >= y0 && y < y1) (si += v), ni++;
    else (so += v), no++;
  });
  return { inside: si / ni, outside: so / no };
}

function centroid(m: Map): [number, number] {
  let s = 0;
  let cx = 0;
  let cy = 0;
  m.data.forEach((v, i) => {
    s += v;
    cx += v * ((i % m.width) + 0.5);
    cy += v * (Math.floor(i / m.width) + 0.5);
  });
  return [cx / s / m.width, cy / s / m.height];
}

const LAYERS_MODEL = 'models/mobilenet-v1-075-layers/model.json';
const GRAPH_MODEL = 'models/mobilenet-v1-025-graph/model.json';
const PHOTOS = ['images/astronaut.png', 'images/chelsea.png', 'images/coffee.png'];

describeShared('gradcam explain on real photos with the ImageNet MobileNet v1 0.75 (layers model)', [LAYERS_MODEL, ...PHOTOS], (shared) => {
  it('the issue\'s command: one overlay per image and class at the photo\'s size, and the HTML report', async () => {
    const out = join(work, 'top2');
    const r = await runCli(['explain', ...PHOTOS.map((p) => join(shared, p)), '--model', join(shared, LAYERS_MODEL), '--top', '2', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("input 224×224, values in [-1, 1]: Keras application 'mobilenet_0.75_224'");
    // Top-2 of each photo (MobileNet v1 0.75 through the classification adapter's preprocessing).
    expect(listFiles(out)).toEqual([
      'astronaut-542-drumstick.png',
      'astronaut-787-shield.png',
      'chelsea-282-tiger-cat.png',
      'chelsea-285-egyptian-cat.png',
      'coffee-960-chocolate-sauce.png',
      'coffee-967-espresso.png',
      'report.html',
    ]);
    for (const [file, w, h] of [
      ['chelsea-285-egyptian-cat.png', 451, 300],
      ['coffee-967-espresso.png', 600, 400],
      ['astronaut-542-drumstick.png', 512, 512],
    ] as const) {
      const meta = await sharp(join(out, file)).metadata();
      expect([meta.width, meta.height], file).toEqual([w, h]);
    }
    expect(r.stdout).toMatch(/done: 3 of 3 images explained \(6 maps\) in [\d.]+ s; 7 files in .*, report: /);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<section>/g)).toHaveLength(3);
    expect(html).toContain('<b>967 espresso</b>');
    expect(html).toContain('layer <code>conv_pw_13_relu</code>');
  });

  it('the heat sits on the cat, the cup, the shuttle and the helmet', async () => {
    const out = join(work, 'where');
    const r = await runCli([
      'explain',
      ...PHOTOS.map((p) => join(shared, p)),
      '--model',
      join(shared, LAYERS_MODEL),
      '--class',
      'space shuttle',
      '--class',
      'crash helmet',
      '--class',
      'espresso',
      '--class',
      'Egyptian cat',
      '--format',
      'json',
    ].concat(['--out', out]));
    expect(r.code).toBe(0);
    const maps = (name: string) => Object.fromEntries((JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as Json).explanations.map((x) => [x.index, x.map]));
    const astronaut = maps('astronaut');
    const [sx, sy] = centroid(astronaut[812]!);
    expect(sx).toBeGreaterThan(0.6); // the shuttle model stands top right
    expect(sy).toBeLessThan(0.35);
    expect(centroid(astronaut[518]!)[1]).toBeGreaterThan(0.55); // the helmet is in the bottom half
    const cup = meanInside(maps('coffee')[967]!, 0.25, 0.75, 0.05, 0.65);
    expect(cup.inside).toBeGreaterThan(2 * cup.outside);
    // The cat fills the photo except a strip of background on the right.
    const cat = meanInside(maps('chelsea')[285]!, 0, 0.85, 0, 1);
    expect(cat.inside).toBeGreaterThan(2 * cat.outside);
  });

  it('gradcam layers marks conv_pw_13_relu (the layer before the global pooling) as the default', async () => {
    const r = await runCli(['layers', '--model', join(shared, LAYERS_MODEL)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* conv_pw_13_relu\s+Activation\s+\[N, 7, 7, 768\]$/m);
    expect(r.stdout).toMatch(/^ {2}conv1\s+Conv2D\s+\[N, 112, 112, 24\]$/m);
  });
});

describeShared('gradcam explain with the TF-Hub MobileNet v1 0.25 graph model', [GRAPH_MODEL, 'images/chelsea.png', 'images/rocket.jpg'], (shared) => {
  it('as a file model (--labels imagenet on 1001 outputs: background at 0) and as the built-in with --model-url', async () => {
    const cat = join(shared, 'images/chelsea.png');
    const out = join(work, 'graph');
    const a = await runCli(['explain', cat, '--model', join(shared, GRAPH_MODEL), '--labels', 'imagenet', '--format', 'json', '--out', out]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('(graph model, 1001 outputs, ImageNet labels, output 0 = background, input 224×224, values in [0, 1]');
    const j = JSON.parse(readFileSync(join(out, 'chelsea.json'), 'utf8')) as Json;
    // ImageNet cats are labels 281–285, outputs 282–286 of this model.
    expect(j.predictions[0]!.index).toBeGreaterThanOrEqual(282);
    expect(j.predictions[0]!.index).toBeLessThanOrEqual(286);
    expect(j.predictions[0]!.label).toMatch(/cat/);

    const b = await runCli(['explain', cat, join(shared, 'images/rocket.jpg'), '--model', 'mobilenet-v1-0.25', '--model-url', join(shared, GRAPH_MODEL), '--format', 'json', '--out', join(work, 'builtin')]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('model: mobilenet-v1-0.25 (MobileNet v1 0.25 via @tensorflow-models/mobilenet from');
    const k = JSON.parse(readFileSync(join(work, 'builtin', 'chelsea.json'), 'utf8')) as Json;
    expect(k.predictions[0]!.label).toMatch(/cat/);
    expect(listFiles(join(work, 'builtin'))).toEqual(['chelsea.json', 'rocket.json']);
  });

  it('gradcam layers on the graph model probes node shapes and marks the node before the pooling', async () => {
    const r = await runCli(['layers', '--model', join(shared, GRAPH_MODEL), '--labels', 'imagenet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* module_apply_default\/MobilenetV1\/MobilenetV1\/Conv2d_13_pointwise\/Relu6\s+\S+\s+\[1, 7, 7, 256\]$/m);
  });
});
