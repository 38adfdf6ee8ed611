/**
 * The metrics of a run, from its equity curve, round trips and position log. Return and risk measures
 * are computed by `@rxtrade/portfolio`'s analytics, which follow R's PerformanceAnalytics: the
 * annualized Sharpe ratio is the geometric annualized return over the annualized sample standard
 * deviation (`SharpeRatio.annualized`), the Sortino ratio is per period with the downside deviation over
 * all observations (`SortinoRatio`, MAR 0) and also annualized (x sqrt(periodsPerYear), as quantstats'
 * `sortino(annualize=True)`), Calmar is the annualized return over the maximum drawdown.
 * Returns are the per-period simple returns of the equity curve (one period per equity point; see
 * docs/metrics.md for every definition).
 */
import { z } from 'zod';
import { DecimalAccumulator, parseWith, preParsedConfig, type Decimal, type InstrumentId } from '@rxtrade/core';
import { annualizedReturn, annualizedVolatility, capmAlpha, capmBeta, maxDrawdown, sharpeRatio, simpleReturns, sortinoRatio } from '@rxtrade/portfolio';
import type { PositionChange } from './position-changes';
import type { RoundTrip } from './round-trips';

const arrayLike = z.custom<ArrayLike<number>>((v) => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)), 'must be an array of numbers');

/**
 * Schema of {@link MetricsConfig}.
 *
 * @example
 * ```ts
 * const config = parseWith(MetricsConfigSchema, { periodsPerYear: 252 }, 'metrics');
 * ```
 */
export const MetricsConfigSchema = z.strictObject({
  /** Periods per year of the equity curve (252 daily stock bars, 365 crypto days, 52 weeks, 12 months). */
  periodsPerYear: z.number().positive(),
  /** Risk-free rate PER PERIOD for Sharpe, alpha and beta; default 0. */
  riskFree: z.number().default(0),
  /** Minimum acceptable return PER PERIOD for Sortino; default 0. */
  mar: z.number().default(0),
  /**
   * A benchmark level series (prices or equity) with its timestamps; it is aligned to the equity curve
   * as of each equity point (the last benchmark value at or before it) and its simple returns are
   * regressed on for alpha and beta.
   */
  benchmark: z
    .strictObject({ ts: arrayLike, values: arrayLike })
    .refine((b) => b.ts.length === b.values.length, { message: 'ts and values must have the same length', path: ['values'] })
    .optional(),
});

/** Configuration of {@link computeMetrics}. */
export type MetricsConfig = z.input<typeof MetricsConfigSchema>;

/**
 * Every metric of a run, as numbers. A metric that is undefined for the run (a ratio over zero trades,
 * alpha without a benchmark) is NaN; a profit factor without a losing trade is Infinity.
 */
export interface Metrics {
  /** Number of return periods (equity points - 1). */
  readonly periods: number;
  readonly periodsPerYear: number;
  /** Last equity / first equity - 1. */
  readonly totalReturn: number;
  /** Geometric: (1 + totalReturn)^(periodsPerYear / periods) - 1. */
  readonly annualizedReturn: number;
  /** Sample standard deviation of period returns x sqrt(periodsPerYear). */
  readonly annualizedVolatility: number;
  readonly sharpeRatio: number;
  /** Mean excess period return / sample sd of period returns, NOT annualized (the Sharpe ratio the deflated Sharpe ratio takes). */
  readonly sharpePerPeriod: number;
  /** Skewness of period returns from population moments, m3 / m2^1.5 (PerformanceAnalytics `skewness`, method "moment"). */
  readonly skewness: number;
  /** Kurtosis of period returns, m4 / m2^2, NOT excess: 3 for normal returns (PerformanceAnalytics `kurtosis`, method "moment"). */
  readonly kurtosis: number;
  /** Sortino ratio PER PERIOD: (mean(r) - mar) / sqrt(sum(min(r - mar, 0)^2) / n) (PerformanceAnalytics `SortinoRatio`). */
  readonly sortinoRatio: number;
  /** The per-period Sortino ratio x sqrt(periodsPerYear) (quantstats `sortino(annualize=True)` for mar 0). */
  readonly sortinoRatioAnnualized: number;
  readonly calmarRatio: number;
  /** Largest peak-to-trough fall, as a positive fraction. */
  readonly maxDrawdown: number;
  /** From the peak before the maximum drawdown to the point that regains it (or the last point), in ms. */
  readonly maxDrawdownDurationMs: number;
  /** The same in periods (PerformanceAnalytics `table.Drawdowns` Length). */
  readonly maxDrawdownDurationPeriods: number;
  /** The longest peak-to-recovery episode of any depth, in ms. */
  readonly longestDrawdownMs: number;
  readonly longestDrawdownPeriods: number;
  /** Closed round trips. */
  readonly trades: number;
  /** Share of round trips with a positive net P&L. */
  readonly winRate: number;
  /** Sum of winning P&L / |sum of losing P&L|. */
  readonly profitFactor: number;
  /** Mean net P&L per round trip, in the base currency. */
  readonly expectancy: number;
  /** Mean net P&L of winning round trips. */
  readonly averageWin: number;
  /** Mean net P&L of losing round trips (negative). */
  readonly averageLoss: number;
  /** Mean holding time of round trips, in ms. */
  readonly averageHoldingMs: number;
  /** Share of periods that started with a non-zero position (held through the period). */
  readonly exposure: number;
  /** Traded notional / mean equity, annualized: x periodsPerYear / periods. */
  readonly turnover: number;
  /** Commissions paid, in the base currency. */
  readonly feesPaid: number;
  /** CAPM alpha per period against the benchmark (PerformanceAnalytics `CAPM.alpha`). */
  readonly alpha: number;
  /** CAPM beta against the benchmark (PerformanceAnalytics `CAPM.beta`). */
  readonly beta: number;
}

