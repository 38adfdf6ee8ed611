/**
 * Rate of change in percent: 100 * (x / x[period ago] - 1).
 * Definition as TA-Lib's `TA_ROC` (ta_func/ta_ROC.c): 0 when the earlier value is 0; the first value
 * appears at input `period + 1`.
 */
import { LaggedChange } from './lagged-change';

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
export class Roc extends LaggedChange {
  constructor(period = 10, label = 'Roc') {
    super(period, label);
  }

  protected change(x: number, before: number): number {
    return before !== 0.0 ? (x / before - 1.0) * 100.0 : 0.0;
  }
}
