/**
 * The SMA crossover of `examples/sma-crossover`, long-only for a spot market: when the fast SMA of the
 * closes crosses above the slow one, hold `hold + size`; when it crosses below, hold `hold`. A spot
 * account cannot go short, so the downward cross goes flat instead of reversing to `-size`.
 *
 * `examples/sma-crossover` is an application, not a library (its package exports nothing), so its cross
 * detector is copied here unchanged: a cross is detected as backtrader's `CrossOver` does, against the
 * last NON-ZERO difference of the two averages, so a bar on which they are exactly equal neither
 * signals nor hides the next cross.
 */
import { filter, map } from 'rxjs';
import { Decimal, Sma, type DecimalLike, type InstrumentId, type Pipeline, type SubmitOrder } from '@rxtrade/core';

/** Parameters of {@link longOnlySmaCrossover}. */
export interface LongOnlySmaCrossoverOptions {
  readonly instrumentId: InstrumentId;
  /** Length of the fast average, in bars. */
  readonly fast: number;
  /** Length of the slow average, in bars; above `fast`. */
  readonly slow: number;
  /** The quantity bought on an upward cross and sold on a downward one, in units of the instrument. */
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
 * The long-only SMA crossover pipeline: one market order per cross, sized so that the position becomes
 * `hold + size` (upward) or `hold` (downward); nothing when it is there already (or, on a downward cross,
 * below `hold`).
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
        const target = signal > 0 ? hold.plus(size) : hold;
        const delta = target.minus(ctx.ledger.positionQuantity(instrumentId));
        // An upward cross only buys and a downward one only sells: coins below `hold` are not bought back.
        if (signal > 0 ? !delta.gt(0) : !delta.lt(0)) return undefined;
        return ctx.orderFactory.market({ instrumentId, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
      }),
      filter((order): order is SubmitOrder => order !== undefined),
    );
  };
}
