import { defineConfig } from 'vitest/config';

// Every package and example is a test project with its own `vitest.config.ts` (the shared settings are
// in tooling/vitest.shared.ts), so `vitest` runs the same tests from the root or inside a package.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});
