/**
 * The metrics table of a report. A result that carries metrics (`result.metrics`) is shown as it is;
 * for one that does not (an older result file), the headline ratios are computed here from the equity
 * curve with `@rxtrade/portfolio`'s analytics, which follow R PerformanceAnalytics' conventions.
 */
import { annualizedReturn, annualizedVolatility, calmarRatio, maxDrawdown, sharpeRatio, simpleReturns, sortinoRatio } from '@rxtrade/portfolio';
import { sortinoRatioAnnualized } from '../metrics/sortino-annualized';
import { lastPerTimestamp } from './downsample';
import { humanize, type FigureKind } from './format';
import type { ReportableResult } from './report-input';

/** One row of the metrics table. */
export interface MetricRow {
  readonly key: string;
  readonly label: string;
  readonly value: unknown;
  readonly kind: FigureKind;
}

const KNOWN: Readonly<Record<string, { label: string; kind: FigureKind }>> = {
  totalReturn: { label: 'Total return', kind: 'percent' },
  annualizedReturn: { label: 'Annualized return', kind: 'percent' },
  annualizedVolatility: { label: 'Annualized volatility', kind: 'percent' },
  sharpeRatio: { label: 'Sharpe ratio (annualized)', kind: 'ratio' },
  sharpePerPeriod: { label: 'Sharpe ratio (per period)', kind: 'number' },
  sortinoRatio: { label: 'Sortino ratio (per period)', kind: 'ratio' },
  sortinoRatioAnnualized: { label: 'Sortino ratio (annualized)', kind: 'ratio' },
  skewness: { label: 'Skewness', kind: 'ratio' },
  kurtosis: { label: 'Kurtosis (not excess: 3 for normal returns)', kind: 'ratio' },
  calmarRatio: { label: 'Calmar ratio', kind: 'ratio' },
  maxDrawdown: { label: 'Max drawdown', kind: 'percent' },
  winRate: { label: 'Win rate', kind: 'percent' },
  profitFactor: { label: 'Profit factor', kind: 'ratio' },
  expectancy: { label: 'Expectancy', kind: 'money' },
  averageWin: { label: 'Average win', kind: 'money' },
  averageLoss: { label: 'Average loss', kind: 'money' },
  exposure: { label: 'Exposure', kind: 'percent' },
  turnover: { label: 'Turnover', kind: 'ratio' },
  feesPaid: { label: 'Fees paid', kind: 'money' },
  totalFees: { label: 'Fees paid', kind: 'money' },
  alpha: { label: 'Alpha (per period)', kind: 'number' },
  beta: { label: 'Beta', kind: 'ratio' },
  trades: { label: 'Trades', kind: 'integer' },
  tradeCount: { label: 'Trades', kind: 'integer' },
  periodsPerYear: { label: 'Periods per year', kind: 'integer' },
  periods: { label: 'Return periods', kind: 'integer' },
  maxDrawdownDurationMs: { label: 'Max drawdown duration', kind: 'duration' },
  maxDrawdownDurationPeriods: { label: 'Max drawdown duration (periods)', kind: 'integer' },
  longestDrawdownMs: { label: 'Longest drawdown', kind: 'duration' },
  longestDrawdownPeriods: { label: 'Longest drawdown (periods)', kind: 'integer' },
  averageHoldingMs: { label: 'Average holding time', kind: 'duration' },
};

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * Guesses how a metric should be shown from its name (for metrics the report does not know).
 *
 * @example
 * ```ts
 * metricKind('maxDrawdown', 0.2) // 'percent'
 * ```
 */
export function metricKind(key: string, value: unknown): FigureKind {
  const known = KNOWN[key];
  if (known) return known.kind;
  const k = key.toLowerCase();
  if (typeof value === 'string' && !Number.isFinite(Number(value)) && !NON_FINITE.has(value)) return 'text';
  if (/ms$/.test(k)) return 'duration';
  if (k.includes('duration')) return typeof value === 'number' && value > 1e6 ? 'duration' : 'integer';
  if (/(return|drawdown|rate|volatility|exposure|cagr|pct|percent)/.test(k)) return 'percent';
  if (/(ratio|factor|beta)/.test(k)) return 'ratio';
  if (/(fee|pnl|equity|cash|expectancy|average|avg|win|loss|profit)/.test(k)) return 'money';
  if (/(count|trades|fills|orders|bars|events)/.test(k)) return 'integer';
  return 'number';
}

