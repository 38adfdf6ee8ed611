/**
 * Figures of a run for the example's summary: monthly equity from the first rebalance on, and the usual
 * performance measures from `@rxtrade/portfolio` (R PerformanceAnalytics conventions, risk-free rate 0).
 */
import type { Decimal } from '@rxtrade/core';
import type { RunResult } from '@rxtrade/backtest';
import { annualizedReturn, annualizedVolatility, calmarRatio, maxDrawdown, sharpeRatio, simpleReturns } from '@rxtrade/portfolio';

/** Headline figures of one run. */
export interface PerformanceSummary {
  readonly label: string;
  /** Month-end from which performance is measured (the one before the first fills), `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  readonly months: number;
  readonly fills: number;
  readonly finalEquity: Decimal;
  /** Monthly simple returns of equity over the measured period. */
  readonly returns: Float64Array;
  readonly annualizedReturn: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly calmar: number;
}

/**
 * Equity at the end of each month: the last point of the equity curve at each distinct time (every index
 * has one bar per month, all at the same month-end time).
 *
 * @example
 * ```ts
 * const { ts, equity } = monthlyEquity(result);
 * ```
 */
export function monthlyEquity(result: RunResult): { ts: number[]; equity: number[] } {
  const ts: number[] = [];
  const equity: number[] = [];
  const curve = result.equityCurve;
  for (let i = 0; i < curve.ts.length; i++) {
    if (ts.length > 0 && ts[ts.length - 1] === curve.ts[i]) equity[equity.length - 1] = curve.equity[i]!;
    else {
      ts.push(curve.ts[i]!);
      equity.push(curve.equity[i]!);
    }
  }
  return { ts, equity };
}

/**
 * Performance from the month-end before the first fill to the last month.
 *
 * @example
 * ```ts
 * summarize('risk parity', result).sharpe;
 * ```
 */
export function summarize(label: string, result: RunResult): PerformanceSummary {
  const { ts, equity } = monthlyEquity(result);
  const firstFill = result.fills[0]?.ts ?? ts[ts.length - 1]!;
  const start = Math.max(0, ts.findIndex((t) => t >= firstFill) - 1);
  const measured = equity.slice(start);
  const returns = simpleReturns(measured);
  return {
    label,
    from: iso(ts[start]!),
    to: iso(ts[ts.length - 1]!),
    months: returns.length,
    fills: result.fills.length,
    finalEquity: result.summary.finalEquity,
    returns,
    annualizedReturn: annualizedReturn(returns, 12),
    volatility: annualizedVolatility(returns, 12),
    sharpe: sharpeRatio(returns, { periodsPerYear: 12 }),
    maxDrawdown: maxDrawdown(measured),
    calmar: calmarRatio(returns, 12),
  };
}

/** `YYYY-MM-DD` of an epoch-ms time. */
export function iso(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}
