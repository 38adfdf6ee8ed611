/**
 * Simple moving average: the arithmetic mean of the last `period` inputs.
 * Definition and seeding as TA-Lib's `TA_SMA` (ta_func/ta_SMA.c, `TA_INT_SMA`): the first value appears
 * at input `period`; a running total of the last `period - 1` inputs gets the newest input added, is
 * divided by `period`, then loses the oldest, in that order (so the values equal TA-Lib's to the last bit
 * in most cases).
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
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
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly window: Float64Array;
  /** Number of inputs so far; `replace` takes the latest back by decrementing it. */
  private count = 0;
  private head = 0;
  /** Running total of the latest `period - 1` inputs. */
  private sum = 0;
  private cur = 0;
  /** `sum` before the latest update: all `replace` needs (the slot it overwrote is never read again). */
  private pSum = 0;

  constructor(period: number) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Sma').period;
    this.label = `Sma(${period})`;
    this.warmup = period;
    this.window = new Float64Array(period);
  }

  get value(): number | undefined {
    return this.count >= this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const head = this.head;
    const window = this.window;
    const period = this.period;
    window[head] = input;
    const next = head + 1 === period ? 0 : head + 1;
    this.head = next;
    this.pSum = this.sum;
    if (++this.count < period) {
      this.sum += input;
      return undefined;
    }
    // TA-Lib's order: add the newest, divide, then drop the oldest (which the next update overwrites).
    const total = this.sum + input;
    this.sum = total - window[next]!;
    return (this.cur = total / period);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    // Undo the latest update, then apply `input` in its place.
    this.head = this.head === 0 ? this.period - 1 : this.head - 1;
    this.count--;
    this.sum = this.pSum;
    return this.update(input);
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.sum = 0;
    this.cur = 0;
    this.pSum = 0;
    this.window.fill(0);
  }
}
