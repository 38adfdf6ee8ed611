#!/usr/bin/env node
/**
 * Starts the demo (`pnpm demo`): runs the bundle `dist/demo.cjs` when it matches the sources, bundles
 * again first when they changed since (an edit to the example or to a package shows at once), and runs
 * the TypeScript sources with tsx, as the demo ran before it had a bundle, when bundling fails.
 *
 *   node examples/sma-crossover/scripts/demo.mjs [--] [demo flags]
 *
 * The bundle runs in this process: one node start, no TypeScript transform. It is compiled with V8's
 * code cache, `dist/demo.<digest>.v8cache`, which the first run of each bundle writes when it ends
 * (with the functions that run compiled too), so that later runs neither parse nor compile it.
 * `RXTRADE_DEMO_SOURCES=1` runs the sources with tsx regardless.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { BUNDLE_NAME, bundleDemo, bundleState, cacheName, DIST, EXAMPLE_DIR } from './bundle-demo.mjs';

/** The demo's sources under tsx, in a child process on this one's streams; resolves with its exit code. */
async function runSources(args) {
  const { spawn } = await import('node:child_process');
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=@rxtrade/source', '--import', import.meta.resolve('tsx'), join(EXAMPLE_DIR, 'src', 'main.ts'), ...args], { stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`demo: could not start tsx: ${e.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Loads the bundle in `outdir` as node loads a CommonJS module, through a `vm.Script` that uses the
 * code cache of this bundle when there is one; returns its exports and a function that writes the
 * cache when there was none (or V8 refused it: another node version or other V8 flags).
 */
function loadBundle(outdir, digest) {
  const file = join(outdir, BUNDLE_NAME);
  const cacheFile = join(outdir, cacheName(digest));
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const saveCache = () => {
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only checkout: the demo runs as well without the cache, only its start is slower.
    }
  };
  return { exports: module.exports, saveCache };
}

/**
 * Runs the demo with `args` (the flags after `demo`) from the bundle in `outdir` (default `dist/` of the
 * example), bundling first when it is stale; resolves with the exit code.
 *
 * @param {readonly string[]} args
 * @param {{ outdir?: string }} [options]
 * @returns {Promise<number>}
 * @example
 * ```js
 * process.exitCode = await startDemo(['--json']);
 * ```
 */
export async function startDemo(args, options = {}) {
  const outdir = resolve(options.outdir ?? DIST);
  if (process.env.RXTRADE_DEMO_SOURCES === '1') return runSources(args);
  let state = bundleState(outdir);
  if (!state.fresh) {
    try {
      await bundleDemo({ outdir });
    } catch (e) {
      process.stderr.write(`demo: could not bundle the sources (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); running them with tsx\n`);
      return runSources(args);
    }
    state = bundleState(outdir);
    if (!state.fresh) return runSources(args);
  }
  const { exports, saveCache } = loadBundle(outdir, state.digest);
  const code = await exports.runAsCommand(args);
  saveCache();
  return code;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await startDemo(process.argv.slice(2));
}
