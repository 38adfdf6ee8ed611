/**
 * The shape shared by every indicator that compares the newest input with the one `period` inputs
 * before it (momentum, rate of change, simple and log returns): a ring of `period + 1` inputs, the
 * first value at input `period + 1`, and `replace` by a one-step undo. Subclasses give the formula.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { throwNotFinite } from './input-checks';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';

/**
 * Base class of indicators of `change(x[t], x[t - period])`.
 *
 * @example
 * ```ts
 * class Difference extends LaggedChange {
 *   constructor(period: number) { super(period, 'Difference'); }
 *   protected change(x: number, before: number): number { return x - before; }
 * }
 * ```
 */
export abstract class LaggedChange implements Indicator<number, number> {
  readonly period: number;
  readonly warmup: number;
  /** The indicator's name and period, for error messages. */
  protected readonly label: string;
  private readonly ring: RingBuffer;
  private cur = 0;

  protected constructor(period: number, name: string) {
    this.period = parseWith(periodConfigSchema(1), { period }, name).period;
    this.label = `${name}(${period})`;
    this.warmup = period + 1;
    this.ring = new RingBuffer(period + 1);
  }

  /** The value from the newest input `x` and the input `period` steps before it. May throw a ValidationError. */
  protected abstract change(x: number, before: number): number;

  /** Rejects a bad input before any state changes; the default accepts every finite number. */
  protected check(x: number): void {
    if (!Number.isFinite(x)) throwNotFinite(this.label, '', x);
  }

  get value(): number | undefined {
    return this.ring.isFull ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.ring.isFull;
  }

  update(input: number): number | undefined {
    this.check(input);
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.ring.size === 0) return this.update(input);
    this.check(input);
    const previous = this.ring.ago(0);
    this.ring.undo();
    try {
      return this.step(input);
    } catch (error) {
      this.ring.push(previous); // the formula refused the revision: keep the input it replaced
      throw error;
    }
  }

  reset(): void {
    this.ring.reset();
    this.cur = 0;
  }

  /** Computes first, then pushes: a formula that throws leaves the indicator unchanged. */
  private step(x: number): number | undefined {
    if (this.ring.size < this.period) {
      this.ring.push(x);
      return undefined;
    }
    const value = this.change(x, this.ring.ago(this.period - 1));
    this.ring.push(x);
    return (this.cur = value);
  }
}