/** What {@link computeMetrics} reads from a run result. */
export interface MetricsInput {
  readonly equityCurve: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> };
  readonly trades: readonly RoundTrip[];
  readonly positions: readonly PositionChange[];
  readonly summary: { readonly totalFees: Decimal; readonly tradedNotional: Decimal };
}

/**
 * Computes every metric of a run.
 *
 * @example
 * ```ts
 * const m = computeMetrics(result, { periodsPerYear: 252 });
 * console.log(m.sharpeRatio, m.maxDrawdown, m.winRate);
 * ```
 */
export function computeMetrics(result: MetricsInput, config: MetricsConfig): Metrics {
  const c = parseWith(MetricsConfigSchema, config, 'metrics');
  const ppy = c.periodsPerYear;
  const { ts, equity } = usableCurve(result.equityCurve);
  const returns = equity.length > 1 ? simpleReturns(equity) : new Float64Array(0);
  const n = returns.length;
  const dd = drawdownEpisodes(ts, equity);
  // The analytics' options below are built from what MetricsConfigSchema validated, with their
  // defaults set: they are not parsed again (see preParsedConfig; the tests check each).
  const mdd = n > 0 ? maxDrawdown(returns, preParsedConfig({ input: 'returns' as const })) : 0;
  const sortino = n > 0 ? sortinoRatio(returns, preParsedConfig({ mar: c.mar })) : NaN;
  const trades = tradeStats(result.trades);
  let meanEquity = 0;
  for (let i = 0; i < equity.length; i++) meanEquity += equity[i]!;
  meanEquity /= equity.length || 1;
  const { alpha, beta } = c.benchmark ? capm(ts, returns, c.benchmark, c.riskFree) : { alpha: NaN, beta: NaN };
  return {
    periods: n,
    periodsPerYear: ppy,
    totalReturn: equity.length > 0 ? equity[equity.length - 1]! / equity[0]! - 1 : NaN,
    annualizedReturn: annualizedReturn(returns, ppy),
    annualizedVolatility: annualizedVolatility(returns, ppy),
    sharpeRatio: n > 1 ? sharpeRatio(returns, preParsedConfig({ periodsPerYear: ppy, riskFree: c.riskFree })) : NaN,
    ...moments(returns, c.riskFree),
    sortinoRatio: sortino,
    // sortinoRatioAnnualized(returns, ppy, c.mar), from the ratio just computed.
    sortinoRatioAnnualized: sortino * Math.sqrt(ppy),
    // calmarRatio(returns, ppy), without computing the maximum drawdown a second time.
    calmarRatio: n > 0 ? annualizedReturn(returns, ppy) / mdd : NaN,
    maxDrawdown: mdd,
    maxDrawdownDurationMs: dd.maxMs,
    maxDrawdownDurationPeriods: dd.maxPeriods,
    longestDrawdownMs: dd.longestMs,
    longestDrawdownPeriods: dd.longestPeriods,
    ...trades,
    exposure: n > 0 ? exposedPeriods(ts, result.positions) / n : NaN,
    turnover: n > 0 && meanEquity > 0 ? (result.summary.tradedNotional.toNumber() / meanEquity) * (ppy / n) : NaN,
    feesPaid: result.summary.totalFees.toNumber(),
    alpha,
    beta,
  };
}

