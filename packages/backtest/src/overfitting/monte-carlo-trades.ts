/**
 * Monte Carlo resampling of a backtest's round trips: how much of the result is the particular order
 * and selection of trades that history happened to deal. Each run builds an equity path from the
 * starting cash by adding trade P&Ls (fixed position sizes, as the backtest traded them), either drawn
 * with replacement (`bootstrap`: Efron's bootstrap, return and drawdown both vary) or in a random order
 * (`shuffle`: the total return is fixed, only the path and so the drawdown vary). Confidence intervals
 * are empirical quantiles of the runs (R's type 7, linear interpolation). Every draw comes from a
 * seeded generator, so a seed gives the same figures everywhere.
 */
import { z } from 'zod';
import { Decimal, parseWith } from '@rxtrade/core';
import { SeededRng } from '../search/seeded-rng';

/**
 * How trades are resampled.
 *
 * @example
 * ```ts
 * monteCarloTrades(trades, { startingCash: 1e5, method: ResampleMethod.SHUFFLE });
 * ```
 */
export const ResampleMethod = { BOOTSTRAP: 'bootstrap', SHUFFLE: 'shuffle' } as const;
export type ResampleMethod = (typeof ResampleMethod)[keyof typeof ResampleMethod];

/**
 * Schema of {@link MonteCarloTradesConfig}.
 *
 * @example
 * ```ts
 * parseWith(MonteCarloTradesConfigSchema, { startingCash: '100000', runs: 2000, seed: 1 });
 * ```
 */
export const MonteCarloTradesConfigSchema = z.strictObject({
  /** Cash the equity paths start from (the backtest's starting cash). */
  startingCash: z.union([z.number(), z.string(), z.instanceof(Decimal as unknown as new (...a: never[]) => Decimal)]).transform((v, ctx) => {
    const n = Number(v instanceof Decimal ? v.toString() : v);
    if (Number.isFinite(n) && n > 0) return n;
    ctx.addIssue({ code: 'custom', message: `must be a number > 0, got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  }),
  runs: z.number().int().min(1).max(10_000_000).default(1000),
  seed: z.union([z.number().int(), z.string().min(1)]).default(0),
  method: z.enum([ResampleMethod.BOOTSTRAP, ResampleMethod.SHUFFLE]).default(ResampleMethod.BOOTSTRAP),
  /** Two-sided confidence level of the intervals. */
  confidence: z.number().gt(0).lt(1).default(0.95),
});

/** Configuration of {@link monteCarloTrades}. */
export type MonteCarloTradesConfig = z.input<typeof MonteCarloTradesConfigSchema>;

/** Summary of one figure over the runs. */
export interface Distribution {
  readonly mean: number;
  readonly median: number;
  /** Lower bound of the confidence interval: the (1 - confidence) / 2 quantile. */
  readonly lower: number;
  /** Upper bound: the (1 + confidence) / 2 quantile. */
  readonly upper: number;
  readonly min: number;
  readonly max: number;
}

/** What {@link monteCarloTrades} returns. */
export interface MonteCarloTradesResult {
  readonly runs: number;
  readonly method: ResampleMethod;
  readonly confidence: number;
  /**
   * The same figures for the trades in their historical order: the return of the closed trades (sum of
   * net P&L / starting cash) and the drawdown of an equity that moves only at trade exits. They are not
   * the run's total return and maximum drawdown, which also count positions still open at the end,
   * funding, and the marking of open positions at every bar.
   */
  readonly observed: { readonly totalReturn: number; readonly maxDrawdown: number };
  /** Final equity / starting cash - 1 over the runs. */
  readonly totalReturn: Distribution;
  /** Largest peak-to-trough fall of each path, as a fraction (1 when the path reaches zero equity). */
  readonly maxDrawdown: Distribution;
  /** Share of runs that lose money. */
  readonly probabilityOfLoss: number;
  /** Share of runs whose equity reaches zero or below. */
  readonly probabilityOfRuin: number;
}

/** @internal R's default quantile (type 7, numpy's `linear`) of sorted values. */
export function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function distribution(values: Float64Array, confidence: number): Distribution {
  const sorted = values.slice().sort();
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const tail = (1 - confidence) / 2;
  return {
    mean: sum / values.length,
    median: quantile(sorted, 0.5),
    lower: quantile(sorted, tail),
    upper: quantile(sorted, 1 - tail),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** Walks one path of P&Ls; returns [total return, max drawdown, ruined]. */
function path(pnl: Float64Array, order: ArrayLike<number> | undefined, cash: number): [number, number, boolean] {
  let equity = cash;
  let peak = cash;
  let worst = 0;
  let ruined = false;
  for (let i = 0; i < pnl.length; i++) {
    equity += pnl[order === undefined ? i : order[i]!]!;
    if (equity > peak) peak = equity;
    if (equity <= 0) ruined = true;
    const dd = equity <= 0 ? 1 : 1 - equity / peak;
    if (dd > worst) worst = dd;
  }
  return [equity / cash - 1, worst, ruined];
}

/**
 * Resamples trades and reports confidence intervals for the total return and the maximum drawdown.
 *
 * @example
 * ```ts
 * const mc = monteCarloTrades(result.trades, { startingCash: 100_000, runs: 5000, seed: 7 });
 * console.log(`95% of reshuffled histories lose at most ${(mc.maxDrawdown.upper * 100).toFixed(1)}%`);
 * ```
 */
export function monteCarloTrades(trades: readonly { readonly pnl: Decimal }[], config: MonteCarloTradesConfig): MonteCarloTradesResult {
  const c = parseWith(MonteCarloTradesConfigSchema, config, 'monteCarlo');
  const n = trades.length;
  const pnl = Float64Array.from(trades, (t) => t.pnl.toNumber());
  const [observedReturn, observedDrawdown] = path(pnl, undefined, c.startingCash);
  const rng = new SeededRng(c.seed);
  const returns = new Float64Array(c.runs);
  const drawdowns = new Float64Array(c.runs);
  const order = new Uint32Array(n);
  let losses = 0;
  let ruins = 0;
  for (let run = 0; run < c.runs; run++) {
    if (c.method === ResampleMethod.BOOTSTRAP) {
      for (let i = 0; i < n; i++) order[i] = rng.int(n);
    } else {
      // Fisher-Yates from the historical order each run.
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    const [r, dd, ruined] = path(pnl, order, c.startingCash);
    returns[run] = r;
    drawdowns[run] = dd;
    if (r < 0) losses++;
    if (ruined) ruins++;
  }
  return {
    runs: c.runs,
    method: c.method,
    confidence: c.confidence,
    observed: { totalReturn: observedReturn, maxDrawdown: observedDrawdown },
    totalReturn: distribution(returns, c.confidence),
    maxDrawdown: distribution(drawdowns, c.confidence),
    probabilityOfLoss: losses / c.runs,
    probabilityOfRuin: ruins / c.runs,
  };
}
