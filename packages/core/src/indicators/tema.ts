/**
 * Triple exponential moving average (Mulloy, 1994): 3 * EMA1 - 3 * EMA2 + EMA3, where EMA2 is the EMA
 * of EMA1 and EMA3 the EMA of EMA2.
 * Definition, seeding and arithmetic order as TA-Lib's `TA_TEMA` (ta_func/ta_TEMA.c): each EMA is a
 * TA-Lib EMA seeded with the simple average of its first `period` inputs, so the first value appears at
 * input 3 * period - 2.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { Ema } from './ema';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';

/**
 * Triple exponential moving average over `period` inputs.
 *
 * @example
 * ```ts
 * const tema = new Tema(20);
 * for (const bar of bars) tema.update(bar.close);
 * ```
 */
export class Tema implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  private cur = 0;

  constructor(period: number) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Tema').period;
    this.label = `Tema(${period})`;
    this.warmup = 3 * period - 2;
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
    this.e3 = new Ema(period);
  }

  get value(): number | undefined {
    return this.e3.isReady ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.e3.isReady;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const a = this.e1.update(input);
    if (a === undefined) return undefined;
    const b = this.e2.update(a);
    if (b === undefined) return undefined;
    const c = this.e3.update(b);
    if (c === undefined) return undefined;
    this.cur = c + (3.0 * a - 3.0 * b);
    return this.cur;
  }

  replace(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const a = this.e1.replace(input);
    if (a === undefined) return undefined;
    const b = this.e2.replace(a);
    if (b === undefined) return undefined;
    const c = this.e3.replace(b);
    if (c === undefined) return undefined;
    this.cur = c + (3.0 * a - 3.0 * b);
    return this.cur;
  }

  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.e3.reset();
    this.cur = 0;
  }
}
