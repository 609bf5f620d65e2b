#!/usr/bin/env node
/**
 * Regenerates the pictures of docs/viz-cli.md with the real `gradcam` binary on ../shared (photos and the
 * ImageNet MobileNet v1 0.75), converting them to JPEG for the repository:
 *
 *   npm run build && node packages/cli/scripts/docs-images.mjs
 *
 * The HTML report screenshot needs Debian's chromium (apt-get install chromium); it is skipped without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeGrid } from '@gradcam/viz';
import { decodeImage, writeImage } from '@gradcam/viz/node';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = resolve(repo, '..', 'shared');
const bin = join(repo, 'packages/cli/dist/bin.js');
const docs = join(repo, 'docs/images');
// Paths relative to the repository (the cwd of every run), as a user would type them.
const model = '../shared/models/mobilenet-v1-075-layers/model.json';
const photo = (name) => `../shared/images/${name}`;
if (!existsSync(join(shared, 'models/mobilenet-v1-075-layers/model.json'))) throw new Error(`needs ${shared} (the shared assets)`);
const tmp = mkdtempSync(join(tmpdir(), 'gradcam-docs-'));

function gradcam(...args) {
  console.log(`gradcam ${args.join(' ')}`);
  execFileSync(process.execPath, [bin, ...args], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GRADCAM_QUIET: '1' } });
}
/** Re-encodes a PNG written by gradcam as a JPEG in docs/images. */
async function toDocs(png, name, quality = 82) {
  const file = await writeImage(join(docs, name), await decodeImage(png), { quality });
  console.log(`→ ${file}`);
}

// 1. Grids: the photo and one overlay per class, as `--format grid` writes them.
gradcam('explain', photo('astronaut.png'), '--model', model, '--class', 'space shuttle', '--class', 'crash helmet', '--format', 'grid', '--out', join(tmp, 'a'));
await toDocs(join(tmp, 'a/astronaut-grid.png'), 'cli-astronaut-grid.jpg');
gradcam('explain', photo('chelsea.png'), photo('coffee.png'), '--model', model, '--top', '2', '--format', 'grid', '--out', join(tmp, 'b'));
await toDocs(join(tmp, 'b/chelsea-grid.png'), 'cli-chelsea-grid.jpg');
await toDocs(join(tmp, 'b/coffee-grid.png'), 'cli-coffee-grid.jpg');

// 2. Colormaps and opacity: the same map of "Egyptian cat".
const cells = [];
for (const [colormap, alpha] of [['jet', '0.5'], ['turbo', '0.5'], ['viridis', '0.5'], ['inferno', '0.7']]) {
  const out = join(tmp, `cm-${colormap}`);
  gradcam('explain', photo('chelsea.png'), '--model', model, '--class', 'Egyptian cat', '--colormap', colormap, '--alpha', alpha, '--format', 'png', '--out', out);
  cells.push({ image: await decodeImage(join(out, 'chelsea-285-egyptian-cat.png')), label: `--colormap ${colormap}`, note: `--alpha ${alpha}` });
}
await writeImage(join(tmp, 'colormaps.png'), composeGrid([cells], { cellHeight: 200 }));
await toDocs(join(tmp, 'colormaps.png'), 'cli-colormaps.jpg');

// 3. Methods: "space shuttle" on the astronaut photo.
const methods = [];
for (const method of ['gradcam', 'gradcam++', 'hirescam', 'layercam', 'eigencam']) {
  const out = join(tmp, `m-${method}`);
  gradcam('explain', photo('astronaut.png'), '--model', model, '--class', 'space shuttle', '--method', method, '--format', 'png', '--out', out);
  const suffix = method === 'gradcam' ? '' : `-${method}`;
  methods.push({ image: await decodeImage(join(out, `astronaut-812-space-shuttle${suffix}.png`)), label: `--method ${method}` });
}
await writeImage(join(tmp, 'methods.png'), composeGrid([methods], { cellHeight: 220 }));
await toDocs(join(tmp, 'methods.png'), 'cli-methods.jpg');

// 4. The HTML report of the command, screenshot in headless Chromium.
gradcam('explain', photo('astronaut.png'), photo('chelsea.png'), photo('coffee.png'), '--model', model, '--top', '2', '--out', join(tmp, 'report'));
const chromium = spawnSync('chromium', ['--version']).status === 0 ? 'chromium' : undefined;
if (chromium) {
  const shot = join(tmp, 'report.png');
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`, '--hide-scrollbars', `--screenshot=${shot}`, '--window-size=1100,1560',
    `file://${join(tmp, 'report/report.html')}`,
  ], { stdio: 'ignore' });
  await toDocs(shot, 'cli-report.jpg', 80);
} else console.log('chromium not found: report screenshot skipped');
rmSync(tmp, { recursive: true, force: true });
