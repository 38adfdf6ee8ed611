/**
 * Rolling z-score (standard score) of the newest input: (x - mean) / sd over the last `period` inputs,
 * with the population standard deviation (TA-Lib's `TA_STDDEV`, see std-dev.ts), and 0 when the window
 * has no spread. TA-Lib has no z-score; the reference is (x - TA_SMA) / TA_STDDEV from TA-Lib and
 * (x - runMean) / runSD(sample = FALSE) from R's TTR.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';
import { StdDev } from './std-dev';

/**
 * Rolling z-score of the newest input against the last `period` inputs.
 *
 * @example
 * ```ts
 * const z = new ZScore(20);
 * for (const bar of bars) z.update(bar.close);
 * ```
 */
export class ZScore implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly sd: StdDev;
  private cur = 0;

  constructor(period = 20) {
    this.period = parseWith(periodConfigSchema(2), { period }, 'ZScore').period;
    this.label = `ZScore(${period})`;
    this.warmup = period;
    this.sd = new StdDev(period);
  }

  get value(): number | undefined {
    return this.sd.isReady ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.sd.isReady;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    return this.finish(input, this.sd.update(input));
  }

  replace(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    return this.finish(input, this.sd.replace(input));
  }

  private finish(x: number, sd: number | undefined): number | undefined {
    if (sd === undefined) return undefined;
    this.cur = sd === 0 ? 0 : (x - this.sd.mean!) / sd;
    return this.cur;
  }

  reset(): void {
    this.sd.reset();
    this.cur = 0;
  }
}
