#!/usr/bin/env node
/**
 * Bundles the demo into one CommonJS file, `dist/demo.cjs`: `src/main.ts`, the `@rxtrade/*` sources it
 * reaches (through the `@rxtrade/source` condition, as tsx resolves them) and the libraries they use
 * (rxjs, zod, decimal.js, yargs), tree-shaken by esbuild. Run from TypeScript with tsx, the demo
 * transforms and loads every module the `@rxtrade/*` indexes import (`@rxtrade/connectors` alone
 * reaches ccxt, DuckDB and pino) before its first bar; the bundle holds what the demo runs, and
 * `scripts/demo.mjs` compiles it with V8's code cache (hence CommonJS: node 20 caches only scripts).
 *
 * Beside the bundle, `dist/demo.manifest.json` records the bundle's size, time and digest and the size
 * and modification time of every file of the repository that went into it (with this script and the
 * package manifests and TypeScript configurations that steer the build, and pnpm's lockfile and
 * `node_modules/.modules.yaml` for the libraries). {@link bundleState} compares them with the files on
 * disk, so that an edit to the example or to a package makes the bundle stale and `scripts/demo.mjs`
 * bundles again before it runs.
 *
 * Every `import.meta.url` of a bundled module is rewritten to that module's own file (relative to the
 * bundle, so the checkout can move): code that finds files beside itself (yargs its locales, the demo
 * the S&P 500 data of vega-datasets) finds the same files as it does unbundled.
 *
 * The root package's `postinstall` runs `node examples/sma-crossover/scripts/bundle-demo.mjs --optional`,
 * so that `pnpm install` leaves a fresh bundle; with `--optional` a failure is a warning on stderr and
 * exit code 0 (the demo then bundles, or falls back to tsx, when it starts).
 *
 * Usage: node examples/sma-crossover/scripts/bundle-demo.mjs [--if-stale] [--optional]
 *   --if-stale  do nothing when the bundle is fresh
 *   --optional  a failure warns and exits 0 instead of 1
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example's folder. */
export const EXAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root: manifest paths are relative to it. */
export const ROOT = resolve(EXAMPLE_DIR, '../..');
/** Where the bundle goes by default. */
export const DIST = join(EXAMPLE_DIR, 'dist');
/** The bundle's file name in its folder. */
export const BUNDLE_NAME = 'demo.cjs';
/** The manifest's file name in the bundle's folder. */
export const MANIFEST_NAME = 'demo.manifest.json';
/** The code cache's file name in the bundle's folder, for the bundle of this digest. */
export const cacheName = (digest) => `demo.${digest}.v8cache`;
/** Bumped when the manifest's shape or the bundle's options change: an older bundle is stale. */
const FORMAT = 2;

const ENTRY = join(EXAMPLE_DIR, 'src', 'main.ts');
const SELF = fileURLToPath(import.meta.url);

/**
 * Whether the bundle in `outdir` matches the files it was built from.
 *
 * @param {string} [outdir] the bundle's folder (default `dist/` of the example)
 * @returns {{ fresh: true, digest: string } | { fresh: false, reason: string }}
 * @example
 * ```js
 * const state = bundleState();
 * if (!state.fresh) console.error(`bundling again: ${state.reason}`);
 * ```
 */
