import { defineConfig } from 'vitest/config';

// Every package and example is a test project with its own `vitest.config.ts` (the shared settings are
// in tooling/vitest.shared.ts), so `vitest` runs the same tests from the root or inside a package.
// The worker pool is configured here, at the root, because vitest reads pool options from the root
// config only: two forks (one per core; vitest's default is one on a 2-core machine), and test files of
// one project share a fork's module graph instead of importing every dependency again per file.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'tooling'],
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
  },
});
