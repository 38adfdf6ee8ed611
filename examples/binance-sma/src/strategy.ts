/**
 * The SMA crossover of `examples/sma-crossover`, long-only for a spot market: when the fast SMA of the
 * closes crosses above the slow one, buy `size`; when it crosses below, sell what was bought, back down
 * to `hold`. A spot account cannot go short, so the downward cross goes flat instead of reversing to
 * `-size`.
 *
 * A spot exchange may take a buy's commission from the coins bought (Binance: 0.1% of a BTC/USDT buy, in
 * BTC), so a buy of `size` leaves `size - commission` above `hold`, often not a whole number of lots
 * (0.001 BTC less 0.000001 on a lot of 0.00001). The downward cross therefore sells the whole lots above
 * `hold` (0.00099 of 0.000999), never more than is held; what is left is below one lot, which the venue
 * cannot sell on its own. Below one lot above `hold` counts as flat: the next upward cross buys `size`
 * again, and the next downward cross sells the leftover with it, so it never grows past one lot.
 *
 * `examples/sma-crossover` is an application, not a library (its package exports nothing), so its cross
 * detector is copied here unchanged: a cross is detected as backtrader's `CrossOver` does, against the
 * last NON-ZERO difference of the two averages, so a bar on which they are exactly equal neither
 * signals nor hides the next cross.
 */
import { filter, map } from 'rxjs';
import { Decimal, Sma, roundQuantity, type DecimalLike, type InstrumentId, type Pipeline, type SubmitOrder } from '@rxtrade/core';

/** Parameters of {@link longOnlySmaCrossover}. */
export interface LongOnlySmaCrossoverOptions {
  readonly instrumentId: InstrumentId;
  /** Length of the fast average, in bars. */
  readonly fast: number;
  /** Length of the slow average, in bars; above `fast`. */
  readonly slow: number;
  /** The quantity bought on an upward cross, in units of the instrument: a whole number of its lots. */
  readonly size: DecimalLike;
  /**
   * The holding the strategy leaves alone (default 0): on a spot account the position of an instrument
   * is the whole balance of its base currency, which may hold coins the strategy did not buy.
   */
  readonly hold?: DecimalLike;
  /**
   * Closes of the bars before the live ones, oldest first, that warm the averages up (crosses among
   * them are not traded); live bars at or before `warmUpUntil` are skipped.
   */
  readonly warmUp?: readonly number[];
  /** Time of the last warm-up bar: a live bar with this time or an earlier one was part of the warm-up. */
  readonly warmUpUntil?: number;
}

/**
 * Returns +1 on an upward cross, -1 on a downward cross, 0 otherwise; undefined inputs (warm-up) give 0.
 *
 * @example
 * ```ts
 * const cross = crossDetector();
 * cross(1, 2); // 0 (first difference)
 * cross(3, 2); // 1
 * ```
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
 * The long-only SMA crossover pipeline: one market order per cross. An upward cross buys `size` when the
 * position is less than one lot above `hold` (flat); a downward cross sells the whole lots above `hold`
 * (the quantity bought, less a commission taken in the coins bought, rounded down to the lot). Nothing
 * otherwise: coins below `hold` are neither sold nor bought back.
 *
 * @example
 * ```ts
 * const pipeline = longOnlySmaCrossover({ instrumentId: btc.id, fast: 10, slow: 30, size: '0.001' });
 * ```
 */
export function longOnlySmaCrossover(options: LongOnlySmaCrossoverOptions): Pipeline {
  const { instrumentId } = options;
  if (!Number.isInteger(options.fast) || !Number.isInteger(options.slow) || options.fast < 1 || options.fast >= options.slow)
    throw new RangeError(`longOnlySmaCrossover: fast and slow must be whole numbers with 1 <= fast < slow, got ${options.fast} and ${options.slow}`);
  const size = new Decimal(options.size);
  if (!size.gt(0)) throw new RangeError(`longOnlySmaCrossover: size must be > 0, got ${size.toString()}`);
  const hold = new Decimal(options.hold ?? 0);
  return (ctx) => {
    const instrument = ctx.instruments.get(instrumentId);
    if (!size.div(instrument.lotSize).isInteger())
      throw new RangeError(`longOnlySmaCrossover: size must be a multiple of the lot size ${instrument.lotSize.toString()}, got ${size.toString()}`);
    const fast = new Sma(options.fast);
    const slow = new Sma(options.slow);
    const cross = crossDetector();
    for (const close of options.warmUp ?? []) cross(fast.update(close), slow.update(close));
    const after = options.warmUpUntil ?? -Infinity;
    return ctx.market.bars(instrumentId).pipe(
      filter((bar) => bar.ts > after),
      map((bar) => cross(fast.update(bar.close), slow.update(bar.close))),
      filter((signal) => signal !== 0),
      map((signal): SubmitOrder | undefined => {
        const above = ctx.ledger.positionQuantity(instrumentId).minus(hold);
        if (signal > 0) return above.lt(instrument.lotSize) ? ctx.orderFactory.market({ instrumentId, side: 'BUY', quantity: size }) : undefined;
        // Whole lots only: the venue refuses any other quantity, and a remainder below one lot is not sellable.
        const sell = roundQuantity(instrument, above, 'down');
        return sell.gt(0) ? ctx.orderFactory.market({ instrumentId, side: 'SELL', quantity: sell }) : undefined;
      }),
      filter((order): order is SubmitOrder => order !== undefined),
    );
  };
}
