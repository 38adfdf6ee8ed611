/**
 * Rate of change in percent: 100 * (x / x[period ago] - 1).
 * Definition as TA-Lib's `TA_ROC` (ta_func/ta_ROC.c): 0 when the earlier value is 0; the first value
 * appears at input `period + 1`.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';

/**
 * Percentage rate of change over `period` inputs.
 *
 * @param period how many inputs back to compare with.
 * @param label the name used in error messages (VolumeRoc passes its own).
 * @example
 * ```ts
 * const roc = new Roc(1);
 * roc.update(100); roc.update(110); // 10
 * ```
 */
export class Roc implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly ring: RingBuffer;
  private cur = 0;

  constructor(period = 10, label?: string) {
    this.period = parseWith(periodConfigSchema(1), { period }, label ?? 'Roc').period;
    this.label = `${label ?? 'Roc'}(${period})`;
    this.warmup = period + 1;
    this.ring = new RingBuffer(period + 1);
  }

  get value(): number | undefined {
    return this.ring.isFull ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.ring.isFull;
  }

  update(input: number): number | undefined {
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.ring.size === 0) return this.update(input);
    if (!Number.isFinite(input)) throwNotFinite(this.label, '', input);
    this.ring.undo();
    return this.step(input);
  }

  private step(x: number): number | undefined {
    this.ring.push(x);
    if (!this.ring.isFull) return undefined;
    const before = this.ring.ago(this.period);
    this.cur = before !== 0.0 ? (x / before - 1.0) * 100.0 : 0.0;
    return this.cur;
  }

  reset(): void {
    this.ring.reset();
    this.cur = 0;
  }
}
