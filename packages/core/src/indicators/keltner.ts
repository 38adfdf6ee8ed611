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
import { bandsValue, type BandsValue } from './bollinger-bands';
import { KeltnerConfigSchema, type KeltnerConfig } from './config';
import { Ema } from './ema';
import { checkField, checkHighLow } from './input-checks';
import type { Indicator, Writable } from './indicator';
import type { HighLowClose } from './inputs';

/**
 * Keltner channel; each update (and each read of `value`) returns a fresh `{ upper, middle, lower }`, or
 * writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const kc = new Keltner({ period: 20, multiplier: 2 });
 * for (const bar of bars) kc.update(bar);
 * kc.value?.lower;
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
  private ready = false;
  private middle = 0;
  private band = 0;

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
    return this.ready ? bandsValue(this.middle + this.band, this.middle, this.middle - this.band, undefined) : undefined;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Adds a bar; returns the channel (fresh, or written into `into`), or undefined while warming up. */
  update(input: HighLowClose, into?: Writable<BandsValue>): BandsValue | undefined {
    this.check(input);
    const middle = this.ema.update((input.high + input.low + input.close) / 3);
    const atr = this.atr.update(input);
    return this.finish(middle, atr, into);
  }

  /** Revises the latest bar; returns the revised channel (fresh, or written into `into`). */
  replace(input: HighLowClose, into?: Writable<BandsValue>): BandsValue | undefined {
    this.check(input);
    const middle = this.ema.replace((input.high + input.low + input.close) / 3);
    const atr = this.atr.replace(input);
    return this.finish(middle, atr, into);
  }

  private check(input: HighLowClose): void {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
  }

  private finish(middle: number | undefined, atr: number | undefined, into: Writable<BandsValue> | undefined): BandsValue | undefined {
    if (middle === undefined || atr === undefined) {
      this.ready = false;
      return undefined;
    }
    const band = (this.band = this.multiplier * atr);
    this.middle = middle;
    this.ready = true;
    return bandsValue(middle + band, middle, middle - band, into);
  }

  reset(): void {
    this.ema.reset();
    this.atr.reset();
    this.ready = false;
  }
}
