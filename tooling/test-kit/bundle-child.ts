/**
 * For tests that start TypeScript child processes (crash and signal tests): the Node arguments that
 * run `source`. The child is bundled once, with the esbuild that tsx ships, into `outDir`, so each start
 * is a plain Node start (~0.1 s) instead of compiling the sources again (~1 s under tsx); where esbuild
 * cannot be loaded the child runs under tsx.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export async function childNodeArgs(source: string, outDir: string): Promise<string[]> {
  const out = path.join(outDir, path.basename(source).replace(/\.ts$/, '.mjs'));
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
      logLevel: 'error',
      // Bundled CommonJS dependencies call require(); an ES module has none of its own.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return [out];
  } catch {
    return ['--conditions=@rxtrade/source', '--import', 'tsx', source];
  }
}
