/**
 * The one build configuration every package uses: ESM + CJS + `.d.ts`/`.d.cts`, source maps,
 * Node 20 target. A package's `tsup.config.ts` calls {@link packageConfig} and may add entries.
 */
import { defineConfig, type Options } from 'tsup';

export function packageConfig(overrides: Partial<Options> = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    treeshake: true,
    splitting: false,
    ...overrides,
  });
}
