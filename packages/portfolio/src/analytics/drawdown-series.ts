import { ValidationError } from '@rxtrade/core';
import { checkFinite, type Series } from './series';

/**
 * Drawdown at every point of an equity (or price) series: `equity[t] / max(equity[0..t]) - 1`, a
 * fraction <= 0, the same length as the input. The sign follows R PerformanceAnalytics `Drawdowns`
 * (negative while under water); {@link maxDrawdown} reports the worst one as a positive fraction.
 *
 * @param equity equity or prices, finite, the first value > 0 (it is the first peak).
 * @example
 * ```ts
 * drawdownSeries([100, 120, 90, 130]) // Float64Array [0, 0, -0.25, 0]
 * ```
 */
export function drawdownSeries(equity: Series): Float64Array {
  checkFinite(equity, 'equity');
  const n = equity.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let peak = equity[0]!;
  if (!(peak > 0)) throw new ValidationError([{ path: ['equity', 0], message: `must be > 0 (the first peak), got ${peak}` }]);
  for (let i = 0; i < n; i++) {
    const v = equity[i]!;
    if (v > peak) peak = v;
    out[i] = v / peak - 1;
  }
  return out;
}
