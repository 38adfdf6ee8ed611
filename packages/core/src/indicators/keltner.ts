/**
 * Keltner channel in its modern form (Linda Raschke; Chester Keltner's 1960 original used a 10-day
 * SMA of the range): middle = EMA(period) of the typical price (high + low + close) / 3, upper/lower =
 * middle +/- multiplier * ATR(period).
 * TA-Lib has no Keltner channel; the definition and the reference are R's TTR
 * `keltnerChannels(HLC, n, atr)` with its default EMA: the EMA is seeded with the mean of the first
 * `period` typical prices and the ATR is Wilder's (see atr.ts), so the first value appears at bar
 * `period + 1`.
 */
import { parseWith } from '../validation';
import { Atr } from './atr';
import type { BandsValue } from './bollinger-bands';
import { KeltnerConfigSchema, type KeltnerConfig } from './config';
import { Ema } from './ema';
import { checkField, checkHighLow } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowClose } from './inputs';

/**
 * Keltner channel; each update returns a fresh `{ upper, middle, lower }`.
 *
 * @example
 * ```ts
 * const kc = new Keltner({ period: 20, multiplier: 2 });
 * for (const bar of bars) kc.update(bar);
 * ```
 */
export class Keltner implements Indicator<HighLowClose, BandsValue> {
  readonly period: number;
  readonly multiplier: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof BandsValue)[] = ['upper', 'middle', 'lower'];
  private readonly label: string;
  private readonly ema: Ema;
  private readonly atr: Atr;
  private cur: BandsValue | undefined = undefined;

  constructor(config: KeltnerConfig = {}) {
    const c = parseWith(KeltnerConfigSchema, config, 'Keltner');
    this.period = c.period;
    this.multiplier = c.multiplier;
    this.label = `Keltner(${c.period},${c.multiplier})`;
    this.warmup = c.period + 1;
    this.ema = new Ema(c.period);
    this.atr = new Atr(c.period);
  }

  get value(): BandsValue | undefined {
    return this.cur;
  }

  get isReady(): boolean {
    return this.cur !== undefined;
  }

  update(input: HighLowClose): BandsValue | undefined {
    this.check(input);
    const middle = this.ema.update((input.high + input.low + input.close) / 3);
    const atr = this.atr.update(input);
    return this.finish(middle, atr);
  }

  replace(input: HighLowClose): BandsValue | undefined {
    this.check(input);
    const middle = this.ema.replace((input.high + input.low + input.close) / 3);
    const atr = this.atr.replace(input);
    return this.finish(middle, atr);
  }

  private check(input: HighLowClose): void {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
  }

  private finish(middle: number | undefined, atr: number | undefined): BandsValue | undefined {
    if (middle === undefined || atr === undefined) return (this.cur = undefined);
    const band = this.multiplier * atr;
    this.cur = { upper: middle + band, middle, lower: middle - band };
    return this.cur;
  }

  reset(): void {
    this.ema.reset();
    this.atr.reset();
    this.cur = undefined;
  }
}
