/**
 * The `rxtrade` command line. Commands run in this process through `main(args, io)` with captured
 * streams (a process start costs seconds of transpiling); one test starts the entry that the `rxtrade`
 * bin runs, src/cli.ts, to check what only a process shows: its exit code and its stderr.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sweep } from '../search/sweep';
import { walkForward } from '../walk-forward/walk-forward';
import { runCli, type CliRun } from './__fixtures__/run-cli';

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

type Run = CliRun;

/** The CLI as a user runs it: node on src/cli.ts with tsx and the source condition. */
function rxtradeProcess(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', cli, ...args], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The same CLI called in this process, its streams captured. */
const rxtrade = (args: string[], options: { env?: Record<string, string>; tty?: boolean } = {}): Promise<Run> => runCli(args, options);

/**
 * A refused command line: the exit code, nothing on stdout, and on stderr one line that matches
 * `message`, then at most the line that points at `--help`; never a stack trace.
 */
function expectOneLineError(run: Run, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  const lines = run.stderr.slice(0, -1).split('\n');
  expect(lines[0]).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^Run `rxtrade( [a-z-]+)? --help` for (its options|the commands)\.$/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

/**
 * Started before the other tests and awaited by their own: they mostly wait, on worker threads and on
 * another process, so the in-process tests run meanwhile.
 */
let onThreads: Promise<Run>;
let processRun: Promise<Run>;
beforeAll(() => {
  onThreads = rxtrade(['sweep', '--config', sweepFixture, '--workers', '2', '--json']);
  processRun = rxtradeProcess(['backtest', '--confg', 'run.json']);
});
afterAll(async () => {
  await Promise.all([onThreads, processRun]);
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('rxtrade backtest', () => {
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
    const { code, stdout } = await rxtrade(['backtest', '-c', fixture, '--out', result, '--report', report]);
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
    const run = await rxtrade(['backtest', '--config', bad]);
    expectOneLineError(run, 2, /^rxtrade backtest: invalid input: bad\.json: run\.ledger\.startingCash: must be a number >= 0/);
  });

  it('names an unknown field and a missing flag', async () => {
    const bad = join(work, 'typo.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(fixture, 'utf8')), parms: {} }));
    expectOneLineError(await rxtrade(['backtest', '--config', bad]), 2, /typo\.json: .*parms/);
    expectOneLineError(await rxtrade(['backtest']), 2, /^rxtrade backtest: --config <run\.json> is required$/);
  });

  it('fails a run whose strategy throws with exit code 1 and one line; RXTRADE_DEBUG=1 adds the stack', async () => {
    const config = JSON.parse(readFileSync(fixture, 'utf8'));
    config.strategy.module = join(searchFixtures, 'failing-strategy.ts');
    config.params.failOn = 10;
    config.run.data[0].path = join(searchFixtures, 'goog.csv');
    const path = join(work, 'failing.json');
    writeFileSync(path, JSON.stringify(config));
    const run = await rxtrade(['backtest', '--config', path]);
    expectOneLineError(run, 1, /^rxtrade backtest: .*deliberate failure for fast=10/);
    expect(run.stderr.split('\n')).toHaveLength(2);
    const debug = await rxtrade(['backtest', '--config', path], { env: { RXTRADE_DEBUG: '1' } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/deliberate failure for fast=10/);
    expect(debug.stderr).toMatch(/^\s+at /m);
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
    const { code, stdout } = await rxtrade(['report', file, '--json']);
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.kind).toBe('2 runs');
    const html = readFileSync(info.report, 'utf8');
    expect(html).toContain('<th>first &lt;run&gt;</th><th>second</th>');
  });

  it('fails naming the field of a damaged result file, and a file that is not JSON', async () => {
    const result = join(work, 'damaged.json');
    writeFileSync(result, JSON.stringify({ version: 1 }));
    expectOneLineError(await rxtrade(['report', result]), 2, /^rxtrade report: invalid input: damaged\.json: result\.summary/);
    const text = join(work, 'text.json');
    writeFileSync(text, 'fills,31\n');
    expectOneLineError(await rxtrade(['report', text]), 2, /^rxtrade report: invalid input: text\.json: not a JSON result: /);
  });
});

describe('rxtrade sweep', () => {
  it('ranks the grid exactly as sweep() does and writes a file that report reads', async () => {
    const out = join(work, 'sweep-result.json');
    const { code, stdout, stderr } = await rxtrade(['sweep', '--config', sweepFixture, '--out', out, '--json']);
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
    const report = await rxtrade(['report', out, '--out', html, '--json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).kind).toBe('sweep');
    expect(readFileSync(html, 'utf8')).toContain('id="chart-parameters"');
  });

  it('draws its progress bar on a terminal stderr and keeps --json stdout one JSON object', async () => {
    const { code, stdout, stderr } = await rxtrade(['sweep', '--config', sweepFixture, '--json'], { tty: true });
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([expect.any(String), '']);
    expect(JSON.parse(stdout).tasks).toBe(4);
    expect(stripVTControlCharacters(stderr)).toMatch(/sweep █+ 4\/4 100% /);
    expect(stderr.endsWith('\n')).toBe(true);
  });

  it('gives the same ranking on two worker threads', async () => {
    // sweep-result.json was written by the in-process run above.
    const inProcess = JSON.parse(readFileSync(join(work, 'sweep-result.json'), 'utf8'));
    const threads = await onThreads;
    expect(threads.code).toBe(0);
    const out = JSON.parse(threads.stdout);
    expect(out.executor).toBe('2 worker threads');
    expect(out.ranked).toEqual(inProcess.ranked);
  });

  it('runs only the sets a where constraint of the config allows', async () => {
    const c = JSON.parse(readFileSync(sweepFixture, 'utf8'));
    c.strategy.module = join(searchFixtures, 'sma-strategy.ts');
    c.run.data[0].path = join(searchFixtures, 'goog.csv');
    c.where = { function: 'notTen', module: fileURLToPath(new URL('./__fixtures__/constraint.ts', import.meta.url)) };
    const path = join(work, 'where.json');
    writeFileSync(path, JSON.stringify(c));
    const { code, stdout } = await rxtrade(['sweep', '--config', path, '--json']);
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
    expectOneLineError(await rxtrade(['sweep', '--config', bad]), 2, /bad-sweep\.json: space\.fast\.max: max must be >= min/);
  });
});

describe('rxtrade walk-forward', () => {
  it('reports the same folds as walkForward(), prints them as a table and writes the report', async () => {
    const out = join(work, 'wf.json');
    const report = join(work, 'wf.html');
    const text = await rxtrade(['walk-forward', '--config', wfFixture, '--out', out, '--report', report]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^anchored walk-forward, \d+ folds, objective sharpeRatio/m);
    expect(text.stdout).toMatch(/^stitched OOS +return -?\d+\.\d\d%/m);
    expect(text.stderr.trim().split('\n').at(-1)).toMatch(/^walk-forward folds: (\d+)\/\1$/);
    const cli = JSON.parse(readFileSync(out, 'utf8'));
    const direct = await walkForward(absolute(wfFixture) as never);
    expect(cli.folds.length).toBeGreaterThan(1);
    expect(cli.folds.map((f: { params: unknown; inSampleScore: number; outOfSampleScore: number }) => [f.params, f.inSampleScore, f.outOfSampleScore])).toEqual(
      direct.folds.map((f) => [f.params, f.inSampleScore, f.outOfSampleScore]),
    );
    expect(readFileSync(report, 'utf8')).toContain('id="chart-folds"');
    // rxtrade report reads the analysis back and draws the same walk-forward report.
    const again = join(work, 'wf-again.html');
    const fromFile = await rxtrade(['report', out, '--out', again, '--json']);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ command: 'report', kind: 'walk-forward', report: again });
    const html = readFileSync(again, 'utf8');
    expect(html).toContain('id="chart-folds"');
    expect(html).toContain(cli.title);
  });
});

describe('rxtrade worker', () => {
  it('asks for a Redis URL before connecting anywhere', async () => {
    expectOneLineError(await rxtrade(['worker', '--queue', 'q']), 2, /^rxtrade worker: --redis <url> is required \(or set REDIS_URL\)$/);
  });
});

describe('a bad command line is one line naming what is wrong, and exit code 2', () => {
  const missing = join(tmpdir(), 'rxtrade-no-such-dir', 'run.json');
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown command, with the nearest one', ['bactest'], /^rxtrade: unknown command "bactest"; did you mean "backtest"\?$/],
    ['no command', [], /^rxtrade: missing command: one of backtest, sweep, walk-forward, report, replay, worker, completion$/],
    ['a misspelled flag, with the nearest one', ['backtest', '--confg', fixture], /^rxtrade backtest: unknown option --confg; did you mean "--config"\?$/],
    ['a flag of another command', ['report', 'r.json', '--workers', '2'], /^rxtrade report: unknown option --workers$/],
    ['an unknown one-letter flag', ['sweep', '-x', '--config', sweepFixture], /^rxtrade sweep: unknown option -x$/],
    ['an unknown flag of walk-forward', ['walk-forward', '--folds', '3'], /^rxtrade walk-forward: unknown option --folds/],
    ['a misspelled flag of worker', ['worker', '--redis', 'redis://h', '--concurency', '2'], /^rxtrade worker: unknown option --concurency; did you mean "--concurrency"\?$/],
    ['a word where none is taken', ['backtest', '--config', fixture, 'extra'], /^rxtrade backtest: unexpected argument "extra"$/],
    ['a second result file', ['report', 'a.json', 'b.json'], /^rxtrade report: unexpected argument "b\.json"$/],
    ['a flag without its value', ['backtest', '--config'], /^rxtrade backtest: --config needs a value$/],
    ['a short flag without its value', ['report', 'r.json', '-o'], /^rxtrade report: -o needs a value$/],
    ['no result file', ['report'], /^rxtrade report: expected one result file/],
    ['no sweep config', ['sweep', '--workers', '2'], /^rxtrade sweep: --config <sweep\.json> is required$/],
    ['no walk-forward config', ['walk-forward'], /^rxtrade walk-forward: --config <wf\.json> is required$/],
    ['workers that are not a number', ['sweep', '--config', sweepFixture, '--workers', 'two'], /^rxtrade sweep: --workers must be a whole number >= 1, got "two"$/],
    ['negative workers', ['walk-forward', '--config', wfFixture, '-w', '-3'], /^rxtrade walk-forward: --workers must be a whole number >= 1, got "-3"$/],
    ['fractional workers', ['sweep', '--config', sweepFixture, '--workers', '1.5'], /^rxtrade sweep: --workers must be a whole number >= 1, got "1\.5"$/],
    ['both workers and Redis', ['sweep', '--config', sweepFixture, '--workers', '2', '--redis', 'redis://h'], /^rxtrade sweep: give --workers or --redis, not both$/],
    ['a concurrency of 0', ['worker', '--redis', 'redis://h', '--concurrency', '0'], /^rxtrade worker: --concurrency must be a whole number >= 1, got "0"$/],
    ['a negative task timeout', ['worker', '--redis', 'redis://h', '--task-timeout', '-5'], /^rxtrade worker: --task-timeout must be a number of milliseconds >= 0, got "-5"$/],
    ['a task timeout that is not a number', ['worker', '--redis', 'redis://h', '--task-timeout', '10s'], /^rxtrade worker: --task-timeout must be a number of milliseconds >= 0, got "10s"$/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const run = await rxtrade(args);
    expectOneLineError(run, 2, message);
    expect(run.stderr.split('\n')).toHaveLength(3);
  });

  it.each([
    ['backtest', ['backtest', '--config', missing]],
    ['sweep', ['sweep', '--config', missing]],
    ['walk-forward', ['walk-forward', '--config', missing]],
    ['report', ['report', missing]],
  ])('%s names a missing file', async (command, args) => {
    const run = await rxtrade(args);
    expectOneLineError(run, 2, new RegExp(`^rxtrade ${command}: invalid input: run\\.json: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file \\(ENOENT\\)$`));
    expect(run.stderr.split('\n')).toHaveLength(2);
  });
});

describe('help and completion', () => {
  it('lists every command under --help, -h and help, on stdout with exit code 0', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['--', '--help']]) {
      const help = await rxtrade(args);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout).toMatch(/^Usage: rxtrade <command> \[options\]$/m);
      for (const name of ['backtest', 'sweep', 'walk-forward', 'report', 'replay', 'worker', 'completion']) expect(help.stdout).toMatch(new RegExp(`^  rxtrade ${name} `, 'm'));
    }
  });

  it.each([
    ['backtest', ['--config', '--out', '--report', '--title', '--json']],
    ['sweep', ['--config', '--workers', '--redis', '--queue', '--out', '--report', '--json']],
    ['walk-forward', ['--config', '--workers', '--redis', '--queue', '--out', '--report', '--json']],
    ['report', ['--out', '--title', '--json']],
    ['worker', ['--redis', '--queue', '--concurrency', '--prefix', '--task-timeout', '--log-jobs']],
  ])('%s --help prints its usage and every flag', async (command, flags) => {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const help = await rxtrade(args);
      expect(help.code).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout.startsWith(`Usage: rxtrade ${command} `)).toBe(true);
      for (const flag of [...flags, '--help']) expect(help.stdout).toMatch(new RegExp(`^ +(-\\w, )?${flag} `, 'm'));
    }
  });

  it('prints a bash completion script that asks rxtrade for candidates, a zsh one from zsh and a fish one from fish', async () => {
    vi.stubEnv('SHELL', '/bin/bash');
    const bash = await rxtrade(['completion']);
    expect(bash.code).toBe(0);
    expect(bash.stderr).toBe('');
    expect(bash.stdout).toContain('rxtrade --get-yargs-completions');
    expect(bash.stdout).toMatch(/^complete -o bashdefault -o default -F _rxtrade_yargs_completions rxtrade$/m);
    vi.stubEnv('SHELL', '/usr/bin/zsh');
    const zsh = await rxtrade(['completion']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef rxtrade$/m);
    expect(zsh.stdout).toContain('compdef _rxtrade_yargs_completions rxtrade');
    vi.stubEnv('SHELL', '/usr/bin/fish');
    const fish = await rxtrade(['completion']);
    expect(fish.stdout).toContain("complete -f -c rxtrade -a '(rxtrade --get-yargs-completions (commandline -o)[2..-1])'");
  });

  it('completes command names and the flags of a command', async () => {
    const commands = await rxtrade(['--get-yargs-completions', 'rxtrade', '']);
    expect(commands.code).toBe(0);
    expect(commands.stdout.trim().split('\n').sort()).toEqual(['backtest', 'completion', 'data', 'replay', 'report', 'sweep', 'walk-forward', 'worker']);
    const flags = await rxtrade(['--get-yargs-completions', 'rxtrade', 'sweep', '--']);
    expect(flags.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['--config', '--workers', '--redis', '--queue', '--out', '--report', '--json']));
    expect(flags.stdout).not.toContain('--title');
    // One-letter aliases are typed as -w, never offered as --w.
    expect(flags.stdout.trim().split('\n').filter((c) => /^--[^-]$/.test(c))).toEqual([]);
  });
});

describe('the rxtrade process', () => {
  it('exits with 2 and one line on an unknown flag', async () => {
    // Exit codes 0 and 1 take the same path (main's result becomes process.exitCode); they are
    // checked in-process above.
    expectOneLineError(await processRun, 2, /^rxtrade backtest: unknown option --confg; did you mean "--config"\?$/);
  });
});
