import { ValidationError } from '@rxtrade/core';
import { checkFinite, type Series } from './series';

/**
 * Total return of a price or equity series from its first to its last value: `last / first - 1`
 * (equal to R PerformanceAnalytics `Return.cumulative(geometric = TRUE)` of its simple returns).
 *
 * @param values prices or equity, finite, at least one value, the first not 0.
 * @example
 * ```ts
 * totalReturn([100_000, 95_000, 120_000]) // 0.2
 * ```
 */
export function totalReturn(values: Series): number {
  checkFinite(values, 'values');
  if (values.length === 0) throw new ValidationError([{ path: ['values'], message: 'must hold at least one value' }]);
  const first = values[0]!;
  if (first === 0) throw new ValidationError([{ path: ['values', 0], message: 'must not be 0: the return from 0 is undefined' }]);
  return values[values.length - 1]! / first - 1;
}
