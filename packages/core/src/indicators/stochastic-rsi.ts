/**
 * Stochastic RSI (Tushar Chande and Stanley Kroll, 1994): the fast stochastic of the RSI,
 * %K = 100 * (rsi - lowest rsi) / (highest rsi - lowest rsi) over `kPeriod` RSI values, and
 * %D = SMA of %K over `dPeriod` values.
 * Definition as TA-Lib's `TA_STOCHRSI` (ta_func/ta_STOCHRSI.c): TA-Lib's RSI (see rsi.ts) fed to
 * `TA_STOCHF` with an SMA for %D; %K is 0 when the RSI range is zero. The first value appears at input
 * rsiPeriod + kPeriod + dPeriod - 1.
 */
import { parseWith } from '../validation';
import { StochasticRsiConfigSchema, type StochasticRsiConfig } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator, Writable } from './indicator';
import { RollingExtreme } from './rolling-extreme';
import { Rsi } from './rsi';
import { Sma } from './sma';
import { stochasticValue, type StochasticValue } from './stochastic';

/**
 * Stochastic RSI; each update (and each read of `value`) returns a fresh `{ k, d }`, or writes it into the
 * `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const srsi = new StochasticRsi({ rsiPeriod: 14, kPeriod: 14, dPeriod: 3 });
 * for (const bar of bars) srsi.update(bar.close);
 * srsi.value?.k;
 * ```
 */
export class StochasticRsi implements Indicator<number, StochasticValue> {
  readonly rsiPeriod: number;
  readonly kPeriod: number;
  readonly dPeriod: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof StochasticValue)[] = ['k', 'd'];
  private readonly label: string;
  private readonly rsi: Rsi;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;
  private readonly dSma: Sma;
  private count = 0;
  private pCount = 0;
  private ready = false;
  private k = 0;
  private d = 0;

  constructor(config: StochasticRsiConfig = {}) {
    const c = parseWith(StochasticRsiConfigSchema, config, 'StochasticRsi');
    this.rsiPeriod = c.rsiPeriod;
    this.kPeriod = c.kPeriod;
    this.dPeriod = c.dPeriod;
    this.label = `StochasticRsi(${c.rsiPeriod},${c.kPeriod},${c.dPeriod})`;
    this.warmup = c.rsiPeriod + c.kPeriod + c.dPeriod - 1;
    this.rsi = new Rsi(c.rsiPeriod);
    this.highs = new RollingExtreme(c.kPeriod, 'max');
    this.lows = new RollingExtreme(c.kPeriod, 'min');
    this.dSma = new Sma(c.dPeriod);
  }

  get value(): StochasticValue | undefined {
    return this.ready ? { k: this.k, d: this.d } : undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Adds an input; returns the value (fresh, or written into `into`), or undefined while warming up. */
  update(input: number, into?: Writable<StochasticValue>): StochasticValue | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const rsi = this.rsi.update(input);
    if (rsi === undefined) return undefined;
    this.pCount = this.count;
    return this.step(rsi, false, into);
  }

  /** Revises the latest input; returns the revised value (fresh, or written into `into`). */
  replace(input: number, into?: Writable<StochasticValue>): StochasticValue | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const rsi = this.rsi.replace(input);
    if (rsi === undefined) return undefined;
    this.highs.undo();
    this.lows.undo();
    this.count = this.pCount;
    return this.step(rsi, true, into);
  }

  private step(rsi: number, revise: boolean, into: Writable<StochasticValue> | undefined): StochasticValue | undefined {
    this.ready = false;
    this.highs.push(rsi);
    this.lows.push(rsi);
    if (this.count < this.kPeriod) this.count++;
    if (this.count < this.kPeriod) return undefined;
    const lowest = this.lows.value;
    const diff = (this.highs.value - lowest) / 100.0;
    const k = diff !== 0.0 ? (rsi - lowest) / diff : 0.0;
    const d = revise ? this.dSma.replace(k) : this.dSma.update(k);
    if (d === undefined) return undefined;
    this.k = k;
    this.d = d;
    this.ready = true;
    return stochasticValue(k, d, into);
  }

  reset(): void {
    this.rsi.reset();
    this.highs.reset();
    this.lows.reset();
    this.dSma.reset();
    this.count = 0;
    this.ready = false;
  }
}
