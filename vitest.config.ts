import { defineConfig } from 'vitest/config';

// One vitest run over every workspace package. Tests import sources (`src/*.ts`);
// cross-package imports resolve to the built `dist/` (the root `npm test` builds first).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
