/**
 * Stochastic oscillator (George Lane): fast %K = 100 * (close - lowest low) / (highest high - lowest
 * low) over `kPeriod` bars; the (slow) %K is its SMA over `kSmoothing` values and %D the SMA of %K over
 * `dPeriod` values.
 * Definition and arithmetic as TA-Lib's `TA_STOCH` with SMA smoothing (ta_func/ta_STOCH.c): fast %K is
 * 0 when the range is zero; the first value appears at bar kPeriod + kSmoothing + dPeriod - 2. R's TTR
 * `stoch()` gives the same lines on a 0..1 scale (and its %D naming differs: TTR's fastD is this %K).
 * The rolling extremes come from monotonic deques (amortised O(1)).
 */
import { parseWith } from '../validation';
import { StochasticConfigSchema, type StochasticConfig } from './config';
import { checkField, checkHighLow } from './input-checks';
import type { Indicator, Writable } from './indicator';
import type { HighLowClose } from './inputs';
import { RollingExtreme } from './rolling-extreme';
import { Sma } from './sma';

/**
 * One stochastic value: %K and its signal line %D, both 0..100.
 *
 * @example
 * ```ts
 * const v = new Stochastic().update(bar);
 * if (v && v.k > v.d) console.log('%K above %D');
 * ```
 */
export interface StochasticValue {
  readonly k: number;
  readonly d: number;
}

/** A fresh {@link StochasticValue}, or `into` with the value written into it (shared with StochasticRsi). */
export function stochasticValue(k: number, d: number, into: Writable<StochasticValue> | undefined): StochasticValue {
  if (into === undefined) return { k, d };
  into.k = k;
  into.d = d;
  return into;
}

/**
 * Slow stochastic oscillator; each update (and each read of `value`) returns a fresh
 * {@link StochasticValue}, or writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const stoch = new Stochastic({ kPeriod: 14, kSmoothing: 3, dPeriod: 3 });
 * for (const bar of bars) stoch.update(bar);
 * stoch.value?.k;
 * ```
 */
export class Stochastic implements Indicator<HighLowClose, StochasticValue> {
  readonly kPeriod: number;
  readonly kSmoothing: number;
  readonly dPeriod: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof StochasticValue)[] = ['k', 'd'];
  private readonly label: string;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  private count = 0;
  private pCount = 0;
  private ready = false;
  private k = 0;
  private d = 0;

  constructor(config: StochasticConfig = {}) {
    const c = parseWith(StochasticConfigSchema, config, 'Stochastic');
    this.kPeriod = c.kPeriod;
    this.kSmoothing = c.kSmoothing;
    this.dPeriod = c.dPeriod;
    this.label = `Stochastic(${c.kPeriod},${c.kSmoothing},${c.dPeriod})`;
    this.warmup = c.kPeriod + c.kSmoothing + c.dPeriod - 2;
    this.highs = new RollingExtreme(c.kPeriod, 'max');
    this.lows = new RollingExtreme(c.kPeriod, 'min');
    this.kSma = new Sma(c.kSmoothing);
    this.dSma = new Sma(c.dPeriod);
  }

  get value(): StochasticValue | undefined {
    return this.ready ? { k: this.k, d: this.d } : undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Adds a bar; returns the value (fresh, or written into `into`), or undefined while warming up. */
  update(input: HighLowClose, into?: Writable<StochasticValue>): StochasticValue | undefined {
    this.check(input);
    this.pCount = this.count;
    return this.step(input, false, into);
  }

  /** Revises the latest bar; returns the revised value (fresh, or written into `into`). */
  replace(input: HighLowClose, into?: Writable<StochasticValue>): StochasticValue | undefined {
    if (this.count === 0) return this.update(input, into);
    this.check(input);
    this.highs.undo();
    this.lows.undo();
    this.count = this.pCount;
    return this.step(input, true, into);
  }

  private check(input: HighLowClose): void {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
  }

  private step(input: HighLowClose, revise: boolean, into: Writable<StochasticValue> | undefined): StochasticValue | undefined {
    this.ready = false;
    this.highs.push(input.high);
    this.lows.push(input.low);
    if (this.count < this.kPeriod) this.count++;
    if (this.count < this.kPeriod) return undefined;
    const lowest = this.lows.value;
    const diff = (this.highs.value - lowest) / 100.0;
    const fastK = diff !== 0.0 ? (input.close - lowest) / diff : 0.0;
    const k = revise ? this.kSma.replace(fastK) : this.kSma.update(fastK);
    if (k === undefined) return undefined;
    const d = revise ? this.dSma.replace(k) : this.dSma.update(k);
    if (d === undefined) return undefined;
    this.k = k;
    this.d = d;
    this.ready = true;
    return stochasticValue(k, d, into);
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.kSma.reset();
    this.dSma.reset();
    this.count = 0;
    this.ready = false;
  }
}
