/**
 * Simple return over `period` inputs: `x[t] / x[t - period] - 1` (the arithmetic return, as
 * `TTR::ROC(x, n, type = "discrete")` in R). The first value appears at input `period + 1`.
 */
import { ValidationError } from '../errors';
import type { Indicator } from '../indicators/indicator';

/**
 * The simple (discrete) return of a series over `period` steps, as a streaming transform.
 *
 * @example
 * ```ts
 * const r = new Returns(1);
 * [100, 110, 99].map((x) => r.update(x)); // [undefined, 0.1, -0.1]
 * ```
 */
export class Returns implements Indicator<number, number> {
  readonly warmup: number;
  // The last period + 1 inputs: the newest and the one `period` steps before it.
  private readonly inputs: Float64Array;
  private count = 0;
  private head = 0; // slot of the next input
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
    checkInput(input, 'Returns', this.period);
    this.inputs[this.head] = input;
    this.head = this.head === this.period ? 0 : this.head + 1;
    if (this.count <= this.period) this.count++;
    return this.compute(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    checkInput(input, 'Returns', this.period);
    this.inputs[this.head === 0 ? this.period : this.head - 1] = input;
    return this.compute(input);
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.current = undefined;
  }

  private compute(input: number): number | undefined {
    if (this.count <= this.period) return (this.current = undefined);
    // After the write, `head` is the oldest slot: the input `period` steps back.
    const base = this.inputs[this.head]!;
    if (base === 0) throw new ValidationError([{ path: ['input'], message: `Returns(${this.period}): the base value is 0, the return is undefined` }]);
    return (this.current = input / base - 1);
  }
}

function checkInput(input: number, name: string, period: number): void {
  if (!Number.isFinite(input)) throw new ValidationError([{ path: ['input'], message: `${name}(${period}) got a non-finite input ${input}` }]);
}
