/**
 * Exponential moving average with smoothing k = 2 / (period + 1).
 * Definition and seeding as TA-Lib's `TA_EMA` (ta_func/ta_EMA.c, `TA_INT_EMA`, classic compatibility):
 * the first value, at input `period`, is the simple average of the first `period` inputs; afterwards
 * ema = (x - ema) * k + ema.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';

/**
 * Exponential moving average over `period` inputs, seeded with their simple average.
 *
 * @example
 * ```ts
 * const ema = new Ema(3);
 * [1, 2, 3, 4].map((x) => ema.update(x)); // [undefined, undefined, 2, 3]
 * ```
 */
export class Ema implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  /** The smoothing factor 2 / (period + 1). */
  readonly k: number;
  private readonly label: string;
  /** Number of inputs so far; `replace` takes the latest back by decrementing it. */
  private count = 0;
  private sum = 0;
  private cur = 0;
  private pSum = 0;
  private pCur = 0;

  constructor(period: number) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Ema').period;
    this.label = `Ema(${period})`;
    this.warmup = period;
    this.k = 2 / (period + 1);
  }

  get value(): number | undefined {
    return this.count >= this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.pCur = this.cur;
    if (++this.count > this.period) return (this.cur = (input - this.cur) * this.k + this.cur);
    this.pSum = this.sum;
    this.sum += input;
    if (this.count < this.period) return undefined;
    return (this.cur = this.sum / this.period);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    // Undo the latest update, then apply `input` in its place.
    this.cur = this.pCur;
    if (--this.count < this.period) this.sum = this.pSum;
    return this.update(input);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.cur = 0;
  }
}
