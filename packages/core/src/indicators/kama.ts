/**
 * Kaufman adaptive moving average (Perry Kaufman, "Smarter Trading", 1995): an EMA whose smoothing
 * follows the efficiency ratio ER = |x - x[period ago]| / sum of |x[i] - x[i-1]| over the period,
 * sc = (ER * (2/3 - 2/31) + 2/31)^2, kama = (x - kama) * sc + kama.
 * Definition and seeding as TA-Lib's `TA_KAMA` (ta_func/ta_KAMA.c), fast period 2 and slow period 30:
 * the first value appears at input `period + 1`, starting from the input before it; ER is 1 when the
 * path length is zero or not above the net change.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';

const CONST_MAX = 2.0 / (30.0 + 1.0);
const CONST_DIFF = 2.0 / (2.0 + 1.0) - CONST_MAX;
/** TA-Lib's TA_EPSILON (ta_func/ta_utility.h), used by its TA_IS_ZERO. */
const EPSILON = 1e-14;

/**
 * Kaufman adaptive moving average with an efficiency-ratio window of `period` inputs.
 *
 * @example
 * ```ts
 * const kama = new Kama(10);
 * for (const bar of bars) kama.update(bar.close);
 * ```
 */
export class Kama implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly ring: RingBuffer;
  private count = 0;
  private sumRoc = 0;
  private cur = 0;
  private pCount = 0;
  private pSumRoc = 0;
  private pCur = 0;

  constructor(period = 30) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Kama').period;
    this.label = `Kama(${period})`;
    this.warmup = period + 1;
    this.ring = new RingBuffer(period + 2);
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
    this.pSumRoc = this.sumRoc;
    this.pCur = this.cur;
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.ring.undo();
    this.count = this.pCount;
    this.sumRoc = this.pSumRoc;
    this.cur = this.pCur;
    return this.step(input);
  }

  private step(x: number): number | undefined {
    const period = this.period;
    const ring = this.ring;
    const t = this.count; // index of this input
    ring.push(x);
    if (t < period) this.count = t + 1;
    else this.count = period + 1;
    if (t === 0) return undefined;
    if (t > period) this.sumRoc -= Math.abs(ring.ago(period + 1) - ring.ago(period));
    this.sumRoc += Math.abs(ring.ago(1) - x);
    if (t < period) return undefined;
    if (t === period) this.cur = ring.ago(1);
    const periodRoc = x - ring.ago(period);
    const sumRoc = this.sumRoc;
    let er: number;
    if (sumRoc <= periodRoc || (-EPSILON < sumRoc && sumRoc < EPSILON)) er = 1.0;
    else er = Math.abs(periodRoc / sumRoc);
    let sc = er * CONST_DIFF + CONST_MAX;
    sc *= sc;
    this.cur = (x - this.cur) * sc + this.cur;
    return this.cur;
  }

  reset(): void {
    this.ring.reset();
    this.count = 0;
    this.sumRoc = 0;
    this.cur = 0;
  }
}
