/**
 * Monthly rebalancing of a multi-asset portfolio: at the start of every month (on the pipeline's clock),
 * set target weights from the trailing window of monthly returns, then size them into market orders.
 *
 * - `risk-parity`: equal risk contribution weights (`riskParity` from `@rxtrade/portfolio`) on the sample
 *   covariance of the last `lookback` monthly returns.
 * - `equal-weight`: 1/n in every index, reset every month.
 *
 * Both wait until `lookback` months of returns exist, so they start investing on the same day. With
 * `driftBand`, a month's target is traded only when the portfolio has drifted outside the band
 * (threshold rebalancing with `rebalanceOnDrift`).
 */
import { identity, tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { Bar, Instrument, InstrumentId, Pipeline } from '@rxtrade/core';
import { currentWeights, rebalanceOnCalendar, rebalanceOnDrift, riskParity, sampleCovariance, sizeToTargets, type TargetWeights } from '@rxtrade/portfolio';

/** How the strategy allocates. */
export const Allocation = {
  RISK_PARITY: 'risk-parity',
  EQUAL_WEIGHT: 'equal-weight',
} as const;
export type Allocation = (typeof Allocation)[keyof typeof Allocation];

/** One rebalancing decision, as reported to `onRebalance`. */
export interface RebalanceDecision {
  /** The boundary (first instant of the month, UTC). */
  readonly ts: number;
  /** Weights in the order of `instruments`. */
  readonly weights: Float64Array;
  /** The returns window the weights came from: `lookback` rows (months) of one return per instrument. */
  readonly window: readonly Float64Array[];
}

/** Parameters of {@link monthlyRebalance}. */
export interface MonthlyRebalanceOptions {
  readonly instruments: readonly Instrument[];
  readonly allocation: Allocation;
  /** Months of returns in the covariance window (and the warm-up); default 36. */
  readonly lookback?: number;
  /**
   * When given, a month's target is traded only if some weight has drifted more than this many weight
   * points from it (`rebalanceOnDrift`, absolute band); otherwise every month is rebalanced.
   */
  readonly driftBand?: number;
  /** Called with every decision (for reports and tests), traded or not. */
  readonly onRebalance?: (decision: RebalanceDecision) => void;
}

/**
 * The weights of an allocation for a window of returns (rows = months, columns = instruments).
 *
 * @example
 * ```ts
 * targetWeights('equal-weight', window) // Float64Array [1/13, …]
 * ```
 */
export function targetWeights(allocation: Allocation, window: readonly Float64Array[]): Float64Array {
  const n = window[0]!.length;
  if (allocation === Allocation.EQUAL_WEIGHT) return new Float64Array(n).fill(1 / n);
  return riskParity({ covariance: sampleCovariance([...window]) }).weights;
}

/**
 * The monthly rebalancing pipeline.
 *
 * @example
 * ```ts
 * const result = await runBacktest(monthlyRebalance({ instruments, allocation: 'risk-parity' }), { data: bars, instruments, ledger: { startingCash: 1_000_000 } });
 * ```
 */
export function monthlyRebalance(options: MonthlyRebalanceOptions): Pipeline {
  const lookback = options.lookback ?? 36;
  if (!Number.isInteger(lookback) || lookback < options.instruments.length + 1)
    throw new Error(`lookback must be a whole number of months > the number of instruments (${options.instruments.length}), got ${lookback}`);
  const ids = options.instruments.map((i) => i.id);
  return (ctx) => {
    const history = new ReturnHistory(ids);
    return ctx.market.bars().pipe(
      tap((bar) => history.add(bar)),
      rebalanceOnCalendar({
        clock: ctx.clock,
        every: 'month',
        weights: (_latest: Bar, ts) => {
          const window = history.window(lookback);
          if (window === undefined) return undefined;
          const w = targetWeights(options.allocation, window);
          options.onRebalance?.({ ts, weights: w, window });
          return Object.fromEntries(ids.map((id, k) => [id, w[k]!])) as Record<InstrumentId, number>;
        },
      }),
      options.driftBand === undefined
        ? (identity as MonoTypeOperatorFunction<TargetWeights>)
        : rebalanceOnDrift({ absolute: options.driftBand, current: () => currentWeights(ctx.ledger, ctx.instruments) }),
      sizeToTargets({ ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments }),
    );
  };
}

/** Monthly returns per instrument, `close / open - 1` of each bar (the open is the previous close). */
class ReturnHistory {
  private readonly columns: number[][];
  private readonly index: Map<InstrumentId, number>;

  constructor(ids: readonly InstrumentId[]) {
    this.columns = ids.map(() => []);
    this.index = new Map(ids.map((id, k) => [id, k]));
  }

  add(bar: Bar): void {
    const k = this.index.get(bar.instrumentId);
    if (k !== undefined) this.columns[k]!.push(bar.close / bar.open - 1);
  }

  /** The last `lookback` months as rows, or undefined until every instrument has that many. */
  window(lookback: number): Float64Array[] | undefined {
    const n = Math.min(...this.columns.map((c) => c.length));
    if (n < lookback) return undefined;
    const rows: Float64Array[] = [];
    for (let t = 0; t < lookback; t++) rows.push(Float64Array.from(this.columns, (c) => c[c.length - lookback + t]!));
    return rows;
  }
}
