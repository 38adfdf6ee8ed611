/**
 * `rxtrade walk-forward --config wf.json [--workers N | --redis URL [--queue NAME]] [--out wf-result.json]
 * [--report report.html] [--json]`: optimizes in-sample and tests out-of-sample fold by fold (rolling or
 * anchored), with a progress bar over folds, a table of in-sample against out-of-sample scores, the
 * degradation, and the stitched out-of-sample metrics.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatFigure, formatTime } from '../report/format';
import { writeReport } from '../report/write-report';
import { walkForward, type WalkForwardConfig, type WalkForwardResult } from '../walk-forward/walk-forward';
import { defineCommand, type CliArgv, type CliOptions } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';
import { Progress } from './progress';
import { readConfigFile } from './read-config-file';
import { makeExecutor, parseWorkerFlags, resolveSearchConfig } from './sweep-executor';
import { alignLines } from './summary-lines';
import { WalkForwardFileConfigSchema } from './walk-forward-file-config';

const options = {
  config: { alias: 'c', type: 'string', requiresArg: true, describe: 'the walk-forward config (required)' },
  workers: { alias: 'w', type: 'string', requiresArg: true, describe: 'run the in-sample sweeps on n worker threads (default: in this process)' },
  redis: { type: 'string', requiresArg: true, describe: 'run them on a BullMQ queue (start workers with `rxtrade worker`)' },
  queue: { type: 'string', requiresArg: true, describe: 'BullMQ queue name (default rxtrade-sweep)' },
  out: { alias: 'o', type: 'string', requiresArg: true, describe: 'write the analysis as JSON' },
  report: { type: 'string', requiresArg: true, describe: 'write a self-contained HTML report' },
  json: { type: 'boolean', default: false, describe: 'print one JSON object on stdout instead of the summary' },
} as const satisfies CliOptions;

/**
 * `rxtrade walk-forward`: optimize in-sample, test out-of-sample, fold by fold (rolling or anchored).
 *
 * @example
 * ```ts
 * await main(['walk-forward', '--config', 'walk-forward.json', '--report', 'wf.html'], processIo());
 * ```
 */
export const walkForwardCommand = defineCommand({
  name: 'walk-forward',
  summary: 'optimize in-sample, test out-of-sample, fold by fold (rolling or anchored)',
  usage: `Usage: $0 walk-forward --config <wf.json> [--workers <n> | --redis <url> [--queue <name>]] [--out <wf-result.json>] [--report <report.html>] [--json]

Walk-forward analysis: for each fold, optimize in-sample, then run the best parameters on the next out-of-sample window; reports in-sample against out-of-sample scores and the stitched out-of-sample run.`,
  epilog: `A fold that fails (every in-sample candidate failed, or the out-of-sample run threw) is listed on stderr and in the JSON with its windows and parameters; the others are reported, and the exit code is 1.`,
  options,
  run: walkForwardFromFile,
});

