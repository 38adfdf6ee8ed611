/**
 * Contribution to return from weights and returns: how much of a portfolio's return each holding (or
 * strategy sleeve) produced, period by period.
 */
import { ValidationError } from '@rxtrade/core';
import type { Series } from '../analytics/series';

/**
 * Input of {@link contributionByWeights}: per key (instrument or strategy), its simple returns and its
 * weight at the START of each period (a constant number for fixed weights reset every period).
 *
 * @example
 * ```ts
 * const input: ContributionInput = { returns: { SPY: spyMonthly, TLT: tltMonthly }, weights: { SPY: 0.6, TLT: 0.4 } };
 * ```
 */
export interface ContributionInput {
  readonly returns: Readonly<Record<string, Series>>;
  readonly weights: Readonly<Record<string, number | Series>>;
}

/**
 * What {@link contributionByWeights} returns.
 *
 * @example
 * ```ts
 * const { byKey, portfolio, cash } = contributionByWeights(input);
 * byKey.SPY!.total; // summed arithmetic contribution of SPY
 * ```
 */
export interface Contribution {
  /** Per key: `weight x return` each period and its sum over the periods. */
  readonly byKey: Readonly<Record<string, { readonly perPeriod: Float64Array; readonly total: number }>>;
  /** The portfolio's return each period: the sum of the contributions (cash earns 0). */
  readonly portfolio: Float64Array;
  /** Weight left in cash each period: `1 - sum(weights)`. */
  readonly cash: Float64Array;
}

/**
 * Contribution to return by key, as R PerformanceAnalytics `Return.portfolio(R, weights, contribution =
 * TRUE)` gives it per period: `contribution[k][t] = weight[k][t] x return[k][t]` with beginning-of-period
 * weights, so the contributions of a period add up to the portfolio's return for that period (weight not
 * invested is cash at 0%). `total` sums them over the periods (arithmetic: it does not compound, so over
 * many periods the totals add up to the sum, not the product, of the portfolio's returns; use
 * `ledger.instrumentPnl` or `attributePnl` for money contributions that add up to the equity change).
 * Group keys by strategy (pass each strategy's returns and weight) for contribution by strategy.
 *
 * @throws ValidationError naming `weights.KEY` (a key without returns or a series of another length) or
 *   `returns.KEY` (not finite, or a length different from the first key's).
 * @example
 * ```ts
 * const c = contributionByWeights({ returns: { A: [0.1, -0.05], B: [0.02, 0.04] }, weights: { A: 0.5, B: 0.5 } });
 * Array.from(c.portfolio) // [0.06, -0.005]
 * c.byKey.A!.total        // 0.025
 * ```
 */
export function contributionByWeights(input: ContributionInput): Contribution {
  const keys = Object.keys(input.returns);
  const n = keys.length ? input.returns[keys[0]!]!.length : 0;
  for (const key of keys) {
    const r = input.returns[key]!;
    if (r.length !== n) throw new ValidationError([{ path: ['returns', key], message: `must have ${n} values like ${keys[0]}, got ${r.length}` }]);
    for (let t = 0; t < n; t++)
      if (!Number.isFinite(r[t]!)) throw new ValidationError([{ path: ['returns', key, t], message: `must be a finite number, got ${String(r[t])}` }]);
  }
  for (const key of Object.keys(input.weights)) {
    if (!(key in input.returns)) throw new ValidationError([{ path: ['weights', key], message: 'has no returns' }]);
    const w = input.weights[key]!;
    if (typeof w === 'number' ? !Number.isFinite(w) : w.length !== n)
      throw new ValidationError([{ path: ['weights', key], message: `must be a finite number or a series of ${n} weights` }]);
  }
  const portfolio = new Float64Array(n);
  const cash = new Float64Array(n).fill(1);
  const byKey: Record<string, { perPeriod: Float64Array; total: number }> = {};
  for (const key of keys) {
    const r = input.returns[key]!;
    const w = input.weights[key] ?? 0;
    const perPeriod = new Float64Array(n);
    let total = 0;
    for (let t = 0; t < n; t++) {
      const wt = typeof w === 'number' ? w : w[t]!;
      const c = wt * r[t]!;
      perPeriod[t] = c;
      total += c;
      portfolio[t] = portfolio[t]! + c;
      cash[t] = cash[t]! - wt;
    }
    byKey[key] = { perPeriod, total };
  }
  return { byKey, portfolio, cash };
}