/**
 * The rows of a result's metrics table: its own metrics when it carries them, otherwise ratios
 * computed from its equity curve, then the exact summary figures.
 *
 * @example
 * ```ts
 * reportMetrics(result, 252).find((m) => m.key === 'sharpeRatio')?.value
 * ```
 */
export function reportMetrics(result: ReportableResult, periodsPerYear: number): MetricRow[] {
  const rows: MetricRow[] = [];
  const own = result.metrics as Readonly<Record<string, unknown>> | undefined;
  const metrics = own && Object.keys(own).length > 0 ? own : computeFallback(result, periodsPerYear);
  for (const [key, value] of Object.entries(metrics)) {
    if (value !== null && typeof value === 'object' && !isDecimalLike(value)) continue;
    rows.push({ key, label: KNOWN[key]?.label ?? humanize(key), value: isDecimalLike(value) ? String(value) : value, kind: metricKind(key, value) });
  }
  const s = result.summary;
  const seen = new Set(rows.map((r) => r.label));
  const add = (key: string, label: string, value: unknown, kind: FigureKind): void => {
    if (!seen.has(label)) rows.push({ key, label, value, kind });
  };
  add('startingCash', 'Starting cash', String(s.startingCash), 'money');
  add('finalEquity', 'Final equity', String(s.finalEquity), 'money');
  add('totalFees', 'Fees paid', String(s.totalFees), 'money');
  if (s.realizedPnl !== undefined) add('realizedPnl', 'Realized P&L', String(s.realizedPnl), 'money');
  if (s.fills !== undefined) add('fills', 'Fills', s.fills, 'integer');
  if (s.orders !== undefined) add('orders', 'Orders', s.orders, 'integer');
  return rows;
}

function isDecimalLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { toFixed?: unknown }).toFixed === 'function' && typeof (v as { isFinite?: unknown }).isFinite === 'function';
}

function computeFallback(result: ReportableResult, periodsPerYear: number): Record<string, number> {
  const { values } = lastPerTimestamp({ ts: result.equityCurve.ts, values: result.equityCurve.equity });
  const out: Record<string, number> = { totalReturn: result.summary.totalReturn };
  if (values.length < 3 || !(values[0]! > 0)) return { ...out, maxDrawdown: result.summary.maxDrawdown };
  const returns = simpleReturns(values);
  out.annualizedReturn = annualizedReturn(returns, periodsPerYear);
  out.annualizedVolatility = annualizedVolatility(returns, periodsPerYear);
  out.sharpeRatio = sharpeRatio(returns, { periodsPerYear });
  out.sortinoRatio = sortinoRatio(returns);
  out.sortinoRatioAnnualized = sortinoRatioAnnualized(returns, periodsPerYear);
  out.maxDrawdown = maxDrawdown(values);
  out.calmarRatio = calmarRatio(returns, periodsPerYear);
  return out;
}

/**
 * Periods per year of a curve's sampling: 252 for daily bars (a median step of one to four days,
 * weekends included), 52 weekly, 12 monthly, otherwise points per year measured on the data.
 *
 * @example
 * ```ts
 * inferPeriodsPerYear(dailyTimestamps) // 252
 * ```
 */
export function inferPeriodsPerYear(ts: ArrayLike<number>): number {
  const n = ts.length;
  if (n < 3) return 252;
  const all = new Float64Array(n - 1);
  let k = 0;
  for (let i = 1; i < n; i++) if (ts[i]! > ts[i - 1]!) all[k++] = ts[i]! - ts[i - 1]!;
  if (k === 0) return 252;
  const steps = all.subarray(0, k).sort();
  const day = 86_400_000;
  const median = steps[Math.floor(steps.length / 2)]!;
  if (median >= day * 0.9 && median <= day * 4) return 252;
  if (median >= day * 6 && median <= day * 8) return 52;
  if (median >= day * 27 && median <= day * 32) return 12;
  const years = (ts[n - 1]! - ts[0]!) / (365.25 * day);
  return years > 0 ? Math.round(steps.length / years) : 252;
}
