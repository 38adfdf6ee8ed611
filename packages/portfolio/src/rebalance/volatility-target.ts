/**
 * Volatility targeting: scale target weights so that the portfolio's estimated volatility meets a target.
 */
import { map, filter, pipe, type OperatorFunction } from 'rxjs';
import { parseWith, type InstrumentId } from '@rxtrade/core';
import { z } from 'zod';
import type { Series } from '../analytics/series';
import type { TargetWeights } from './target-weights';

/**
 * Schema of {@link VolatilityTargetConfig}.
 *
 * @example
 * ```ts
 * parseWith(VolatilityTargetConfigSchema, { target: 0.1, lookback: 36, periodsPerYear: 12, returns: (id) => history.returns(id) });
 * ```
 */
export const VolatilityTargetConfigSchema = z.strictObject({
  /** Annualized volatility to aim for (0.10 = 10% a year). */
  target: z.number().positive(),
  /** Number of most recent periods of returns the estimate uses (>= 2). */
  lookback: z.number().int().min(2),
  /** Periods per year of those returns: 252 daily, 52 weekly, 12 monthly. */
  periodsPerYear: z.number().positive(),
  /** Largest factor the weights may be multiplied by (1 = never scale up, so never borrow when they sum to 1); default 1. */
  maxLeverage: z.number().positive().default(1),
  /** The trailing simple returns of an instrument, oldest first (its last `lookback` values are used). */
  returns: z.custom<(id: InstrumentId) => Series | undefined>((v) => typeof v === 'function', 'must be a function returning the returns of an instrument'),
});

/**
 * Options of {@link volatilityTarget}.
 *
 * @example
 * ```ts
 * const tenPercent: VolatilityTargetConfig = { target: 0.1, lookback: 36, periodsPerYear: 12, returns: (id) => history.returns(id) };
 * ```
 */
export type VolatilityTargetConfig = z.input<typeof VolatilityTargetConfigSchema>;

/**
 * Volatility-targeting stage: multiplies each target's weights by
 * `min(maxLeverage, target / sigma)`, where sigma is the ex-ante annualized volatility of the weighted
 * portfolio over the last `lookback` returns: the sample standard deviation (n - 1) of
 * `sum_k w_k r_k[t]` times `sqrt(periodsPerYear)` (equal to `sqrt(w' S w)` with S the sample covariance).
 * The rest of equity stays in cash. A target is dropped while any weighted instrument has fewer than
 * `lookback` returns or sigma is 0.
 *
 * @example
 * ```ts
 * targets$.pipe(
 *   volatilityTarget({ target: 0.1, lookback: 36, periodsPerYear: 12, returns: (id) => history.returns(id) }),
 *   sizeToTargets({ ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments }),
 * );
 * ```
 */
export function volatilityTarget(config: VolatilityTargetConfig): OperatorFunction<TargetWeights, TargetWeights> {
  const c = parseWith(VolatilityTargetConfigSchema, config, 'volatilityTarget');
  const portfolio = new Float64Array(c.lookback);
  return pipe(
    map((t: TargetWeights): TargetWeights | undefined => {
      portfolio.fill(0);
      for (const id of Object.keys(t.weights) as InstrumentId[]) {
        const w = t.weights[id]!;
        if (w === 0) continue;
        const r = c.returns(id);
        if (!r || r.length < c.lookback) return undefined;
        const start = r.length - c.lookback;
        for (let i = 0; i < c.lookback; i++) portfolio[i] = portfolio[i]! + w * r[start + i]!;
      }
      const sigma = sampleSd(portfolio) * Math.sqrt(c.periodsPerYear);
      if (!(sigma > 0)) return undefined;
      const scale = Math.min(c.maxLeverage, c.target / sigma);
      const weights: Record<InstrumentId, number> = {};
      for (const id of Object.keys(t.weights) as InstrumentId[]) weights[id] = t.weights[id]! * scale;
      return { ts: t.ts, weights };
    }),
    filter((t): t is TargetWeights => t !== undefined),
  );
}

function sampleSd(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - m) ** 2;
  return Math.sqrt(ss / (x.length - 1));
}
