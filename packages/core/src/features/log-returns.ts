/**
 * Log return over `period` inputs: `ln(x[t] / x[t - period])` (the continuously compounded return, as
 * `TTR::ROC(x, n, type = "continuous")` in R). Inputs must be positive. The first value appears at
 * input `period + 1`. Log returns add over time: the sum of n one-step log returns is the n-step one.
 */
import { ValidationError } from '../errors';
import { LaggedChange } from '../indicators/lagged-change';

/**
 * The log return of a series over `period` steps, as a streaming transform.
 *
 * @example
 * ```ts
 * const r = new LogReturns(1);
 * [100, 110].map((x) => r.update(x)); // [undefined, Math.log(1.1)]
 * ```
 */
export class LogReturns extends LaggedChange {
  constructor(period = 1) {
    super(period, 'LogReturns');
  }

  protected override check(x: number): void {
    if (!(x > 0) || !Number.isFinite(x)) throw new ValidationError([{ path: [`${this.label} input`], message: `must be a finite positive number, got ${x}` }]);
  }

  protected change(x: number, before: number): number {
    return Math.log(x / before);
  }
}
