/**
 * `rxtrade sweep --config sweep.json [--workers N | --redis URL [--queue NAME]] [--out sweep-result.json]
 * [--report report.html] [--json]`: a parameter sweep (grid, random or genetic) in-process, on worker
 * threads or on a BullMQ queue, with a progress bar, a ranking of the best sets, the throughput, and
 * optionally the full results as JSON and an HTML report (parameter heatmap, the best runs overlaid).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseWith, ValidationError } from '@rxtrade/core';
import { deflatedSharpeOfSweep } from '../overfitting/deflated-sharpe-of-sweep';
import { formatFigure } from '../report/format';
import { writeReport } from '../report/write-report';
import { resultToJson, type RunResult } from '../result';
import { loadStrategy, runFromConfig } from '../search/evaluate-task';
import { RunConfigSchema } from '../search/run-config';
import { sweep, type RankedResult, type SweepConfig } from '../search/sweep';
import type { SweepFailure } from '../search/task-failed-error';
import type { Params } from '../search/types';
import { defineCommand, type CliArgv, type CliOptions } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';
import { makeExecutor, parseWorkerFlags, resolveSearchConfig } from './sweep-executor';
import { Progress } from './progress';
import { readConfigFile } from './read-config-file';
import { alignLines } from './summary-lines';
import { SweepFileConfigSchema } from './sweep-file-config';

const options = {
  config: { alias: 'c', type: 'string', requiresArg: true, describe: 'the sweep config (required)' },
  workers: { alias: 'w', type: 'string', requiresArg: true, describe: 'run on n worker threads (default: in this process)' },
  redis: { type: 'string', requiresArg: true, describe: 'run on a BullMQ queue: start workers with `rxtrade worker --redis <url>` on any host' },
  queue: { type: 'string', requiresArg: true, describe: 'BullMQ queue name (default rxtrade-sweep)' },
  out: { alias: 'o', type: 'string', requiresArg: true, describe: 'write every result (and the best runs in full) as JSON; `rxtrade report` reads it' },
  report: { type: 'string', requiresArg: true, describe: 'write a self-contained HTML report' },
  json: { type: 'boolean', default: false, describe: 'print one JSON object on stdout instead of the summary' },
} as const satisfies CliOptions;

/**
 * `rxtrade sweep`: search a parameter space (grid, random, genetic) in-process, on threads or on BullMQ.
 *
 * @example
 * ```ts
 * await main(['sweep', '--config', 'sweep.json', '--workers', '2'], processIo());
 * ```
 */
export const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'search a parameter space (grid, random, genetic) in-process, on threads or on BullMQ',
  usage: `Usage: $0 sweep --config <sweep.json> [--workers <n> | --redis <url> [--queue <name>]] [--out <sweep-result.json>] [--report <report.html>] [--json]

Runs a parameter sweep: every parameter set is one backtest, ranked by the objective.`,
  epilog: `A task that fails (its strategy throws, its worker crashes, it runs past the per-task timeout) is listed on stderr and in the JSON with its parameters; the others are ranked, and the exit code is 1.`,
  options,
  run: sweepFromFile,
});

