/**
 * Normalised average true range: 100 * ATR / close.
 * Definition as TA-Lib's `TA_NATR` (ta_func/ta_NATR.c): Wilder's ATR seeded as in `TA_ATR` (see
 * atr.ts), divided by the bar's close; 0 when the close is zero.
 */
import { parseWith } from '../validation';
import { Atr } from './atr';
import { periodConfigSchema } from './config';
import { checkField, checkHighLow } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowClose } from './inputs';

/**
 * Average true range as a percentage of the close, over `period` bars.
 *
 * @example
 * ```ts
 * const natr = new Natr(14);
 * for (const bar of bars) natr.update(bar);
 * ```
 */
export class Natr implements Indicator<HighLowClose, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly atr: Atr;
  private cur = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Natr').period;
    this.label = `Natr(${period})`;
    this.warmup = period + 1;
    this.atr = new Atr(period);
  }

  get value(): number | undefined {
    return this.atr.isReady ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.atr.isReady;
  }

  update(input: HighLowClose): number | undefined {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
    return this.finish(this.atr.update(input), input.close);
  }

  replace(input: HighLowClose): number | undefined {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
    return this.finish(this.atr.replace(input), input.close);
  }

  private finish(atr: number | undefined, close: number): number | undefined {
    if (atr === undefined) return undefined;
    this.cur = close === 0 ? 0.0 : (atr / close) * 100.0;
    return this.cur;
  }

  reset(): void {
    this.atr.reset();
    this.cur = 0;
  }
}
