/**
 * Donchian channel (Richard Donchian): upper = highest high and lower = lowest low of the last
 * `period` bars (the current bar included), middle = (upper + lower) / 2.
 * TA-Lib has no channel function (its `TA_MAX` and `TA_MIN` give the bounds); the definition and the
 * reference are R's TTR `DonchianChannel(HL, n, include.lag = FALSE)`. The rolling extremes come from
 * monotonic deques (amortised O(1)).
 */
import { parseWith } from '../validation';
import { bandsValue, type BandsValue } from './bollinger-bands';
import { periodConfigSchema } from './config';
import { checkHighLow } from './input-checks';
import type { Indicator, Writable } from './indicator';
import type { HighLow } from './inputs';
import { RollingExtreme } from './rolling-extreme';

/**
 * Donchian channel over `period` bars; each update (and each read of `value`) returns a fresh
 * `{ upper, middle, lower }`, or writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const dc = new Donchian(20);
 * for (const bar of bars) dc.update(bar);
 * dc.value?.upper; // highest high of the last 20 bars
 * ```
 */
export class Donchian implements Indicator<HighLow, BandsValue> {
  readonly period: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof BandsValue)[] = ['upper', 'middle', 'lower'];
  private readonly label: string;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private count = 0;
  private pCount = 0;
  private ready = false;
  private upper = 0;
  private lower = 0;

  constructor(period = 20) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Donchian').period;
    this.label = `Donchian(${period})`;
    this.warmup = period;
    this.highs = new RollingExtreme(period, 'max');
    this.lows = new RollingExtreme(period, 'min');
  }

  get value(): BandsValue | undefined {
    return this.ready ? bandsValue(this.upper, (this.upper + this.lower) / 2, this.lower, undefined) : undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Adds a bar; returns the channel (fresh, or written into `into`), or undefined while warming up. */
  update(input: HighLow, into?: Writable<BandsValue>): BandsValue | undefined {
    checkHighLow(this.label, input);
    this.pCount = this.count;
    return this.step(input, into);
  }

  /** Revises the latest bar; returns the revised channel (fresh, or written into `into`). */
  replace(input: HighLow, into?: Writable<BandsValue>): BandsValue | undefined {
    if (this.count === 0) return this.update(input, into);
    checkHighLow(this.label, input);
    this.highs.undo();
    this.lows.undo();
    this.count = this.pCount;
    return this.step(input, into);
  }

  private step(input: HighLow, into: Writable<BandsValue> | undefined): BandsValue | undefined {
    this.highs.push(input.high);
    this.lows.push(input.low);
    if (this.count < this.period) this.count++;
    if (this.count < this.period) {
      this.ready = false;
      return undefined;
    }
    const upper = (this.upper = this.highs.value);
    const lower = (this.lower = this.lows.value);
    this.ready = true;
    return bandsValue(upper, (upper + lower) / 2, lower, into);
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.count = 0;
    this.ready = false;
  }
}