async function sweepFromFile(values: CliArgv<typeof options>, io: CliIo): Promise<number> {
  if (!values.config) throw new UsageError('--config <sweep.json> is required');
  const workers = parseWorkerFlags(values);
  const { value: config, raw, dir } = readConfigFile(values.config, SweepFileConfigSchema);
  const { run, strategy: strategyRef, objective, where } = await resolveSearchConfig(config, raw, dir);
  const definition = await loadStrategy(strategyRef);

  const executor = await makeExecutor(workers, values.redis, values.queue);
  let progress: Progress | undefined;
  const started = io.clock.now();
  let result;
  try {
    result = await sweep({
      strategy: strategyRef,
      space: config.space,
      run: run as SweepConfig['run'],
      objective,
      method: config.method,
      seed: config.seed,
      ...(config.samples !== undefined ? { samples: config.samples } : {}),
      ...(config.genetic ? { genetic: config.genetic } : {}),
      ...(where ? { where } : {}),
      ...(executor.executor ? { executor: executor.executor } : {}),
      onResult: (_r, p) => {
        progress ??= new Progress({ label: 'sweep', total: p.total, sink: io.stderr });
        progress.tick();
      },
      onFailure: (_f, p) => {
        progress ??= new Progress({ label: 'sweep', total: p.total, sink: io.stderr });
        progress.tick();
      },
    });
  } finally {
    progress?.done();
    await executor.executor?.close();
  }
  const seconds = (io.clock.now() - started) / 1000;
  const throughput = seconds > 0 ? result.results.length / seconds : NaN;

  // The best few re-run here in full, for the report's overlay and the result file.
  const top: Array<{ name: string; result: RunResult }> = [];
  if ((values.report || values.out) && config.top > 0) {
    const parsedRun = parseWith(RunConfigSchema, run, 'run');
    for (const r of result.ranked.slice(0, config.top)) top.push({ name: `#${r.rank} ${paramsText(r.params, varying(result.results.map((x) => x.params)))}`, result: await runFromConfig(definition.pipeline(r.params), parsedRun) });
  }
  const title = config.title ?? `${definition.name}: ${config.method} sweep`;
  const files: Record<string, string> = {};
  if (values.out) {
    const path = resolve(values.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      `${JSON.stringify({
        command: 'sweep',
        title,
        strategy: definition.name,
        method: result.method,
        seed: result.seed,
        objective: result.objective,
        results: result.results,
        ranked: result.ranked,
        failures: result.failures,
        runs: top.map((t) => ({ name: t.name, result: resultToJson(t.result) })),
      })}\n`,
    );
    files.result = path;
  }
  if (values.report) {
    const path = resolve(values.report);
    writeReport(path, { sweep: { results: result.results, objective: result.objective, ranked: result.ranked }, runs: top }, { title, generatedAt: io.clock.now() });
    files.report = path;
  }
  if (values.json) {
    println(
      io.stdout,
      JSON.stringify({
        command: 'sweep',
        strategy: definition.name,
        method: result.method,
        seed: result.seed,
        objective: result.objective,
        executor: executor.label,
        tasks: result.results.length,
        seconds,
        backtestsPerSecond: throughput,
        best: result.best ?? null,
        ranked: result.ranked,
        failures: result.failures,
        files,
      }),
    );
    printFailures(io, result.failures);
    return result.failures.length > 0 ? 1 : 0;
  }
  const keys = varying(result.results.map((r) => r.params));
  let dsr: string | undefined;
  if (result.results.some((r) => Number.isFinite(r.metrics.sharpePerPeriod))) {
    const d = deflatedSharpeOfSweep(result.results);
    dsr = `${formatFigure(d.deflatedSharpe, 'ratio')} for the best Sharpe ratio over ${formatFigure(result.results.length, 'integer')} trials${d.deflatedSharpe < 0.95 ? ' (below 0.95: may be luck)' : ''}`;
  }
  println(io.stdout, `${definition.name}: ${result.method} sweep of ${formatFigure(result.results.length, 'integer')} parameter sets, ${executor.label}`);
  println(io.stdout, alignLines([
    ['objective', `${result.objective.name} (${result.objective.goal === 'max' ? 'higher' : 'lower'} is better)`],
    ['time', `${seconds.toFixed(2)} s, ${throughput.toFixed(1)} backtests/s`],
    ['failed', result.failures.length > 0 ? `${formatFigure(result.failures.length, 'integer')} tasks (listed on stderr)` : undefined],
    ['best', result.best ? `${paramsText(result.best.params, keys)}  ${result.objective.name} ${formatFigure(result.best.score, 'number')}` : 'none'],
    ['deflated SR', dsr],
    ['result', files.result],
    ['report', files.report],
  ]));
  println(io.stdout);
  println(io.stdout, rankingTable(result.ranked.slice(0, 10), keys, result.objective.name));
  printFailures(io, result.failures);
  return result.failures.length > 0 ? 1 : 0;
}

/** Failed tasks go to stderr, one line each with the parameters; the exit code is then 1. */
function printFailures(io: CliIo, failures: readonly SweepFailure[]): void {
  if (failures.length === 0) return;
  println(io.stderr, `${failures.length} task${failures.length === 1 ? '' : 's'} failed (their results are missing from the ranking):`);
  for (const f of failures) println(io.stderr, `  task ${f.id} ${JSON.stringify(f.params)} (${f.reason}): ${f.error}`);
}

/** Workers on other threads and hosts import the module by this specifier: make `./` paths absolute. */
/** The parameters whose value differs between sets (the others are not worth printing on every line). */
function varying(sets: readonly Params[]): string[] {
  const names = [...new Set(sets.flatMap((p) => Object.keys(p)))];
  return names.filter((n) => new Set(sets.map((p) => JSON.stringify(p[n]))).size > 1);
}

function paramsText(params: Params, keys: readonly string[]): string {
  const shown = keys.length > 0 ? keys : Object.keys(params);
  return shown.map((k) => `${k}=${typeof params[k] === 'string' ? params[k] : JSON.stringify(params[k])}`).join(' ');
}

function rankingTable(ranked: readonly RankedResult[], keys: readonly string[], objective: string): string {
  const cols = ['rank', ...keys, objective, 'totalReturn', 'maxDrawdown', 'trades'];
  const rows = ranked.map((r) => [
    String(r.rank),
    ...keys.map((k) => (typeof r.params[k] === 'string' ? String(r.params[k]) : JSON.stringify(r.params[k]))),
    formatFigure(r.score, 'number'),
    formatFigure(r.metrics.totalReturn, 'percent'),
    formatFigure(r.metrics.maxDrawdown, 'percent'),
    formatFigure(r.metrics.trades, 'integer'),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cols), ...rows.map(line)].join('\n');
}
