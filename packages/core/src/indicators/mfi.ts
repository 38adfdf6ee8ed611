/**
 * Money flow index (Gene Quong and Avrum Soudack): 100 * positive money flow / (positive + negative
 * money flow) over `period` bars, where a bar's money flow is typical price * volume, positive when the
 * typical price (high + low + close) / 3 rose from the previous bar, negative when it fell.
 * Definition and arithmetic as TA-Lib's `TA_MFI` (ta_func/ta_MFI.c), unstable period 0: the first value
 * appears at bar `period + 1`, and it is 0 when the total money flow is below 1.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkField, checkHighLow, checkVolume } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowCloseVolume } from './inputs';

/**
 * Money flow index over `period` bars.
 *
 * @example
 * ```ts
 * const mfi = new Mfi(14);
 * for (const bar of bars) mfi.update(bar);
 * ```
 */
export class Mfi implements Indicator<HighLowCloseVolume, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private count = 0;
  private head = 0;
  private prevTp = 0;
  private posSum = 0;
  private negSum = 0;
  private cur = 0;
  private pCount = 0;
  private pPrevTp = 0;
  private pPosSum = 0;
  private pNegSum = 0;
  private pSlotPos = 0;
  private pSlotNeg = 0;

  constructor(period = 14) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Mfi').period;
    this.label = `Mfi(${period})`;
    this.warmup = period + 1;
    this.pos = new Float64Array(period);
    this.neg = new Float64Array(period);
  }

  get value(): number | undefined {
    return this.count > this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count > this.period;
  }

  update(input: HighLowCloseVolume): number | undefined {
    this.check(input);
    this.save();
    return this.step(input);
  }

  replace(input: HighLowCloseVolume): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    if (this.count > 1) {
      this.head = this.head === 0 ? this.period - 1 : this.head - 1;
      this.pos[this.head] = this.pSlotPos;
      this.neg[this.head] = this.pSlotNeg;
    }
    this.count = this.pCount;
    this.prevTp = this.pPrevTp;
    this.posSum = this.pPosSum;
    this.negSum = this.pNegSum;
    return this.step(input);
  }

  private check(input: HighLowCloseVolume): void {
    checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
    checkVolume(this.label, input.volume);
  }

  private save(): void {
    this.pCount = this.count;
    this.pPrevTp = this.prevTp;
    this.pPosSum = this.posSum;
    this.pNegSum = this.negSum;
    this.pSlotPos = this.pos[this.head]!;
    this.pSlotNeg = this.neg[this.head]!;
  }

  private step(input: HighLowCloseVolume): number | undefined {
    const period = this.period;
    const t = this.count;
    const tp = (input.high + input.low + input.close) / 3.0;
    const diff = tp - this.prevTp;
    this.prevTp = tp;
    if (t === 0) {
      this.count = 1;
      return undefined;
    }
    const head = this.head;
    if (t > period) {
      this.posSum -= this.pos[head]!;
      this.negSum -= this.neg[head]!;
    } else this.count = t + 1;
    const flow = tp * input.volume;
    if (diff < 0) {
      this.neg[head] = flow;
      this.negSum += flow;
      this.pos[head] = 0.0;
    } else if (diff > 0) {
      this.pos[head] = flow;
      this.posSum += flow;
      this.neg[head] = 0.0;
    } else {
      this.pos[head] = 0.0;
      this.neg[head] = 0.0;
    }
    this.head = head + 1 === period ? 0 : head + 1;
    if (t < period) return undefined;
    const total = this.posSum + this.negSum;
    this.cur = total < 1.0 ? 0.0 : 100.0 * (this.posSum / total);
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.prevTp = 0;
    this.posSum = 0;
    this.negSum = 0;
    this.cur = 0;
    this.pos.fill(0);
    this.neg.fill(0);
  }
}
