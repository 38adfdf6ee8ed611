/**
 * The contract every streaming indicator follows. Indicators are incremental (O(1) per update, or
 * O(log n) where a rolling extreme needs it), return `undefined` while warming up, and can revise the
 * latest input with `replace` (the candle that is still forming).
 */

/**
 * A streaming indicator from inputs `I` to values `O`.
 *
 * Multi-output indicators (`Macd`, `BollingerBands`, `Adx`, …) return a fresh object from every
 * `update` and `replace`, so a value kept by the caller never changes. In a hot loop, pass an object
 * you own as the optional second argument, `into`: the value is written into it and it is returned,
 * with no allocation per update (while warming up `into` is left as it was and `undefined` is returned).
 *
 * @example
 * ```ts
 * const sma = new Sma(3);
 * [1, 2, 3, 4].map((x) => sma.update(x)); // [undefined, undefined, 2, 3]
 * sma.replace(7);                          // 4: the last input revised from 4 to 7
 *
 * const macd = new Macd();
 * const out = { macd: 0, signal: 0, histogram: 0 };
 * for (const x of closes) if (macd.update(x, out)) console.log(out.histogram); // no allocation
 * ```
 */
export interface Indicator<I, O> {
  /** Adds a new input; returns the current value, or undefined while warming up. */
  update(input: I): O | undefined;
  /** Revises the latest input (the forming candle); returns the revised value. */
  replace(input: I): O | undefined;
  /** The current value, or undefined while warming up. */
  readonly value: O | undefined;
  /** True once a value is available. */
  readonly isReady: boolean;
  /** Number of inputs needed before the first value. */
  readonly warmup: number;
  /** Forgets every input. */
  reset(): void;
}

/**
 * The writable form of a multi-output indicator's value: what the optional `into` argument of `update`
 * and `replace` takes.
 *
 * @example
 * ```ts
 * const out: Writable<BandsValue> = { upper: 0, middle: 0, lower: 0 };
 * new BollingerBands().update(close, out);
 * ```
 */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };
