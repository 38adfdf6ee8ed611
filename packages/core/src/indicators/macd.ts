/**
 * Moving average convergence/divergence (Gerald Appel): macd = EMA(fast) - EMA(slow),
 * signal = EMA(signal) of macd, histogram = macd - signal.
 * Definition and seeding as TA-Lib's `TA_MACD` (ta_func/ta_MACD.c, `TA_INT_MACD` over `TA_INT_EMA`):
 * both EMAs start at input `slow`, the slow one seeded with the mean of the first `slow` inputs and the
 * fast one with the mean of the last `fast` of those (not of the first `fast` inputs, which is where
 * TA-Lib differs from R's TTR); the signal EMA is seeded with the mean of the first `signal` macd values,
 * so the first value appears at input slow + signal - 1.
 */
import { parseWith } from '../validation';
import { MacdConfigSchema, type MacdConfig } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator, Writable } from './indicator';

/**
 * One MACD value: the MACD line, its signal line and their difference.
 *
 * @example
 * ```ts
 * const { histogram } = new Macd().update(close) ?? { histogram: NaN };
 * ```
 */
export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

/** A fresh value, or `into` with the value written into it. */
function macdValue(macd: number, signal: number, into: Writable<MacdValue> | undefined): MacdValue {
  if (into === undefined) return { macd, signal, histogram: macd - signal };
  into.macd = macd;
  into.signal = signal;
  into.histogram = macd - signal;
  return into;
}

/**
 * MACD with TA-Lib's seeding; each update (and each read of `value`) returns a fresh {@link MacdValue},
 * or writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const macd = new Macd({ fast: 12, slow: 26, signal: 9 });
 * for (const bar of bars) macd.update(bar.close);
 * macd.value?.histogram;
 * const out = { macd: 0, signal: 0, histogram: 0 };
 * if (macd.update(next.close, out)) console.log(out.histogram); // no allocation
 * ```
 */
export class Macd implements Indicator<number, MacdValue> {
  // Every number field is initialised here with a value of its final kind (small integer or double), so
  // that V8 gives it that representation from the start: a field first defined as `undefined` stays
  // "tagged", and each read of it in `update` would check for a small integer or a boxed double.
  readonly fast: number = 0;
  readonly slow: number = 0;
  readonly signal: number = 0;
  readonly warmup: number = 0;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof MacdValue)[] = ['macd', 'signal', 'histogram'];
  private readonly label: string;
  private readonly kFast: number = NaN;
  private readonly kSlow: number = NaN;
  private readonly kSignal: number = NaN;
  /**
   * Number of inputs so far, up to `warmup + 1`: the steady state does not count (one store less per
   * update), so `count > warmup` means at least one update past the first value.
   */
  private count = 0;
  private fastSum = 0;
  private slowSum = 0;
  private signalSum = 0;
  private fastEma = 0;
  private slowEma = 0;
  private signalEma = 0;
  /** The state before the latest update, which `replace` goes back to. */
  private pFastSum = 0;
  private pSlowSum = 0;
  private pSignalSum = 0;
  private pFastEma = 0;
  private pSlowEma = 0;
  private pSignalEma = 0;

  constructor(config: MacdConfig = {}) {
    const c = parseWith(MacdConfigSchema, config, 'Macd');
    this.fast = c.fast;
    this.slow = c.slow;
    this.signal = c.signal;
    this.label = `Macd(${c.fast},${c.slow},${c.signal})`;
    this.warmup = c.slow + c.signal - 1;
    this.kFast = 2 / (c.fast + 1);
    this.kSlow = 2 / (c.slow + 1);
    this.kSignal = 2 / (c.signal + 1);
  }

  get value(): MacdValue | undefined {
    return this.count < this.warmup ? undefined : macdValue(this.fastEma - this.slowEma, this.signalEma, undefined);
  }

  get isReady(): boolean {
    return this.count >= this.warmup;
  }

  /**
   * Adds an input; returns the current value (a fresh object, or `into` with the value written into it),
   * or undefined while warming up.
   */
  update(input: number, into?: Writable<MacdValue>): MacdValue | undefined {
    // The steady state is kept small so that V8 inlines it into the caller: no counting, no stores beyond
    // the three EMAs and the copies `replace` needs, one object of one shape (a fresh result object
    // stays: V8 cannot drop it while warm-up returns undefined from the same call, which is what `into`
    // is for). Warm-up, the first update after it and bad input take the slow path.
    if (this.count <= this.warmup || !Number.isFinite(input)) return this.updateSlow(input, into);
    const fast0 = (this.pFastEma = this.fastEma);
    const slow0 = (this.pSlowEma = this.slowEma);
    const signal0 = (this.pSignalEma = this.signalEma);
    const macd = (this.fastEma = (input - fast0) * this.kFast + fast0) - (this.slowEma = (input - slow0) * this.kSlow + slow0);
    const signal = (this.signalEma = (macd - signal0) * this.kSignal + signal0);
    return macdValue(macd, signal, into);
  }

  private updateSlow(input: number, into: Writable<MacdValue> | undefined): MacdValue | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    if (this.count === this.warmup) {
      // The first update after warm-up: count reaches warmup + 1 and stays there.
      this.count++;
      return this.update(input, into);
    }
    this.pFastEma = this.fastEma;
    this.pSlowEma = this.slowEma;
    this.pSignalEma = this.signalEma;
    this.pFastSum = this.fastSum;
    this.pSlowSum = this.slowSum;
    this.pSignalSum = this.signalSum;
    if (!this.warm(input, this.count++)) return undefined;
    return macdValue(this.fastEma - this.slowEma, this.signalEma, into);
  }

  /** Revises the latest input; returns the revised value (fresh, or written into `into`). */
  replace(input: number, into?: Writable<MacdValue>): MacdValue | undefined {
    if (this.count === 0) return this.update(input, into);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    // Undo the latest update, then apply `input` in its place. Past warm-up the count stays as it is
    // (warmup + 1 after any steady update), so `update` takes the steady path again.
    this.fastEma = this.pFastEma;
    this.slowEma = this.pSlowEma;
    this.signalEma = this.pSignalEma;
    if (this.count <= this.warmup) {
      this.count--;
      this.fastSum = this.pFastSum;
      this.slowSum = this.pSlowSum;
      this.signalSum = this.pSignalSum;
    }
    return this.update(input, into);
  }

  /** Warm-up step for input number `t` (0-based, t < warmup); true when it produced the first value. */
  private warm(x: number, t: number): boolean {
    const slow = this.slow;
    let macd: number;
    if (t >= slow) {
      this.fastEma = (x - this.fastEma) * this.kFast + this.fastEma;
      this.slowEma = (x - this.slowEma) * this.kSlow + this.slowEma;
      macd = this.fastEma - this.slowEma;
    } else {
      this.slowSum += x;
      if (t >= slow - this.fast) this.fastSum += x;
      if (t < slow - 1) return false;
      this.slowEma = this.slowSum / slow;
      this.fastEma = this.fastSum / this.fast;
      macd = this.fastEma - this.slowEma;
    }
    // The signal EMA is seeded with the mean of the first `signal` macd values; this is value t - slow + 1.
    this.signalSum += macd;
    if (t - slow + 1 < this.signal - 1) return false;
    this.signalEma = this.signalSum / this.signal;
    return true;
  }

  reset(): void {
    this.count = 0;
    this.fastSum = 0;
    this.slowSum = 0;
    this.signalSum = 0;
    this.fastEma = 0;
    this.slowEma = 0;
    this.signalEma = 0;
  }
}
