/**
 * SMA crossover: when the fast SMA of closes crosses above the slow one, target a position of +size;
 * when it crosses below, target -size, with one market order that reverses through zero.
 *
 * A cross is detected as backtrader's `CrossOver` does: against the last NON-ZERO difference of the two
 * averages, so a bar on which they are exactly equal neither signals nor hides the next cross.
 */
import { filter, map } from 'rxjs';
import { Sma, type InstrumentId, type Pipeline, type SubmitOrder } from '@rxtrade/core';

/** Parameters of {@link smaCrossover}. */
export interface SmaCrossoverOptions {
  readonly instrumentId: InstrumentId;
  readonly fast: number;
  readonly slow: number;
  /** Absolute target position, in units of the instrument. */
  readonly size: number;
}

/**
 * Returns +1 on an upward cross, -1 on a downward cross, 0 otherwise; undefined inputs (warm-up) give 0.
 */
export function crossDetector(): (fast: number | undefined, slow: number | undefined) => -1 | 0 | 1 {
  let lastNonZero: number | undefined;
  return (fast, slow) => {
    if (fast === undefined || slow === undefined) return 0;
    const diff = fast - slow;
    const previous = lastNonZero;
    if (diff !== 0 || previous === undefined) lastNonZero = diff;
    if (previous === undefined) return 0;
    if (previous < 0 && diff > 0) return 1;
    if (previous > 0 && diff < 0) return -1;
    return 0;
  };
}

/**
 * The SMA crossover pipeline.
 *
 * @example
 * ```ts
 * const result = await runBacktest(smaCrossover({ instrumentId: goog.id, fast: 10, slow: 30, size: 100 }), config);
 * ```
 */
export function smaCrossover(options: SmaCrossoverOptions): Pipeline {
  const { instrumentId, size } = options;
  return (ctx) => {
    const fast = new Sma(options.fast);
    const slow = new Sma(options.slow);
    const cross = crossDetector();
    return ctx.market.bars(instrumentId).pipe(
      map((bar) => cross(fast.update(bar.close), slow.update(bar.close))),
      filter((signal) => signal !== 0),
      // One market order from the position held to the target (undefined when already there).
      map((signal) => ctx.orderFactory.marketToTarget({ instrumentId, target: signal * size, current: ctx.ledger.positionQuantity(instrumentId) })),
      filter((order): order is SubmitOrder => order !== undefined),
    );
  };
}

/** Parameters of {@link smaBracket}. */
export interface SmaBracketOptions extends SmaCrossoverOptions {
  /** Take-profit distance from the signal bar's close, as a fraction (0.05 = 5%). */
  readonly takeProfit: number;
  /** Stop-loss distance from the signal bar's close, as a fraction (0.03 = 3%). */
  readonly stopLoss: number;
}

/**
 * The crossover with brackets: when flat and with nothing working, each cross sends a bracket of `size`
 * in its direction (market entry, take-profit limit and stop-loss stop-market on the other side, linked
 * OUO) instead of reversing the position.
 *
 * @example
 * ```ts
 * const result = await runBacktest(smaBracket({ instrumentId: goog.id, fast: 10, slow: 30, size: 100, takeProfit: 0.05, stopLoss: 0.03 }), config);
 * ```
 */
export function smaBracket(options: SmaBracketOptions): Pipeline {
  const { instrumentId, size, takeProfit, stopLoss } = options;
  return (ctx) => {
    const fast = new Sma(options.fast);
    const slow = new Sma(options.slow);
    const cross = crossDetector();
    return ctx.market.bars(instrumentId).pipe(
      map((bar) => ({ close: bar.close, signal: cross(fast.update(bar.close), slow.update(bar.close)) })),
      filter(({ signal }) => signal !== 0 && ctx.ledger.positionQuantity(instrumentId).isZero() && ctx.orders.openOrders(instrumentId).length === 0),
      map(({ close, signal }) =>
        ctx.orderFactory.bracket({
          instrumentId,
          side: signal > 0 ? 'BUY' : 'SELL',
          quantity: size,
          takeProfit: close * (1 + signal * takeProfit),
          stopLoss: close * (1 - signal * stopLoss),
        }),
      ),
    );
  };
}
