import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExplainArgs, parseRange, parseSize } from '../src/args.js';
import { labelsFromJson, readLabelsFile } from '../src/labels-file.js';
import { modelFormat, parseBuiltin } from '../src/model-source.js';
import { labelSlug, overlayName, uniqueStems } from '../src/naming.js';
import { runPool } from '../src/pool.js';
import { Progress } from '../src/progress.js';
import { BIN, REPO, saveTinyModel, writePng } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'gradcam-cli-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('argument parsing', () => {
  it('defaults: mobilenet, top 1, gradcam, jet, alpha 0.5, png + html into gradcam-out, concurrency 2', () => {
    expect(parseExplainArgs(['a.png', 'b.jpg'])).toEqual({
      model: 'mobilenet',
      images: ['a.png', 'b.jpg'],
      top: 1,
      method: 'gradcam',
      counterfactual: false,
      colormap: 'jet',
      alpha: 0.5,
      out: 'gradcam-out',
      formats: ['png', 'html'],
      concurrency: 2,
    });
  });

  it('repeatable and comma-separated options, case-insensitive names', () => {
    const a = parseExplainArgs(['x.png', '-c', 'tabby, tabby cat', '-c', '812', '-l', 'a', '-l', 'b', '-f', 'json,GRID', '-f', 'json', '--colormap', 'Turbo', '--method', 'GradCAM++', '--range', '-1,1', '--input-size', '96']);
    expect(a).toMatchObject({ classes: ['tabby, tabby cat', '812'], layers: ['a', 'b'], formats: ['json', 'grid'], colormap: 'turbo', method: 'gradcam++', range: [-1, 1], inputSize: [96, 96] });
    expect(parseExplainArgs(['--help'])).toBe('help');
    expect(parseRange('0, 255')).toEqual([0, 255]);
    expect(parseSize('224x160')).toEqual([224, 160]);
    expect(() => parseSize('224x')).toThrow("--input-size must be HxW with positive integers (e.g. 224x224); got '224x'");
    expect(() => parseRange('0')).toThrow("--range must be LO,HI with LO < HI (e.g. -1,1 or 0,255); got '0'");
  });

  it('built-in names', () => {
    expect(parseBuiltin('mobilenet')).toEqual({ version: 1, alpha: 1 });
    expect(parseBuiltin('MobileNet-v2')).toEqual({ version: 2, alpha: 1 });
    expect(parseBuiltin('mobilenet-v1-0.25')).toEqual({ version: 1, alpha: 0.25 });
    expect(parseBuiltin('mobilenet_0.5')).toEqual({ version: 1, alpha: 0.5 });
    expect(parseBuiltin('models/mobilenet/model.json')).toBeUndefined();
    expect(() => parseBuiltin('mobilenet-v1-0.3')).toThrow('MobileNet v1 has no alpha 0.3; built-ins: mobilenet-v1-0.25, mobilenet-v1-0.5, mobilenet-v1-0.75, mobilenet-v1-1');
  });
});

describe('names of output files', () => {
  it('slugs the first synonym of a label', () => {
    expect(labelSlug('tabby, tabby cat')).toBe('tabby');
    expect(labelSlug("jack-o'-lantern")).toBe('jack-o-lantern');
    expect(labelSlug('Crème brûlée / dessert')).toBe('creme-brulee-dessert');
    expect(labelSlug('???')).toBe('class');
    expect(overlayName('chelsea', 281, 'tabby, tabby cat', 'gradcam', false, 'png')).toBe('chelsea-281-tabby.png');
    expect(overlayName('chelsea', 281, 'tabby, tabby cat', 'gradcam++', true, 'jpg')).toBe('chelsea-281-tabby-gradcam++-counterfactual.jpg');
  });

  it('keeps stems unique in input order', () => {
    expect(uniqueStems(['a/cat.png', 'b/cat.jpg', 'cat-2.png', 'c/cat.webp', 'dog.png'])).toEqual(['cat', 'cat-2', 'cat-2-2', 'cat-3', 'dog']);
  });
});

