/**
 * Replays market data on a {@link BacktestClock}. Sources are merged by (ts, series order); each event
 * goes to the simulated venue first, then the ledger's mark, then the pipeline; the next event is
 * delivered only when all work caused by the previous one has settled, including asynchronous stages
 * registered with the context's work tracker (`mapAsync`). An order submitted on event N can fill no
 * earlier than the next bar of its instrument.
 *
 * Series may be arrays (the fast path) or (async) iterables pulled one event at a time, so a stream of
 * ten million bars runs in bounded memory when the equity curve is down-sampled (`equityEvery`).
 *
 * Every event is validated (`MarketDataValidator`: fields, and time per instrument); a bad one fails the
 * run with a `ValidationError` naming its position and field. Events are checked as they are delivered,
 * but for two kinds of data held in memory: `BarColumns`, checked in one pass over their arrays before
 * the first bar (the same rules and message), and the frozen bars a run config's CSV files give, which
 * are checked once when they are read. However the run ends,
 * the node is stopped before `runBacktest` settles: nothing the pipeline does afterwards reaches the
 * venue or surfaces as an error.
 */
import { z } from 'zod';
import { BacktestClock, isBarColumns, MarketDataValidator, parseWith, ValidationError, type Bar, type BarColumns, type MarketData, type Pipeline } from '@rxtrade/core';
import { describeMarketEvent as describeEvent, type OrderAnomaly } from '@rxtrade/execution';
import { RunnerConfigSchema, type RunnerConfig } from './config';
import { MetricsConfigSchema } from './metrics/compute-metrics';
import { assertSorted } from './merge-by-time';
import { StreamMerge, type MarketSeries } from './merge-streams';
import { collectResult, createNode, runnerHooks } from './setup';
import type { RunResult } from './result';

/**
 * Market data of a backtest: one series (an array of events, `BarColumns`, or an (async) iterable) or
 * an array of series.
 */
export type BacktestData = readonly MarketData[] | BarColumns | Iterable<MarketData> | AsyncIterable<MarketData> | readonly (MarketSeries | BarColumns)[];

const isIterable = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (Symbol.iterator in v || Symbol.asyncIterator in v);

/**
 * Schema of {@link BacktestConfig}: the runner's config plus data, start, warm-up and metrics options.
 *
 * @example
 * ```ts
 * const c = parseWith(BacktestConfigSchema, { data: bars, instruments: [goog], ledger: { startingCash: 1000 } }, 'config');
 * c.periodsPerYear; // 252
 * ```
 */
export const BacktestConfigSchema = RunnerConfigSchema.extend({
  data: z.custom<BacktestData>(isIterable, 'must be an array of events, BarColumns, an array of series, or an (async) iterable of events'),
  start: z.number().optional(),
  tradingStart: z.number().optional(),
  periodsPerYear: z.number().positive().default(252),
  riskFree: z.number().default(0),
  benchmark: MetricsConfigSchema.shape.benchmark,
  ...runnerHooks,
});

/** Configuration of {@link runBacktest}. */
export interface BacktestConfig extends RunnerConfig {
  /**
   * One or more series of market data, each sorted by `ts`: arrays (for example bars from
   * `readBarsCsv`), `BarColumns` (bars held as a `Float64Array` per field: millions of bars without
   * millions of objects for the garbage collector), or iterables / async iterables (generators) that
   * stream events without holding them.
   */
  readonly data: BacktestData;
  /** Start of virtual time; defaults to the first event's time. */
  readonly start?: number;
  /**
   * Warm-up: events before this time reach the pipeline (indicators warm up) but the orders it emits
   * are dropped and no equity is recorded. Default: trade from the first event.
   */
  readonly tradingStart?: number;
  /** Periods per year of the event times, for annualized metrics (default 252, daily stock bars); divided by `equityEvery`. */
  readonly periodsPerYear?: number;
  /** Risk-free rate per period for Sharpe, alpha and beta (default 0). */
  readonly riskFree?: number;
  /** A benchmark level series for alpha and beta (see `computeMetrics`). */
  readonly benchmark?: { readonly ts: ArrayLike<number>; readonly values: ArrayLike<number> };
  /**
   * Called with each order anomaly as it is met (they are also listed in the result's `anomalies`); an
   * error it throws fails the run.
   */
  readonly onAnomaly?: (anomaly: OrderAnomaly) => void;
}

