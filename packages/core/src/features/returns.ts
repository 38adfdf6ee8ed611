/**
 * Simple return over `period` inputs: `x[t] / x[t - period] - 1` (the arithmetic return, as
 * `TTR::ROC(x, n, type = "discrete")` in R). The first value appears at input `period + 1`.
 */
import { ValidationError } from '../errors';
import { LaggedChange } from '../indicators/lagged-change';

/**
 * The simple (discrete) return of a series over `period` steps, as a streaming transform.
 *
 * @example
 * ```ts
 * const r = new Returns(1);
 * [100, 110, 99].map((x) => r.update(x)); // [undefined, 0.1, -0.1]
 * ```
 */
export class Returns extends LaggedChange {
  constructor(period = 1) {
    super(period, 'Returns');
  }

  protected change(x: number, before: number): number {
    if (before === 0) throw new ValidationError([{ path: [`${this.label} input`], message: 'the base value is 0, the return is undefined' }]);
    return x / before - 1;
  }
}
