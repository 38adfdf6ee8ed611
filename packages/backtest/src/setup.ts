/** Builds the parts of a run from its config: the same function for backtest and paper. */
import { z } from 'zod';
import { instrumentRegistry, preParsedConfig, type Clock, type Decimal, type Fill } from '@rxtrade/core';
import { PercentFeeModel, SimulatedVenue, TradingKernel, type OrderAnomaly, type SimulatedVenueConfig } from '@rxtrade/execution';
import { drawdownSeries, Ledger, LotMethod, maxDrawdown, PositionMode } from '@rxtrade/portfolio';
import { computeMetrics, type MetricsConfig } from './metrics/compute-metrics';
import { positionChanges } from './metrics/position-changes';
import { roundTrips } from './metrics/round-trips';
import { runLogger, type RunnerConfigSchema } from './config';
import { snapshotOrder, type RunResult } from './result';

/**
 * @internal Options both runners add to `RunnerConfigSchema` (each parses its whole config once, with
 * its own schema): a listener of order anomalies.
 */
export const runnerHooks = {
  /**
   * Called with each order anomaly as it is met (before a strict run fails on it); an error it throws
   * fails the run.
   */
  onAnomaly: z.custom<(anomaly: OrderAnomaly) => void>((v) => typeof v === 'function', 'must be a function (anomaly) => void').optional(),
};

/** @internal A runner's config after parsing: the runner options and the hooks. */
export type ParsedRunnerConfig = z.output<typeof RunnerConfigSchema> & { readonly onAnomaly?: ((anomaly: OrderAnomaly) => void) | undefined };

/**
 * @internal Builds the trading kernel of a run from its parsed config: simulated venues and a ledger.
 * The parts are built from values the runner's schema has validated, with each part's defaults set, so
 * their configs are marked as parsed (`preParsedConfig`) instead of being parsed again by each part:
 * about a tenth of a short backtest. The test suite parses them anyway and checks that nothing changes.
 */
export function createNode(
  c: ParsedRunnerConfig,
  clock: Clock,
  options: { readonly tradingStart?: number; readonly expectedEvents?: number } = {},
): { node: TradingKernel; ledger: Ledger; startingCash: Decimal } {
  const instruments = instrumentRegistry(c.instruments);
  const baseCurrency = c.ledger.baseCurrency ?? c.instruments[0]!.quote;
  const ledger = new Ledger(
    preParsedConfig({ baseCurrency, startingCash: c.ledger.startingCash, instruments, positionMode: PositionMode.NETTING, lotMethod: LotMethod.AVERAGE }),
  );
  const build = (options: Record<string, unknown>): SimulatedVenue => {
    const { commission, feeModel: fees, ...rest } = options as { commission?: number; feeModel?: SimulatedVenueConfig['feeModel'] };
    const feeModel = fees ?? (commission !== undefined ? new PercentFeeModel(commission) : undefined);
    // The venue options were parsed by a schema made from the venue's own (see config.ts).
    return new SimulatedVenue(preParsedConfig({ ...(rest as Partial<SimulatedVenueConfig>), clock, instruments, retainClosedOrders: c.keepHistory, ...(feeModel ? { feeModel } : {}) }));
  };
  const venues = c.venues === undefined ? [build(c.venue)] : c.venues.map(build);
  const logger = runLogger(c.logger, clock);
  const node = new TradingKernel(preParsedConfig({
    clock,
    instruments,
    venues,
    ledger,
    strategyId: c.strategyId,
    idPrefix: c.idPrefix ?? c.strategyId,
    ...(logger !== undefined ? { logger } : {}),
    equityEvery: c.equityEvery,
    keepHistory: c.keepHistory,
    strict: c.strict,
    ...(c.onAnomaly !== undefined ? { onAnomaly: c.onAnomaly } : {}),
    ...(options.tradingStart !== undefined ? { tradingStart: options.tradingStart } : {}),
    ...(options.expectedEvents !== undefined ? { expectedEvents: options.expectedEvents } : {}),
  }));
  return { node, ledger, startingCash: c.ledger.startingCash };
}

/** What the parts of a result made on first read are computed from, kept on the result under {@link PENDING}. */
interface PendingParts {
  readonly node: TradingKernel;
  readonly fills: readonly Fill[];
  readonly equityCurve: { readonly ts: Float64Array; readonly equity: Float64Array };
  readonly measurable: boolean;
  readonly metrics: MetricsConfig;
  /** Each part once computed (none is undefined): the result itself is never redefined, so a frozen result reads them too. */
  readonly values: { [K in LazyKey]: RunResult[K] | undefined };
}

