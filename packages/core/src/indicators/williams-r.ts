/**
 * Williams %R (Larry Williams): -100 * (highest high - close) / (highest high - lowest low) over the
 * last `period` bars, from -100 (close at the low) to 0 (close at the high).
 * Definition and arithmetic as TA-Lib's `TA_WILLR` (ta_func/ta_WILLR.c): 0 when the range is zero. The
 * rolling extremes come from monotonic deques (amortised O(1)).
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkField, checkHighLow } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowClose } from './inputs';
import { RollingExtreme } from './rolling-extreme';

/**
 * Williams %R over `period` bars.
 *
 * @example
 * ```ts
 * const willr = new WilliamsR(14);
 * for (const bar of bars) willr.update(bar);
 * ```
 */
export class WilliamsR implements Indicator<HighLowClose, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private count = 0;
  private cur = 0;
  private pCount = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'WilliamsR').period;
    this.label = `WilliamsR(${period})`;
    this.warmup = period;
    this.highs = new RollingExtreme(period, 'max');
    this.lows = new RollingExtreme(period, 'min');
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
    return this.step(input);
  }

  replace(input: HighLowClose): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    this.highs.undo();
    this.lows.undo();
    this.count = this.pCount;
    return this.step(input);
  }

  private check(input: HighLowClose): void {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
  }

  private step(input: HighLowClose): number | undefined {
    this.highs.push(input.high);
    this.lows.push(input.low);
    if (this.count < this.period) this.count++;
    if (this.count < this.period) return undefined;
    const highest = this.highs.value;
    const diff = (highest - this.lows.value) / -100.0;
    this.cur = diff !== 0.0 ? (highest - input.close) / diff : 0.0;
    return this.cur;
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.count = 0;
    this.cur = 0;
  }
}
