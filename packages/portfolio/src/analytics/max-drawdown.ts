import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { checkFinite, type Series } from './series';

/**
 * What a series passed to {@link maxDrawdown} holds: levels (equity, prices) or simple returns.
 *
 * @example
 * ```ts
 * maxDrawdown(returns, { input: SeriesKind.RETURNS })
 * ```
 */
export const SeriesKind = {
  /** Account equity or prices (levels). */
  EQUITY: 'equity',
  /** Simple period returns (0.01 = 1%). */
  RETURNS: 'returns',
} as const;
export type SeriesKind = (typeof SeriesKind)[keyof typeof SeriesKind];

/**
 * Schema of {@link MaxDrawdownConfig}.
 *
 * @example
 * ```ts
 * parseWith(MaxDrawdownConfigSchema, {}) // { input: 'equity' }
 * ```
 */
export const MaxDrawdownConfigSchema = z
  .strictObject({
    /** `'equity'` (default) for levels, `'returns'` for simple period returns. */
    input: z.enum([SeriesKind.EQUITY, SeriesKind.RETURNS]).default(SeriesKind.EQUITY),
  })
  .default({ input: SeriesKind.EQUITY });
/**
 * Options of {@link maxDrawdown}.
 *
 * @example
 * ```ts
 * const onReturns: MaxDrawdownConfig = { input: 'returns' };
 * ```
 */
export type MaxDrawdownConfig = z.input<typeof MaxDrawdownConfigSchema>;

/**
 * Maximum drawdown, the largest fall from a running peak, as a POSITIVE fraction (0.25 = 25%).
 *
 * On returns (`{ input: 'returns' }`) it follows R PerformanceAnalytics `maxDrawdown(R, geometric = TRUE)`:
 * wealth is `cumprod(1 + r)` starting from 1, and the starting 1 counts as a peak, so a first return of
 * -10% is a 10% drawdown. On equity (the default, as a backtest's equity curve) the first value plays the
 * part of that starting 1: `maxDrawdown(equity)` equals `maxDrawdown(simpleReturns(equity), { input: 'returns' })`.
 *
 * @param values equity levels (default; the first must be > 0) or simple returns.
 * @returns 0 when the series never falls below a previous peak (or is empty).
 * @example
 * ```ts
 * maxDrawdown([100, 120, 90, 130])                         // 0.25
 * maxDrawdown([0.2, -0.25, 0.444], { input: 'returns' })   // 0.25
 * ```
 */
export function maxDrawdown(values: Series, config: MaxDrawdownConfig = {}): number {
  const { input } = parseWith(MaxDrawdownConfigSchema, config);
  const field = input === SeriesKind.EQUITY ? 'equity' : 'returns';
  checkFinite(values, field);
  const n = values.length;
  let worst = 0;
  if (input === SeriesKind.RETURNS) {
    let wealth = 1;
    let peak = 1;
    for (let i = 0; i < n; i++) {
      wealth *= 1 + values[i]!;
      if (wealth > peak) peak = wealth;
      const dd = 1 - wealth / peak;
      if (dd > worst) worst = dd;
    }
    return worst;
  }
  if (n === 0) return 0;
  let peak = values[0]!;
  if (!(peak > 0))
    throw new ValidationError([
      { path: ['equity', 0], message: `must be > 0 (the first peak), got ${peak}; pass { input: 'returns' } for a series of returns` },
    ]);
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    if (v > peak) peak = v;
    const dd = 1 - v / peak;
    if (dd > worst) worst = dd;
  }
  return worst;
}
