/**
 * Double exponential moving average (Mulloy, 1994): 2 * EMA(x) - EMA(EMA(x)).
 * Definition and seeding as TA-Lib's `TA_DEMA` (ta_func/ta_DEMA.c): both EMAs are TA-Lib EMAs seeded
 * with the simple average of their first `period` inputs, so the first value appears at input
 * 2 * period - 1.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { Ema } from './ema';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';

/**
 * Double exponential moving average over `period` inputs.
 *
 * @example
 * ```ts
 * const dema = new Dema(20);
 * for (const bar of bars) dema.update(bar.close);
 * ```
 */
export class Dema implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly e1: Ema;
  private readonly e2: Ema;
  private cur = 0;

  constructor(period: number) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Dema').period;
    this.label = `Dema(${period})`;
    this.warmup = 2 * period - 1;
    this.e1 = new Ema(period);
    this.e2 = new Ema(period);
  }

  get value(): number | undefined {
    return this.e2.isReady ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.e2.isReady;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const a = this.e1.update(input);
    if (a === undefined) return undefined;
    const b = this.e2.update(a);
    if (b === undefined) return undefined;
    this.cur = 2.0 * a - b;
    return this.cur;
  }

  replace(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    const a = this.e1.replace(input);
    if (a === undefined) return undefined;
    const b = this.e2.replace(a);
    if (b === undefined) return undefined;
    this.cur = 2.0 * a - b;
    return this.cur;
  }

  reset(): void {
    this.e1.reset();
    this.e2.reset();
    this.cur = 0;
  }
}
