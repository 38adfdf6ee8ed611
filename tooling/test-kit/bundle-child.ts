/**
 * For tests that start TypeScript child processes (crash and signal tests): the Node arguments that
 * run `source`. The child is bundled once, with the esbuild that tsx ships, into `outDir`, so each start
 * is a plain Node start (~0.1 s) instead of compiling the sources again (~1 s under tsx); where esbuild
 * cannot be loaded the child runs under tsx.
 *
 * `external` names packages left out of the bundle (a native addon such as `@duckdb/*`, which esbuild
 * cannot bundle): the bundle then goes under the source's package, in `node_modules/.cache/`, so that
 * they resolve from it as they do from the source.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

function packageRoot(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
  }
}

export async function childNodeArgs(source: string, outDir: string, options: { readonly external?: readonly string[] } = {}): Promise<string[]> {
  const external = options.external ?? [];
  const dir = external.length === 0 ? outDir : path.join(packageRoot(source), 'node_modules', '.cache', 'rxtrade-test-children', path.basename(outDir));
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, path.basename(source).replace(/\.ts$/, '.mjs'));
  try {
    const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild') as { build(options: Record<string, unknown>): Promise<unknown> };
    await esbuild.build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@rxtrade/source'],
      outfile: out,
      external: [...external],
      logLevel: 'error',
      // Bundled CommonJS dependencies call require(); an ES module has none of its own.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return [out];
  } catch {
    return ['--conditions=@rxtrade/source', '--import', 'tsx', source];
  }
}
