/**
 * Weighted moving average: the last `period` inputs weighted 1, 2, ..., period (newest heaviest),
 * divided by period * (period + 1) / 2.
 * Definition and arithmetic as TA-Lib's `TA_WMA` (ta_func/ta_WMA.c): a running weighted sum and a
 * running plain sum, so each update is O(1).
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';

/**
 * Linearly weighted moving average over `period` inputs.
 *
 * @example
 * ```ts
 * const wma = new Wma(3);
 * [1, 2, 3].map((x) => wma.update(x)); // [undefined, undefined, (1 + 4 + 9) / 6]
 * ```
 */
export class Wma implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly divider: number;
  private readonly ring: RingBuffer;
  private count = 0;
  private periodSum = 0;
  private periodSub = 0;
  private cur = 0;
  private pCount = 0;
  private pPeriodSum = 0;
  private pPeriodSub = 0;

  constructor(period: number) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Wma').period;
    this.label = `Wma(${period})`;
    this.warmup = period;
    this.divider = (period * (period + 1)) / 2;
    this.ring = new RingBuffer(period + 1);
  }

  get value(): number | undefined {
    return this.count >= this.period ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.pCount = this.count;
    this.pPeriodSum = this.periodSum;
    this.pPeriodSub = this.periodSub;
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.ring.undo();
    this.count = this.pCount;
    this.periodSum = this.pPeriodSum;
    this.periodSub = this.pPeriodSub;
    return this.step(input);
  }

  private step(x: number): number | undefined {
    const period = this.period;
    // The ring holds period + 1 inputs: once full, its oldest is x[t - period], TA-Lib's trailing value.
    this.ring.push(x);
    if (this.count < period - 1) {
      this.count++;
      this.periodSub += x;
      this.periodSum += x * this.count;
      return undefined;
    }
    if (this.count < period) this.count++;
    this.periodSub += x;
    if (this.ring.isFull) this.periodSub -= this.ring.ago(period);
    this.periodSum += x * period;
    this.cur = this.periodSum / this.divider;
    this.periodSum -= this.periodSub;
    return this.cur;
  }

  reset(): void {
    this.ring.reset();
    this.count = 0;
    this.periodSum = 0;
    this.periodSub = 0;
    this.cur = 0;
  }
}
