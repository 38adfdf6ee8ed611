/**
 * Commodity channel index (Donald Lambert, 1980): (tp - SMA(tp)) / (0.015 * mean absolute deviation of
 * tp from that SMA), with the typical price tp = (high + low + close) / 3, over `period` bars.
 * Definition and arithmetic as TA-Lib's `TA_CCI` (ta_func/ta_CCI.c): 0 when either the numerator or the
 * mean deviation is zero. The mean absolute deviation needs the whole window, so an update costs
 * O(period), as in TA-Lib.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkField, checkHighLow } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowClose } from './inputs';

/**
 * Lambert's commodity channel index over `period` bars; O(period) per update.
 *
 * @example
 * ```ts
 * const cci = new Cci(20);
 * for (const bar of bars) cci.update(bar);
 * ```
 */
export class Cci implements Indicator<HighLowClose, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly window: Float64Array;
  private count = 0;
  private head = 0;
  private cur = 0;
  private pCount = 0;
  private pDropped = 0;

  constructor(period = 20) {
    this.period = parseWith(periodConfigSchema(2), { period }, 'Cci').period;
    this.label = `Cci(${period})`;
    this.warmup = period;
    this.window = new Float64Array(period);
  }

  get value(): number | undefined {
    return this.count === this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count === this.period;
  }

  update(input: HighLowClose): number | undefined {
    this.check(input);
    this.pCount = this.count;
    this.pDropped = this.window[this.head]!;
    return this.step(input);
  }

  replace(input: HighLowClose): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    this.head = this.head === 0 ? this.period - 1 : this.head - 1;
    this.window[this.head] = this.pDropped;
    this.count = this.pCount;
    return this.step(input);
  }

  private check(input: HighLowClose): void {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
  }

  private step(input: HighLowClose): number | undefined {
    const period = this.period;
    const window = this.window;
    const tp = (input.high + input.low + input.close) / 3;
    window[this.head] = tp;
    this.head = this.head + 1 === period ? 0 : this.head + 1;
    if (this.count < period) this.count++;
    if (this.count < period) return undefined;
    // Sum in buffer order, as TA-Lib's circular buffer does.
    let average = 0;
    for (let j = 0; j < period; j++) average += window[j]!;
    average /= period;
    let deviation = 0;
    for (let j = 0; j < period; j++) deviation += Math.abs(window[j]! - average);
    const diff = tp - average;
    this.cur = diff !== 0.0 && deviation !== 0.0 ? diff / (0.015 * (deviation / period)) : 0.0;
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.cur = 0;
    this.window.fill(0);
  }
}
