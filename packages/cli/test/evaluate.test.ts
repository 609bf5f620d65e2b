import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreFunction } from '@gradcam/core';
import { csvFields, parseAnnotationsCsv, parseAnnotationsJson } from '../src/annotations.js';
import { DEFAULT_EVALUATE_METHODS, parseEvaluateArgs } from '../src/args.js';
import { evaluationCsv, faithfulnessScore } from '../src/evaluate-command.js';
import { Progress } from '../src/progress.js';
import { BIN, REPO, listFiles, runCli, saveTinyModel, writePng } from './helpers/cli.js';
import { describeShared } from './helpers/shared.js';

// `gradcam evaluate` on the real binary. The tiny model's class k is "how much of colour channel k" (logit_k =
// 4 · mean of channel k), so the Grad-CAM of class k at `features` is exactly channel k of the model input: an
// image that is black except for a square of colour k inside the annotated box gets a map that is 1 on the
// square and 0 elsewhere. Every CAM must then point inside the box (pointing 1), put all its energy there
// (energy 1), and its ILSVRC box (largest component above 15 % of the max) is the square itself (IoU 1 when
// the box is the square); a random map cannot.

const work = mkdtempSync(join(tmpdir(), 'gradcam-cli-evaluate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let model = '';
let labels = '';
let tiny: string[] = [];
/** The folder with red.png, green.png, blue.png and boxes.json. */
let set = '';

/** Copies the three generated images into a new folder `name` and writes `files` there. */
function folder(name: string, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const img of ['red.png', 'green.png', 'blue.png']) copyFileSync(join(set, img), join(dir, img));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

beforeAll(async () => {
  model = await saveTinyModel(join(work, 'tiny'));
  labels = join(work, 'tiny', 'labels.json');
  tiny = ['--model', model, '--labels', labels];
  set = join(work, 'set');
  // 64×32 → the 16×16 input is a 4× (x) and 2× (y) reduction: the square [32, 48) × [8, 16) becomes [8, 12) × [4, 8)
  // exactly (half-pixel bilinear sampling of 4×2 blocks that are entirely inside or outside the square).
  await writePng(join(set, 'red.png'), 64, 32, (x, y) => (x >= 32 && x < 48 && y >= 8 && y < 16 ? [255, 0, 0] : [0, 0, 0]));
  // 32×32 → 2×: [4, 12) × [16, 28) becomes [2, 6) × [8, 14).
  await writePng(join(set, 'green.png'), 32, 32, (x, y) => (x >= 4 && x < 12 && y >= 16 && y < 28 ? [0, 255, 0] : [0, 0, 0]));
  // Two blue squares in opposite corners, one box each: the map's maxima are on both, both inside a box.
  await writePng(join(set, 'blue.png'), 32, 32, (x, y) => ((x < 8 && y < 8) || (x >= 24 && y >= 24) ? [0, 0, 255] : [0, 0, 0]));
  writeFileSync(
    join(set, 'boxes.json'),
    JSON.stringify({
      samples: [
        { image: 'red.png', class: 0, boxes: [[32, 8, 48, 16]] },
        { image: 'green.png', class: 'emerald', boxes: [[4, 16, 12, 28]] },
        { image: 'blue.png', class: 2, label: 'navy', boxes: [[0, 0, 8, 8], { x1: 24, y1: 24, x2: 32, y2: 32 }] },
      ],
    }),
  );
});

interface Row {
  method: string;
  samples: number;
  pointing: number;
  energy: number;
  iou: number;
  deletion: number | null;
  insertion: number | null;
  averageDrop: number | null;
  increase: number | null;
}
interface Result {
  model: string;
  layer: string[];
  scoreSource: string;
  faithfulnessScore: string | null;
  inputSize: [number, number];
  options: { methods: string[]; baselines: boolean; faithfulness: boolean; steps: number; tolerance: number };
  samples: Array<{ image: string; class: number; label: string; width: number; height: number; boxes: number[][]; inputBoxes: number[][] }>;
  rows: Row[];
}
const row = (r: Result, method: string) => r.rows.find((x) => x.method === method)!;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** p(red) of the red image for the tiny model: softmax of the logits (4 · 16/256, 0, 0). */
const P_RED = Math.exp(0.25) / (Math.exp(0.25) + 2);

describe('gradcam evaluate on constructed images (real binary)', () => {
  it('JSON annotations, JSON output: every CAM points inside the boxes (pointing, energy, box IoU = 1), the baselines do not', async () => {
    const r = await runCli(['evaluate', set, ...tiny, '--tolerance', '0', '--steps', '8', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Result;
    expect([j.model, j.layer, j.scoreSource, j.inputSize]).toEqual(['tiny', ['features'], 'logit', [16, 16]]);
    // A softmax model is explained on its logits (like gradcam explain); the faithfulness metrics read its probability.
    expect(j.faithfulnessScore).toBe("the probability (softmax of the logits = the model's own output)");
    expect(j.options).toEqual({ methods: [...DEFAULT_EVALUATE_METHODS], baselines: true, faithfulness: true, steps: 8, tolerance: 0 });
    // Classes by index and by a synonym; boxes scaled from the photo's pixels to the 16×16 input's.
    expect(j.samples.map((s) => [s.image, s.class, s.label, s.width, s.height, s.boxes, s.inputBoxes])).toEqual([
      ['red.png', 0, 'red, crimson', 64, 32, [[32, 8, 48, 16]], [[8, 4, 12, 8]]],
      ['green.png', 1, 'green, emerald', 32, 32, [[4, 16, 12, 28]], [[2, 8, 6, 14]]],
      ['blue.png', 2, 'blue, navy', 32, 32, [[0, 0, 8, 8], [24, 24, 32, 32]], [[0, 0, 4, 4], [12, 12, 16, 16]]],
    ]);
    expect(j.rows.map((x) => x.method)).toEqual([...DEFAULT_EVALUATE_METHODS, 'random', 'center']);
    for (const m of DEFAULT_EVALUATE_METHODS) {
      const x = row(j, m);
      expect(x.samples, m).toBe(3);
      expect(x.pointing, m).toBe(1);
      expect(x.energy, m).toBeCloseTo(1, 6);
      expect(x.iou, m).toBeCloseTo(1, 6);
      // Keeping only the map (image ⊙ map ≈ image on the square, 0 elsewhere, where the image is black anyway) keeps the score.
      expect(x.averageDrop!, m).toBeLessThan(1e-3);
      expect(x.increase, m).toBe(0);
    }
    const random = row(j, 'random');
    const center = row(j, 'center');
    // Boxes cover 16, 24 and 32 of the 256 input pixels: a random map's maximum rarely falls in them, and its
    // energy there is about their share of the area.
    expect(random.pointing).toBeLessThan(1);
    expect(random.energy).toBeGreaterThan(0.03);
    expect(random.energy).toBeLessThan(0.2);
    expect(random.iou).toBeLessThan(0.2);
    expect(center.pointing).toBeLessThan(1);
    expect(center.energy).toBeLessThan(0.5);
    // Deleting the square first removes the evidence at once; a random order removes it bit by bit.
    expect(row(j, 'gradcam').deletion!).toBeLessThan(random.deletion!);
    expect(row(j, 'gradcam').insertion!).toBeGreaterThan(random.insertion!);
    // Progress as plain lines (no TTY), header and summary on stderr; stdout holds the JSON only.
    expect(r.stderr).toContain(`model: tiny (layers model, 3 outputs, labels from ${labels}, input 16×16`);
    expect(r.stderr).toContain(
      `evaluate: ${DEFAULT_EVALUATE_METHODS.join(', ')} against the random and centre baselines on layer features; 3 samples (3 images, 4 boxes) from ${join(set, 'boxes.json')}\n`,
    );
    expect(r.stderr).toContain('metrics: pointing game (tolerance 0 px of the 16×16 input), energy in the boxes, box IoU; deletion/insertion AUC (8 steps)');
    expect(r.stderr).toMatch(/\[1\/9\] gradcam: 3 samples in [\d.]+ s\n/);
    expect(r.stderr).toMatch(/\[9\/9\] center: 3 samples in [\d.]+ s\n/);
    expect(r.stderr).toMatch(/done: 7 methods and 2 baselines on 3 samples \(3 images\) in [\d.]+ s; best pointing: gradcam 1\.00 \(random 0\.\d\d, center 0\.\d\d\)\n$/);
    expect(r.stderr).not.toMatch(/\r|█|warning/);
  });

  it('faithfulness by hand on one image: deletion AUC of the probability curve, CSV output', async () => {
    const dir = folder('one', { 'boxes.csv': 'image,class,x1,y1,x2,y2\nred.png,red,32,8,48,16\n' });
    const r = await runCli(['evaluate', dir, ...tiny, '--methods', 'gradcam', '--steps', '8', '--tolerance', '0', '--format', 'csv']);
    expect(r.code).toBe(0);
    const [header, ...lines] = r.stdout.trim().split('\n');
    expect(header).toBe('method,samples,pointing,energy,iou,deletion,insertion,averageDrop,increase');
    const rows = Object.fromEntries(lines.map((l) => l.split(',')).map(([m, ...v]) => [m!, v.map(Number)]));
    expect(Object.keys(rows)).toEqual(['gradcam', 'random', 'center']);
    const [, pointing, energy, iou, deletion, insertion] = rows['gradcam']!;
    expect([pointing, energy, iou]).toEqual([1, 1, 1]);
    // 8 steps of 32 pixels, most relevant first: step 1 already removes the whole 4×4 square (zeroed = black),
    // leaving logits (0, 0, 0), p = 1/3. Curve p_red, 1/3, …, 1/3 over x = 0, 1/8, …, 1: trapezoid AUC below.
    expect(deletion).toBeCloseTo((P_RED + 1 / 3) / 2 / 8 + (7 / 8) * (1 / 3), 6);
    expect(deletion).toBeLessThan(rows['random']![4]!);
    expect(insertion).toBeGreaterThan(rows['random']![5]!);
  });

  it('CSV annotations (one row per box, quoted label names, a label column, comments), Markdown table on stdout', async () => {
    const csv = [
      '# ground truth of the three test images',
      'image,class,x1,y1,x2,y2,label',
      'red.png,"red, crimson",32,8,48,16,',
      'green.png,1,4,16,12,28,emerald',
      '',
      'blue.png,navy,0,0,8,8,',
      'blue.png,navy,24,24,32,32,',
    ].join('\r\n');
    const dir = folder('csv', { 'boxes.csv': csv });
    const r = await runCli(['evaluate', dir, ...tiny, '--methods', 'gradcam,eigencam', '--no-faithfulness', '--tolerance', '0']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '| method | pointing ↑ | energy in box ↑ | box IoU ↑ | deletion AUC ↓ | insertion AUC ↑ | Average Drop % ↓ | Increase % ↑ |',
      '|---|---|---|---|---|---|---|---|',
      '| gradcam | 1.00 | 1.000 | 1.000 | – | – | – | – |',
      '| eigencam | 1.00 | 1.000 | 1.000 | – | – | – | – |',
    ]);
    expect(lines[4]).toMatch(/^\| random \| 0\.\d\d \| 0\.\d{3} \| 0\.\d{3} \| – \| – \| – \| – \|$/);
    expect(lines[5]).toMatch(/^\| center \| 0\.\d\d \| 0\.\d{3} \| 0\.\d{3} \| – \| – \| – \| – \|$/);
    expect(lines.slice(6)).toEqual(['']);
    expect(r.stderr).toContain(`3 samples (3 images, 4 boxes) from ${join(dir, 'boxes.csv')}`);
    expect(r.stderr).toContain('box IoU (faithfulness metrics off)');
  });

  it('--out writes the result atomically (format from the extension), --no-baselines, --layer, --boxes elsewhere', async () => {
    const boxes = join(work, 'elsewhere', 'truth.json');
    mkdirSync(join(work, 'elsewhere'), { recursive: true });
    copyFileSync(join(set, 'boxes.json'), boxes);
    const outDir = join(work, 'results');
    const out = join(outDir, 'r.json');
    const r = await runCli(['evaluate', set, ...tiny, '--boxes', boxes, '--methods', 'gradcam', '--no-baselines', '--layer', 'conv', '--steps', '4', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(listFiles(outDir)).toEqual(['r.json']); // no temporary file left
    const j = JSON.parse(readFileSync(out, 'utf8')) as Result;
    expect(j.layer).toEqual(['conv']);
    expect(j.rows.map((x) => [x.method, x.pointing])).toEqual([['gradcam', 1]]);
    expect(r.stderr).toMatch(new RegExp(`done: 1 method on 3 samples \\(3 images\\) in [\\d.]+ s; best pointing: gradcam 1\\.00; json written to ${esc(out)}\\n$`));
    const csv = await runCli(['evaluate', set, ...tiny, '--methods', 'gradcam', '--no-faithfulness', '--out', join(outDir, 'r.csv')]);
    expect(csv.code).toBe(0);
    expect(readFileSync(join(outDir, 'r.csv'), 'utf8')).toMatch(/^method,samples,pointing,energy,iou,deletion,insertion,averageDrop,increase\ngradcam,3,1,1,1,,,,\n/);
    // Pointing-game tolerance in input pixels: 15 px reaches every pixel of a 16×16 input, so even a random map "hits".
    const loose = JSON.parse((await runCli(['evaluate', set, ...tiny, '--methods', 'gradcam', '--no-faithfulness', '--format', 'json'])).stdout) as Result;
    expect(loose.options.tolerance).toBe(15);
    expect(row(loose, 'random').pointing).toBe(1);
  });

  it('a label that disagrees with the class index is a warning (the run goes on with the index)', async () => {
    const dir = folder('mismatch', { 'boxes.json': JSON.stringify([{ image: 'red.png', class: 1, label: 'red', boxes: [[32, 8, 48, 16]] }]) });
    const r = await runCli(['evaluate', dir, ...tiny, '--methods', 'gradcam', '--no-faithfulness', '--no-baselines', '--tolerance', '0', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${join(dir, 'boxes.json')} line 1 (samples[0]): class 1 is 'green, emerald' for tiny, but the annotation says 'red' ('red' is class 0 of this model); evaluating class 1\n`,
    );
    // Grad-CAM of "green" on a red square: a flat map, whose maxima (every pixel) are not all in the box.
    expect((JSON.parse(r.stdout) as Result).rows[0]!.pointing).toBe(0);
  });

  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  it.skipIf(script.status !== 0)('draws the progress bar when stderr is a terminal (run under script(1))', () => {
    const cmd = [process.execPath, BIN, 'evaluate', set, ...tiny, '--methods', 'gradcam', '--steps', '2'];
    const r = spawnSync('script', ['-qec', cmd.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, GRADCAM_QUIET: '1', COLUMNS: '80' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('] 0/9 gradcam · red.png 0');
    expect(r.stdout).toMatch(/\r\x1b\[2K\[█+░+\] 3\/9 random · red\.png 0/);
    expect(r.stdout).toContain('[1/3] gradcam: 3 samples in');
    expect(r.stdout).toContain('| gradcam | 1.00 |');
  });
});

describe('gradcam evaluate: bad annotations, images and options', () => {
  it('no annotation file in the folder, or a --boxes that does not exist: exit 2', async () => {
    const dir = join(work, 'bare');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(set, 'red.png'), join(dir, 'red.png'));
    const r = await runCli(['evaluate', dir, ...tiny]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gradcam: no annotation file in '${dir}': neither ${join(dir, 'boxes.json')} nor ${join(dir, 'boxes.csv')} exists; ` +
        'pass --boxes FILE (JSON {"samples": [{"image", "class", "boxes": [[x1, y1, x2, y2]]}]} or CSV image,class,x1,y1,x2,y2)\n',
    );
    expect(r.stdout).toBe('');
    const missing = join(work, 'nope.csv');
    const b = await runCli(['evaluate', dir, ...tiny, '--boxes', missing]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`gradcam: cannot read the annotation file '${missing}' (--boxes): no such file\n`);
    const c = await runCli(['evaluate', join(work, 'no-such-folder'), ...tiny]);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`gradcam: no such folder '${join(work, 'no-such-folder')}' (gradcam evaluate <dir>: the folder of images the annotation file names)\n`);
  });

  it('an unknown class: the line and the closest labels, exit 2; an index out of range', async () => {
    const dir = folder('unknown-class', { 'boxes.csv': 'image,class,x1,y1,x2,y2\nred.png,red,32,8,48,16\ngreen.png,emerld,4,16,12,28\n' });
    const r = await runCli(['evaluate', dir, ...tiny]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gradcam: ${join(dir, 'boxes.csv')} line 3: unknown class 'emerld' for tiny (did you mean 1 'green, emerald', 0 'red, crimson', 2 'blue, navy'?); classes are output indices 0–2 or label names\n`,
    );
    const dir2 = folder('class-range', { 'boxes.json': '{"samples": [\n  {"image": "red.png", "class": 7, "boxes": [[32, 8, 48, 16]]}\n]}' });
    const s = await runCli(['evaluate', dir2, ...tiny]);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(`gradcam: ${join(dir2, 'boxes.json')} line 2 (samples[0]): class 7 is out of range for tiny: output indices 0–2 have labels\n`);
  });

  it('malformed boxes and rows: every problem with its line number, exit 2', async () => {
    const csv = ['image,class,x1,y1,x2,y2', 'red.png,0,48,8,32,16', 'green.png,1,4,16,12', 'blue.png,2,0,zero,8,8', 'blue.png,2,0,0,8,8'].join('\n');
    const dir = folder('bad-csv', { 'boxes.csv': csv });
    const r = await runCli(['evaluate', dir, ...tiny]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gradcam: 3 problems in ${join(dir, 'boxes.csv')}:\n` +
        '  line 2: box [48, 8, 32, 16] has x2 ≤ x1: a box is x1,y1,x2,y2 with x1 < x2 and y1 < y2 (top-left and bottom-right corners, in pixels)\n' +
        "  line 3: expected 6 fields (image,class,x1,y1,x2,y2), got 5: 'green.png,1,4,16,12'\n" +
        "  line 4: y1 'zero' is not a number (coordinates are pixels of the original image)\n",
    );
    const json = '{\n  "samples": [\n    { "image": "red.png", "class": 0, "boxes": [[32, 8, 48, 16]] },\n    { "image": "green.png", "class": 1,\n      "boxes": [[4, 16, 12]] }\n  ]\n}\n';
    const dir2 = folder('bad-json', { 'boxes.json': json });
    const s = await runCli(['evaluate', dir2, ...tiny]);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(
      `gradcam: ${join(dir2, 'boxes.json')} line 5 (samples[1].boxes[0]): a box must be [x1, y1, x2, y2] (or {"x1", "y1", "x2", "y2"}), 4 numbers in pixels; got [4,16,12]\n`,
    );
    const dir3 = folder('bad-syntax', { 'boxes.json': '{"samples": [\n  {"image": "red.png", "class": 0, "boxes": [[1, 2, 3, 4]],}\n]}' });
    const t = await runCli(['evaluate', dir3, ...tiny]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(new RegExp(`^gradcam: ${esc(join(dir3, 'boxes.json'))} is not valid JSON: .*\\(line 2, column \\d+\\)\\n$`));
    const dir4 = folder('bad-header', { 'boxes.csv': 'file,class,left,top,right,bottom\nred.png,0,1,2,3,4\n' });
    const u = await runCli(['evaluate', dir4, ...tiny]);
    expect(u.stderr).toBe(
      `gradcam: ${join(dir4, 'boxes.csv')} line 1: the header must name the columns image,class,x1,y1,x2,y2 (any order); missing image, x1, y1, x2, y2 in 'file,class,left,top,right,bottom'\n`,
    );
  });

  it('a box that does not fit its image: the image size, and a hint for normalised coordinates, exit 2', async () => {
    const dir = folder('outside', {
      'boxes.csv': 'image,class,x1,y1,x2,y2\nred.png,0,32,8,48,40\ngreen.png,1,0.1,0.5,0.4,0.9\n',
    });
    const r = await runCli(['evaluate', dir, ...tiny]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gradcam: 2 problems in ${join(dir, 'boxes.csv')}:\n` +
        "  line 2: box [32, 8, 48, 40] does not fit the 64×32 image 'red.png' (corners in its pixels: 0 ≤ x ≤ 64, 0 ≤ y ≤ 32)\n" +
        "  line 3: box [0.1, 0.5, 0.4, 0.9] on the 32×32 image 'green.png' looks normalised to [0, 1]: give its corners in pixels of the image\n",
    );
  });

  it('a missing image: its path and the closest files, exit 2; an image that cannot be decoded: exit 1', async () => {
    const dir = folder('missing-image', { 'boxes.csv': 'image,class,x1,y1,x2,y2\nred.png,0,32,8,48,16\nredd.png,0,32,8,48,16\n' });
    const r = await runCli(['evaluate', dir, ...tiny]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `gradcam: ${join(dir, 'boxes.csv')} line 3: image 'redd.png' not found: no such file '${join(dir, 'redd.png')}' (did you mean 'red.png', 'green.png', 'blue.png'?)\n`,
    );
    const dir2 = folder('broken-image', { 'boxes.csv': 'image,class,x1,y1,x2,y2\nred.png,0,32,8,48,16\nnotes.png,0,1,1,2,2\n', 'notes.png': 'not a picture' });
    const s = await runCli(['evaluate', dir2, ...tiny]);
    expect(s.code).toBe(1);
    expect(s.stderr).toBe(`gradcam: cannot read image '${join(dir2, 'notes.png')}': not an image sharp can decode (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG)\n`);
    expect(s.stdout).toBe('');
  });

  const cases: Array<[string[], string]> = [
    [['evaluate'], 'gradcam: no folder given: gradcam evaluate <dir> [--boxes FILE] (see gradcam evaluate --help)'],
    [['evaluate', 'a', 'b'], "gradcam: gradcam evaluate takes one folder (its annotation file names the images); got 2 arguments: 'a', 'b'"],
    [['evaluate', 'd', '--methods', 'gradcam,random'], "gradcam: unknown method 'random' (the random and centre baselines are added by default; --no-baselines drops them); methods: gradcam, gradcam++, xgradcam, hirescam, layercam, gradcam-elementwise, eigencam, scorecam, ablationcam, or all (comma-separated)"],
    [['evaluate', 'd', '--steps', '0'], "gradcam: --steps must be a positive integer; got '0'"],
    [['evaluate', 'd', '--tolerance', '-3'], "gradcam: --tolerance (pointing-game distance in model-input pixels) must be a number ≥ 0; got '-3'"],
    [['evaluate', 'd', '--format', 'html'], "gradcam: unknown --format 'html' for gradcam evaluate; formats: table, json, csv"],
    [['evaluate', 'd', '--top', '3'], "gradcam: Unknown option '--top' (see gradcam evaluate --help)"],
  ];
  it.each(cases)('%j exits 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('an unknown layer: exit 2 with the closest names; --help exits 0', async () => {
    const r = await runCli(['evaluate', set, ...tiny, '--layer', 'featurs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gradcam: unknown layer: no layer named 'featurs' in this model \(did you mean 'features'.*\(see gradcam layers\)\n$/);
    const h = await runCli(['evaluate', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('usage: gradcam evaluate <dir> [options]');
    expect(h.stdout).toContain('--no-faithfulness');
  });
});

describe('gradcam evaluate: pieces', () => {
  it('parses its options: defaults, lists, all, the format from --out', () => {
    expect(parseEvaluateArgs(['photos'])).toEqual({
      model: 'mobilenet',
      dir: 'photos',
      methods: [...DEFAULT_EVALUATE_METHODS],
      baselines: true,
      faithfulness: true,
      steps: 25,
      tolerance: 15,
      format: 'table',
    });
    expect(parseEvaluateArgs(['d', '--methods', 'GradCAM++, hirescam', '--methods', 'gradcam++', '--no-baselines', '--no-faithfulness', '--tolerance', '2.5', '-o', 'x.CSV', '-b', 'b.csv'])).toMatchObject({
      methods: ['gradcam++', 'hirescam'],
      baselines: false,
      faithfulness: false,
      tolerance: 2.5,
      format: 'csv',
      out: 'x.CSV',
      boxes: 'b.csv',
    });
    expect((parseEvaluateArgs(['d', '--methods', 'all']) as { methods: string[] }).methods).toHaveLength(9);
    expect(parseEvaluateArgs(['d', '--format', 'markdown', '--out', 'r.json'])).toMatchObject({ format: 'table' });
    expect(parseEvaluateArgs(['--help'])).toBe('help');
  });

  it('reads CSV fields with quotes, and JSON annotations with their lines', () => {
    expect(csvFields('a,"b, c",d')).toEqual(['a', 'b, c', 'd']);
    expect(csvFields('"say ""hi""", x ,')).toEqual(['say "hi"', 'x', '']);
    expect(csvFields('"open')).toBeUndefined();
    expect(parseAnnotationsCsv('x1,y1,x2,y2,class,image\n1,2,3,4,cat,a.png\n1,2,5,6,cat,a.png\n', 'f.csv').map((a) => [a.image, a.class, a.boxes[0]!.x2, a.where])).toEqual([
      ['a.png', 'cat', 3, 'line 2'],
      ['a.png', 'cat', 5, 'line 3'],
    ]);
    const j = parseAnnotationsJson('[\n {"image": "a.png", "label": "cat",\n  "boxes": [[1, 2, 3, 4]]}\n]', 'f.json');
    expect(j).toEqual([{ image: 'a.png', class: 'cat', boxes: [{ x1: 1, y1: 2, x2: 3, y2: 4, where: 'line 3 (samples[0].boxes[0])' }], where: 'line 2 (samples[0])' }]);
    expect(() => parseAnnotationsJson('{"images": []}', 'f.json')).toThrow('f.json: expected {"samples": [');
    expect(() => parseAnnotationsJson('{"samples": []}', 'f.json')).toThrow('f.json has no samples: nothing to evaluate');
  });

  it('the faithfulness score: the probability, however the model exposes it', () => {
    const label = (f: ReturnType<typeof faithfulnessScore>) => (f.target ? (f.target(3) as ScoreFunction).label : 'the output itself');
    expect(label(faithfulnessScore({ scoreSource: 'logit', activation: 'softmax' }))).toBe('softmax[3]');
    expect(label(faithfulnessScore({ scoreSource: 'logit', activation: 'none' }))).toBe('softmax[3]'); // logit model: classProbability
    expect(label(faithfulnessScore({ scoreSource: 'logit', activation: 'sigmoid' }))).toBe('sigmoid[3]');
    expect(label(faithfulnessScore({ scoreSource: 'probability', activation: 'softmax' }))).toBe('the output itself');
    expect(evaluationCsv([{ method: 'm', samples: 2, pointing: 0.5, energy: 0.25, iou: 0, deletion: NaN, insertion: NaN, averageDrop: NaN, increase: NaN }])).toBe(
      'method,samples,pointing,energy,iou,deletion,insertion,averageDrop,increase\nm,2,0.5,0.25,0,,,,\n',
    );
  });

  it('Progress.step moves the bar without a line; print writes a line above it', () => {
    const tty: string[] = [];
    const p = new Progress(4, { isTTY: true, columns: 60, write: (s: string) => tty.push(s) }, { isTTY: true, columns: 60, write: (s: string) => tty.push(s) });
    p.start('a');
    p.step('b');
    expect(tty.at(-1)).toBe(`\r\x1b[2K[${'█'.repeat(8)}${'░'.repeat(22)}] 1/4 b`);
    p.print('line');
    expect(tty.slice(-3)).toEqual(['\r\x1b[2K', 'line\n', `\r\x1b[2K[${'█'.repeat(8)}${'░'.repeat(22)}] 1/4 b`]);
    const plain: string[] = [];
    const q = new Progress(2, { write: (s: string) => plain.push(s) }, { write: (s: string) => plain.push(s) });
    q.step('x');
    q.print('only this');
    q.step();
    expect(plain).toEqual(['only this\n']);
  });

  it('main() in-process leaves tf.memory().numTensors unchanged', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const { main } = await import('../src/main.js');
    const sink = { out: { write: () => true }, err: { write: () => true } };
    const args = ['evaluate', set, ...tiny, '--methods', 'gradcam,eigencam', '--steps', '2'];
    process.env['GRADCAM_QUIET'] = '1';
    expect(await main(args, sink)).toBe(0); // the first run also initialises the backend
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      expect(await main(args, sink)).toBe(0);
      expect(await main(['evaluate', set, ...tiny, '--layer', 'nope'], sink)).toBe(2);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

// The real MobileNet v1 (α 0.75) on the hand-annotated photos of ../shared (examples/evaluation/boxes.json).
const BOXES = join(REPO, 'examples/evaluation/boxes.json');
describeShared('gradcam evaluate on real photos (../shared)', ['models/mobilenet-v1-075-layers/model.json', 'images/astronaut.png', 'images/coffee.png', 'images/chelsea.png', 'images/rocket.jpg'], (shared) => {
  it.skipIf(!existsSync(BOXES))('Grad-CAM points at the annotated objects at least as often as a random map', async () => {
    const r = await runCli(['evaluate', join(shared, 'images'), '--boxes', BOXES, '--model', join(shared, 'models/mobilenet-v1-075-layers/model.json'), '--methods', 'gradcam', '--steps', '5', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Result;
    expect(j.scoreSource).toBe('logit');
    expect(j.layer).toEqual(['conv_pw_13_relu']);
    expect(j.samples.map((s) => [s.image, s.class])).toEqual([
      ['astronaut.png', 812],
      ['astronaut.png', 518],
      ['coffee.png', 967],
      ['chelsea.png', 285],
      ['rocket.jpg', 657],
    ]);
    expect(j.samples[0]!.inputBoxes[0]).toEqual([(350 * 224) / 512, 0, (465 * 224) / 512, (290 * 224) / 512]);
    const g = row(j, 'gradcam');
    const random = row(j, 'random');
    expect(g.samples).toBe(5);
    expect(g.pointing).toBeGreaterThanOrEqual(random.pointing);
    expect(g.energy).toBeGreaterThan(random.energy);
    for (const x of j.rows) for (const k of ['deletion', 'insertion', 'averageDrop', 'increase'] as const) expect(Number.isFinite(x[k]), `${x.method} ${k}`).toBe(true);
    expect(r.stderr).not.toContain('warning');
  });
});