/** The key of a result's {@link PendingParts}: a non-enumerable property, so spreads and JSON leave it out. */
const PENDING = Symbol('rxtrade.pendingParts');

type LazyKey = 'orders' | 'trades' | 'positions' | 'drawdownCurve' | 'metrics';

/** How each part is computed from the pending parts (`result` is the result being read). */
const computeLazy: { readonly [K in LazyKey]: (p: PendingParts, result: RunResult) => RunResult[K] } = {
  // The orders end the run as they are read: the run is over, and nothing changes them any more.
  orders: (p) => p.node.orderManager.orders().map(snapshotOrder),
  trades: (p) => roundTrips(p.fills, p.node.instruments),
  positions: (p) => positionChanges(p.fills),
  drawdownCurve: (p) => ({
    ts: p.equityCurve.ts,
    drawdown: p.measurable ? drawdownSeries(p.equityCurve.equity) : new Float64Array(p.equityCurve.equity.length).fill(NaN),
  }),
  metrics: (p, result) => {
    const m = computeMetrics(result, p.metrics);
    // Without the fills there are no round trips or position log: say "unknown", not zero.
    return p.node.keepsHistory ? m : { ...m, trades: NaN, exposure: NaN };
  },
};

/** The value of `key`: computed on the first read, the same value on every later one. */
function settleLazy<K extends LazyKey>(result: RunResult, key: K): RunResult[K] {
  const pending = (result as unknown as { [PENDING]: PendingParts })[PENDING];
  const kept = pending.values[key];
  if (kept !== undefined) return kept as RunResult[K];
  const value = computeLazy[key](pending, result);
  pending.values[key] = value;
  return value;
}

/**
 * The getters of the parts made on first read, one function per part shared by every result. Round
 * trips, the position log, the drawdown curve and the metrics cost about a fifth of a million-bar run
 * with tens of thousands of fills, so a caller that reads only the summary does not pay for them. The
 * getters are module functions, not closures made per run: V8 keeps an accessor's functions in the
 * object's hidden class, so getters made per run gave each result hidden classes of its own, which live
 * in the old generation and kept the whole run (kernel, ledger, fills) from the young generation's
 * collections until the next full one: with short runs (a sweep's), most of what a run allocated was
 * copied twice and promoted before it died.
 */
const lazyGetters: { readonly [K in LazyKey]: (this: RunResult) => RunResult[K] } = {
  orders(this: RunResult) {
    return settleLazy(this, 'orders');
  },
  trades(this: RunResult) {
    return settleLazy(this, 'trades');
  },
  positions(this: RunResult) {
    return settleLazy(this, 'positions');
  },
  drawdownCurve(this: RunResult) {
    return settleLazy(this, 'drawdownCurve');
  },
  metrics(this: RunResult) {
    return settleLazy(this, 'metrics');
  },
};

/**
 * @internal Assembles the result once a run has ended. The orders' snapshots, round trips, the position
 * log, the drawdown curve and the metrics are made when first read (a sweep reads only the metrics).
 */
export function collectResult(node: TradingKernel, ledger: Ledger, startingCash: Decimal, metrics: MetricsConfig = { periodsPerYear: 252 }): RunResult {
  const equityCurve = node.equityCurve();
  const finalEquity = ledger.equity();
  const fills = node.fills.slice();
  // The portfolio analytics measure drawdowns from the first point, which must be > 0.
  const measurable = equityCurve.equity.length > 0 && equityCurve.equity[0]! > 0;
  const summary = {
    events: node.eventCount,
    orders: node.orderManager.orderCount,
    fills: node.fillCount,
    startingCash,
    finalEquity,
    totalFees: ledger.totalFees(),
    realizedPnl: ledger.realizedPnl(),
    tradedNotional: node.tradedNotional,
    totalReturn: startingCash.isZero() ? 0 : finalEquity.div(startingCash).minus(1).toNumber(),
    maxDrawdown: equityCurve.equity.length === 0 ? 0 : measurable ? maxDrawdown(equityCurve.equity) : NaN,
  };
  const anomalies = node.anomalies.slice();
  const result = { fills, equityCurve, summary, anomalies } as Partial<RunResult> as RunResult;
  const pending: PendingParts = { node, fills, equityCurve, measurable, metrics, values: { orders: undefined, trades: undefined, positions: undefined, drawdownCurve: undefined, metrics: undefined } };
  Object.defineProperty(result, PENDING, { value: pending, enumerable: false, configurable: false, writable: false });
  for (const key of ['orders', 'trades', 'positions', 'drawdownCurve', 'metrics'] as const) Object.defineProperty(result, key, { get: lazyGetters[key], enumerable: true, configurable: false });
  return result;
}
