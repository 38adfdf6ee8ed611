/**
 * Walk-forward analysis: for each fold, optimize the strategy's parameters in-sample with a sweep, then
 * run the best parameters on the following out-of-sample window that the optimizer never saw. The
 * out-of-sample equity curves are stitched into one (each fold's returns chained multiplicatively from
 * the starting cash), and every fold reports its in-sample and out-of-sample objective and their ratio,
 * the degradation (Pardo, "The Evaluation and Optimization of Trading Strategies", 2nd ed., 2008, ch. 11:
 * walk-forward efficiency).
 *
 * Warm-up: every window (in- and out-of-sample) is run on data that starts `warmupBars` bars earlier;
 * those bars reach the pipeline so indicators are ready at the window's start, but orders emitted
 * during them are dropped and no equity is recorded. Each fold starts flat with the starting cash; a
 * position still open at the end of an out-of-sample window is marked at its last close.
 *
 * Failures: an in-sample candidate that fails is listed in its fold's `failures` (the search goes on
 * with the others). A fold fails when every in-sample candidate failed, or when the out-of-sample run
 * of its best parameters throws; it is listed in the result's `failures` with its windows (and the
 * parameters, for an out-of-sample failure), and the analysis goes on with the next fold. The stitched
 * curve and the means cover the folds that completed. With `failFast` the first failure rejects.
 */
import { z } from 'zod';
import { parseWith, StateError, ValidationError, ZERO, type Decimal } from '@rxtrade/core';
import { computeMetrics, type Metrics } from '../metrics/compute-metrics';
import type { PositionChange } from '../metrics/position-changes';
import type { RoundTrip } from '../metrics/round-trips';
import type { RunResult } from '../result';
import { loadStrategy, prepareRun, runFromConfig, taskFigures } from '../search/evaluate-task';
import { RunConfigSchema, type ParsedRunConfig } from '../search/run-config';
import { sweep, type SweepConfig } from '../search/sweep';
import { ModuleSpecifierSchema, moduleUrl } from '../search/module-specifier';
import type { SweepFailure } from '../search/task-failed-error';
import type { Json, Params, StrategyRef, SweepExecutor, TaskResult } from '../search/types';
import { FoldWindowsConfigSchema, foldWindows, WalkForwardMode, WindowLengthSchema, type FoldWindow, type TimeWindow } from './fold-windows';

type ObjectiveFn = (result: TaskResult) => number;
const goal = z.enum(['max', 'min']).default('max');

/**
 * Schema of {@link WalkForwardConfig}.
 *
 * @example
 * ```ts
 * const c = parseWith(WalkForwardConfigSchema, JSON.parse(text), 'walkForward');
 * ```
 */
