/**
 * Bollinger bands (John Bollinger): middle = SMA(period), upper/lower = middle +/- multiplier * the
 * population standard deviation of the same `period` inputs.
 * Definition and arithmetic as TA-Lib's `TA_BBANDS` with an SMA (ta_func/ta_BBANDS.c, its standard
 * deviation from `TA_INT_stddev_using_precalc_ma` in ta_func/ta_STDDEV.c): running sums of the inputs
 * and of their squares, variance = mean of squares - middle^2, and a deviation of 0 when that variance
 * is below TA-Lib's epsilon.
 */
import { parseWith } from '../validation';
import { BollingerBandsConfigSchema, type BollingerBandsConfig } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator, Writable } from './indicator';

/** TA-Lib's TA_EPSILON (ta_func/ta_utility.h), used by its TA_IS_ZERO_OR_NEG. */
const EPSILON = 1e-14;

/**
 * One set of bands around a middle line (Bollinger, Donchian, Keltner).
 *
 * @example
 * ```ts
 * const bands = new BollingerBands().update(close);
 * if (bands && close > bands.upper) console.log('above the upper band');
 * ```
 */
export interface BandsValue {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/** A fresh {@link BandsValue}, or `into` with the bands written into it (shared by the band indicators). */
export function bandsValue(upper: number, middle: number, lower: number, into: Writable<BandsValue> | undefined): BandsValue {
  if (into === undefined) return { upper, middle, lower };
  into.upper = upper;
  into.middle = middle;
  into.lower = lower;
  return into;
}

/**
 * Bollinger bands over `period` inputs; each update (and each read of `value`) returns a fresh
 * {@link BandsValue}, or writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const bb = new BollingerBands({ period: 20, multiplier: 2 });
 * for (const bar of bars) bb.update(bar.close);
 * bb.value?.upper;
 * const out = { upper: 0, middle: 0, lower: 0 };
 * if (bb.update(next.close, out)) console.log(out.upper); // no allocation
 * ```
 */
export class BollingerBands implements Indicator<number, BandsValue> {
  readonly period: number;
  readonly multiplier: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof BandsValue)[] = ['upper', 'middle', 'lower'];
  private readonly label: string;
  private readonly window: Float64Array;
  /**
   * Number of inputs so far, up to `period` (the steady state does not count); `replace` takes the
   * latest back by decrementing it.
   */
  private count = 0;
  /** Where the next input goes; the latest is just before it. */
  private head = 0;
  /** Running sums of the latest `period - 1` inputs and of their squares. */
  private sum = 0;
  private sumSq = 0;
  /**
   * The sums before the latest update: all `replace` needs (the slot it overwrote is never read again),
   * and with the latest input all `value` needs.
   */
  private pSum = 0;
  private pSumSq = 0;

  constructor(config: BollingerBandsConfig = {}) {
    const c = parseWith(BollingerBandsConfigSchema, config, 'BollingerBands');
    this.period = c.period;
    this.multiplier = c.multiplier;
    this.label = `BollingerBands(${c.period},${c.multiplier})`;
    this.warmup = c.period;
    this.window = new Float64Array(c.period);
  }

  get value(): BandsValue | undefined {
    if (this.count < this.period) return undefined;
    const latest = this.window[this.head === 0 ? this.period - 1 : this.head - 1]!;
    return this.bands(this.pSum + latest, this.pSumSq + latest * latest, undefined);
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  /**
   * Adds an input; returns the bands (a fresh object, or `into` with them written into it), or undefined
   * while warming up.
   */
  update(input: number, into?: Writable<BandsValue>): BandsValue | undefined {
    // The steady state is kept small so that V8 inlines it into the caller; warm-up and bad input take
    // the slow path. A fresh result object costs about as much as the arithmetic: `into` avoids it.
    if (this.count < this.period - 1 || !Number.isFinite(input)) return this.updateSlow(input);
    const window = this.window;
    const head = this.head;
    window[head] = input;
    const next = head + 1 === this.period ? 0 : head + 1;
    this.head = next;
    this.count = this.period;
    // TA-Lib's order: add the newest to the running sums, take the means, then drop the oldest.
    const total = (this.pSum = this.sum) + input;
    const totalSq = (this.pSumSq = this.sumSq) + input * input;
    const oldest = window[next]!;
    this.sum = total - oldest;
    this.sumSq = totalSq - oldest * oldest;
    return this.bands(total, totalSq, into);
  }

  /** The bands from the sums over the latest `period` inputs. */
  private bands(total: number, totalSq: number, into: Writable<BandsValue> | undefined): BandsValue {
    const middle = total / this.period;
    const variance = totalSq / this.period - middle * middle;
    const dev = variance < EPSILON ? 0.0 : Math.sqrt(variance) * this.multiplier;
    return bandsValue(middle + dev, middle, middle - dev, into);
  }

  private updateSlow(input: number): BandsValue | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.window[this.head] = input;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    this.pSum = this.sum;
    this.pSumSq = this.sumSq;
    this.count++;
    this.sum += input;
    this.sumSq += input * input;
    return undefined;
  }

  /** Revises the latest input; returns the revised bands (fresh, or written into `into`). */
  replace(input: number, into?: Writable<BandsValue>): BandsValue | undefined {
    if (this.count === 0) return this.update(input, into);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    // Undo the latest update, then apply `input` in its place.
    this.head = this.head === 0 ? this.period - 1 : this.head - 1;
    this.count--;
    this.sum = this.pSum;
    this.sumSq = this.pSumSq;
    return this.update(input, into);
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.pSum = 0;
    this.pSumSq = 0;
    this.window.fill(0);
  }
}
