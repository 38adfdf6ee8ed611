/**
 * Distribution figures of an equity curve's period returns for a tearsheet:
 * - Value at Risk and expected shortfall (conditional VaR), historical, per period, from
 *   `@rxtrade/risk` (PerformanceAnalytics `VaR` / `ES` with `method = "historical"`): VaR is the type-7
 *   quantile of the returns at 1 - confidence, ES the mean of the returns strictly below it; both are
 *   returns, negative for a loss;
 * - the best and worst period and calendar month (months as in `monthlyReturns`: month-end equity over
 *   the previous month-end, the first month from the first point, UTC);
 * - the longest runs of consecutive positive and of consecutive negative period returns (a period with
 *   a return of exactly 0 ends both kinds of run).
 */
import { expectedShortfall, valueAtRisk } from '@rxtrade/risk';
import { simpleReturns } from '@rxtrade/portfolio';
import { monthlyReturns } from '../report/monthly-returns';

/** A period's return and the time it ended. */
export interface DatedReturn {
  readonly ts: number;
  readonly value: number;
}

/** A run of consecutive winning or losing periods. */
export interface Streak {
  /** Number of periods in the run (0 when there is none). */
  readonly periods: number;
  /** End time of its first and of its last period (NaN when there is none). */
  readonly start: number;
  readonly end: number;
}

/** What {@link returnStatistics} returns; NaN where the curve is too short. */
export interface ReturnStatistics {
  readonly confidence: number;
  /** Historical VaR per period at `confidence` (a return, negative for a loss). */
  readonly valueAtRisk: number;
  /** Historical expected shortfall (CVaR) per period at `confidence`. */
  readonly expectedShortfall: number;
  readonly bestPeriod: DatedReturn;
  readonly worstPeriod: DatedReturn;
  /** `ts` is the month's first instant (UTC). */
  readonly bestMonth: DatedReturn;
  readonly worstMonth: DatedReturn;
  readonly longestWinStreak: Streak;
  readonly longestLossStreak: Streak;
}

const NONE: DatedReturn = { ts: NaN, value: NaN };

/**
 * Computes VaR, expected shortfall, best and worst period and month, and win and loss streaks.
 *
 * @param ts equity times (epoch ms), increasing.
 * @param equity equity at those times, positive.
 * @example
 * ```ts
 * const s = returnStatistics(result.equityCurve.ts, result.equityCurve.equity);
 * console.log(`95% one-day VaR ${(s.valueAtRisk * 100).toFixed(2)}%`, s.longestLossStreak.periods);
 * ```
 */
export function returnStatistics(ts: ArrayLike<number>, equity: ArrayLike<number>, options: { readonly confidence?: number } = {}): ReturnStatistics {
  const confidence = options.confidence ?? 0.95;
  const returns = equity.length > 1 ? simpleReturns(equity) : new Float64Array(0);
  const n = returns.length;
  let best = NONE;
  let worst = NONE;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    if (!(r <= best.value)) best = { ts: ts[i + 1]!, value: r };
    if (!(r >= worst.value)) worst = { ts: ts[i + 1]!, value: r };
  }
  let bestMonth = NONE;
  let worstMonth = NONE;
  for (const m of monthlyReturns(ts, equity).months) {
    if (!Number.isFinite(m.value)) continue;
    const at = Date.UTC(m.year, m.month, 1);
    if (!(m.value <= bestMonth.value)) bestMonth = { ts: at, value: m.value };
    if (!(m.value >= worstMonth.value)) worstMonth = { ts: at, value: m.value };
  }
  return {
    confidence,
    valueAtRisk: n > 0 ? valueAtRisk(returns, { p: confidence, method: 'historical' }) : NaN,
    expectedShortfall: n > 0 ? expectedShortfall(returns, { p: confidence, method: 'historical' }) : NaN,
    bestPeriod: best,
    worstPeriod: worst,
    bestMonth,
    worstMonth,
    longestWinStreak: longestRun(ts, returns, 1),
    longestLossStreak: longestRun(ts, returns, -1),
  };
}

/** The longest run of returns with sign `sign` (the first of equal length). */
function longestRun(ts: ArrayLike<number>, returns: Float64Array, sign: 1 | -1): Streak {
  let best: Streak = { periods: 0, start: NaN, end: NaN };
  let length = 0;
  for (let i = 0; i < returns.length; i++) {
    if (Math.sign(returns[i]!) === sign) {
      length++;
      if (length > best.periods) best = { periods: length, start: ts[i + 2 - length]!, end: ts[i + 1]! };
    } else length = 0;
  }
  return best;
}
