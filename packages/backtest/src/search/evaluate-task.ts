/**
 * Evaluates one sweep task: imports the strategy module, reads the run's data files, runs the backtest
 * and returns its metrics and exact figures. Every executor (in-process, worker threads, BullMQ) calls
 * this one function, and it depends on nothing but the task and the files it names, so the same task
 * gives the same result in any thread, process or host.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineInstrument, instrumentId, instrumentRegistry, MarketDataValidator, parseBarsCsv, parseWith, ValidationError, type Bar, type Instrument, type Pipeline } from '@rxtrade/core';
import { simulatedVenueOptions } from '@rxtrade/execution';
import { isMarkedValidated, markValidated, runBacktest } from '../run-backtest';
import type { RunResult } from '../result';
import { moduleUrl } from './module-specifier';
import { RunConfigSchema, type ParsedRunConfig } from './run-config';
import type { StrategyDefinition, StrategyRef, SweepTask, TaskResult } from './types';

const modules = new Map<string, Promise<Record<string, unknown>>>();
/** The import specifier of each module a task named (`moduleUrl` builds a file URL, about 10 µs, every task). */
const specifiers = new Map<string, string>();
const csvCache = new Map<string, { key: string; bars: readonly Bar[] }>();
/** Run configs parsed by this process, by their JSON text (the tasks of a sweep share one). */
const parsedRuns = new Map<string, ParsedRunConfig>();
const PARSED_RUNS_KEPT = 16;
/** The instruments of a parsed run config (immutable values, unlike the venue's fee and account models). */
const instrumentsOf = new WeakMap<ParsedRunConfig, Instrument[]>();

/** Parses a task's run config, once per distinct config in this process. */
function parseRun(json: SweepTask['run']): ParsedRunConfig {
  const key = JSON.stringify(json);
  const hit = parsedRuns.get(key);
  if (hit !== undefined) return hit;
  const run = parseWith(RunConfigSchema, json, 'run');
  if (parsedRuns.size >= PARSED_RUNS_KEPT) parsedRuns.delete(parsedRuns.keys().next().value!);
  parsedRuns.set(key, run);
  return run;
}


/**
 * Imports a strategy module (once per process) and returns its {@link StrategyDefinition}. The module
 * must be an absolute path, a `file:` URL or a package name: anything else fails with a
 * `ValidationError` naming `task.strategy.module`.
 *
 * @example
 * ```ts
 * const def = await loadStrategy({ module: '/abs/path/strategy.ts' });
 * def.pipeline({ fast: 10, slow: 30 });
 * ```
 */
export async function loadStrategy(ref: StrategyRef): Promise<StrategyDefinition> {
  // A task names its module: only an absolute path, a file: URL or a package (never relative to
  // whichever directory a worker runs in, never a remote or data: URL).
  let specifier = specifiers.get(ref.module);
  if (specifier === undefined) {
    specifier = moduleUrl(ref.module, 'task.strategy.module');
    specifiers.set(ref.module, specifier);
  }
  let loading = modules.get(specifier);
  if (loading === undefined) {
    loading = import(specifier) as Promise<Record<string, unknown>>;
    modules.set(specifier, loading);
    loading.catch(() => modules.delete(specifier));
  }
  const mod = await loading;
  const name = ref.export ?? 'strategy';
  const def = mod[name] as Partial<StrategyDefinition> | undefined;
  if (def === undefined || typeof def !== 'object' || typeof def.pipeline !== 'function')
    throw new ValidationError([
      { path: ['task', 'strategy', 'export'], message: `module ${ref.module} has no StrategyDefinition export named ${JSON.stringify(name)} (an object with a pipeline(params) function)` },
    ]);
  return def as StrategyDefinition;
}

/**
 * Reads a bars CSV once per process (re-read when the file's size or modification time changes). The
 * bars and their array are frozen: no task's strategy can change the data the next task gets, and the
 * backtest checks them once, here, instead of on every task (a bar the runner's validator refuses is
 * left to each run to report, as it would be without this).
 */
function readBars(path: string, id: string): readonly Bar[] {
  const stat = statSync(path);
  const key = `${stat.size}:${stat.mtimeMs}`;
  const cacheKey = `${id}\u0000${path}`;
  const hit = csvCache.get(cacheKey);
  if (hit !== undefined && hit.key === key) return hit.bars;
  const { bars } = parseBarsCsv(readFileSync(path, 'utf8'), { instrumentId: instrumentId(id), source: path });
  for (const bar of bars) Object.freeze(bar);
  const frozen = Object.freeze(bars);
  if (validates(frozen)) markValidated(frozen);
  csvCache.set(cacheKey, { key, bars: frozen });
  return frozen;
}

/** Whether a runner's validator passes every bar of `bars`, in order. */
function validates(bars: readonly Bar[]): boolean {
  const validator = new MarketDataValidator('data');
  try {
    for (let i = 0; i < bars.length; i++) validator.check(bars[i], i);
  } catch (e) {
    if (e instanceof ValidationError) return false;
    throw e;
  }
  return true;
}

