/**
 * Average true range (J. Welles Wilder, 1978): Wilder's smoothing of the true range,
 * atr = (atr * (period - 1) + tr) / period.
 * Definition and seeding as TA-Lib's `TA_ATR` (ta_func/ta_ATR.c), unstable period 0: the true range
 * starts at the second bar and the first ATR is the simple mean of the first `period` true ranges, so
 * the first value appears at bar `period + 1`.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkHighLowClose } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowClose } from './inputs';

/**
 * Wilder's average true range over `period` bars.
 *
 * @example
 * ```ts
 * const atr = new Atr(14);
 * for (const bar of bars) atr.update(bar);
 * ```
 */
export class Atr implements Indicator<HighLowClose, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private count = 0;
  private prevClose = 0;
  private trSum = 0;
  private cur = 0;
  private pCount = 0;
  private pPrevClose = 0;
  private pTrSum = 0;
  private pCur = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Atr').period;
    this.label = `Atr(${period})`;
    this.warmup = period + 1;
  }

  get value(): number | undefined {
    return this.count > this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count > this.period;
  }

  update(input: HighLowClose): number | undefined {
    const high = input.high;
    const low = input.low;
    const close = input.close;
    // One test on the hot path; the cold path finds the bad field (or passes a sum that merely overflowed).
    if (!Number.isFinite(high + low + close) || high < low) checkHighLowClose(this.label, input);
    this.pCount = this.count;
    this.pPrevClose = this.prevClose;
    this.pTrSum = this.trSum;
    this.pCur = this.cur;
    return this.step(high, low, close);
  }

  replace(input: HighLowClose): number | undefined {
    if (this.count === 0) return this.update(input);
    const high = input.high;
    const low = input.low;
    const close = input.close;
    // One test on the hot path; the cold path finds the bad field (or passes a sum that merely overflowed).
    if (!Number.isFinite(high + low + close) || high < low) checkHighLowClose(this.label, input);
    this.count = this.pCount;
    this.prevClose = this.pPrevClose;
    this.trSum = this.pTrSum;
    this.cur = this.pCur;
    return this.step(high, low, close);
  }

  private step(high: number, low: number, close: number): number | undefined {
    const t = this.count;
    const yc = this.prevClose;
    this.prevClose = close;
    if (t === 0) {
      this.count = 1;
      return undefined;
    }
    let tr = high - low;
    const v2 = Math.abs(yc - high);
    if (v2 > tr) tr = v2;
    const v3 = Math.abs(yc - low);
    if (v3 > tr) tr = v3;
    const period = this.period;
    if (t > period) {
      this.cur = (this.cur * (period - 1) + tr) / period;
      return this.cur;
    }
    this.count = t + 1;
    this.trSum += tr;
    if (t < period) return undefined;
    this.cur = this.trSum / period;
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.prevClose = 0;
    this.trSum = 0;
    this.cur = 0;
  }
}
