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
import type { Indicator } from './indicator';
import { RollingExtreme } from './rolling-extreme';
import { Rsi } from './rsi';
import { Sma } from './sma';
import type { StochasticValue } from './stochastic';

/**
 * Stochastic RSI; each update returns a fresh `{ k, d }`.
 *
 * @example
 * ```ts
 * const srsi = new StochasticRsi({ rsiPeriod: 14, kPeriod: 14, dPeriod: 3 });
 * for (const bar of bars) srsi.update(bar.close);
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
  private cur: StochasticValue | undefined = undefined;

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
    return this.cur;
  }

  get isReady(): boolean {
    return this.cur !== undefined;
  }

  update(input: number): StochasticValue | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const rsi = this.rsi.update(input);
    if (rsi === undefined) return undefined;
    this.pCount = this.count;
    return this.step(rsi, false);
  }

  replace(input: number): StochasticValue | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const rsi = this.rsi.replace(input);
    if (rsi === undefined) return undefined;
    this.highs.undo();
    this.lows.undo();
    this.count = this.pCount;
    return this.step(rsi, true);
  }

  private step(rsi: number, revise: boolean): StochasticValue | undefined {
    this.highs.push(rsi);
    this.lows.push(rsi);
    if (this.count < this.kPeriod) this.count++;
    if (this.count < this.kPeriod) return (this.cur = undefined);
    const lowest = this.lows.value;
    const diff = (this.highs.value - lowest) / 100.0;
    const k = diff !== 0.0 ? (rsi - lowest) / diff : 0.0;
    const d = revise ? this.dSma.replace(k) : this.dSma.update(k);
    if (d === undefined) return (this.cur = undefined);
    this.cur = { k, d };
    return this.cur;
  }

  reset(): void {
    this.rsi.reset();
    this.highs.reset();
    this.lows.reset();
    this.dSma.reset();
    this.count = 0;
    this.cur = undefined;
  }
}
