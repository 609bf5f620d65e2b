/** Skipping cleanly when the shared assets (`../shared`: real models and photos) are absent. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'vitest';
import { REPO } from './cli.js';

/** The shared assets folder (`<repo>/../shared`), or undefined. */
export function sharedDir(): string | undefined {
  const dir = resolve(REPO, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/** `describe` that runs only when every `required` file exists under ../shared, else skips saying why. */
export function describeShared(name: string, required: string[], fn: (shared: string) => void): void {
  const dir = sharedDir();
  const missing = dir ? required.filter((p) => !existsSync(join(dir, p))) : required;
  if (!dir || missing.length) {
    describe.skip(`${name} — skipped: ${dir ? `missing ${missing.join(', ')} in ../shared` : '../shared not found (real models and photos live there)'}`, () => {});
    return;
  }
  describe(name, () => fn(dir));
}
