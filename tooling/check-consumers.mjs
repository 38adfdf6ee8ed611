#!/usr/bin/env node
/**
 * Checks the published `@rxtrade/*` packages the way a user gets them: builds every package, packs
 * each with `pnpm pack`, checks the packed manifests and files, installs the tarballs with npm into a
 * scratch project outside the workspace, and compiles and runs `tooling/consumer-fixture/consumer.ts.txt`
 * under every TypeScript module setup a consumer may use, with `strict` and `skipLibCheck: false`:
 *
 *   node16-esm, node16-cjs, nodenext-esm, nodenext-cjs   module/moduleResolution node16 or nodenext,
 *                                                        "type": "module" or "commonjs"; tsc emits, node runs
 *   bundler-esm                                          module esnext, moduleResolution bundler; tsc emits, node runs
 *   bundler-cjs                                          module preserve, moduleResolution bundler in a CommonJS
 *                                                        package; tsc type-checks, the file is transpiled to
 *                                                        CommonJS as a bundler would and node runs it
 *
 * It also runs the installed `rxtrade` command (`node_modules/.bin/rxtrade --help`).
 *
 * The tarballs are installed once; each setup is a sub-folder with its own package.json ("type") and
 * tsconfig.json, resolving the shared node_modules one level up as Node and TypeScript do.
 *
 * Usage: node tooling/check-consumers.mjs [--no-build] [--keep] [--only name,name]
 *   --no-build  pack the dist/ folders as they are (after a build you just ran)
 *   --keep      leave the scratch folder in place and print its path
 *   --only      run only the named setups
 * Env: CHECK_CONSUMERS_JOBS  setups compiled at once (default 2).
 * Exits 1 naming each failed step or setup.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const tscBin = require.resolve('typescript/bin/tsc');
const ts = require('typescript');
const fixture = join(root, 'tooling/consumer-fixture/consumer.ts.txt');
const csv = join(root, 'examples/sma-crossover/fixtures/goog.csv');

const SETUPS = [
  { name: 'node16-esm', type: 'module', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'node16-cjs', type: 'commonjs', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'nodenext-esm', type: 'module', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'nodenext-cjs', type: 'commonjs', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'bundler-esm', type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  // A bundler that outputs CommonJS: imports resolve with the "import" condition for types, and the
  // bundle require()s the packages, which resolves their CommonJS entries.
  { name: 'bundler-cjs', type: 'commonjs', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' }, transpileToCjs: true },
];

const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const keep = args.includes('--keep');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : undefined;
const unknown = args.filter((a, i) => !['--no-build', '--keep', '--only'].includes(a) && !(onlyIndex >= 0 && i === onlyIndex + 1));
if (unknown.length > 0) fail(`unknown argument ${unknown.join(' ')} (accepted: --no-build, --keep, --only a,b)`);
const setups = only ? SETUPS.filter((s) => only.has(s.name)) : SETUPS;
if (only && setups.length !== only.size) fail(`--only: unknown setup in ${[...only].join(',')}; setups are ${SETUPS.map((s) => s.name).join(', ')}`);
const jobs = Math.max(1, Number(process.env.CHECK_CONSUMERS_JOBS ?? 2) || 2);

const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'rxtrade-consumers-'));
const cleanup = () => {
  if (keep) console.log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

function fail(message) {
  console.error(`check-consumers: FAIL: ${message}`);
  process.exit(1);
}

function step(label) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${label}`);
}

/** Runs a command to completion; returns its combined output, or throws with it. */
function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    const error = new Error(`${command} ${argv.join(' ')} exited with ${result.status ?? result.signal}\n${tail(output)}`);
    throw error;
  }
  return output;
}

/** The same, asynchronously, so that setups compile side by side. */
function runAsync(command, argv, options = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => resolvePromise({ ok: code === 0, code: code ?? signal, output }));
  });
}

function tail(text, lines = 60) {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? [`… (${all.length - lines} lines above)`, ...all.slice(-lines)] : all).join('\n');
}

/** Every file path a manifest points at: exports targets, main, module, types, bin. */
function manifestTargets(manifest) {
  const targets = [];
  const walk = (node) => {
    if (typeof node === 'string') targets.push(node);
    else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v);
  };
  walk(manifest.exports);
  for (const field of ['main', 'module', 'types']) if (typeof manifest[field] === 'string') targets.push(manifest[field]);
  if (typeof manifest.bin === 'string') targets.push(manifest.bin);
  else walk(manifest.bin);
  return targets.filter((t) => !t.includes('*'));
}