/** The bars of one series inside the window [start, end), with `warmupBars` bars before `start`. */
function windowed(bars: readonly Bar[], window: ParsedRunConfig['window']): readonly Bar[] {
  if (window === undefined) return bars;
  const lowerBound = (ts: number): number => {
    let lo = 0;
    let hi = bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bars[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const from = window.start === undefined ? 0 : Math.max(0, lowerBound(window.start) - window.warmupBars);
  const to = window.end === undefined ? bars.length : lowerBound(window.end);
  if (from === 0 && to === bars.length) return bars;
  const slice = Object.freeze(bars.slice(from, to));
  // Consecutive rows of checked bars are valid bars in strictly increasing time too.
  if (isMarkedValidated(bars)) markValidated(slice);
  return slice;
}

/**
 * Everything `runBacktest` needs for a parsed run config: instruments, data series (windowed) and
 * options. Exported for the walk-forward and the CLI, which build runs the same way.
 *
 * @example
 * ```ts
 * const { config } = prepareRun(parseWith(RunConfigSchema, json, 'run'));
 * const result = await runBacktest(pipeline, config);
 * ```
 */
export function prepareRun(run: ParsedRunConfig): { instruments: Instrument[]; config: Parameters<typeof runBacktest>[1] } {
  const baseDir = run.baseDir ?? process.cwd();
  let instruments = instrumentsOf.get(run);
  if (instruments === undefined) {
    instruments = run.instruments.map((def, i) => {
      try {
        return defineInstrument(def);
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError(e.issues.map((x) => ({ path: ['run', 'instruments', i, ...x.path.slice(1)], message: x.message })));
        throw e;
      }
    });
    instrumentsOf.set(run, instruments);
  }
  const data = run.data.map((d, i) => {
    const path = resolve(baseDir, d.path);
    let bars: readonly Bar[];
    try {
      bars = readBars(path, d.instrument);
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      throw new ValidationError([{ path: ['run', 'data', i, 'path'], message: `cannot read ${path}: ${(e as Error).message}` }]);
    }
    return windowed(bars, run.window);
  });
  let benchmark: { ts: Float64Array; values: Float64Array } | undefined;
  if (run.benchmark) {
    const path = resolve(baseDir, run.benchmark.path);
    let bars: readonly Bar[];
    try {
      bars = readBars(path, run.benchmark.instrument);
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      throw new ValidationError([{ path: ['run', 'benchmark', 'path'], message: `cannot read ${path}: ${(e as Error).message}` }]);
    }
    benchmark = { ts: Float64Array.from(bars, (b) => b.ts), values: Float64Array.from(bars, (b) => b.close) };
  }
  const tradingStart = run.window?.start;
  const registry = instrumentRegistry(instruments);
  return {
    instruments: [...instruments],
    config: {
      data,
      instruments: [...instruments],
      ledger: { startingCash: String(run.ledger.startingCash), ...(run.ledger.baseCurrency ? { baseCurrency: run.ledger.baseCurrency } : {}) },
      venue: simulatedVenueOptions(run.venue, registry),
      ...(run.venues ? { venues: run.venues.map((v) => ({ ...simulatedVenueOptions(v, registry), id: v.id! })) } : {}),
      strategyId: run.strategyId,
      equityEvery: run.equityEvery,
      periodsPerYear: run.periodsPerYear,
      ...(tradingStart !== undefined ? { tradingStart } : {}),
      ...(benchmark ? { benchmark } : {}),
    },
  };
}

/**
 * Runs one parsed run config with a pipeline: the backtest behind {@link evaluateTask}.
 *
 * @example
 * ```ts
 * const result = await runFromConfig(pipeline, parseWith(RunConfigSchema, json, 'run'));
 * ```
 */
export function runFromConfig(pipeline: Pipeline, run: ParsedRunConfig): Promise<RunResult> {
  return runBacktest(pipeline, prepareRun(run).config);
}

/**
 * The JSON-safe form of a run's figures: finite metrics as numbers (NaN and ±Infinity, which JSON
 * cannot carry, are left out) and the exact summary as decimal strings.
 *
 * @example
 * ```ts
 * const { metrics, summary } = taskFigures(result);
 * ```
 */
export function taskFigures(result: RunResult): Pick<TaskResult, 'metrics' | 'summary'> {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.metrics)) if (Number.isFinite(v)) metrics[k] = v;
  const s = result.summary;
  return {
    metrics,
    summary: {
      startingCash: s.startingCash.toString(),
      finalEquity: s.finalEquity.toString(),
      totalFees: s.totalFees.toString(),
      realizedPnl: s.realizedPnl.toString(),
      tradedNotional: s.tradedNotional.toString(),
      fills: String(s.fills),
      orders: String(s.orders),
      events: String(s.events),
    },
  };
}

/**
 * Evaluates one sweep task: imports `task.strategy.module` (cached per process), takes its export
 * (default `strategy`) as a {@link StrategyDefinition}, validates `task.run` as a {@link RunConfig}
 * (once per distinct config in a process; the bars CSV files are parsed once and re-read when they change),
 * runs the backtest and returns the metrics and the exact figures. A bad run config fails with a
 * `ValidationError` naming the field (such as `run.ledger.startingCash`).
 *
 * @example
 * ```ts
 * const result = await evaluateTask({
 *   id: 0,
 *   strategy: { module: '/abs/path/strategy.ts' },
 *   params: { fast: 10, slow: 30 },
 *   run: { data: [{ path: 'goog.csv', instrument: 'GOOG.NASDAQ' }], instruments: [goog], ledger: { startingCash: 100000 }, venue: { commission: 0.002 } },
 * });
 * result.metrics.sharpeRatio;
 * ```
 */
export async function evaluateTask(task: SweepTask): Promise<TaskResult> {
  const run = parseRun(task.run);
  const definition = await loadStrategy(task.strategy);
  const result = await runFromConfig(definition.pipeline(task.params), run);
  return { id: task.id, params: task.params, ...taskFigures(result) };
}
