/**
 * Log return over `period` inputs: `ln(x[t] / x[t - period])` (the continuously compounded return, as
 * `TTR::ROC(x, n, type = "continuous")` in R). Inputs must be positive. The first value appears at
 * input `period + 1`. Log returns add over time: the sum of n one-step log returns is the n-step one.
 */
import { ValidationError } from '../errors';
import type { Indicator } from '../indicators/indicator';

/**
 * The log return of a series over `period` steps, as a streaming transform.
 *
 * @example
 * ```ts
 * const r = new LogReturns(1);
 * [100, 110].map((x) => r.update(x)); // [undefined, Math.log(1.1)]
 * ```
 */
export class LogReturns implements Indicator<number, number> {
  readonly warmup: number;
  private readonly inputs: Float64Array;
  private count = 0;
  private head = 0;
  private current: number | undefined = undefined;

  constructor(readonly period = 1) {
    if (!Number.isInteger(period) || period < 1) throw new ValidationError([{ path: ['period'], message: `must be an integer >= 1, got ${period}` }]);
    this.warmup = period + 1;
    this.inputs = new Float64Array(period + 1);
  }

  get value(): number | undefined {
    return this.current;
  }

  get isReady(): boolean {
    return this.current !== undefined;
  }

  update(input: number): number | undefined {
    this.check(input);
    this.inputs[this.head] = input;
    this.head = this.head === this.period ? 0 : this.head + 1;
    if (this.count <= this.period) this.count++;
    return this.compute(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    this.inputs[this.head === 0 ? this.period : this.head - 1] = input;
    return this.compute(input);
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.current = undefined;
  }

  private check(input: number): void {
    if (!(input > 0) || !Number.isFinite(input)) throw new ValidationError([{ path: ['input'], message: `LogReturns(${this.period}) needs finite positive inputs, got ${input}` }]);
  }

  private compute(input: number): number | undefined {
    if (this.count <= this.period) return (this.current = undefined);
    return (this.current = Math.log(input / this.inputs[this.head]!));
  }
}