async function walkForwardFromFile(values: CliArgv<typeof options>, io: CliIo): Promise<number> {
  if (!values.config) throw new UsageError('--config <wf.json> is required');
  const workers = parseWorkerFlags(values);
  const { value: config, raw, dir } = readConfigFile(values.config, WalkForwardFileConfigSchema);
  const { run, strategy, objective, where } = await resolveSearchConfig(config, raw, dir);
  const executor = await makeExecutor(workers, values.redis, values.queue);
  let progress: Progress | undefined;
  const started = io.clock.now();
  let result: WalkForwardResult;
  try {
    result = await walkForward({
      strategy,
      space: config.space,
      objective,
      mode: config.mode,
      inSample: config.inSample,
      outOfSample: config.outOfSample,
      warmupBars: config.warmupBars,
      run: run as WalkForwardConfig['run'],
      search: {
        method: config.search.method,
        seed: config.search.seed,
        ...(config.search.samples !== undefined ? { samples: config.search.samples } : {}),
        ...(config.search.genetic ? { genetic: config.search.genetic } : {}),
        ...(where ? { where } : {}),
      },
      ...(executor.executor ? { executor: executor.executor } : {}),
      onFold: (_f, p) => {
        progress ??= new Progress({ label: 'walk-forward folds', total: p.total, sink: io.stderr });
        progress.tick();
      },
      onFailure: (_f, p) => {
        progress ??= new Progress({ label: 'walk-forward folds', total: p.total, sink: io.stderr });
        progress.tick();
      },
    });
  } finally {
    progress?.done();
    await executor.executor?.close();
  }
  const seconds = (io.clock.now() - started) / 1000;
  const title = config.title ?? `Walk-forward analysis (${result.mode})`;
  const json = walkForwardJson(result);
  const files: Record<string, string> = {};
  if (values.out) {
    const path = resolve(values.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify({ command: 'walk-forward', title, ...json })}\n`);
    files.result = path;
  }
  if (values.report) {
    const path = resolve(values.report);
    writeReport(path, { walkForward: result }, { title, generatedAt: io.clock.now() });
    files.report = path;
  }
  if (values.json) {
    println(io.stdout, JSON.stringify({ command: 'walk-forward', executor: executor.label, seconds, ...json, equityCurve: undefined, trades: undefined, files }));
    printFoldFailures(io, result.failures);
    return result.failures.length > 0 ? 1 : 0;
  }
  const name = result.objective.name;
  const num = (v: number): string => formatFigure(v, 'number');
  println(io.stdout, `${result.mode} walk-forward, ${result.folds.length} folds, objective ${name} (${result.objective.goal === 'max' ? 'higher' : 'lower'} is better), ${executor.label}`);
  const keys = varyingKeys(result.folds.map((f) => f.params));
  const day = (ts: number): string => formatTime(ts).slice(0, 10);
  const head = ['fold', 'out-of-sample window', 'chosen parameters', `IS ${name}`, `OOS ${name}`, 'OOS/IS'];
  const rows = result.folds.map((f) => [
    String(f.index + 1),
    `${day(f.outOfSample.start)} to ${day(f.outOfSample.end)}`,
    Object.entries(f.params)
      .filter(([k]) => keys.includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' '),
    num(f.inSampleScore),
    num(f.outOfSampleScore),
    num(f.degradation),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  println(io.stdout, [line(head), ...rows.map(line)].join('\n'));
  println(io.stdout);
  const m = result.metrics;
  println(
    io.stdout,
    alignLines([
      ['mean IS, OOS', `${num(result.meanInSampleScore)}, ${num(result.meanOutOfSampleScore)} (OOS/IS ${num(result.degradation)})`],
      ['stitched OOS', `return ${formatFigure(m.totalReturn, 'percent')}, annualized ${formatFigure(m.annualizedReturn, 'percent')}, Sharpe ${formatFigure(m.sharpeRatio, 'ratio')}, max drawdown ${formatFigure(m.maxDrawdown, 'percent')}`],
      ['trades', `${result.trades.length} round trips out-of-sample`],
      ['time', `${seconds.toFixed(2)} s`],
      ['result', files.result],
      ['report', files.report],
    ]),
  );
  printFoldFailures(io, result.failures);
  return result.failures.length > 0 ? 1 : 0;
}

/** Failed folds go to stderr with their windows and parameters; the exit code is then 1. */
function printFoldFailures(io: CliIo, failures: WalkForwardResult['failures']): void {
  if (failures.length === 0) return;
  const day = (ts: number): string => formatTime(ts).slice(0, 10);
  println(io.stderr, `${failures.length} fold${failures.length === 1 ? '' : 's'} failed (left out of the stitched run):`);
  for (const f of failures)
    println(
      io.stderr,
      `  fold ${f.index + 1} (${f.stage}, in-sample ${day(f.inSample.start)} to ${day(f.inSample.end)}, out-of-sample ${day(f.outOfSample.start)} to ${day(f.outOfSample.end)})${f.params ? ` ${JSON.stringify(f.params)}` : ''}: ${f.error}`,
    );
}

/** Parameters that differ between folds' choices (all of them when there is a single fold). */
function varyingKeys(sets: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] {
  const names = [...new Set(sets.flatMap((p) => Object.keys(p)))];
  const varying = names.filter((n) => new Set(sets.map((p) => JSON.stringify(p[n]))).size > 1);
  return varying.length > 0 ? varying : names;
}

/** The analysis as JSON: curves as arrays, non-finite numbers (JSON has none) as strings. */
function walkForwardJson(r: WalkForwardResult): Record<string, unknown> {
  const n = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(r.metrics)) metrics[k] = n(v);
  return {
    mode: r.mode,
    objective: r.objective,
    folds: r.folds.map((f) => ({ ...f, inSampleScore: n(f.inSampleScore), outOfSampleScore: n(f.outOfSampleScore), degradation: n(f.degradation) })),
    meanInSampleScore: n(r.meanInSampleScore),
    meanOutOfSampleScore: n(r.meanOutOfSampleScore),
    degradation: n(r.degradation),
    metrics,
    equityCurve: { ts: Array.from(r.equityCurve.ts), equity: Array.from(r.equityCurve.equity) },
    trades: JSON.parse(JSON.stringify(r.trades)) as unknown,
    failures: r.failures,
  };
}
