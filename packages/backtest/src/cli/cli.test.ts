/** The `rxtrade` command line, run as a user runs it: node on src/cli.ts with tsx and the source condition. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveClock } from '@rxtrade/core';
import { main } from './main';
import { sweep } from '../search/sweep';
import { walkForward } from '../walk-forward/walk-forward';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const fixture = fileURLToPath(new URL('./__fixtures__/run.json', import.meta.url));
const sweepFixture = fileURLToPath(new URL('./__fixtures__/sweep.json', import.meta.url));
const wfFixture = fileURLToPath(new URL('./__fixtures__/walk-forward.json', import.meta.url));
const searchFixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));

/** A fixture config with its relative paths made absolute, for calling the library directly. */
function absolute(path: string): { strategy: { module: string }; run: Record<string, unknown>; [k: string]: unknown } {
  const c = JSON.parse(readFileSync(path, 'utf8'));
  c.strategy.module = join(searchFixtures, 'sma-strategy.ts');
  c.run.baseDir = searchFixtures;
  c.run.data = c.run.data.map((d: { path: string; instrument: string }) => ({ ...d, path: 'goog.csv' }));
  delete c.title;
  delete c.top;
  return c;
}
const work = mkdtempSync(join(tmpdir(), 'rxtrade-cli-'));

function rxtrade(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', cli, ...args], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The same CLI called in this process (no process start-up): for the slower sweep and walk-forward cases. */
async function rxtradeInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    clock: new LiveClock(),
  });
  return { code, stdout, stderr };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

// Independent runs: started together to keep the suite short.
describe.concurrent('rxtrade backtest', () => {
  it('prints one JSON object with the golden figures under --json', async () => {
    const { code, stdout, stderr } = await rxtrade(['backtest', '--config', fixture, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out.command).toBe('backtest');
    expect(out.summary.fills).toBe(31);
    expect(out.summary.finalEquity).toBe('176251.036');
    expect(out.metrics.periodsPerYear).toBe(252);
    expect(typeof out.metrics.sharpeRatio).toBe('number');
  });

  it('prints a readable summary and writes the result and the report', async () => {
    const result = join(work, 'golden.json');
    const report = join(work, 'out', 'golden.html');
    const { code, stdout } = await rxtrade(['backtest', '--config', fixture, '--out', result, '--report', report]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^sma-crossover-fixture {2}instrument=GOOG\.NASDAQ fast=10 slow=30 size=100$/m);
    expect(stdout).toMatch(/^fills +31 from 31 orders, 30 round trips$/m);
    expect(stdout).toMatch(/^equity +100,000\.00 -> 176,251\.04 \(\+76\.25%\)$/m);
    expect(stdout).toMatch(/^max drawdown +\d+\.\d\d%/m);
    expect(JSON.parse(readFileSync(result, 'utf8')).summary.finalEquity).toBe('176251.036');
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<title>Golden SMA crossover</title>');
  });

  it('fails with exit code 2 and a message naming the file and the bad field', async () => {
    const config = JSON.parse(readFileSync(fixture, 'utf8'));
    config.run.ledger.startingCash = '-5';
    config.strategy.module = join(root, 'packages/backtest/src/search/__fixtures__/sma-strategy.ts');
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify(config));
    const { code, stdout, stderr } = await rxtrade(['backtest', '--config', bad]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^rxtrade backtest: invalid input: bad\.json: run\.ledger\.startingCash: must be a number >= 0/);
  });

  it('names an unknown field and a missing flag', async () => {
    const bad = join(work, 'typo.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(fixture, 'utf8')), parms: {} }));
    const [typo, missing] = await Promise.all([rxtrade(['backtest', '--config', bad]), rxtrade(['backtest'])]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/typo\.json: .*parms/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--config <run\.json> is required/);
  });
});

describe('rxtrade report', () => {
  it('renders a report from a result file written by backtest --out', async () => {
    // golden.json was written by the summary test above.
    const result = join(work, 'golden.json');
    const out = join(work, 'from-file.html');
    const { code, stdout } = await rxtrade(['report', result, '--out', out, '--title', 'From a file', '--json']);
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info).toMatchObject({ command: 'report', kind: 'backtest', report: out });
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>From a file</title>');
    expect(html).toContain('176,251.04');
  });

  it('compares several runs from a { runs } file', async () => {
    const golden = JSON.parse(readFileSync(join(work, 'golden.json'), 'utf8'));
    const file = join(work, 'runs.json');
    writeFileSync(file, JSON.stringify({ runs: [{ name: 'first <run>', result: golden }, { name: 'second', result: golden }] }));
    const { code, stdout } = await rxtradeInProcess(['report', file, '--json']);
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.kind).toBe('2 runs');
    const html = readFileSync(info.report, 'utf8');
    expect(html).toContain('<th>first &lt;run&gt;</th><th>second</th>');
  });

  it('fails naming the field of a damaged result file', async () => {
    const result = join(work, 'damaged.json');
    writeFileSync(result, JSON.stringify({ version: 1 }));
    const { code, stderr } = await rxtradeInProcess(['report', result]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/damaged\.json: result\.summary/);
  });
});

