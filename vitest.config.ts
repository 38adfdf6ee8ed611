import { defineConfig } from 'vitest/config';

// Tests resolve sibling packages from source through the `@rxtrade/source` export condition, so no
// build step is needed before running them.
const conditions = ['@rxtrade/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
