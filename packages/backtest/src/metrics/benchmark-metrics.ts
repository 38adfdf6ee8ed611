/**
 * A strategy against a benchmark, over the same periods. The benchmark is a level series (closes of an
 * index or of the traded instrument) that is aligned to the strategy's equity curve as of each equity
 * time: the last benchmark close at or before it (forward-filled), so a benchmark with missing days, or
 * with more points than the curve, gives one close per equity point. Periods before the benchmark's
 * first close are left out of both series. Then:
 *
 * - beta and alpha are the slope and intercept of the least-squares line of the strategy's period
 *   returns on the benchmark's (R PerformanceAnalytics `CAPM.beta` / `CAPM.alpha` with Rf = 0, through
 *   `capmBeta` / `capmAlpha` of `@rxtrade/portfolio`); alpha is annualized arithmetically,
 *   `alpha = (mean(r) - beta * mean(b)) * periodsPerYear`, as quantstats' `greeks` does;
 * - correlation is Pearson's, of the period returns;
 * - the benchmark's own figures use the same functions as the strategy's metrics.
 */
import { z } from 'zod';
import { ValidationError } from '@rxtrade/core';
import { annualizedReturn, annualizedVolatility, capmAlpha, capmBeta, maxDrawdown, sharpeRatio, simpleReturns, sortinoRatio } from '@rxtrade/portfolio';
import { sortinoRatioAnnualized } from './sortino-annualized';

const numbers = z.custom<ArrayLike<number>>((v) => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)), 'must be an array of numbers');

/**
 * Schema of a {@link BenchmarkSeries}: `ts` strictly increasing epoch ms, `close` positive and finite,
 * both of one length. An error names the field and the first bad index (`benchmark.close[12]`).
 *
 * @example
 * ```ts
 * parseWith(BenchmarkSeriesSchema, { name: 'SPY', ts: [0, 86_400_000], close: [100, 101] }, 'benchmark');
 * ```
 */
export const BenchmarkSeriesSchema = z
  .strictObject({
    /** Shown in the legend and tables. */
    name: z.string().min(1),
    /** Epoch milliseconds, strictly increasing. */
    ts: numbers,
    /** Closes (or index levels), positive and finite. */
    close: numbers,
  })
  .superRefine((b, ctx) => {
    if (b.ts.length !== b.close.length) {
      ctx.addIssue({ code: 'custom', path: ['close'], message: `must have as many values as ts (${b.ts.length}), got ${b.close.length}` });
      return;
    }
    if (b.ts.length < 2) ctx.addIssue({ code: 'custom', path: ['ts'], message: `needs at least 2 points, got ${b.ts.length}` });
    for (let i = 0; i < b.ts.length; i++) {
      const t = b.ts[i]!;
      if (typeof t !== 'number' || !Number.isFinite(t)) return void ctx.addIssue({ code: 'custom', path: ['ts', i], message: `must be a finite number (epoch ms), got ${String(t)}` });
      if (i > 0 && !(t > b.ts[i - 1]!)) return void ctx.addIssue({ code: 'custom', path: ['ts', i], message: `must be after ts[${i - 1}] (${b.ts[i - 1]}), got ${t}` });
    }
    for (let i = 0; i < b.close.length; i++) {
      const c = b.close[i]!;
      if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) return void ctx.addIssue({ code: 'custom', path: ['close', i], message: `must be a finite number > 0, got ${String(c)}` });
    }
  });

/** A benchmark: a name and its closes (or index levels) at strictly increasing times. */
export type BenchmarkSeries = z.input<typeof BenchmarkSeriesSchema>;

/**
 * The benchmark's close as of each time in `ts` (sorted): the last close at or before it, NaN before
 * the benchmark's first point.
 *
 * @example
 * ```ts
 * alignBenchmark([0, 2, 5], { ts: [1, 2, 4], close: [10, 11, 12] }) // Float64Array [NaN, 11, 12]
 * ```
 */
export function alignBenchmark(ts: ArrayLike<number>, benchmark: { readonly ts: ArrayLike<number>; readonly close: ArrayLike<number> }): Float64Array {
  const out = new Float64Array(ts.length);
  let j = -1;
  for (let i = 0; i < ts.length; i++) {
    while (j + 1 < benchmark.ts.length && benchmark.ts[j + 1]! <= ts[i]!) j++;
    out[i] = j < 0 ? NaN : benchmark.close[j]!;
  }
  return out;
}

