/**
 * What the browser demo's end-to-end tests share: building the app (scripts/make-models.mjs + vite
 * build, once per vitest run even when several test files ask for it), a static server on 127.0.0.1,
 * Debian's Chromium through playwright-core (headless, no GPU), and pages on which every non-local
 * request is refused and console errors are collected.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const dist = join(root, 'dist');
export const shots = join(root, 'test-output');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
/** Why the browser tests cannot run here ('' when they can). */
export const chromiumSkipReason = CHROMIUM ? '' : 'Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH): browser demo tests skipped';

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
};

/**
 * Serves `dir` on 127.0.0.1 (a free port), plus each `mounts` entry: URL prefix (e.g.
 * `/models/tiny-vit-gpt2/`) → folder. Anything else is a 404.
 */
export function serve(dir: string, mounts: Record<string, string> = {}): Promise<Server> {
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = Object.keys(mounts).find((p) => pathname.startsWith(p));
    const base = prefix ? mounts[prefix]! : dir;
    const rel = normalize(prefix ? pathname.slice(prefix.length) : pathname).replace(/^(\.\.[/\\])+/, '');
    let file = join(base, rel);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!(file === base || file.startsWith(base.endsWith(sep) ? base : base + sep)) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** `http://127.0.0.1:PORT/` of a listening server. */
export function baseUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((r) => (server ? server.close(() => r()) : r()));
}

// Test files run in parallel worker processes of one vitest run (the same parent process): the first
// to get the lock builds, the others wait for it and reuse dist/.
const stateDir = join(root, 'node_modules', '.cache', 'gradcam-web-test');
const lock = join(stateDir, 'build.lock');
const stamp = join(stateDir, 'built-by.json');
const runId = String(process.ppid);

async function withLock<T>(f: () => Promise<T>): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a build that died long ago leaves a stale lock
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() - t0 > 300_000) throw new Error(`timed out waiting for ${lock}`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await f();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let built: Promise<void> | undefined;

/** Builds the app into dist/ (the generated models and samples, then the Vite bundle; ≈ 20 s), once per vitest run. */
export function buildApp(): Promise<void> {
  built ??= withLock(async () => {
    try {
      const by = JSON.parse(readFileSync(stamp, 'utf8')) as { runId: string };
      if (by.runId === runId && existsSync(join(dist, 'index.html'))) return;
    } catch {
      /* no stamp: build */
    }
    rmSync(stamp, { force: true });
    execFileSync(process.execPath, [join(root, 'scripts', 'make-models.mjs')], { cwd: root, stdio: 'pipe' });
    const { build } = await import('vite');
    await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'error' });
    writeFileSync(stamp, JSON.stringify({ runId, builtAt: new Date().toISOString() }));
  });
  return built;
}

/** Headless Chromium without a GPU. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page on the demo at `url`; only 127.0.0.1 is reachable. Collects console errors and page errors. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('internetdisconnected'));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 60_000 });
  return { page, errors };
}

/** Presses Explain and waits until the page is idle again. */
export async function explainAndWait(page: Page, timeout = 90_000): Promise<void> {
  await page.click('#run');
  await page.waitForFunction(() => !(window as unknown as { gradcamDemo: { state: { busy: boolean } } }).gradcamDemo.state.busy, null, { timeout });
}

/** A built app served on 127.0.0.1 and a headless Chromium: what each browser test file starts with. */
export interface DemoApp {
  server: Server;
  browser: Browser;
  /** The app's URL, ending in `/`. */
  base: string;
}

/** The built app's sample list (dist/generated/samples.json; shape per test file). Call after {@link startDemo}. */
export function readSamples<T>(): T[] {
  return JSON.parse(readFileSync(join(dist, 'generated', 'samples.json'), 'utf8')) as T[];
}

/** Builds the app (once per run), serves dist/ (plus `mounts`, see {@link serve}) and launches Chromium. */
export async function startDemo(mounts: Record<string, string> = {}): Promise<DemoApp> {
  await buildApp();
  const server = await serve(dist, mounts);
  return { server, browser: await launchChromium(), base: baseUrl(server) };
}

/** Closes what {@link startDemo} opened (either part may be missing when start-up failed). */
export async function stopDemo(demo: Partial<DemoApp> | undefined): Promise<void> {
  await demo?.browser?.close();
  await closeServer(demo?.server);
}