function checkTarballs(tarballDir) {
  const problems = [];
  const packed = new Map();
  for (const file of readdirSync(tarballDir).filter((f) => f.endsWith('.tgz'))) {
    const into = join(scratch, 'unpacked', file.replace(/\.tgz$/, ''));
    mkdirSync(into, { recursive: true });
    run('tar', ['-xzf', join(tarballDir, file), '-C', into]);
    const pkgDir = join(into, 'package');
    const text = readFileSync(join(pkgDir, 'package.json'), 'utf8');
    const manifest = JSON.parse(text);
    packed.set(manifest.name, { file, manifest, pkgDir });
    if (text.includes('workspace:')) {
      const lines = text.split('\n').filter((l) => l.includes('workspace:')).map((l) => l.trim());
      problems.push(`${file}: package.json still has a workspace: range: ${lines.join(' ')}`);
    }
    if (!existsSync(join(pkgDir, 'LICENSE'))) problems.push(`${file}: no LICENSE in the tarball`);
    for (const target of manifestTargets(manifest)) {
      if (!existsSync(join(pkgDir, target))) problems.push(`${file}: package.json points at ${target}, which is not in the tarball`);
    }
  }
  // A dependency on a sibling must accept the version packed beside it.
  for (const { file, manifest } of packed.values()) {
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        const sibling = packed.get(name);
        if (sibling && range !== `^${sibling.manifest.version}`) {
          problems.push(`${file}: ${field}.${name} is ${JSON.stringify(range)}, expected "^${sibling.manifest.version}"`);
        }
      }
    }
  }
  return { packed, problems };
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function checkSetup(consumers, setup) {
  const dir = join(consumers, setup.name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeJson(join(dir, 'package.json'), { name: `consumer-${setup.name}`, private: true, type: setup.type });
  writeJson(join(dir, 'tsconfig.json'), {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      ...setup.compilerOptions,
      strict: true,
      skipLibCheck: false,
      rootDir: 'src',
      outDir: 'dist',
      noEmitOnError: true,
      ...(setup.transpileToCjs ? { noEmit: true } : {}),
    },
    include: ['src'],
  });
  cpSync(fixture, join(dir, 'src/consumer.ts'));
  cpSync(csv, join(dir, 'goog.csv'));

  const compiled = await runAsync(process.execPath, [tscBin, '-p', 'tsconfig.json'], { cwd: dir });
  if (!compiled.ok) return { ok: false, why: `tsc failed (exit ${compiled.code})`, output: compiled.output };
  if (setup.transpileToCjs) {
    const source = readFileSync(join(dir, 'src/consumer.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: 'consumer.ts',
    });
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist/consumer.js'), outputText);
  }
  const ran = await runAsync(process.execPath, ['dist/consumer.js'], { cwd: dir });
  if (!ran.ok) return { ok: false, why: `node dist/consumer.js failed (exit ${ran.code})`, output: ran.output };
  return { ok: true, output: ran.output };
}

async function main() {
  if (build) {
    step('building every package (pnpm build)');
    run('npx', ['-y', 'pnpm@10', 'build'], { cwd: root });
  }

  step('packing every package (pnpm pack)');
  const tarballDir = join(scratch, 'tarballs');
  mkdirSync(tarballDir);
  run('npx', ['-y', 'pnpm@10', '-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballDir], { cwd: root });
  const { packed, problems } = checkTarballs(tarballDir);
  if (packed.size === 0) throw new Error('pnpm pack produced no tarball');
  const failures = [];
  if (problems.length > 0) {
    console.error(`packed packages:\n  ${problems.join('\n  ')}`);
    failures.push(`${problems.length} problem(s) in the packed packages`);
    step(`FAIL tarballs: ${problems.length} problem(s), listed above; checking the consumers anyway`);
  } else {
    step(`checked ${packed.size} tarballs: no workspace: range, LICENSE present, every entry point present`);
  }

  const consumers = join(scratch, 'consumers');
  mkdirSync(consumers);
  const typesNode = JSON.parse(readFileSync(require.resolve('@types/node/package.json'), 'utf8')).version;
  const rxjs = packed.get('@rxtrade/core')?.manifest.dependencies?.rxjs ?? '^7.8.2';
  writeJson(join(consumers, 'package.json'), {
    name: 'rxtrade-consumers',
    private: true,
    dependencies: {
      ...Object.fromEntries([...packed].map(([name, { file }]) => [name, `file:${relative(consumers, join(tarballDir, file))}`])),
      rxjs,
    },
    devDependencies: { '@types/node': `^${typesNode}` },
  });
  step(`installing the tarballs with npm into ${consumers}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumers });

  // The rxtrade command as npm links it for the user: the launcher must find dist/cli.js.
  const bin = join(consumers, 'node_modules/.bin/rxtrade');
  const help = spawnSync(bin, ['--help'], { cwd: consumers, encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.startsWith('Usage: rxtrade')) {
    failures.push('the installed rxtrade bin');
    console.error(`node_modules/.bin/rxtrade --help exited with ${help.status ?? help.signal ?? help.error?.message}:\n${tail(`${help.stdout ?? ''}${help.stderr ?? ''}`)}`);
    step('FAIL node_modules/.bin/rxtrade --help');
  } else {
    step('node_modules/.bin/rxtrade --help prints the usage');
  }

  step(`compiling and running the consumer: ${setups.map((s) => s.name).join(', ')} (${jobs} at a time)`);
  const results = new Map();
  const queue = [...setups];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let setup = queue.shift(); setup; setup = queue.shift()) {
        const t0 = Date.now();
        const result = await checkSetup(consumers, setup);
        results.set(setup.name, result);
        const seconds = ((Date.now() - t0) / 1000).toFixed(1);
        step(`${result.ok ? 'PASS' : 'FAIL'} ${setup.name} (${seconds}s)${result.ok ? `: ${result.output.trim()}` : `: ${result.why}`}`);
      }
    }),
  );
  const failed = setups.filter((s) => !results.get(s.name)?.ok);
  for (const setup of failed) {
    const result = results.get(setup.name);
    console.error(`\n--- ${setup.name}: ${result.why} (tsconfig: ${JSON.stringify({ type: setup.type, ...setup.compilerOptions })})\n${tail(result.output)}`);
  }
  if (failed.length > 0) failures.push(`consumer setups failed: ${failed.map((s) => s.name).join(', ')}`);
  if (failures.length > 0) throw new Error(failures.join('; '));
  step(`all ${setups.length} consumer setups pass`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`check-consumers: FAIL: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  cleanup();
}
process.exit(exitCode);
