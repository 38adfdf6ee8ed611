/**
 * Rolling population standard deviation of the last `period` inputs.
 * Definition and arithmetic as TA-Lib's `TA_STDDEV` with nbDev 1 (ta_func/ta_STDDEV.c over
 * `TA_INT_VAR` in ta_func/ta_VAR.c): running sums of the inputs and of their squares,
 * variance = mean of squares - mean^2, and 0 when that variance is below TA-Lib's epsilon. R's TTR
 * `runSD(x, n, sample = FALSE)` gives the same numbers.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';

/** TA-Lib's TA_EPSILON (ta_func/ta_utility.h), used by its TA_IS_ZERO_OR_NEG. */
const EPSILON = 1e-14;

/**
 * Rolling population standard deviation over `period` inputs.
 *
 * @example
 * ```ts
 * const sd = new StdDev(20);
 * for (const bar of bars) sd.update(bar.close);
 * ```
 */
export class StdDev implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly window: Float64Array;
  private count = 0;
  private head = 0;
  private sum = 0;
  private sumSq = 0;
  private cur = 0;
  private windowMean = 0;
  private pCount = 0;
  private pSum = 0;
  private pSumSq = 0;
  private pDropped = 0;

  constructor(period = 20) {
    this.period = parseWith(periodConfigSchema(2), { period }, 'StdDev').period;
    this.label = `StdDev(${period})`;
    this.warmup = period;
    this.window = new Float64Array(period);
  }

  get value(): number | undefined {
    return this.count === this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count === this.period;
  }

  /** The mean of the window the current value was computed over, or undefined while warming up. */
  get mean(): number | undefined {
    return this.count === this.period ? this.windowMean : undefined;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.pCount = this.count;
    this.pSum = this.sum;
    this.pSumSq = this.sumSq;
    this.pDropped = this.window[this.head]!;
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.head = this.head === 0 ? this.period - 1 : this.head - 1;
    this.window[this.head] = this.pDropped;
    this.count = this.pCount;
    this.sum = this.pSum;
    this.sumSq = this.pSumSq;
    return this.step(input);
  }

  private step(x: number): number | undefined {
    const period = this.period;
    let head = this.head;
    this.window[head] = x;
    head = head + 1 === period ? 0 : head + 1;
    this.head = head;
    if (this.count < period) this.count++;
    if (this.count < period) {
      this.sum += x;
      this.sumSq += x * x;
      return undefined;
    }
    const oldest = this.window[head]!;
    const total = this.sum + x;
    const totalSq = this.sumSq + x * x;
    const mean = total / period;
    const variance = totalSq / period - mean * mean;
    this.sum = total - oldest;
    this.sumSq = totalSq - oldest * oldest;
    this.windowMean = mean;
    this.cur = variance < EPSILON ? 0.0 : Math.sqrt(variance);
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.cur = 0;
    this.windowMean = 0;
    this.window.fill(0);
  }
}
