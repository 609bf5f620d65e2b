import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@xenova/transformers';
import { describe, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** The project's sibling `shared/` folder (tiny transformers.js models, photos), if present. */
export function sharedDir(): string | undefined {
  const dir = process.env['GRADCAM_SHARED'] ?? resolve(here, '..', '..', '..', '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/**
 * `describe` that runs only when every given file under ../shared exists (else skipped, saying why),
 * with transformers.js set to load models from ../shared/models only, through its normal code paths.
 */
export function describeShared(name: string, required: string[], fn: (shared: string) => void): void {
  const dir = sharedDir();
  const missing = dir ? required.filter((p) => !existsSync(join(dir, p))) : required;
  if (!dir || missing.length > 0) {
    const why = dir ? `../shared lacks ${missing.join(', ')}` : '../shared is absent (test models and photos are not part of the repository)';
    console.warn(`${name}: skipped, ${why}`);
    describe.skip(`${name} (${why})`, () => {
      it(why, () => {});
    });
    return;
  }
  env.allowRemoteModels = false;
  env.localModelPath = join(dir, 'models') + '/';
  describe(name, () => fn(dir));
}