export const WalkForwardConfigSchema = z
  .object({
    strategy: z.object({ module: ModuleSpecifierSchema, export: z.string().min(1).optional() }).strict(),
    /** The parameter space searched in-sample (as for `sweep`). */
    space: z.record(z.string(), z.unknown()),
    /** What is optimized: a metric name (`sharpeRatio`, `totalReturn`, …), an exported function, or a function. */
    objective: z.union([
      z.object({ metric: z.string().min(1), goal }).strict(),
      z.object({ function: z.string().min(1), module: ModuleSpecifierSchema.optional(), goal }).strict(),
      z.custom<ObjectiveFn>((v) => typeof v === 'function'),
    ]),
    mode: FoldWindowsConfigSchema.shape.mode,
    inSample: WindowLengthSchema,
    outOfSample: WindowLengthSchema,
    /** Bars of each series fed before every window to warm indicators up (no trading during them). */
    warmupBars: z.number().int().min(0).default(0),
    /** The run config (JSON): data files, instruments, ledger, venue; its window, if any, bounds the analysis. */
    run: z.custom<Json>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be a run config object (see RunConfigSchema)'),
    /** How candidates are searched in-sample: grid (default), random or genetic, as `sweep` takes them. */
    search: z
      .object({
        method: z.enum(['grid', 'random', 'genetic']).default('grid'),
        seed: z.union([z.number().int(), z.string().min(1)]).default(0),
        samples: z.number().int().min(1).optional(),
        genetic: z.record(z.string(), z.unknown()).optional(),
        where: z.custom<(params: Params) => boolean>((v) => typeof v === 'function', 'must be a function (params) => boolean').optional(),
      })
      .strict()
      .default({ method: 'grid', seed: 0 }),
    /** Runs the in-sample candidates; default: in-process (`evaluateTask`). Not closed here. */
    executor: z.custom<SweepExecutor>((v) => typeof v === 'object' && v !== null && typeof (v as SweepExecutor).run === 'function', 'must be a SweepExecutor').optional(),
    /** Reject at the first failing candidate or fold instead of listing failures and going on. */
    failFast: z.boolean().default(false),
    /** Called after each fold that completed. */
    onFold: z.custom<(fold: WalkForwardFold, progress: { done: number; total: number }) => void>((v) => typeof v === 'function').optional(),
    /** Called after each fold that failed (`done` counts it). */
    onFailure: z.custom<(failure: WalkForwardFailure, progress: { done: number; total: number }) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();

/** Configuration of {@link walkForward}. */
export type WalkForwardConfig = z.input<typeof WalkForwardConfigSchema>;

/** One fold's outcome. */
export interface WalkForwardFold {
  readonly index: number;
  readonly inSample: TimeWindow;
  readonly outOfSample: TimeWindow;
  /** The parameters that scored best in-sample. */
  readonly params: Params;
  /** Candidates evaluated in-sample. */
  readonly candidates: number;
  readonly inSampleScore: number;
  readonly outOfSampleScore: number;
  /** outOfSampleScore / inSampleScore (1: no degradation; NaN when the in-sample score is 0 or undefined). */
  readonly degradation: number;
  readonly inSampleMetrics: Readonly<Record<string, number>>;
  readonly outOfSampleMetrics: Readonly<Record<string, number>>;
  /** Exact figures of the out-of-sample run (decimal strings). */
  readonly outOfSampleSummary: Readonly<Record<string, string>>;
  /** In-sample candidates that failed (the fold's sweep went on without them). */
  readonly failures: readonly SweepFailure[];
}

/**
 * A fold that produced no out-of-sample result: every in-sample candidate failed (`in-sample`), or the
 * out-of-sample run of the chosen parameters threw (`out-of-sample`). Plain JSON.
 *
 * @example
 * ```ts
 * for (const f of wf.failures) console.error(`fold ${f.index + 1} (${f.stage}) ${JSON.stringify(f.params ?? {})}: ${f.error}`);
 * ```
 */
export interface WalkForwardFailure {
  readonly index: number;
  readonly inSample: TimeWindow;
  readonly outOfSample: TimeWindow;
  readonly stage: 'in-sample' | 'out-of-sample';
  /** The parameters chosen in-sample (out-of-sample failures only). */
  readonly params?: Params;
  readonly error: string;
}

/** What {@link walkForward} returns. */
export interface WalkForwardResult {
  readonly mode: WalkForwardMode;
  readonly objective: { readonly name: string; readonly goal: 'max' | 'min' };
  readonly folds: readonly WalkForwardFold[];
  /** The stitched out-of-sample equity curve. */
  readonly equityCurve: { readonly ts: Float64Array; readonly equity: Float64Array };
  /** Metrics of the stitched out-of-sample run (trade figures in each fold's own money). */
  readonly metrics: Metrics;
  readonly meanInSampleScore: number;
  readonly meanOutOfSampleScore: number;
  /** meanOutOfSampleScore / meanInSampleScore. */
  readonly degradation: number;
  /** The out-of-sample round trips of every fold, in time order. */
  readonly trades: readonly RoundTrip[];
  /** Folds that failed, in fold order (empty when all completed). */
  readonly failures: readonly WalkForwardFailure[];
}

/**
 * Runs a walk-forward analysis.
 *
 * @example
 * ```ts
 * const wf = await walkForward({
 *   strategy: { module: '/abs/sma-strategy.js' },
 *   space: { fast: { min: 5, max: 20, step: 5 }, slow: { choices: [30, 60] } },
 *   objective: { metric: 'sharpeRatio' },
 *   mode: 'rolling', inSample: { bars: 500 }, outOfSample: { bars: 125 }, warmupBars: 60,
 *   run: { data: [{ path: 'goog.csv', instrument: 'GOOG.NASDAQ' }], instruments: [goog], ledger: { startingCash: 100000 } },
 * });
 * wf.folds.map((f) => f.degradation); wf.metrics.sharpeRatio;
 * ```
 */
export async function walkForward(config: WalkForwardConfig): Promise<WalkForwardResult> {
  const c = parseWith(WalkForwardConfigSchema, config, 'walkForward');
  const strategy: StrategyRef = c.strategy;
  const run = parseWith(RunConfigSchema, c.run, 'walkForward.run');
  const windows = foldWindows(timeline(run), { mode: c.mode, inSample: c.inSample, outOfSample: c.outOfSample });
  if (windows.length === 0)
    throw new ValidationError([{ path: ['walkForward', 'inSample'], message: 'leaves no out-of-sample window of at least two bars in the data' }]);
  const { name, goal: objectiveGoal, score } = await resolveObjective(c.objective, strategy);
  const definition = await loadStrategy(strategy);
  const windowed = (w: TimeWindow): Json => ({ ...(c.run as Record<string, Json>), window: { start: w.start, end: w.end, warmupBars: c.warmupBars } });

  const folds: WalkForwardFold[] = [];
  const failures: WalkForwardFailure[] = [];
  const results: RunResult[] = [];
  const progress = (): { done: number; total: number } => ({ done: folds.length + failures.length, total: windows.length });
  const failFold = (w: FoldWindow, stage: WalkForwardFailure['stage'], error: string, params: Params | undefined, cause?: unknown): void => {
    const failure: WalkForwardFailure = { index: w.index, inSample: w.inSample, outOfSample: w.outOfSample, stage, ...(params ? { params } : {}), error };
    if (c.failFast) throw Object.assign(new StateError(`fold ${w.index} (${stage}${params ? ` with ${JSON.stringify(params)}` : ''}) failed: ${error}`), { cause });
    failures.push(failure);
    c.onFailure?.(failure, progress());
  };
  for (const w of windows) {
    const swept = await sweep({
      strategy,
      space: c.space as SweepConfig['space'],
      run: windowed(w.inSample) as SweepConfig['run'],
      objective: c.objective as SweepConfig['objective'],
      method: c.search.method,
      seed: c.search.seed,
      failFast: c.failFast,
      ...(c.search.samples !== undefined ? { samples: c.search.samples } : {}),
      ...(c.search.genetic !== undefined ? { genetic: c.search.genetic as SweepConfig['genetic'] } : {}),
      ...(c.search.where ? { where: c.search.where } : {}),
      ...(c.executor ? { executor: c.executor } : {}),
    });
    const best = swept.best;
    if (best === undefined) {
      const first = swept.failures[0];
      if (first === undefined) throw new ValidationError([{ path: ['walkForward', 'space'], message: `fold ${w.index}: no parameter set was evaluated in-sample` }]);
      failFold(w, 'in-sample', `all ${swept.failures.length} in-sample candidates failed; task ${first.id} ${JSON.stringify(first.params)}: ${first.error}`, undefined);
      continue;
    }
    const oosRun = parseWith(RunConfigSchema, windowed(w.outOfSample), 'walkForward.run');
    let result: RunResult;
    try {
      result = await runFromConfig(definition.pipeline(best.params), oosRun);
    } catch (error) {
      failFold(w, 'out-of-sample', error instanceof Error ? error.message : String(error), best.params, error);
      continue;
    }
    results.push(result);
    const figures = taskFigures(result);
    const oosScore = score({ id: w.index, params: best.params, ...figures });
    const fold: WalkForwardFold = {
      index: w.index,
      inSample: w.inSample,
      outOfSample: w.outOfSample,
      params: best.params,
      candidates: swept.results.length,
      inSampleScore: best.score,
      outOfSampleScore: oosScore,
      degradation: oosScore / best.score,
      inSampleMetrics: best.metrics,
      outOfSampleMetrics: figures.metrics,
      outOfSampleSummary: figures.summary,
      failures: swept.failures,
    };
    folds.push(fold);
    c.onFold?.(fold, progress());
  }

  const equityCurve = stitch(results, Number(run.ledger.startingCash));
  const trades = results.flatMap((r) => r.trades);
  const positions: PositionChange[] = results.flatMap((r) => r.positions);
  let totalFees: Decimal = ZERO;
  let tradedNotional: Decimal = ZERO;
  for (const r of results) {
    totalFees = totalFees.plus(r.summary.totalFees);
    tradedNotional = tradedNotional.plus(r.summary.tradedNotional);
  }
  const metrics = computeMetrics({ equityCurve, trades, positions, summary: { totalFees, tradedNotional } }, { periodsPerYear: run.periodsPerYear / run.equityEvery });
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const meanIs = mean(folds.map((f) => f.inSampleScore));
  const meanOos = mean(folds.map((f) => f.outOfSampleScore));
  return {
    mode: c.mode,
    objective: { name, goal: objectiveGoal },
    folds,
    equityCurve,
    metrics,
    meanInSampleScore: meanIs,
    meanOutOfSampleScore: meanOos,
    degradation: meanOos / meanIs,
    trades,
    failures,
  };
}

/** Distinct times of the run's merged data (inside its window, if it has one). */
function timeline(run: ParsedRunConfig): Float64Array {
  const { window, ...rest } = run;
  const { config } = prepareRun(rest as ParsedRunConfig);
  const times = new Set<number>();
  for (const series of config.data as readonly (readonly { ts: number }[])[]) for (const e of series) times.add(e.ts);
  const lo = window?.start ?? -Infinity;
  const hi = window?.end ?? Infinity;
  return Float64Array.from([...times].filter((t) => t >= lo && t < hi)).sort();
}

/**
 * Chains the out-of-sample equity curves: within a fold the stitched curve moves by the fold's own
 * returns; a fold starts where the previous one ended (its first point is a flat period).
 */
function stitch(results: readonly RunResult[], startingCash: number): { ts: Float64Array; equity: Float64Array } {
  const total = results.reduce((s, r) => s + r.equityCurve.ts.length, 0);
  const ts = new Float64Array(total);
  const equity = new Float64Array(total);
  let level = startingCash;
  let k = 0;
  for (const r of results) {
    const e = r.equityCurve.equity;
    if (e.length === 0) continue;
    const base = e[0]!;
    const from = level;
    for (let j = 0; j < e.length; j++) {
      ts[k] = r.equityCurve.ts[j]!;
      equity[k] = from * (e[j]! / base);
      k++;
    }
    level = equity[k - 1]!;
  }
  return { ts: ts.subarray(0, k), equity: equity.subarray(0, k) };
}

async function resolveObjective(
  objective: z.output<typeof WalkForwardConfigSchema>['objective'],
  strategy: StrategyRef,
): Promise<{ name: string; goal: 'max' | 'min'; score: ObjectiveFn }> {
  if (typeof objective === 'function') return { name: objective.name || 'objective', goal: 'max', score: objective };
  if ('metric' in objective) {
    const metric = objective.metric;
    return { name: metric, goal: objective.goal, score: (r) => r.metrics[metric] ?? Number.NaN };
  }
  const module = objective.module ?? strategy.module;
  const fn = ((await import(/* @vite-ignore */ moduleUrl(module, 'walkForward.objective.module'))) as Record<string, unknown>)[objective.function];
  if (typeof fn !== 'function')
    throw new ValidationError([{ path: ['walkForward', 'objective', 'function'], message: `${module} has no function export ${JSON.stringify(objective.function)}` }]);
  return { name: objective.function, goal: objective.goal, score: fn as ObjectiveFn };
}
