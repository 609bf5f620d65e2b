import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const scenes = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenes');

/**
 * Weights for the scene route's tests: the scene package's trained weights when present, else tiny
 * models trained on the spot with its CLI (`--tiny`, a few seconds) into a temporary folder, else a
 * reason to skip. A temporary folder is the caller's to remove (`temporary`).
 */
export function sceneWeights(): { dir: string; temporary: boolean } | { skip: string } {
  const committed = join(scenes, 'weights');
  if (existsSync(join(committed, 'captioner', 'model.json')) && existsSync(join(committed, 'vqa', 'model.json'))) return { dir: committed, temporary: false };
  const cli = join(scenes, 'dist', 'train', 'cli.js');
  if (!existsSync(cli)) return { skip: '@gradcam/scenes has neither trained weights nor a built training CLI' };
  const out = mkdtempSync(join(tmpdir(), 'gradcam-scene-tiny-'));
  try {
    execFileSync(process.execPath, [cli, '--out', out, '--tiny', '--backend', 'wasm', '--eval', '0'], { stdio: 'pipe', timeout: 120_000 });
  } catch (e) {
    return { skip: `training tiny scene models failed: ${(e as Error).message.split('\n')[0]}` };
  }
  return existsSync(join(out, 'captioner', 'model.json')) ? { dir: out, temporary: true } : { skip: 'the scene training CLI wrote no captioner' };
}
