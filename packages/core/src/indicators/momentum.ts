/**
 * Momentum: x - x[period ago].
 * Definition as TA-Lib's `TA_MOM` (ta_func/ta_MOM.c): the first value appears at input `period + 1`.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';

/**
 * Momentum over `period` inputs.
 *
 * @example
 * ```ts
 * const mom = new Momentum(2);
 * [1, 2, 4].map((x) => mom.update(x)); // [undefined, undefined, 3]
 * ```
 */
export class Momentum implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly ring: RingBuffer;
  private cur = 0;

  constructor(period = 10) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'Momentum').period;
    this.label = `Momentum(${period})`;
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
    this.cur = x - this.ring.ago(this.period);
    return this.cur;
  }

  reset(): void {
    this.ring.reset();
    this.cur = 0;
  }
}
