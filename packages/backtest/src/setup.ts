/** Builds the parts of a run from its config: the same function for backtest and paper. */
import { z } from 'zod';
import { instrumentRegistry, preParsedConfig, type Clock, type Decimal } from '@rxtrade/core';
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

/**
 * Defines `key` on `target` as computed on first read, then cached as a plain value. Round trips, the
 * position log, the drawdown curve and the metrics cost about a fifth of a million-bar run with tens
 * of thousands of fills, so a caller that reads only the summary does not pay for them.
 */
function lazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): T[K] {
      const value = compute();
      Object.defineProperty(target, key, { value, enumerable: true, configurable: false, writable: false });
      return value;
    },
  });
}

/**
 * @internal Assembles the result once a run has ended. The orders' snapshots, round trips, the position
 * log, the drawdown curve and the metrics are made when first read (a sweep reads only the metrics).
 */
export function collectResult(node: TradingKernel, ledger: Ledger, startingCash: Decimal, metrics: MetricsConfig = { periodsPerYear: 252 }): RunResult {
  const instruments = node.instruments;
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
  // The orders end the run as they are read: the run is over, and nothing changes them any more.
  lazy(result, 'orders', () => node.orderManager.orders().map(snapshotOrder));
  lazy(result, 'trades', () => roundTrips(fills, instruments));
  lazy(result, 'positions', () => positionChanges(fills));
  lazy(result, 'drawdownCurve', () => ({
    ts: equityCurve.ts,
    drawdown: measurable ? drawdownSeries(equityCurve.equity) : new Float64Array(equityCurve.equity.length).fill(NaN),
  }));
  lazy(result, 'metrics', () => {
    const m = computeMetrics(result, metrics);
    // Without the fills there are no round trips or position log: say "unknown", not zero.
    return node.keepsHistory ? m : { ...m, trades: NaN, exposure: NaN };
  });
  return result;
}
