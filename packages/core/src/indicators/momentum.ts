/**
 * Momentum: x - x[period ago].
 * Definition as TA-Lib's `TA_MOM` (ta_func/ta_MOM.c): the first value appears at input `period + 1`.
 */
import { LaggedChange } from './lagged-change';

/**
 * Momentum over `period` inputs.
 *
 * @example
 * ```ts
 * const mom = new Momentum(2);
 * [1, 2, 4].map((x) => mom.update(x)); // [undefined, undefined, 3]
 * ```
 */
export class Momentum extends LaggedChange {
  constructor(period = 10) {
    super(period, 'Momentum');
  }

  protected change(x: number, before: number): number {
    return x - before;
  }
}