/** Per-period Sharpe ratio and the third and fourth standardized moments of the returns. */
function moments(returns: Float64Array, riskFree: number): Pick<Metrics, 'sharpePerPeriod' | 'skewness' | 'kurtosis'> {
  const n = returns.length;
  if (n < 2) return { sharpePerPeriod: NaN, skewness: NaN, kurtosis: NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += returns[i]!;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sd = Math.sqrt(m2 / (n - 1));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { sharpePerPeriod: (mean - riskFree) / sd, skewness: m3 / Math.pow(m2, 1.5), kurtosis: m4 / (m2 * m2) };
}

/**
 * The curve up to the first non-positive equity, which counts as 0 (a total loss): returns after ruin
 * are undefined.
 */
function usableCurve(curve: MetricsInput['equityCurve']): { ts: ArrayLike<number>; equity: ArrayLike<number> } {
  const e = curve.equity;
  for (let i = 0; i < e.length; i++) {
    if (e[i]! > 0) continue;
    const end = i === 0 ? 0 : i + 1;
    const equity = Float64Array.from({ length: end }, (_, k) => (k === i ? 0 : e[k]!));
    return { ts: Float64Array.from({ length: end }, (_, k) => curve.ts[k]!), equity };
  }
  return curve;
}

interface Episodes {
  maxMs: number;
  maxPeriods: number;
  longestMs: number;
  longestPeriods: number;
}

/** Peak-to-recovery durations: of the episode holding the deepest drawdown, and the longest episode. */
function drawdownEpisodes(ts: ArrayLike<number>, equity: ArrayLike<number>): Episodes {
  const out: Episodes = { maxMs: 0, maxPeriods: 0, longestMs: 0, longestPeriods: 0 };
  const n = equity.length;
  if (n === 0) return out;
  let peak = 0;
  let worst = 0;
  let episodeWorst = 0;
  const close = (end: number): void => {
    const periods = end - peak;
    const ms = ts[end]! - ts[peak]!;
    if (episodeWorst > 0 && episodeWorst >= worst) {
      worst = episodeWorst;
      out.maxMs = ms;
      out.maxPeriods = periods;
    }
    if (periods > out.longestPeriods) {
      out.longestPeriods = periods;
      out.longestMs = ms;
    }
  };
  for (let i = 1; i < n; i++) {
    const v = equity[i]!;
    if (v >= equity[peak]!) {
      if (i - peak > 1 || episodeWorst > 0) close(i);
      peak = i;
      episodeWorst = 0;
    } else {
      const d = 1 - v / equity[peak]!;
      if (d > episodeWorst) episodeWorst = d;
    }
  }
  if (peak < n - 1) close(n - 1);
  return out;
}

function tradeStats(trades: readonly RoundTrip[]): Pick<Metrics, 'trades' | 'winRate' | 'profitFactor' | 'expectancy' | 'averageWin' | 'averageLoss' | 'averageHoldingMs'> {
  let wins = 0;
  let losses = 0;
  // Exact sums in integer arithmetic while they fit (see DecimalAccumulator), read once at the end.
  const wonSum = new DecimalAccumulator();
  const lostSum = new DecimalAccumulator();
  let holding = 0;
  for (const t of trades) {
    holding += t.holdingMs;
    // The sign without a comparison (decimal.js builds a Decimal of its argument for one).
    const pnl = t.pnl;
    if (pnl.isZero() || pnl.isNaN()) continue;
    if (pnl.isPositive()) {
      wins++;
      wonSum.add(pnl);
    } else {
      losses++;
      lostSum.add(pnl);
    }
  }
  const won = wonSum.value;
  const lost = lostSum.value;
  const count = trades.length;
  return {
    trades: count,
    winRate: count > 0 ? wins / count : NaN,
    profitFactor: losses > 0 ? won.div(lost.neg()).toNumber() : wins > 0 ? Infinity : NaN,
    expectancy: count > 0 ? won.plus(lost).div(count).toNumber() : NaN,
    averageWin: wins > 0 ? won.div(wins).toNumber() : NaN,
    averageLoss: losses > 0 ? lost.div(losses).toNumber() : NaN,
    averageHoldingMs: count > 0 ? holding / count : NaN,
  };
}

/** Number of periods i (1..n-1) whose starting point i-1 holds a non-zero position in any instrument. */
function exposedPeriods(ts: ArrayLike<number>, positions: readonly PositionChange[]): number {
  const nonZero = new Set<InstrumentId>();
  let k = 0;
  let exposed = 0;
  for (let i = 0; i < ts.length - 1; i++) {
    const t = ts[i]!;
    while (k < positions.length && positions[k]!.ts <= t) {
      const p = positions[k++]!;
      if (p.quantity.isZero()) nonZero.delete(p.instrumentId);
      else nonZero.add(p.instrumentId);
    }
    if (nonZero.size > 0) exposed++;
  }
  return exposed;
}

/** Aligns the benchmark as of each equity point and regresses the equity returns on its returns. */
function capm(ts: ArrayLike<number>, returns: Float64Array, benchmark: { ts: ArrayLike<number>; values: ArrayLike<number> }, riskFree: number): { alpha: number; beta: number } {
  const aligned = new Float64Array(ts.length);
  let j = -1;
  for (let i = 0; i < ts.length; i++) {
    while (j + 1 < benchmark.ts.length && benchmark.ts[j + 1]! <= ts[i]!) j++;
    aligned[i] = j < 0 ? NaN : benchmark.values[j]!;
  }
  // Periods before the benchmark starts are left out of both series.
  let first = 0;
  while (first < aligned.length && Number.isNaN(aligned[first]!)) first++;
  const y = returns.subarray(first);
  const x = simpleReturns(aligned.subarray(first));
  if (y.length < 2) return { alpha: NaN, beta: NaN };
  return { alpha: capmAlpha(y, x, { riskFree }), beta: capmBeta(y, x, { riskFree }) };
}
