import { ValidationError } from '@rxtrade/core';
import { checkFinite, type Series } from './series';

/**
 * Simple (arithmetic) period returns of a price or equity series: `r[t] = values[t + 1] / values[t] - 1`,
 * one fewer than the values (R PerformanceAnalytics `Return.calculate(method = "discrete")`).
 *
 * @param values prices or equity, finite; a zero value followed by another point is an error, since
 *   the return from zero is undefined.
 * @example
 * ```ts
 * simpleReturns([100, 110, 99]) // Float64Array [0.1, -0.1]
 * ```
 */
export function simpleReturns(values: Series): Float64Array {
  checkFinite(values, 'values');
  const n = values.length;
  const out = new Float64Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) {
    const prev = values[i - 1]!;
    if (prev === 0) throw new ValidationError([{ path: ['values', i - 1], message: 'must not be 0: the return from 0 is undefined' }]);
    out[i - 1] = values[i]! / prev - 1;
  }
  return out;
}
