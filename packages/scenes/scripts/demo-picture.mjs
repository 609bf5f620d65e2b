#!/usr/bin/env node
// The README's picture of the main job: runs `gradcam demo` (the built CLI) and photographs the top of its
// report.html in Debian's Chromium (playwright-core, headless) → docs/images/demo-report.png.
//   node packages/scenes/scripts/demo-picture.mjs [--scenes N] [--seed S] [--height PX]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'gradcam-demo-'));
execFileSync(process.execPath, [join(repo, 'packages/cli/dist/bin.js'), 'demo', '--scenes', opt('--scenes', '1'), '--seed', opt('--seed', '0'), '--out', out], { stdio: 'inherit' });
const chromium = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!chromium) throw new Error('Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)');
const { chromium: pw } = await import('playwright-core');
const browser = await pw.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1200, height: Number(opt('--height', 900)) } });
await page.goto(`file://${join(out, 'report.html')}`);
const file = join(repo, 'docs/images/demo-report.png');
await page.screenshot({ path: file });
await browser.close();
console.log(`wrote ${file}`);
