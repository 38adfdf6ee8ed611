/**
 * Rolling figures over a trailing window of period returns, each computed by the same function as the
 * whole-run metric on the window's returns (R PerformanceAnalytics `chart.RollingPerformance` with
 * `FUN = "SharpeRatio.annualized"` / `"StdDev.annualized"`, and `CAPM.beta` per window):
 * - rolling Sharpe: `sharpeRatio` (geometric annualized return over annualized volatility, Rf = 0);
 * - rolling volatility: `annualizedVolatility` (sample sd x sqrt(periodsPerYear));
 * - rolling beta: `capmBeta` of the strategy's returns on the benchmark's.
 * The default window, 126 periods, is half a year of trading days (quantstats' six-month window).
 * The window that ends at the last period of a series of exactly `window` periods is the whole-run figure.
 */
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';
import { annualizedVolatility, capmBeta, sharpeRatio } from '@rxtrade/portfolio';

/**
 * Schema of {@link RollingConfig}.
 *
 * @example
 * ```ts
 * parseWith(RollingConfigSchema, { periodsPerYear: 252 }) // { periodsPerYear: 252, window: 126, step: 1 }
 * ```
 */
export const RollingConfigSchema = z.strictObject({
  periodsPerYear: z.number().positive(),
  /** Periods (returns) per window; default 126, six months of trading days. */
  window: z.number().int().min(2).default(126),
  /** Compute every `step`-th window only (the last window is always included), to bound the work on long runs. */
  step: z.number().int().min(1).default(1),
});

/** Options of the rolling functions. */
export type RollingConfig = z.input<typeof RollingConfigSchema>;

/** A rolling series: for each computed window, the index of its last return and the figure. */
export interface RollingSeries {
  /** Index (in the returns) of the last period of each window, increasing. */
  readonly end: Int32Array;
  readonly values: Float64Array;
}

function roll(n: number, config: RollingConfig, figure: (from: number, to: number, periodsPerYear: number) => number): RollingSeries {
  const c = parseWith(RollingConfigSchema, config, 'rolling');
  if (n < c.window) return { end: new Int32Array(0), values: new Float64Array(0) };
  const ends: number[] = [];
  for (let e = c.window - 1; e < n; e += c.step) ends.push(e);
  if (ends[ends.length - 1] !== n - 1) ends.push(n - 1);
  const values = new Float64Array(ends.length);
  ends.forEach((e, k) => (values[k] = figure(e + 1 - c.window, e + 1, c.periodsPerYear)));
  return { end: Int32Array.from(ends), values };
}

const sub = (a: ArrayLike<number>, from: number, to: number): ArrayLike<number> =>
  a instanceof Float64Array ? a.subarray(from, to) : Float64Array.from({ length: to - from }, (_, k) => a[from + k]!);

/**
 * Annualized Sharpe ratio over a trailing window of period returns.
 *
 * @example
 * ```ts
 * const { end, values } = rollingSharpe(simpleReturns(equity), { periodsPerYear: 252, window: 126 });
 * ```
 */
export function rollingSharpe(returns: ArrayLike<number>, config: RollingConfig): RollingSeries {
  return roll(returns.length, config, (from, to, ppy) => sharpeRatio(sub(returns, from, to), { periodsPerYear: ppy }));
}

/**
 * Annualized volatility over a trailing window of period returns.
 *
 * @example
 * ```ts
 * rollingVolatility(simpleReturns(equity), { periodsPerYear: 252 }).values
 * ```
 */
export function rollingVolatility(returns: ArrayLike<number>, config: RollingConfig): RollingSeries {
  return roll(returns.length, config, (from, to, ppy) => annualizedVolatility(sub(returns, from, to), ppy));
}

/**
 * Beta against a benchmark over a trailing window (NaN for a window where the benchmark does not move).
 *
 * @example
 * ```ts
 * const { strategy, benchmark } = pairReturns(result.equityCurve, spy);
 * rollingBeta(strategy, benchmark, { periodsPerYear: 252 });
 * ```
 */
export function rollingBeta(returns: ArrayLike<number>, benchmark: ArrayLike<number>, config: RollingConfig): RollingSeries {
  if (benchmark.length !== returns.length)
    throw new ValidationError([{ path: ['benchmark'], message: `must have as many values as returns (${returns.length}), got ${benchmark.length}` }]);
  return roll(returns.length, config, (from, to) => capmBeta(sub(returns, from, to), sub(benchmark, from, to)));
}