describe('rxtrade sweep', () => {
  it('ranks the grid exactly as sweep() does and writes a file that report reads', async () => {
    const out = join(work, 'sweep-result.json');
    const { code, stdout, stderr } = await rxtradeInProcess(['sweep', '--config', sweepFixture, '--out', out, '--json']);
    expect(code).toBe(0);
    // Not a terminal: a plain count, one line per tenth of the work at most.
    expect(stderr.trim().split('\n').at(-1)).toBe('sweep: 4/4');
    const cli = JSON.parse(stdout);
    expect(cli).toMatchObject({ command: 'sweep', method: 'grid', tasks: 4, executor: 'in-process' });
    const direct = await sweep(absolute(sweepFixture) as never);
    expect(cli.ranked.map((r: { params: unknown; score: number }) => [r.params, r.score])).toEqual(direct.ranked.map((r) => [r.params, r.score]));
    expect(cli.backtestsPerSecond).toBeGreaterThan(0);
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file.runs).toHaveLength(2);
    const html = join(work, 'sweep.html');
    const report = await rxtradeInProcess(['report', out, '--out', html, '--json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).kind).toBe('sweep');
    expect(readFileSync(html, 'utf8')).toContain('id="chart-parameters"');
  });

  it('gives the same ranking on two worker threads', async () => {
    // sweep-result.json was written by the in-process run above.
    const inProcess = JSON.parse(readFileSync(join(work, 'sweep-result.json'), 'utf8'));
    const threads = await rxtradeInProcess(['sweep', '--config', sweepFixture, '--workers', '2', '--json']);
    expect(threads.code).toBe(0);
    const onThreads = JSON.parse(threads.stdout);
    expect(onThreads.executor).toBe('2 worker threads');
    expect(onThreads.ranked).toEqual(inProcess.ranked);
  });

  it('runs only the sets a where constraint of the config allows', async () => {
    const c = JSON.parse(readFileSync(sweepFixture, 'utf8'));
    c.strategy.module = join(searchFixtures, 'sma-strategy.ts');
    c.run.data[0].path = join(searchFixtures, 'goog.csv');
    c.where = { function: 'notTen', module: fileURLToPath(new URL('./__fixtures__/constraint.ts', import.meta.url)) };
    const path = join(work, 'where.json');
    writeFileSync(path, JSON.stringify(c));
    const { code, stdout } = await rxtradeInProcess(['sweep', '--config', path, '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.tasks).toBe(2);
    expect(out.ranked.every((r: { params: { fast: number } }) => r.params.fast === 5)).toBe(true);
  });

  it('names the bad field of a sweep config', async () => {
    const bad = join(work, 'bad-sweep.json');
    const c = JSON.parse(readFileSync(sweepFixture, 'utf8'));
    c.strategy.module = join(searchFixtures, 'sma-strategy.ts');
    c.space.fast = { min: 10, max: 5 };
    writeFileSync(bad, JSON.stringify(c));
    const { code, stderr } = await rxtradeInProcess(['sweep', '--config', bad]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad-sweep\.json: space\.fast\.max: max must be >= min/);
  });
});

describe('rxtrade walk-forward', () => {
  it('reports the same folds as walkForward(), prints them as a table and writes the report', async () => {
    const out = join(work, 'wf.json');
    const report = join(work, 'wf.html');
    const text = await rxtradeInProcess(['walk-forward', '--config', wfFixture, '--out', out, '--report', report]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^anchored walk-forward, \d+ folds, objective sharpeRatio/m);
    expect(text.stdout).toMatch(/^stitched OOS +return -?\d+\.\d\d%/m);
    const cli = JSON.parse(readFileSync(out, 'utf8'));
    const direct = await walkForward(absolute(wfFixture) as never);
    expect(cli.folds.length).toBeGreaterThan(1);
    expect(cli.folds.map((f: { params: unknown; inSampleScore: number; outOfSampleScore: number }) => [f.params, f.inSampleScore, f.outOfSampleScore])).toEqual(
      direct.folds.map((f) => [f.params, f.inSampleScore, f.outOfSampleScore]),
    );
    expect(readFileSync(report, 'utf8')).toContain('id="chart-folds"');
  });
});

describe('rxtrade worker and usage', () => {
  it('asks for a Redis URL before connecting anywhere', async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    const { code, stderr } = await rxtradeInProcess(['worker', '--queue', 'q']).finally(() => {
      if (saved !== undefined) process.env.REDIS_URL = saved;
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rxtrade worker: --redis <url> is required \(or set REDIS_URL\)/);
  });

  it('lists every command and refuses an unknown one', async () => {
    const help = await rxtradeInProcess(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['backtest', 'sweep', 'walk-forward', 'report', 'worker']) expect(help.stdout).toMatch(new RegExp(`^  rxtrade ${name} `, 'm'));
    const unknown = await rxtradeInProcess(['bactest']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "bactest"/);
  });
});
