/**
 * The demo's command line. `main` runs in this process with captured streams; one test starts the demo
 * as `pnpm demo -- …` does (scripts/demo.mjs, with the `--` that pnpm passes on) where the sources
 * cannot be bundled, so that it runs them with tsx. bundle.test.ts runs the bundle.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main';

const launcher = new URL('../scripts/demo.mjs', import.meta.url).href;
const goog = fileURLToPath(new URL('../fixtures/goog.csv', import.meta.url));
const golden = ['--data', goog, '--fast', '10', '--slow', '30', '--size', '100', '--commission', '0.002', '--cash', '100000', '--json'];
const work = mkdtempSync(join(tmpdir(), 'rxtrade-demo-'));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Started first and awaited by its test: the process mostly transpiles, so the other tests run meanwhile.
 * The bundle's folder is a file, so bundling fails and the launcher falls back to tsx.
 */
let asPnpmRunsIt: Promise<Run>;
beforeAll(() => {
  const notAFolder = join(work, 'dist');
  writeFileSync(notAFolder, '');
  const script = 'const { startDemo } = await import(process.env.DEMO_LAUNCHER); process.exitCode = await startDemo(JSON.parse(process.env.DEMO_ARGS), { outdir: process.env.DEMO_OUTDIR });';
  asPnpmRunsIt = new Promise<Run>((done) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { encoding: 'utf8', env: { ...process.env, DEMO_LAUNCHER: launcher, DEMO_ARGS: JSON.stringify(['--', ...golden]), DEMO_OUTDIR: notAFolder } },
      (error, out, err) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: out, stderr: err }),
    );
  });
});
afterAll(async () => {
  await asPnpmRunsIt;
  rmSync(work, { recursive: true, force: true });
});

async function demo(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

/** Refused: the exit code, nothing on stdout, one line matching `message`, then the `--help` pointer; no stack. */
function expectOneLineError(run: Run, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toBe('Run the demo with --help for its flags.');
  expect(lines[2]).toBe('');
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe('demo CLI', () => {
  it('prints one JSON object with the golden figures for the golden flags', async () => {
    const { code, stdout, stderr } = await demo(golden);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toHaveLength(2);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['data', 'bars', 'fills', 'orders', 'finalEquity', 'totalFees', 'totalReturn', 'maxDrawdown']);
    expect(out).toMatchObject({ data: 'goog.csv', bars: 1047, fills: 31, orders: 31, finalEquity: '176251.036' });
  });

  it('prints a readable summary on the S&P 500 by default', async () => {
    const { code, stdout } = await demo([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SMA\(10\)\/SMA\(30\) crossover, target ±10, commission 0\.20%$/m);
    expect(stdout).toMatch(/sp500-2000\.csv: 5105 bars, 2000-01-03 to 2020-04-17/);
    expect(stdout).toMatch(/trades\s+\d+ fills/);
    expect(stdout).toMatch(/max drawdn\s+\d+\.\d\d%/);
  });

  it('drops the `--` that pnpm passes on before the flags', async () => {
    const plain = await demo(golden);
    const afterDashes = await demo(['--', ...golden]);
    expect(afterDashes.code).toBe(0);
    expect(afterDashes.stdout).toBe(plain.stdout);
  });

  it('lists every flag under --help, with exit code 0', async () => {
    for (const args of [['--help'], ['-h'], ['--', '--help']]) {
      const { code, stdout, stderr } = await demo(args);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^Usage: node examples\/sma-crossover\/scripts\/demo\.mjs \[options\]\nor: npx -y pnpm@10 demo /);
      for (const flag of ['--data', '--fast', '--slow', '--size', '--commission', '--cash', '--take-profit', '--stop-loss', '--json', '--help']) expect(stdout).toMatch(new RegExp(`^ +(-h, )?${flag} `, 'm'));
    }
  });

  it.each([
    ['a word that is not a number', ['--fast', 'ten'], /^demo: --fast must be a whole number >= 1, got "ten"$/],
    ['a period of 0', ['--slow', '0'], /^demo: --slow must be a whole number >= 1, got "0"$/],
    ['a fractional period', ['--fast', '1.5'], /^demo: --fast must be a whole number >= 1, got "1\.5"$/],
    ['a negative size', ['--size', '-1'], /^demo: --size must be a number >= 0, got "-1"$/],
    ['a commission that is not a number', ['--commission', '0,2'], /^demo: --commission must be a number >= 0, got "0,2"$/],
    ['negative cash', ['--cash', '-5'], /^demo: --cash must be a number >= 0, got "-5"$/],
    ['an empty value', ['--cash', ''], /^demo: --cash must be a number >= 0, got ""$/],
    ['a negative stop', ['--take-profit', '0.05', '--stop-loss', '-0.03'], /^demo: --stop-loss must be a number >= 0, got "-0\.03"$/],
    ['a take-profit without a stop-loss', ['--take-profit', '0.05'], /^demo: --take-profit and --stop-loss go together$/],
    ['a misspelled flag, with the nearest one', ['--fats', '5'], /^demo: unknown option --fats; did you mean "--fast"\?$/],
    ['an unknown one-letter flag', ['-x'], /^demo: unknown option -x$/],
    ['a word where none is taken', ['goog.csv'], /^demo: unexpected argument "goog\.csv"$/],
    ['a flag without its value', ['--data'], /^demo: --data needs a value$/],
    ['a missing data file', ['--data', join(tmpdir(), 'rxtrade-no-such-dir', 'bars.csv')], /^demo: --data \/.*rxtrade-no-such-dir\/bars\.csv: no such file$/],
    ['a directory as the data file', ['--data', tmpdir()], /: not a file$/],
  ])('refuses %s with one line naming it and exit code 2', async (_name, args, message) => {
    expectOneLineError(await demo(args), message);
  });

  it('reports its CPU time when its code starts, when the bars are read and at the first bar under RXTRADE_PROFILE_STARTUP=1', async () => {
    const plain = await demo(golden);
    const probed = await demo(golden, { RXTRADE_PROFILE_STARTUP: '1' });
    expect(probed.code).toBe(0);
    expect(probed.stdout).toBe(plain.stdout);
    const lines = probed.stderr.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['main', 'data', 'first-bar']);
    const cpu = lines.map((l) => {
      const m = /^rxtrade-startup \S+ cpu-ms=([\d.]+) user-ms=([\d.]+) system-ms=([\d.]+) wall-ms=([\d.]+) pid=(\d+)$/.exec(l);
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBeCloseTo(Number(m![2]) + Number(m![3]), 0);
      expect(Number(m![5])).toBe(process.pid);
      return Number(m![1]);
    });
    expect(cpu[1]).toBeGreaterThanOrEqual(cpu[0]!);
    expect(cpu[2]).toBeGreaterThanOrEqual(cpu[1]!);
    expect(plain.stderr).toBe('');
  });

  it('names the row of a CSV it cannot read, with exit code 2', async () => {
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10,eleven,9,10.5,100\n');
    const run = await demo(['--data', bad]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^demo: invalid input: bad\.csv row 3: .*high/i);
    expect(run.stderr.split('\n')).toHaveLength(2);
  });

  it('runs as `pnpm demo -- --json` runs it, in its own process, from the sources with tsx where they cannot be bundled', async () => {
    const { code, stdout, stderr } = await asPnpmRunsIt;
    expect(stderr).toMatch(/^demo: could not bundle the sources \(.*dist.*\); running them with tsx\n$/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ fills: 31, finalEquity: '176251.036' });
  });
});