describe('labels files and model.json formats', () => {
  it('reads arrays, index-keyed objects and {labels}', async () => {
    expect(labelsFromJson(['a', 'b'])).toEqual({ labels: ['a', 'b'], first: 0 });
    expect(labelsFromJson({ labels: ['a'] })).toEqual({ labels: ['a'], first: 0 });
    expect(labelsFromJson({ '1': 'person', '3': 'car' })).toEqual({ labels: ['person', 'class 2', 'car'], first: 1 });
    expect(labelsFromJson({ labels: 'nope' })).toBeUndefined();
    expect(labelsFromJson([1, 2])).toBeUndefined();
    const missing = join(work, 'missing.json');
    await expect(readLabelsFile(missing)).rejects.toThrow(`cannot read labels '${missing}': no such file`);
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '[1,');
    await expect(readLabelsFile(bad)).rejects.toThrow(new RegExp(`cannot read labels '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': not JSON \\(`));
  });

  it('tells layers from graph models by format or topology', () => {
    expect(modelFormat({ format: 'layers-model', modelTopology: {} })).toBe('layers');
    expect(modelFormat({ format: 'graph-model', modelTopology: {} })).toBe('graph');
    expect(modelFormat({ modelTopology: { keras_version: '2.1.4', model_config: {} } })).toBe('layers');
    expect(modelFormat({ modelTopology: { node: [] } })).toBe('graph');
    expect(() => modelFormat({ format: 'onnx', modelTopology: {} })).toThrow('not a tfjs model.json: unknown format "onnx" and a modelTopology that is neither a Keras model nor a graph');
  });
});

describe('batch running and progress', () => {
  it('runPool never runs more than `concurrency` tasks at once and runs each item once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (item % 3) * 5));
      seen.push(item);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('draws a bar on a TTY (redrawn in place, result lines above it) and plain lines elsewhere', () => {
    const tty: string[] = [];
    const out: string[] = [];
    const p = new Progress(4, { isTTY: true, columns: 60, write: (s: string) => tty.push(s) }, { write: (s: string) => out.push(s) });
    p.start('cat.png');
    expect(tty.at(-1)).toBe(`\r\x1b[2K[${'░'.repeat(30)}] 0/4 cat.png`);
    p.finish('cat.png', '[1/4] cat.png ok');
    expect(out).toEqual(['[1/4] cat.png ok\n']);
    expect(tty.slice(-2)).toEqual(['\r\x1b[2K', `\r\x1b[2K[${'█'.repeat(8)}${'░'.repeat(22)}] 1/4`]);
    expect(p.barLine(40)).toBe(`[${'█'.repeat(6)}${'░'.repeat(19)}] 1/4`); // 40 columns: a 25-cell bar
    const plain: string[] = [];
    const q = new Progress(2, { write: (s: string) => plain.push(s) }, { write: (s: string) => plain.push(s) });
    q.start('a.png');
    q.finish('a.png', 'done a');
    q.finish('b.png', 'failed b', true);
    q.end();
    expect(plain).toEqual(['done a\n', 'failed b\n']);
  });

  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  it.skipIf(script.status !== 0)('the real binary draws the bar when stderr is a terminal (run under script(1))', async () => {
    const model = await saveTinyModel(join(work, 'tty-model'));
    const imgs = await Promise.all([0, 1, 2].map((k) => writePng(join(work, 'tty', `t${k}.png`), 16, 16, () => [k * 100, 0, 0])));
    const cmd = [process.execPath, BIN, 'explain', ...imgs, '--model', model, '--labels', join(work, 'tty-model', 'labels.json'), '--out', join(work, 'tty-out'), '--format', 'png', '--concurrency', '1'];
    const r = spawnSync('script', ['-qec', cmd.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, GRADCAM_QUIET: '1', COLUMNS: '80' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`] 0/3 ${imgs[0]}`);
    expect(r.stdout).toMatch(/\r\x1b\[2K\[█{10}░{20}\] 1\/3/);
    expect(r.stdout).toContain('done: 3 of 3 images explained');
  });
});

describe('main() in-process', () => {
  it('leaves tf.memory().numTensors unchanged over repeated explain and layers runs (models disposed)', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const { main } = await import('../src/main.js');
    const model = await saveTinyModel(join(work, 'mem-model'));
    const img = await writePng(join(work, 'mem', 'm.png'), 20, 12, (x) => (x < 5 ? [255, 0, 0] : [0, 40, 0]));
    const sink = { out: { write: () => true }, err: { write: () => true } };
    const args = ['explain', img, '--model', model, '--labels', join(work, 'mem-model', 'labels.json'), '--out', join(work, 'mem-out'), '--format', 'png,json,html,grid', '--top', '3'];
    process.env['GRADCAM_QUIET'] = '1';
    const before = tf.memory().numTensors;
    expect(await main(args, sink)).toBe(0); // the first run also initialises the backend
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 3; i++) {
      expect(await main(args, sink)).toBe(0);
      expect(await main(['layers', '--model', model], sink)).toBe(0);
      expect(await main(['explain', img, '--model', model, '--layer', 'nope', '--out', join(work, 'mem-out')], sink)).toBe(2);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
