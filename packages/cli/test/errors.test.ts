import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, runCli, saveTinyModel, writePng } from './helpers/cli.js';

// Every error path of `gradcam explain`, on the real binary: the message, the exit status, and what is
// (not) left in the output folder.

const work = mkdtempSync(join(tmpdir(), 'gradcam-cli-errors-'));
let model = '';
let labels = '';
let red = '';
let tiny: string[] = [];
beforeAll(async () => {
  model = await saveTinyModel(join(work, 'tiny'));
  labels = join(work, 'tiny', 'labels.json');
  tiny = ['--model', model, '--labels', labels];
  red = await writePng(join(work, 'img', 'red.png'), 16, 16, (x, y) => (x < 4 && y < 4 ? [255, 0, 0] : [0, 0, 0]));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const out = (name: string) => join(work, 'out', name);

describe('gradcam explain: bad images', () => {
  it('an unreadable image: its path and the reason, exit 1, nothing written', async () => {
    const missing = join(work, 'img', 'missing.png');
    const r = await runCli(['explain', missing, ...tiny, '--out', out('a')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`[1/1] failed: cannot read image '${missing}': no such file\n1 image failed:\n  cannot read image '${missing}': no such file\n`);
    expect(r.stdout).toMatch(/done: 0 of 1 image explained \(0 maps\) in [\d.]+ s; 0 files in /);
    expect(listFiles(out('a'))).toEqual([]);
  });

  it('one bad image in a batch: reported, the others written with the report, exit 1, no partial or temp file', async () => {
    const bad = join(work, 'img', 'notes.png');
    writeFileSync(bad, 'not a picture');
    const truncated = join(work, 'img', 'cut.png');
    copyFileSync(red, truncated);
    writeFileSync(truncated, Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'binary'));
    const r = await runCli(['explain', bad, red, truncated, ...tiny, '--out', out('b'), '--format', 'png,json,html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[1/3] failed: cannot read image '${bad}': not an image sharp can decode (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG)\n`);
    expect(r.stderr).toMatch(new RegExp(`\\[3/3\\] failed: cannot read image '${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': `));
    expect(r.stderr).toContain('2 images failed:\n');
    expect(r.stdout).toContain(`[2/3] ${red} 16×16`);
    expect(r.stdout).toMatch(/done: 1 of 3 images explained \(1 map\) in [\d.]+ s; 3 files in .*, report: /);
    expect(listFiles(out('b'))).toEqual(['red-0-red.png', 'red.json', 'report.html']);
    const html = readFileSync(join(out('b'), 'report.html'), 'utf8');
    expect(html).toContain(`<p class="error">cannot read image &#39;${bad}&#39;: not an image sharp can decode`);
    expect(html).toContain('3 inputs, 1 explanation, 2 failed');
  });

  it('an output that cannot be written fails that image only, and leaves no temporary file behind', async () => {
    const dir = out('c');
    mkdirSync(join(dir, 'red-0-red.png', 'occupied'), { recursive: true }); // a folder where the overlay should go
    const blue = await writePng(join(work, 'img', 'blue.png'), 16, 16, (x) => (x > 10 ? [0, 0, 255] : [0, 0, 0]));
    const r = await runCli(['explain', red, blue, ...tiny, '--out', dir, '--format', 'png']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`failed: ${red.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: E(ISDIR|NOTEMPTY|EXIST)`));
    expect(r.stdout).toContain('done: 1 of 2 images explained');
    // The other image's overlay is there; the blocked one left no temporary file beside the folder in its way.
    expect(readdirSync(dir).sort()).toEqual(['blue-2-blue.png', 'red-0-red.png']);
    expect(listFiles(dir)).toEqual(['blue-2-blue.png']);
  });
});

describe('gradcam explain: interrupted', () => {
  it('Ctrl-C (SIGINT) mid-batch: exit 130, files already written stay whole, no temporary file left', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN, REPO } = await import('./helpers/cli.js');
    const images = await Promise.all(
      Array.from({ length: 40 }, (_, k) => writePng(join(work, 'many', `p${k}.png`), 64, 64, (x, y) => [(x * 4 + k) & 255, (y * 4) & 255, 0])),
    );
    const dir = out('sigint');
    const child = spawn(process.execPath, [BIN, 'explain', ...images, ...tiny, '--out', dir, '--format', 'png,jpg,grid', '--concurrency', '1'], {
      cwd: REPO,
      env: { ...process.env, GRADCAM_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((done) => child.stdout.on('data', (d: Buffer) => d.toString().includes('[2/40]') && done()));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(130);
    expect(stderr).toContain('gradcam: interrupted (SIGINT)');
    const files = listFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(6); // at least two images' outputs
    expect(files.length).toBeLessThan(120);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('gradcam explain: bad model, layer, class', () => {
  it('unknown layer: lists the close matches and the valid layers, exit 2, no output', async () => {
    const r = await runCli(['explain', red, ...tiny, '--layer', 'featurez', '--out', out('d')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "gradcam: unknown layer: no layer named 'featurez' in this model (did you mean 'features', 'conv'?). Layers with spatial NHWC outputs: conv, features (see gradcam layers)\n",
    );
    expect(r.stdout).toBe('');
    expect(listFiles(out('d'))).toEqual([]);
  });

  it('unknown class: the closest labels with their indices, exit 2; out-of-range index: the valid range', async () => {
    const r = await runCli(['explain', red, ...tiny, '--class', 'gren', '--out', out('e')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "gradcam: unknown class 'gren' for tiny (did you mean 1 'green, emerald', 0 'red, crimson', 2 'blue, navy'?); classes are output indices 0–2 or label names\n",
    );
    const n = await runCli(['explain', red, ...tiny, '--class', '7', '--out', out('e')]);
    expect(n.code).toBe(2);
    expect(n.stderr).toBe('gradcam: class "7" is out of range for tiny: output indices 0–2 have labels\n');
    expect(listFiles(out('e'))).toEqual([]);
  });

  it('a model path that does not exist: the reason and what --model takes, exit 1', async () => {
    const path = join(work, 'nowhere', 'model.json');
    const r = await runCli(['explain', red, '--model', path, '--out', out('f')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `gradcam: cannot load model '${path}': no such file.\n` +
        '  --model takes the path or URL of a tfjs model.json (layers or graph model, weight files beside it),\n' +
        '  or a built-in: mobilenet (TF Hub; offline: --model mobilenet --model-url path/to/local/model.json).\n',
    );
    expect(listFiles(out('f'))).toEqual([]);
  });

  it('a broken model.json, a missing weight file, a non-image model: each with its reason, exit 1', async () => {
    const dir = join(work, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    const a = await runCli(['explain', red, '--model', join(dir, 'model.json'), '--out', out('g')]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^gradcam: cannot load model '.*broken\/model\.json': not a tfjs model\.json: invalid JSON \(.+\)\.\n  --model takes/);
    const noWeights = join(work, 'no-weights');
    mkdirSync(noWeights, { recursive: true });
    copyFileSync(model, join(noWeights, 'model.json'));
    const b = await runCli(['explain', red, '--model', join(noWeights, 'model.json'), '--out', out('g')]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`gradcam: cannot load model '${join(noWeights, 'model.json')}': no such file '${join(noWeights, 'weights.bin')}'.\n`);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: { something: 'else' } }));
    const c = await runCli(['explain', red, '--model', join(dir, 'model.json'), '--out', out('g')]);
    expect(c.stderr).toContain('not a tfjs model.json: unknown format null and a modelTopology that is neither a Keras model nor a graph.');
    expect(listFiles(out('g'))).toEqual([]);
  });

  it('the built-in without a network: the reason and how to point --model-url at a local copy, exit 1', async () => {
    // Simulate no network: fetch rejects the way Node's does when DNS fails.
    const offline =
      "data:text/javascript,globalThis.fetch=async()=>{throw new TypeError('fetch failed',{cause:Object.assign(new Error('getaddrinfo ENOTFOUND tfhub.dev'),{code:'ENOTFOUND'})})}";
    const r = await runCli(['explain', red, '--out', out('h')], { nodeArgs: ['--import', offline] });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "gradcam: cannot load the built-in model 'mobilenet' (MobileNet v1 1.00) from TF Hub: fetch failed (ENOTFOUND).\n" +
        '  Without a network, use a local copy: download https://tfhub.dev/google/imagenet/mobilenet_v1_100_224/classification/1 in tfjs format (model.json and its group1-shard*of* files, in one folder)\n' +
        '  and run with --model mobilenet --model-url path/to/model.json, or explain any tfjs classifier with --model path/to/model.json [--labels labels.json].\n',
    );
    expect(listFiles(out('h'))).toEqual([]);
  });

  it('the built-in with a --model-url that is missing or refuses connections: which, and why, exit 1', async () => {
    const path = join(work, 'nowhere', 'mobilenet', 'model.json');
    const a = await runCli(['explain', red, '--model', 'mobilenet-v1-0.25', '--model-url', path, '--out', out('i')]);
    expect(a.code).toBe(1);
    expect(a.stderr).toBe(
      `gradcam: cannot load the built-in model 'mobilenet-v1-0.25' from --model-url '${path}': no such file. Point --model-url at the model.json of a local copy (its weight files beside it).\n`,
    );
    // A loopback port with nothing listening.
    const port = await new Promise<number>((done) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const url = `http://127.0.0.1:${port}/model.json`;
    const b = await runCli(['explain', red, '--model', 'mobilenet', '--model-url', url, '--out', out('i')]);
    expect(b.code).toBe(1);
    expect(b.stderr).toBe(
      `gradcam: cannot load the built-in model 'mobilenet' (MobileNet v1 1.00) from --model-url '${url}': fetch failed (ECONNREFUSED).\n` +
        '  --model-url must be the model.json of the TF Hub MobileNet v1 1.00 graph model in tfjs format, with its weight files beside it.\n',
    );
    expect(listFiles(out('i'))).toEqual([]);
  });

  it('labels that do not fit the model, or are not labels: exit 2 with the counts', async () => {
    const four = join(work, 'four.json');
    writeFileSync(four, JSON.stringify(['a', 'b', 'c', 'd', 'e']));
    const r = await runCli(['explain', red, '--model', model, '--labels', four, '--out', out('j')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gradcam: the labels (${four}) name 5 classes, but the model outputs 3 values\n`);
    const notLabels = join(work, 'not-labels.json');
    writeFileSync(notLabels, JSON.stringify({ hello: 1 }));
    const n = await runCli(['explain', red, '--model', model, '--labels', notLabels, '--out', out('j')]);
    expect(n.code).toBe(2);
    expect(n.stderr).toBe(`gradcam: cannot read labels '${notLabels}': expected a JSON array of class names, an object {"0": "name", …}, or either under "labels"\n`);
  });
});

describe('gradcam: bad command lines exit 2 with the reason', () => {
  const cases: Array<[string[], string]> = [
    [['explain', 'x.png', '--colour', 'jet'], "gradcam: Unknown option '--colour' (see gradcam explain --help)"],
    [['explain', 'x.png', '--alpha', '1.5'], "gradcam: --alpha (heatmap opacity) must be a number from 0 to 1; got '1.5'"],
    [['explain', 'x.png', '--colormap', 'parula'], "gradcam: unknown colormap 'parula'; colormaps: jet, turbo, viridis, inferno"],
    [['explain', 'x.png', '--method', 'gradcam+'], "gradcam: unknown method 'gradcam+'; methods: gradcam, gradcam++, xgradcam, hirescam, layercam, gradcam-elementwise, eigencam, scorecam, ablationcam"],
    [['explain', 'x.png', '--method', 'eigencam', '--counterfactual'], "gradcam: --counterfactual negates gradients, but method 'eigencam' uses none; pick a gradient method (gradcam, gradcam++, …)"],
    [['explain', 'x.png', '--top', '2', '--class', 'cat'], 'gradcam: --class and --top exclude each other: name the classes, or ask for the top K'],
    [['explain', 'x.png', '--top', '0'], "gradcam: --top must be a positive integer; got '0'"],
    [['explain', 'x.png', '--format', 'png,gif'], "gradcam: unknown --format 'gif'; formats: png, jpg, grid, html, json (comma-separated)"],
    [['explain', 'x.png', '--concurrency', 'many'], "gradcam: --concurrency must be a positive integer; got 'many'"],
    [['explain', 'x.png', '--range', '1,-1'], "gradcam: --range must be LO,HI with LO < HI (e.g. -1,1 or 0,255); got '1,-1'"],
    [['explain'], 'gradcam: no images given: gradcam explain <images...> (see gradcam explain --help)'],
    [['explain', 'x.png', '--model', 'mobilenet-v2-0.25'], 'gradcam: MobileNet v2 has no alpha 0.25; built-ins: mobilenet-v2-0.5, mobilenet-v2-0.75, mobilenet-v2-1'],
    [['explain', 'x.png', '--model', 'mobilenet', '--labels', 'l.json'], "gradcam: --labels, --range and --input-size apply to --model path/to/model.json, not to the built-in 'mobilenet'"],
    [['frobnicate'], "gradcam: unknown command 'frobnicate'; commands: demo, explain, caption, vqa, evaluate, layers, methods (gradcam --help)"],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await runCli(['explain', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: gradcam explain <images...> [options]');
    expect(r.stdout).toContain('--format LIST');
  });
});
