/**
 * Test helpers for the gradcam CLI: run the built binary, build a tiny tfjs classifier on disk, generate PNGs,
 * and skip cleanly when the shared assets (`../shared`) are absent.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
/** The monorepo root. */
export const REPO = resolve(here, '../../../..');
/** The built CLI entry (packages/cli/dist/bin.js). */
export const BIN = join(REPO, 'packages/cli/dist/bin.js');

/** What one CLI run returned. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node packages/cli/dist/bin.js ...args` (the real binary) with GRADCAM_QUIET=1, stdin closed.
 * @returns exit code and captured output.
 */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<CliRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (npx tsc -p packages/cli/tsconfig.json, or npm run build)`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, GRADCAM_QUIET: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every file under `dir` (relative paths, sorted); [] when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Writes a PNG of `width × height` whose pixel (x, y) is `color(x, y)`. */
export async function writePng(path: string, width: number, height: number, color: (x: number, y: number) => [number, number, number]): Promise<string> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(color(x, y), (y * width + x) * 3);
  await mkdir(dirname(path), { recursive: true });
  await sharp(raw, { raw: { width, height, channels: 3 } }).png().toFile(path);
  return path;
}

/** Labels of the tiny model: channel k of the image is class k. */
export const TINY_LABELS = ['red, crimson', 'green, emerald', 'blue, navy'];
/** Weight of the tiny model's logits layer: logit_k = TINY_GAIN · mean over pixels of channel k (values in [0, 1]). */
export const TINY_GAIN = 4;

/**
 * Builds and saves a tiny RGB classifier (`model.json` + `weights.bin`, via a custom IOHandler) in `dir`:
 * input [16, 16, 3] → `conv` (1×1, identity, ReLU) → `features` (1×1, identity, ReLU) → `pool` (global average)
 * → `logits` (Dense TINY_GAIN·I, no bias) → `probs` (softmax). Class k is "how much of channel k", so Grad-CAM of
 * class k at `features` is exactly channel k of the image, normalised.
 * @returns the model.json path.
 */
export async function saveTinyModel(dir: string, options: { labels?: 'metadata' | 'none' } = {}): Promise<string> {
  await tf.setBackend('cpu');
  const input = tfl.input({ shape: [16, 16, 3], name: 'image' });
  const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 1, useBias: false, activation: 'relu', name: 'conv' });
  const features = tfl.layers.conv2d({ filters: 3, kernelSize: 1, useBias: false, activation: 'relu', name: 'features' });
  const pool = tfl.layers.globalAveragePooling2d({ name: 'pool' });
  const logits = tfl.layers.dense({ units: 3, useBias: false, name: 'logits' });
  const probs = tfl.layers.activation({ activation: 'softmax', name: 'probs' });
  const out = probs.apply(logits.apply(pool.apply(features.apply(conv.apply(input))))) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out, name: 'tiny' });
  const eye = tf.eye(3);
  conv.setWeights([tf.reshape(eye, [1, 1, 3, 3])]);
  features.setWeights([tf.reshape(eye, [1, 1, 3, 3])]);
  logits.setWeights([tf.mul(eye, TINY_GAIN)]);
  await mkdir(dir, { recursive: true });
  await model.save({
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const data = artifacts.weightData!;
      const weights = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
      const json = {
        format: 'layers-model',
        generatedBy: 'gradcam cli tests',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      await writeFile(join(dir, 'weights.bin'), Buffer.from(weights));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  model.dispose();
  eye.dispose();
  if (options.labels === 'metadata') await writeFile(join(dir, 'metadata.json'), JSON.stringify({ labels: TINY_LABELS }));
  else if (options.labels !== 'none') await writeFile(join(dir, 'labels.json'), JSON.stringify(TINY_LABELS));
  return join(dir, 'model.json');
}
