/**
 * Rolling min-max normalisation over the last `period` inputs, the current one included:
 * `(x[t] - min) / (max - min)`, in [0, 1] (the stochastic %K formula of Lane applied to one series);
 * 0.5 when the window is constant. The first value appears at input `period`.
 *
 * O(1) amortised per update, `replace` included: the window's extremes come from two
 * {@link RollingExtreme} monotonic deques (Lemire, "Streaming maximum-minimum filter using no more than
 * three comparisons per element", 2006), whose one-step undo revises the newest input.
 */
import { ValidationError } from '../errors';
import type { Indicator } from '../indicators/indicator';
import { RollingExtreme } from '../indicators/rolling-extreme';

/**
 * The rolling min-max position of a series in [0, 1], as a streaming transform.
 *
 * @example
 * ```ts
 * const mm = new RollingMinMax(3);
 * [1, 3, 2, 5].map((x) => mm.update(x)); // [undefined, undefined, 0.5, 1]
 * ```
 */
export class RollingMinMax implements Indicator<number, number> {
  readonly warmup: number;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private count = 0;
  private current: number | undefined = undefined;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new ValidationError([{ path: ['period'], message: `must be an integer >= 1, got ${period}` }]);
    this.warmup = period;
    this.highs = new RollingExtreme(period, 'max');
    this.lows = new RollingExtreme(period, 'min');
  }

  get value(): number | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  /** Lowest input in the window, or undefined before the first input. */
  get min(): number | undefined {
    return this.count === 0 ? undefined : this.lows.value;
  }

  /** Highest input in the window, or undefined before the first input. */
  get max(): number | undefined {
    return this.count === 0 ? undefined : this.highs.value;
  }

  update(input: number): number | undefined {
    this.check(input);
    this.highs.push(input);
    this.lows.push(input);
    this.count++;
    return this.compute(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    this.highs.undo();
    this.lows.undo();
    this.highs.push(input);
    this.lows.push(input);
    return this.compute(input);
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.count = 0;
    this.current = undefined;
  }

  private compute(input: number): number | undefined {
    if (this.count < this.period) return (this.current = undefined);
    const lo = this.lows.value;
    const hi = this.highs.value;
    return (this.current = hi === lo ? 0.5 : (input - lo) / (hi - lo));
  }

  private check(input: number): void {
    if (!Number.isFinite(input)) throw new ValidationError([{ path: ['input'], message: `RollingMinMax(${this.period}) got a non-finite input ${input}` }]);
  }
}