export function bundleState(outdir = DIST) {
  /** @type {{ format?: number, bundle?: [number, number, string], inputs?: Record<string, [number, number]> }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, MANIFEST_NAME), 'utf8'));
  } catch {
    return { fresh: false, reason: 'there is no bundle yet' };
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.bundle) || typeof manifest.bundle[2] !== 'string' || typeof manifest.inputs !== 'object' || manifest.inputs === null)
    return { fresh: false, reason: 'the bundle was made by another version of scripts/bundle-demo.mjs' };
  const bundle = statSync(join(outdir, BUNDLE_NAME), { throwIfNoEntry: false });
  if (bundle === undefined || bundle.size !== manifest.bundle[0] || bundle.mtimeMs !== manifest.bundle[1]) return { fresh: false, reason: `${BUNDLE_NAME} was changed or removed` };
  for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const now = statSync(join(ROOT, file), { throwIfNoEntry: false });
    if (now === undefined) return { fresh: false, reason: `${file} was removed` };
    if (now.size !== size || now.mtimeMs !== mtimeMs) return { fresh: false, reason: `${file} changed` };
  }
  return { fresh: true, digest: manifest.bundle[2] };
}

/** esbuild, the version tsup (a dev dependency of the repository root) brings. */
function loadEsbuild() {
  const tsup = createRequire(join(ROOT, 'package.json')).resolve('tsup');
  return createRequire(tsup)('esbuild');
}

/** Loaders of the files whose `import.meta.url` is rewritten, by extension. */
const LOADERS = /** @type {const} */ ({ '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' });

/** Set by the bundle's first line: the bundle's own URL. */
const BUNDLE_URL = '__rxtradeBundleUrl';

/**
 * An esbuild plugin: each module's `import.meta.url` becomes the URL of its own file, relative to the
 * bundle's (`new URL('../../../node_modules/…/esm.mjs', __rxtradeBundleUrl).href`). (`import.meta.resolve`,
 * which yargs calls only for a configuration's `extends`, is not rewritten: the demo reads none.)
 *
 * @param {string} outdir
 * @returns {import('esbuild').Plugin}
 */
function ownImportMetaUrl(outdir) {
  return {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = relative(outdir, args.path).split(sep).map(encodeURIComponent).join('/');
        return {
          contents: text.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(rel)}, ${BUNDLE_URL}).href`),
          loader: LOADERS[/** @type {keyof typeof LOADERS} */ (extname(args.path))] ?? 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * esbuild options: the first pass leaves every library external and yields the ones the tree-shaken
 * demo still imports; the second bundles exactly those. Bundling every library at once would make
 * esbuild read (and fail on) what the `@rxtrade/*` indexes import but the demo never runs: ccxt's
 * protobuf modules, DuckDB's native binding.
 *
 * @param {string} outdir
 * @param {ReadonlySet<string> | undefined} libraries the libraries to bundle (none in the first pass)
 * @returns {import('esbuild').BuildOptions & { metafile: true, write: false }}
 */
function options(outdir, libraries) {
  return {
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    outfile: join(outdir, BUNDLE_NAME),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    conditions: ['@rxtrade/source'],
    // Whitespace and syntax only: stack traces (RXTRADE_DEBUG=1) keep the functions' names.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
    banner: { js: `const ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;` },
    plugins: [
      {
        name: 'libraries',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('@rxtrade/') || args.path.startsWith('node:') || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
            return libraries?.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
          });
        },
      },
      ownImportMetaUrl(outdir),
    ],
  };
}

