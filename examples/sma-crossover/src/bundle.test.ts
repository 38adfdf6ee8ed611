/**
 * The demo's bundle (`scripts/bundle-demo.mjs`) and the launcher that `pnpm demo` runs
 * (`scripts/demo.mjs`). The bundle is built once into a temporary folder; the launcher runs it in child
 * processes, which must print what `main` prints from the sources in this process. The bundle is stale
 * as soon as a file it was built from differs, and the launcher then bundles again before it runs.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_NAME, bundleDemo, bundleState, cacheName, MANIFEST_NAME } from '../scripts/bundle-demo.mjs';
import { main } from './main';

const launcher = new URL('../scripts/demo.mjs', import.meta.url).href;
const goog = fileURLToPath(new URL('../fixtures/goog.csv', import.meta.url));
const golden = ['--data', goog, '--fast', '10', '--slow', '30', '--size', '100', '--commission', '0.002', '--cash', '100000', '--json'];
const work = mkdtempSync(join(tmpdir(), 'rxtrade-demo-bundle-'));
const outdir = join(work, 'dist');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `startDemo(args, { outdir: dir })` of the launcher in a child process: what `pnpm demo` runs, with the bundle in `dir`. */
function launch(dir: string, args: readonly string[]): Promise<Run> {
  const script = 'const { startDemo } = await import(process.env.DEMO_LAUNCHER); process.exitCode = await startDemo(JSON.parse(process.env.DEMO_ARGS), { outdir: process.env.DEMO_OUTDIR });';
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { encoding: 'utf8', env: { ...process.env, DEMO_LAUNCHER: launcher, DEMO_ARGS: JSON.stringify(args), DEMO_OUTDIR: dir } },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** `main` from the sources, in this process. */
async function fromSources(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {} });
  return { code, stdout, stderr };
}

type Manifest = { format: number; bundle: [number, number, string]; inputs: Record<string, [number, number]> };

/** A copy of the fresh bundle's folder whose manifest `edit` changed. */
function copyWith(name: string, edit: (manifest: Manifest) => void): string {
  const dir = join(work, name);
  cpSync(outdir, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')) as Manifest;
  // The copy is a new file: the manifest records its time.
  manifest.bundle[1] = statSync(join(dir, BUNDLE_NAME)).mtimeMs;
  edit(manifest);
  writeFileSync(join(dir, MANIFEST_NAME), JSON.stringify(manifest));
  return dir;
}

let built: Awaited<ReturnType<typeof bundleDemo>>;
beforeAll(async () => {
  built = await bundleDemo({ outdir });
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('demo bundle', () => {
  it('holds the libraries the demo runs, not those the package indexes only import', () => {
    expect(built.bundle).toBe(join(outdir, BUNDLE_NAME));
    expect(built.libraries).toEqual(expect.arrayContaining(['rxjs', 'yargs', 'zod', 'decimal.js']));
    for (const unused of ['ccxt', '@duckdb/node-api', 'pg', 'pino', 'ws']) expect(built.libraries).not.toContain(unused);
    const text = readFileSync(built.bundle, 'utf8');
    // Nothing left to resolve at run time but node's own modules.
    const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required.filter((r) => !r.startsWith('node:') && !['assert', 'fs', 'path', 'url', 'util', 'os', 'tty', 'events', 'stream'].includes(r))).toEqual([]);
  });

  it('is fresh after bundling, and lists the sources, this script and the install it was built from', () => {
    const state = bundleState(outdir);
    expect(state).toEqual({ fresh: true, digest: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const manifest = JSON.parse(readFileSync(join(outdir, MANIFEST_NAME), 'utf8')) as Manifest;
    const inputs = Object.keys(manifest.inputs);
    for (const file of ['examples/sma-crossover/src/main.ts', 'examples/sma-crossover/src/strategy.ts', 'examples/sma-crossover/scripts/bundle-demo.mjs', 'packages/core/package.json', 'packages/core/src/index.ts', 'pnpm-lock.yaml'])
      expect(inputs).toContain(file);
    expect(manifest.bundle[0]).toBe(statSync(built.bundle).size);
  });

  it('is stale when a file it was built from changed or is gone, when the bundle changed, or when there is none', () => {
    const changed = copyWith('changed', (m) => {
      m.inputs['examples/sma-crossover/src/strategy.ts']![1] -= 1000;
    });
    expect(bundleState(changed)).toEqual({ fresh: false, reason: 'examples/sma-crossover/src/strategy.ts changed' });
    const resized = copyWith('resized', (m) => {
      m.inputs['packages/core/src/index.ts']![0] += 1;
    });
    expect(bundleState(resized)).toEqual({ fresh: false, reason: 'packages/core/src/index.ts changed' });
    const gone = copyWith('gone', (m) => {
      m.inputs['examples/sma-crossover/src/no-such-file.ts'] = [1, 1];
    });
    expect(bundleState(gone)).toEqual({ fresh: false, reason: 'examples/sma-crossover/src/no-such-file.ts was removed' });
    const edited = copyWith('edited', () => undefined);
    appendFileSync(join(edited, BUNDLE_NAME), '\n');
    expect(bundleState(edited)).toEqual({ fresh: false, reason: 'demo.cjs was changed or removed' });
    const older = copyWith('older', (m) => {
      m.format = 0;
    });
    expect(bundleState(older)).toMatchObject({ fresh: false, reason: expect.stringMatching(/another version/) });
    expect(bundleState(join(work, 'nothing-here'))).toEqual({ fresh: false, reason: 'there is no bundle yet' });
  });

  it('runs as `pnpm demo -- …` runs it and prints what the sources print, then starts from its code cache', async () => {
    const expected = await fromSources(golden);
    const first = await launch(outdir, ['--', ...golden]);
    expect(first).toEqual({ code: 0, stdout: expected.stdout, stderr: '' });
    expect(JSON.parse(first.stdout)).toMatchObject({ fills: 31, finalEquity: '176251.036' });

    const digest = (bundleState(outdir) as { digest: string }).digest;
    const cache = join(outdir, cacheName(digest));
    const written = statSync(cache).mtimeMs;
    // V8 takes the cache: the second run does not write it again.
    const help = await launch(outdir, ['--help']);
    expect(help).toEqual({ code: 0, stdout: (await fromSources(['--help'])).stdout, stderr: '' });
    expect(statSync(cache).mtimeMs).toBe(written);

    const refused = await launch(outdir, ['--fats', '5']);
    expect(refused).toEqual({ code: 2, stdout: '', stderr: (await fromSources(['--fats', '5'])).stderr });
  });

  it('bundles again before it runs when the sources changed', async () => {
    const stale = copyWith('stale', (m) => {
      m.inputs['examples/sma-crossover/src/main.ts']![1] -= 1000;
    });
    const before = statSync(join(stale, BUNDLE_NAME)).mtimeMs;
    const run = await launch(stale, ['--data', goog, '--size', '100', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ data: 'goog.csv', bars: 1047 });
    expect(bundleState(stale)).toMatchObject({ fresh: true });
    expect(statSync(join(stale, BUNDLE_NAME)).mtimeMs).not.toBe(before);
  });
});
