/**
 * Average directional index with the directional indicators +DI and -DI (J. Welles Wilder, 1978).
 * Definition, seeding and arithmetic as TA-Lib's `TA_ADX`, `TA_PLUS_DI` and `TA_MINUS_DI`
 * (ta_func/ta_ADX.c, ta_PLUS_DI.c, ta_MINUS_DI.c), unstable period 0:
 * +DM = high - previous high when that exceeds previous low - low and is positive (and -DM the other
 * way round); +DM, -DM and the true range start as sums over bars 2..period and are then smoothed with
 * Wilder's rule s = s - s / period + x; +DI = 100 * +DM / TR, -DI = 100 * -DM / TR;
 * DX = 100 * |+DI - -DI| / (+DI + -DI); ADX starts as the mean of the first `period` DX values and is
 * then smoothed as (adx * (period - 1) + dx) / period. The first value appears at bar 2 * period.
 * When the smoothed true range is (almost) zero, TA-Lib's +DI/-DI are 0 and the ADX keeps its value.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkHighLowClose } from './input-checks';
import type { Indicator, Writable } from './indicator';
import type { HighLowClose } from './inputs';

/** TA-Lib's TA_EPSILON (ta_func/ta_utility.h), used by its TA_IS_ZERO. */
const EPSILON = 1e-14;

/**
 * One ADX value with the directional indicators of the same bar.
 *
 * @example
 * ```ts
 * const v = new Adx(14).update(bar);
 * if (v && v.adx > 25 && v.plusDi > v.minusDi) console.log('strong up trend');
 * ```
 */
export interface AdxValue {
  readonly adx: number;
  readonly plusDi: number;
  readonly minusDi: number;
}

/**
 * Wilder's ADX over `period` bars; each update (and each read of `value`) returns a fresh {@link AdxValue},
 * or writes it into the `into` object given to `update` or `replace`.
 *
 * @example
 * ```ts
 * const adx = new Adx(14);
 * for (const bar of bars) adx.update(bar);
 * adx.value?.plusDi;
 * const out = { adx: 0, plusDi: 0, minusDi: 0 };
 * if (adx.update(next, out)) console.log(out.adx); // no allocation
 * ```
 */
export class Adx implements Indicator<HighLowClose, AdxValue> {
  readonly period: number;
  readonly warmup: number;
  /** Names of the fields of each value (what `batch` returns columns for). */
  readonly fields: readonly (keyof AdxValue)[] = ['adx', 'plusDi', 'minusDi'];
  private readonly label: string;
  private count = 0;
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private plusDm = 0;
  private minusDm = 0;
  private tr = 0;
  private sumDx = 0;
  private adx = 0;
  private plusDi = 0;
  private minusDi = 0;
  private pCount = 0;
  private pPrevHigh = 0;
  private pPrevLow = 0;
  private pPrevClose = 0;
  private pPlusDm = 0;
  private pMinusDm = 0;
  private pTr = 0;
  private pSumDx = 0;
  private pAdx = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(2), { period }, 'Adx').period;
    this.label = `Adx(${period})`;
    this.warmup = 2 * period;
  }

  get value(): AdxValue | undefined {
    return this.count === this.warmup ? { adx: this.adx, plusDi: this.plusDi, minusDi: this.minusDi } : undefined;
  }

  get isReady(): boolean {
    return this.count === this.warmup;
  }

  /** Adds a bar; returns the value (fresh, or written into `into`), or undefined while warming up. */
  update(input: HighLowClose, into?: Writable<AdxValue>): AdxValue | undefined {
    const high = input.high;
    const low = input.low;
    const close = input.close;
    // One test on the hot path; the cold path finds the bad field (or passes a sum that merely overflowed).
    if (!Number.isFinite(high + low + close) || high < low) checkHighLowClose(this.label, input);
    this.pCount = this.count;
    this.pPrevHigh = this.prevHigh;
    this.pPrevLow = this.prevLow;
    this.pPrevClose = this.prevClose;
    this.pPlusDm = this.plusDm;
    this.pMinusDm = this.minusDm;
    this.pTr = this.tr;
    this.pAdx = this.adx;
    this.pSumDx = this.sumDx;
    return this.step(high, low, close, into);
  }

  /** Revises the latest bar; returns the revised value (fresh, or written into `into`). */
  replace(input: HighLowClose, into?: Writable<AdxValue>): AdxValue | undefined {
    if (this.count === 0) return this.update(input, into);
    const high = input.high;
    const low = input.low;
    const close = input.close;
    // One test on the hot path; the cold path finds the bad field (or passes a sum that merely overflowed).
    if (!Number.isFinite(high + low + close) || high < low) checkHighLowClose(this.label, input);
    this.count = this.pCount;
    this.prevHigh = this.pPrevHigh;
    this.prevLow = this.pPrevLow;
    this.prevClose = this.pPrevClose;
    this.plusDm = this.pPlusDm;
    this.minusDm = this.pMinusDm;
    this.tr = this.pTr;
    this.adx = this.pAdx;
    this.sumDx = this.pSumDx;
    return this.step(high, low, close, into);
  }

  private step(high: number, low: number, close: number, into: Writable<AdxValue> | undefined): AdxValue | undefined {
    const t = this.count;
    const period = this.period;
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    const yc = this.prevClose;
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    if (t === 0) {
      this.count = 1;
      return undefined;
    }
    // TA-Lib's TRUE_RANGE macro.
    let tr = high - low;
    const v2 = Math.abs(high - yc);
    if (v2 > tr) tr = v2;
    const v3 = Math.abs(low - yc);
    if (v3 > tr) tr = v3;
    if (t < period) {
      this.count = t + 1;
      if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
      else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
      this.tr += tr;
      return undefined;
    }
    // Wilder smoothing: s = s - s / period + x.
    let minusDm = this.minusDm - this.minusDm / period;
    let plusDm = this.plusDm - this.plusDm / period;
    if (diffM > 0 && diffP < diffM) minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) plusDm += diffP;
    const smoothedTr = this.tr - this.tr / period + tr;
    this.minusDm = minusDm;
    this.plusDm = plusDm;
    this.tr = smoothedTr;
    let minusDi = 0.0;
    let plusDi = 0.0;
    let dx = -1;
    if (!(-EPSILON < smoothedTr && smoothedTr < EPSILON)) {
      minusDi = 100.0 * (minusDm / smoothedTr);
      plusDi = 100.0 * (plusDm / smoothedTr);
      const sum = minusDi + plusDi;
      if (!(-EPSILON < sum && sum < EPSILON)) dx = 100.0 * (Math.abs(minusDi - plusDi) / sum);
    }
    // dx < 0 marks "no DX this bar" (TA-Lib skips the bar in the ADX when the ranges are zero).
    if (t >= 2 * period) {
      if (dx >= 0) this.adx = (this.adx * (period - 1) + dx) / period;
    } else {
      this.count = t + 1;
      if (dx >= 0) this.sumDx += dx;
      if (t < 2 * period - 1) return undefined;
      this.adx = this.sumDx / period;
    }
    this.plusDi = plusDi;
    this.minusDi = minusDi;
    if (into === undefined) return { adx: this.adx, plusDi, minusDi };
    into.adx = this.adx;
    into.plusDi = plusDi;
    into.minusDi = minusDi;
    return into;
  }

  reset(): void {
    this.count = 0;
    this.prevHigh = 0;
    this.prevLow = 0;
    this.prevClose = 0;
    this.plusDm = 0;
    this.minusDm = 0;
    this.tr = 0;
    this.sumDx = 0;
    this.adx = 0;
    this.plusDi = 0;
    this.minusDi = 0;
  }
}
