/**
 * The contract every streaming indicator follows. Indicators are incremental (O(1) per update, or
 * O(log n) where a rolling extreme needs it), return `undefined` while warming up, and can revise the
 * latest input with `replace` (the candle that is still forming).
 */

/**
 * A streaming indicator from inputs `I` to values `O`.
 *
 * @example
 * ```ts
 * const sma = new Sma(3);
 * [1, 2, 3, 4].map((x) => sma.update(x)); // [undefined, undefined, 2, 3]
 * sma.replace(7);                          // 4: the last input revised from 4 to 7
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