/** @internal Options of the runner itself, not of a run: benchmarks measure the cost of validation. */
export interface RunnerInternals {
  /** Validate every event (default true). */
  readonly validate?: boolean;
}

/**
 * Runs a pipeline over historical data and resolves with orders, fills, round trips, positions, the
 * equity and drawdown curves, metrics and a summary.
 *
 * @example
 * ```ts
 * const { bars } = readBarsCsv('goog.csv', { instrumentId: goog.id });
 * const result = await runBacktest(smaCrossover({ instrumentId: goog.id, fast: 10, slow: 30, size: 100 }), {
 *   data: bars, instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 },
 * });
 * result.summary.finalEquity.toFixed(2); // '176251.04'
 * result.metrics.sharpeRatio;
 * ```
 */
export async function runBacktest(pipeline: Pipeline, config: BacktestConfig, internals: RunnerInternals = {}): Promise<RunResult> {
  const c = parseWith(BacktestConfigSchema, config, 'config');
  const series = toSeries(config.data);
  // Error paths follow the shape the data was given in: data[row] for one series, data[series][row].
  const nested = !isSingleSeries(config.data);
  const validator = internals.validate === false ? undefined : new MarketDataValidator('data');
  const arrays = series.every((s) => Array.isArray(s)) ? (series as readonly (readonly MarketData[])[]) : undefined;
  // Arrays are walked by index (one series) or merged in place; a generator's per-event result objects
  // cost about a tenth of the whole run's time on a million bars.
  const single = arrays && arrays.length === 1 ? arrays[0]! : undefined;
  // One set of columns is read by index too, a fresh Bar per row (nothing keeps it past the next bar).
  const columns = series.length === 1 && isBarColumns(series[0]) ? series[0] : undefined;
  const merge = single === undefined && columns === undefined ? await StreamMerge.open(series, { nested, ...(validator ? { validator } : {}) }) : undefined;
  const first = single !== undefined ? assertSorted(single, nested ? 0 : -1)[0]?.ts : columns !== undefined ? (columns.length > 0 ? columns.ts[0] : undefined) : merge!.firstTs();
  const clock = new BacktestClock(c.start ?? first ?? 0);
  const tradingStart = c.tradingStart ?? -Infinity;
  let parts: ReturnType<typeof createNode>;
  try {
    // Data held in memory says how many events come: the equity curve is allocated once at that size.
    const expectedEvents = single !== undefined ? single.length : columns !== undefined ? columns.length : undefined;
    parts = createNode(c, clock, {
      ...(c.tradingStart !== undefined ? { tradingStart: c.tradingStart } : {}),
      ...(expectedEvents !== undefined ? { expectedEvents } : {}),
    });
  } catch (error) {
    merge?.close();
    throw error;
  }
  const { node, ledger, startingCash } = parts;
  const timeout = c.stageTimeoutMs;

  // Where an event came from, for a stage timeout: its row in the one series, or the merge's position.
  const where = (row: number): string => (merge !== undefined ? merge.position() : nested ? `data[0][${row}]` : `data[${row}]`);
  const step = (event: MarketData, row: number): Promise<void> | undefined => {
    clock.advanceTo(event.ts);
    if (node.handle(event))
      return node.settle(timeout, () => `${where(row)} (${describeEvent(event)})`).then(() => {
        if (event.ts >= tradingStart) node.recordEquity(event.ts);
      });
    if (event.ts >= tradingStart) node.recordEquity(event.ts);
    return undefined;
  };

  try {
    node.start(pipeline);
    if (single !== undefined) {
      const events = single;
      const source = nested ? 0 : -1;
      const check = validator !== undefined && validatedArrays.has(events) ? undefined : validator;
      for (let i = 0; i < events.length && !node.failed; i++) {
        const event = events[i]!;
        check?.check(event, i, source);
        const p = step(event, i);
        if (p !== undefined) await p;
      }
    } else if (columns !== undefined) {
      const { instrumentId, ts, open, high, low, close, volume, length } = columns;
      const source = nested ? 0 : -1;
      const check = validator !== undefined && checkColumns(columns, validator, source) ? validator : undefined;
      for (let i = 0; i < length && !node.failed; i++) {
        const event: Bar = { type: 'Bar', instrumentId, ts: ts[i]!, open: open[i]!, high: high[i]!, low: low[i]!, close: close[i]!, volume: volume[i]! };
        check?.check(event, i, source);
        const p = step(event, i);
        if (p !== undefined) await p;
      }
    } else {
      while (!node.failed) {
        let next = merge!.next();
        if (next instanceof Promise) next = await next;
        if (next === undefined) break;
        const p = step(next, -1);
        if (p !== undefined) await p;
      }
    }
    // Timers due at the last event's time (zero-delay scheduling) still fire; later ones do not.
    if (!node.failed) clock.advanceTo(clock.now());
    node.finish();
    if (!node.failed) await node.settle(timeout, () => 'the end of the data (the market streams completed)');
    if (node.failed) throw node.failed.error;
    return collectResult(node, ledger, startingCash, {
      periodsPerYear: c.periodsPerYear / c.equityEvery,
      riskFree: c.riskFree,
      ...(c.benchmark ? { benchmark: c.benchmark } : {}),
    });
  } finally {
    // Whatever ended the run: the pipeline is unsubscribed and the order manager stopped before the
    // caller hears of it, so no late command, timer or rejection of the pipeline outlives the run; series
    // not read to the end are closed.
    node.stop();
    merge?.close();
  }
}


/**
 * Arrays of events known valid: frozen arrays of frozen bars that this package read and checked with a
 * `MarketDataValidator` from start to end ({@link markValidated}). Nothing in them can change, so a run
 * does not check them again (a sweep runs the same bars hundreds of times).
 */
const validatedArrays = new WeakSet<readonly MarketData[]>();

/**
 * Records `events` as checked, for arrays this package built, froze and validated itself (a run
 * config's CSV bars, and windows of them). Internal: not exported from the package.
 */
export function markValidated(events: readonly MarketData[]): void {
  validatedArrays.add(events);
}

/** Whether `events` was recorded by {@link markValidated}. Internal, for tests. */
export function isMarkedValidated(events: readonly MarketData[]): boolean {
  return validatedArrays.has(events);
}

/**
 * Checks columns before a run reads them, in one pass over their arrays (`BarColumns.firstInvalidRow`,
 * a few nanoseconds a row against some twenty for the validator on each bar); at a fault the validator
 * itself checks that row (after the row before it, for the time rule), so the run fails with the
 * message and path a check of each row would give, before the first bar. Returns true when the rows
 * must still be checked one by one (the validator passed the row the scan refused: never, while the
 * two agree).
 */
function checkColumns(columns: BarColumns, validator: MarketDataValidator, source: number): boolean {
  const bad = columns.firstInvalidRow();
  if (bad < 0) return false;
  if (bad > 0) validator.check(columns.barAt(bad - 1), bad - 1, source);
  validator.check(columns.barAt(bad), bad, source);
  validator.reset();
  return true;
}

function isSingleSeries(data: BacktestData): boolean {
  return !Array.isArray(data) || data.length === 0 || isEvent(data[0]);
}

function isEvent(v: unknown): v is MarketData {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string' && typeof (v as { ts?: unknown }).ts === 'number';
}

function toSeries(data: BacktestData): readonly MarketSeries[] {
  if (!Array.isArray(data)) {
    if (isIterable(data)) return [data as MarketSeries];
    throw new ValidationError([{ path: ['config', 'data'], message: 'must be an array of events, BarColumns, an array of series, or an (async) iterable of events' }]);
  }
  if (data.length === 0) return [];
  if (isEvent(data[0])) return [data as readonly MarketData[]];
  data.forEach((s: unknown, i) => {
    if (!isIterable(s)) throw new ValidationError([{ path: ['config', 'data', i], message: 'must be a series: an array of events, BarColumns, or an (async) iterable of events' }]);
  });
  return data as readonly MarketSeries[];
}
