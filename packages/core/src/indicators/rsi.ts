/**
 * Relative strength index (J. Welles Wilder, "New Concepts in Technical Trading Systems", 1978):
 * 100 * avgGain / (avgGain + avgLoss) with Wilder smoothing avg = (avg * (period - 1) + x) / period.
 * Definition and seeding as TA-Lib's `TA_RSI` (ta_func/ta_RSI.c), unstable period 0, classic
 * compatibility: the averages start as the simple means of the first `period` changes, so the first
 * value appears at input `period + 1`; the value is 0 when both averages are (almost) zero.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';

/** TA-Lib's TA_EPSILON (ta_func/ta_utility.h), used by its TA_IS_ZERO. */
const EPSILON = 1e-14;

/**
 * Wilder's relative strength index over `period` changes.
 *
 * @example
 * ```ts
 * const rsi = new Rsi(14);
 * for (const bar of bars) rsi.update(bar.close);
 * rsi.value; // 0..100
 * ```
 */
export class Rsi implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private count = 0;
  private prev = 0;
  private gain = 0;
  private loss = 0;
  private cur = 0;
  private pCount = 0;
  private pPrev = 0;
  private pGain = 0;
  private pLoss = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(2), { period }, 'Rsi').period;
    this.label = `Rsi(${period})`;
    this.warmup = period + 1;
  }

  get value(): number | undefined {
    return this.count > this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count > this.period;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.pCount = this.count;
    this.pPrev = this.prev;
    this.pGain = this.gain;
    this.pLoss = this.loss;
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.count = this.pCount;
    this.prev = this.pPrev;
    this.gain = this.pGain;
    this.loss = this.pLoss;
    return this.step(input);
  }

  private step(x: number): number | undefined {
    const period = this.period;
    const diff = x - this.prev;
    this.prev = x;
    let gain: number;
    let loss: number;
    if (this.count > period) {
      // Wilder smoothing in TA-Lib's order of operations.
      loss = this.loss * (period - 1);
      gain = this.gain * (period - 1);
      if (diff < 0) loss -= diff;
      else gain += diff;
      loss /= period;
      gain /= period;
    } else {
      const t = this.count++;
      if (t === 0) return undefined;
      if (diff < 0) this.loss -= diff;
      else this.gain += diff;
      if (t < period) return undefined;
      loss = this.loss / period;
      gain = this.gain / period;
    }
    this.loss = loss;
    this.gain = gain;
    const total = gain + loss;
    return (this.cur = -EPSILON < total && total < EPSILON ? 0.0 : 100.0 * (gain / total));
  }

  reset(): void {
    this.count = 0;
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
    this.cur = 0;
  }
}
