/**
 * Parabolic stop and reverse (J. Welles Wilder, 1978).
 * Definition and bootstrap as TA-Lib's `TA_SAR` (ta_func/ta_SAR.c): the first bar is consumed; the
 * initial direction is short when the second bar's -DM (previous low - low, when it exceeds
 * high - previous high) is positive, long otherwise; the initial SAR is the first bar's low (long) or
 * high (short) and the extreme point the second bar's high (long) or low (short). Each bar then outputs
 * the SAR for that bar, reversing when the bar's range crosses it, and moves it by
 * af * (ep - sar) clamped to the last two bars' range; af starts at `acceleration`, grows by it on each
 * new extreme point and is capped at `maximum`. The first value appears at the second bar.
 */
import { parseWith } from '../validation';
import { ParabolicSarConfigSchema, type ParabolicSarConfig } from './config';
import { checkHighLow } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLow } from './inputs';

/**
 * Wilder's parabolic SAR.
 *
 * @example
 * ```ts
 * const sar = new ParabolicSar({ acceleration: 0.02, maximum: 0.2 });
 * for (const bar of bars) sar.update(bar);
 * ```
 */
export class ParabolicSar implements Indicator<HighLow, number> {
  readonly acceleration: number;
  readonly maximum: number;
  readonly warmup = 2;
  private readonly label: string;
  private count = 0;
  private isLong = true;
  private af = 0;
  private ep = 0;
  private sar = 0;
  private lastHigh = 0;
  private lastLow = 0;
  private cur = 0;
  private pCount = 0;
  private pIsLong = true;
  private pAf = 0;
  private pEp = 0;
  private pSar = 0;
  private pLastHigh = 0;
  private pLastLow = 0;

  constructor(config: ParabolicSarConfig = {}) {
    const c = parseWith(ParabolicSarConfigSchema, config, 'ParabolicSar');
    this.acceleration = c.acceleration;
    this.maximum = c.maximum;
    this.label = `ParabolicSar(${c.acceleration},${c.maximum})`;
  }

  get value(): number | undefined {
    return this.count >= 2 ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count >= 2;
  }

  update(input: HighLow): number | undefined {
    checkHighLow(this.label, input);
    this.pCount = this.count;
    this.pIsLong = this.isLong;
    this.pAf = this.af;
    this.pEp = this.ep;
    this.pSar = this.sar;
    this.pLastHigh = this.lastHigh;
    this.pLastLow = this.lastLow;
    return this.step(input.high, input.low);
  }

  replace(input: HighLow): number | undefined {
    if (this.count === 0) return this.update(input);
    checkHighLow(this.label, input);
    this.count = this.pCount;
    this.isLong = this.pIsLong;
    this.af = this.pAf;
    this.ep = this.pEp;
    this.sar = this.pSar;
    this.lastHigh = this.pLastHigh;
    this.lastLow = this.pLastLow;
    return this.step(input.high, input.low);
  }

  private step(newHigh: number, newLow: number): number | undefined {
    let prevHigh = this.lastHigh;
    let prevLow = this.lastLow;
    this.lastHigh = newHigh;
    this.lastLow = newLow;
    if (this.count === 0) {
      this.count = 1;
      return undefined;
    }
    if (this.count === 1) {
      this.count = 2;
      // Direction from the second bar's -DM (TA_MINUS_DM with period 1).
      const diffP = newHigh - prevHigh;
      const diffM = prevLow - newLow;
      const minusDm = diffM > 0 && diffP < diffM ? diffM : 0;
      this.isLong = !(minusDm > 0);
      this.af = this.acceleration;
      if (this.isLong) {
        this.ep = newHigh;
        this.sar = prevLow;
      } else {
        this.ep = newLow;
        this.sar = prevHigh;
      }
      // TA-Lib uses the second bar itself as "yesterday" on its first iteration.
      prevHigh = newHigh;
      prevLow = newLow;
    }
    const acceleration = this.acceleration;
    let sar = this.sar;
    let out: number;
    if (this.isLong) {
      if (newLow <= sar) {
        this.isLong = false;
        sar = this.ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
        out = sar;
        this.af = acceleration;
        this.ep = newLow;
        sar = sar + this.af * (this.ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
      } else {
        out = sar;
        if (newHigh > this.ep) {
          this.ep = newHigh;
          this.af += acceleration;
          if (this.af > this.maximum) this.af = this.maximum;
        }
        sar = sar + this.af * (this.ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
      }
    } else if (newHigh >= sar) {
      this.isLong = true;
      sar = this.ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
      out = sar;
      this.af = acceleration;
      this.ep = newHigh;
      sar = sar + this.af * (this.ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
    } else {
      out = sar;
      if (newLow < this.ep) {
        this.ep = newLow;
        this.af += acceleration;
        if (this.af > this.maximum) this.af = this.maximum;
      }
      sar = sar + this.af * (this.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
    }
    this.sar = sar;
    this.cur = out;
    return out;
  }

  reset(): void {
    this.count = 0;
    this.isLong = true;
    this.af = 0;
    this.ep = 0;
    this.sar = 0;
    this.lastHigh = 0;
    this.lastLow = 0;
    this.cur = 0;
  }
}
