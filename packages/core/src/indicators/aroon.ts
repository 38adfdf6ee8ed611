/**
 * Aroon (Tushar Chande, 1995): up = 100 * (period - bars since the highest high) / period and
 * down = 100 * (period - bars since the lowest low) / period, over the last `period + 1` bars.
 * Definition as TA-Lib's `TA_AROON` (ta_func/ta_AROON.c): among equal extremes the most recent counts,
 * and the first value appears at bar `period + 1`. The rolling extremes come from monotonic deques
 * (amortised O(1)).
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkHighLow } from './input-checks';
import type { Indicator, Writable } from './indicator';
import type { HighLow } from './inputs';
import { RollingExtreme } from './rolling-extreme';

/**
 * One Aroon value: both lines 0..100.
 *
 * @example
 * ```ts
 * const v = new Aroon(14).update(bar);
 * const oscillator = v ? v.up - v.down : undefined;
 * ```
 */
export interface AroonValue {
  readonly up: number;
  readonly down: number;
}

/**
 * Aroon up and down over `period` bars; each update (and each read of `value`) returns a fresh
 * {@link AroonValue}, or writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const aroon = new Aroon(14);
 * for (const bar of bars) aroon.update(bar);
 * aroon.value?.up;
 * ```
 */
export class Aroon implements Indicator<HighLow, AroonValue> {
  readonly period: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof AroonValue)[] = ['up', 'down'];
  private readonly label: string;
  private readonly factor: number;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private count = 0;
  private pCount = 0;
  private ready = false;
  private up = 0;
  private down = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(2), { period }, 'Aroon').period;
    this.label = `Aroon(${period})`;
    this.warmup = period + 1;
    this.factor = 100.0 / period;
    this.highs = new RollingExtreme(period + 1, 'max');
    this.lows = new RollingExtreme(period + 1, 'min');
  }

  get value(): AroonValue | undefined {
    return this.ready ? { up: this.up, down: this.down } : undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Adds a bar; returns the value (fresh, or written into `into`), or undefined while warming up. */
  update(input: HighLow, into?: Writable<AroonValue>): AroonValue | undefined {
    checkHighLow(this.label, input);
    this.pCount = this.count;
    return this.step(input, into);
  }

  /** Revises the latest bar; returns the revised value (fresh, or written into `into`). */
  replace(input: HighLow, into?: Writable<AroonValue>): AroonValue | undefined {
    if (this.count === 0) return this.update(input, into);
    checkHighLow(this.label, input);
    this.highs.undo();
    this.lows.undo();
    this.count = this.pCount;
    return this.step(input, into);
  }

  private step(input: HighLow, into: Writable<AroonValue> | undefined): AroonValue | undefined {
    this.highs.push(input.high);
    this.lows.push(input.low);
    if (this.count <= this.period) this.count++;
    if (this.count <= this.period) {
      this.ready = false;
      return undefined;
    }
    const period = this.period;
    const up = (this.up = this.factor * (period - this.highs.age));
    const down = (this.down = this.factor * (period - this.lows.age));
    this.ready = true;
    if (into === undefined) return { up, down };
    into.up = up;
    into.down = down;
    return into;
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.count = 0;
    this.ready = false;
  }
}
