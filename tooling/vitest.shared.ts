/**
 * The test configuration every package and example shares. A package's `vitest.config.ts` re-exports
 * {@link packageProject}, so `vitest` started inside the package folder runs that package's tests, and
 * the root `vitest.config.ts` runs every package as one project each.
 */
import { defineProject } from 'vitest/config';

/**
 * Tests resolve sibling packages from source through the `@rxtrade/source` export condition, so no
 * build step is needed before running them.
 */
export const sourceConditions = ['@rxtrade/source', 'module', 'node', 'import', 'default'];

/** The test project of one package or example: its `src/**` tests, sources of its siblings. */
export function packageProject(): ReturnType<typeof defineProject> {
  return defineProject({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: sourceConditions } },
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // Test files share their fork's module graph (the root config sets the same for a whole run):
      // importing rxjs, zod and the sources once per fork instead of once per file makes the suite
      // several times faster. A test therefore restores whatever global it changes (timers, env).
      pool: 'forks',
      isolate: false,
      // A config a runner marks as already parsed (`preParsedConfig`) is parsed anyway and compared in
      // every test, so that a mark where parsing would change something fails here.
      env: { RXTRADE_CHECK_PREPARSED: '1' },
    },
  });
}