/** Strategy and benchmark returns over the same periods (see {@link pairReturns}). */
export interface PairedReturns {
  /** Index in the equity curve of each period's START point (period k runs from `from + k` to `from + k + 1`). */
  readonly from: number;
  /** The strategy's simple returns. */
  readonly strategy: Float64Array;
  /** The benchmark's simple returns over the same periods. */
  readonly benchmark: Float64Array;
  /** The benchmark's aligned closes at every equity point (NaN before it starts). */
  readonly aligned: Float64Array;
}

/**
 * Pairs an equity curve's period returns with a benchmark's, aligned as of each equity time; periods
 * that start before the benchmark's first close are left out of both.
 *
 * @example
 * ```ts
 * const { strategy, benchmark } = pairReturns(result.equityCurve, { ts: spy.ts, close: spy.close });
 * benchmarkMetrics(strategy, benchmark, 252).beta;
 * ```
 */
export function pairReturns(
  curve: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> },
  benchmark: { readonly ts: ArrayLike<number>; readonly close: ArrayLike<number> },
): PairedReturns {
  const aligned = alignBenchmark(curve.ts, benchmark);
  let from = 0;
  while (from < aligned.length && Number.isNaN(aligned[from]!)) from++;
  if (aligned.length - from < 2) return { from, strategy: new Float64Array(0), benchmark: new Float64Array(0), aligned };
  const equity = Float64Array.from({ length: curve.equity.length - from }, (_, k) => curve.equity[from + k]!);
  return { from, strategy: simpleReturns(equity), benchmark: simpleReturns(aligned.subarray(from)), aligned };
}

/** What {@link benchmarkMetrics} returns. NaN where undefined (fewer than 2 periods, a flat benchmark). */
export interface BenchmarkMetrics {
  readonly periods: number;
  /** Annualized CAPM alpha: the per-period intercept x periodsPerYear. */
  readonly alpha: number;
  /** The least-squares intercept per period (PerformanceAnalytics `CAPM.alpha`). */
  readonly alphaPerPeriod: number;
  /** The least-squares slope (PerformanceAnalytics `CAPM.beta`). */
  readonly beta: number;
  /** Pearson correlation of the period returns. */
  readonly correlation: number;
  /** The benchmark's own figures over the same periods, defined as the strategy's in `computeMetrics`. */
  readonly benchmark: {
    readonly totalReturn: number;
    readonly annualizedReturn: number;
    readonly annualizedVolatility: number;
    readonly sharpeRatio: number;
    /** Per period, PerformanceAnalytics `SortinoRatio`. */
    readonly sortinoRatio: number;
    readonly sortinoRatioAnnualized: number;
    readonly maxDrawdown: number;
  };
}

/**
 * Alpha, beta and correlation of a strategy against a benchmark, and the benchmark's headline figures.
 *
 * @param strategyReturns the strategy's simple returns per period.
 * @param benchmarkReturns the benchmark's simple returns over the same periods (see {@link pairReturns}).
 * @throws ValidationError naming `benchmarkReturns` when the lengths differ.
 * @example
 * ```ts
 * const m = benchmarkMetrics(strategy, benchmark, 252);
 * console.log(m.alpha, m.beta, m.correlation, m.benchmark.sharpeRatio);
 * ```
 */
export function benchmarkMetrics(strategyReturns: ArrayLike<number>, benchmarkReturns: ArrayLike<number>, periodsPerYear: number): BenchmarkMetrics {
  const n = strategyReturns.length;
  if (benchmarkReturns.length !== n)
    throw new ValidationError([{ path: ['benchmarkReturns'], message: `must have as many values as strategyReturns (${n}), got ${benchmarkReturns.length}` }]);
  const b = benchmarkReturns;
  let total = 1;
  for (let i = 0; i < n; i++) total *= 1 + b[i]!;
  const own = {
    totalReturn: n > 0 ? total - 1 : NaN,
    annualizedReturn: annualizedReturn(b, periodsPerYear),
    annualizedVolatility: annualizedVolatility(b, periodsPerYear),
    sharpeRatio: n > 1 ? sharpeRatio(b, { periodsPerYear }) : NaN,
    sortinoRatio: n > 0 ? sortinoRatio(b) : NaN,
    sortinoRatioAnnualized: sortinoRatioAnnualized(b, periodsPerYear),
    maxDrawdown: n > 0 ? maxDrawdown(b, { input: 'returns' }) : NaN,
  };
  if (n < 2) return { periods: n, alpha: NaN, alphaPerPeriod: NaN, beta: NaN, correlation: NaN, benchmark: own };
  const alphaPerPeriod = capmAlpha(strategyReturns, b);
  return { periods: n, alpha: alphaPerPeriod * periodsPerYear, alphaPerPeriod, beta: capmBeta(strategyReturns, b), correlation: correlation(strategyReturns, b), benchmark: own };
}

/** Pearson correlation, centred two-pass sums. */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
