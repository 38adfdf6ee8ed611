/**
 * Simple moving average: the arithmetic mean of the last `period` inputs.
 * Definition and seeding as TA-Lib's `TA_SMA` (ta_SMA.c): the first value appears at input `period`,
 * computed from a running total that adds the newest input and drops the oldest.
 */
import { ValidationError } from '../errors';
import type { Indicator } from './indicator';

/**
 * Simple moving average over `period` inputs.
 *
 * @example
 * ```ts
 * const sma = new Sma(10);
 * for (const bar of bars) sma.update(bar.close);
 * sma.value; // mean of the last 10 closes
 * ```
 */
export class Sma implements Indicator<number, number> {
  readonly warmup: number;
  private readonly window: Float64Array;
  private count = 0;
  private head = 0;
  private sum = 0;
  private current: number | undefined = undefined;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new ValidationError([{ path: ['period'], message: `must be an integer >= 1, got ${period}` }]);
    this.warmup = period;
    this.window = new Float64Array(period);
  }

  get value(): number | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throw new ValidationError([{ path: ['input'], message: `Sma(${this.period}) got a non-finite input ${input}` }]);
    const period = this.period;
    if (this.count === period) this.sum -= this.window[this.head]!;
    else this.count++;
    this.window[this.head] = input;
    this.sum += input;
    this.head = this.head + 1 === period ? 0 : this.head + 1;
    this.current = this.count === period ? this.sum / period : undefined;
    return this.current;
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throw new ValidationError([{ path: ['input'], message: `Sma(${this.period}) got a non-finite input ${input}` }]);
    const last = this.head === 0 ? this.period - 1 : this.head - 1;
    this.sum += input - this.window[last]!;
    this.window[last] = input;
    this.current = this.count === this.period ? this.sum / this.period : undefined;
    return this.current;
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.sum = 0;
    this.current = undefined;
    this.window.fill(0);
  }
}