/** `zod/v4` → `zod`, `@scope/name/x` → `@scope/name`. */
function packageName(specifier) {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

/** esbuild's failure as one line: the first error with its place (`file:line:column: text`) and how many more. */
function rethrowBuildError(e) {
  const errors = Array.isArray(e?.errors) ? e.errors : [];
  const first = errors[0];
  if (first === undefined) throw e;
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
  throw new Error(`${where}${first.text}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}`, { cause: e });
}

/** Writes `text` to `path` through a temporary file and a rename, so that no reader sees half of it. */
function writeAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Bundles the demo into `outdir` (default `dist/`) and writes its manifest.
 *
 * @param {{ outdir?: string }} [config]
 * @returns {Promise<{ bundle: string, bytes: number, inputs: number, libraries: string[] }>}
 * @example
 * ```js
 * const { bundle, bytes } = await bundleDemo();
 * ```
 */
export async function bundleDemo(config = {}) {
  const outdir = resolve(config.outdir ?? DIST);
  const esbuild = loadEsbuild();
  const started = Date.now();
  const first = await esbuild.build(options(outdir, undefined)).catch(rethrowBuildError);
  const builtins = new Set((await import('node:module')).builtinModules);
  const libraries = new Set(
    Object.values(first.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:') && !builtins.has(i.path))
      .map((i) => packageName(i.path)),
  );
  const result = await esbuild.build(options(outdir, libraries)).catch(rethrowBuildError);
  const left = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && !i.path.startsWith('node:') && !builtins.has(i.path));
  if (left.length > 0) throw new Error(`the bundle still imports ${[...new Set(left.map((i) => i.path))].join(', ')}`);
  const output = result.outputFiles.find((f) => f.path.endsWith(BUNDLE_NAME));
  if (output === undefined) throw new Error('esbuild wrote no bundle');

  // What the bundle depends on: the inputs in the repository, this script, and the manifests and
  // TypeScript configurations of the packages they belong to (exports and compiler options steer the
  // build). The libraries' files are not checked one by one: an install that changes them rewrites
  // pnpm's node_modules/.modules.yaml (and runs this script again as the root's postinstall).
  const files = new Set(
    Object.keys(result.metafile.inputs)
      .map((f) => resolve(ROOT, f))
      .filter((f) => !f.includes(`${sep}node_modules${sep}`)),
  );
  files.add(SELF);
  for (const file of [...files]) {
    for (let dir = dirname(file); dir.startsWith(ROOT); dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (statSync(manifest, { throwIfNoEntry: false }) === undefined) continue;
      files.add(manifest);
      for (const config of ['tsconfig.json', 'tsconfig.base.json']) if (statSync(join(dir, config), { throwIfNoEntry: false })) files.add(join(dir, config));
      break;
    }
  }
  files.add(join(ROOT, 'tsconfig.base.json'));
  for (const install of ['pnpm-lock.yaml', join('node_modules', '.modules.yaml')]) if (statSync(join(ROOT, install), { throwIfNoEntry: false })) files.add(join(ROOT, install));
  /** @type {Record<string, [number, number]>} */
  const inputs = {};
  for (const file of [...files].sort()) {
    const s = statSync(file);
    // A file saved while esbuild read it may not be in the bundle as it is now: never fresh.
    inputs[relative(ROOT, file).split(sep).join('/')] = [s.size, s.mtimeMs >= started - 1 ? -1 : s.mtimeMs];
  }

  mkdirSync(outdir, { recursive: true });
  // Code caches of earlier bundles.
  for (const name of readdirSync(outdir)) if (name.endsWith('.v8cache')) rmSync(join(outdir, name), { force: true });
  const bundle = join(outdir, BUNDLE_NAME);
  writeAtomically(bundle, output.contents);
  const written = statSync(bundle);
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
  writeAtomically(join(outdir, MANIFEST_NAME), `${JSON.stringify({ format: FORMAT, bundle: [written.size, written.mtimeMs, digest], inputs })}\n`);
  return { bundle, bytes: written.size, inputs: Object.keys(inputs).length, libraries: [...libraries].sort() };
}

/** As a script: bundle now (or only when stale), for `postinstall` and by hand. */
async function script(args) {
  const unknown = args.filter((a) => a !== '--if-stale' && a !== '--optional');
  if (unknown.length > 0) {
    process.stderr.write(`bundle-demo: unknown option ${unknown[0]} (options: --if-stale, --optional)\n`);
    return 2;
  }
  const optional = args.includes('--optional');
  try {
    if (args.includes('--if-stale') && bundleState().fresh) return 0;
    const { bundle, bytes, inputs } = await bundleDemo();
    process.stderr.write(`bundle-demo: ${relative(process.cwd(), bundle) || bundle}, ${(bytes / 1024).toFixed(0)} KiB from ${inputs} files\n`);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`bundle-demo: ${optional ? 'warning: ' : ''}could not bundle the demo: ${message}${optional ? ' (the demo bundles again, or runs its sources with tsx, when it starts)' : ''}\n`);
    return optional ? 0 : 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) {
  process.exitCode = await script(process.argv.slice(2));
}
