/**
 * The deflated Sharpe ratio (Bailey and Lopez de Prado, "The Deflated Sharpe Ratio: Correcting for
 * Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio Management 40(5), 2014):
 * the probability that the true Sharpe ratio of the strategy picked as the best of N trials exceeds
 * what the best of N trials of a worthless strategy would show by luck.
 *
 * Expected maximum Sharpe ratio of N independent trials under the null (their eq. 2, from the
 * extreme-value distribution, with the Euler-Mascheroni constant gamma):
 *   SR0 = sqrt(V[SR]) * ((1 - gamma) * Z^-1(1 - 1/N) + gamma * Z^-1(1 - 1/(N e)))
 * then the probabilistic Sharpe ratio against SR0 (Bailey and Lopez de Prado 2012), over T returns
 * with skewness g3 and kurtosis g4 (Pearson's, 3 for a normal distribution):
 *   DSR = Z((SR - SR0) * sqrt(T - 1) / sqrt(1 - g3 * SR + (g4 - 1) / 4 * SR^2))
 * Every Sharpe ratio here is per period (mean / standard deviation of period returns, NOT annualized),
 * and V[SR] is the variance of the trials' per-period Sharpe ratios.
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import { normalCdf, normalQuantile } from '@rxtrade/risk';

/** The Euler-Mascheroni constant. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Schema of {@link DeflatedSharpeRatioConfig}.
 *
 * @example
 * ```ts
 * parseWith(DeflatedSharpeRatioConfigSchema, { sharpe: 0.1, trials: 20, sharpeVariance: 0.001, observations: 750 });
 * ```
 */
export const DeflatedSharpeRatioConfigSchema = z.strictObject({
  /** Per-period Sharpe ratio of the selected strategy (mean / sd of its period returns). */
  sharpe: z.number().finite(),
  /** Number of independent trials the strategy was selected from (1: no selection, SR0 = 0). */
  trials: z.number().int().min(1),
  /** Variance of the per-period Sharpe ratios across the trials. */
  sharpeVariance: z.number().finite().min(0),
  /** Number of return observations T of the selected strategy. */
  observations: z.number().int().min(2),
  /** Skewness of the selected strategy's returns; default 0. */
  skewness: z.number().finite().default(0),
  /** Kurtosis (Pearson's, not excess: 3 for normal returns) of the selected strategy's returns; default 3. */
  kurtosis: z.number().finite().default(3),
});

/** Inputs of {@link deflatedSharpeRatio}. */
export type DeflatedSharpeRatioConfig = z.input<typeof DeflatedSharpeRatioConfigSchema>;

/** What {@link deflatedSharpeRatio} returns. */
export interface DeflatedSharpe {
  /** The probability (0..1) that the true Sharpe ratio exceeds `expectedMaxSharpe`; above 0.95 is a common bar. */
  readonly deflatedSharpe: number;
  /** SR0: the expected maximum per-period Sharpe ratio of `trials` worthless strategies. */
  readonly expectedMaxSharpe: number;
  /** The standardized statistic whose normal CDF is `deflatedSharpe`. */
  readonly z: number;
}

/**
 * Computes the deflated Sharpe ratio of the best of several trials.
 *
 * @example
 * ```ts
 * // Bailey and Lopez de Prado's example: annualized SR 2.5 over 5 years of daily returns, 100 trials.
 * deflatedSharpeRatio({ sharpe: 2.5 / Math.sqrt(250), trials: 100, sharpeVariance: 0.5 / 250, observations: 1250, skewness: -3, kurtosis: 10 });
 * // { deflatedSharpe: 0.9004…, … }
 * ```
 */
export function deflatedSharpeRatio(config: DeflatedSharpeRatioConfig): DeflatedSharpe {
  const c = parseWith(DeflatedSharpeRatioConfigSchema, config, 'deflatedSharpe');
  const n = c.trials;
  const expectedMaxSharpe =
    n === 1 ? 0 : Math.sqrt(c.sharpeVariance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / n) + EULER_GAMMA * normalQuantile(1 - 1 / (n * Math.E)));
  const sr = c.sharpe;
  const denominator = 1 - c.skewness * sr + ((c.kurtosis - 1) / 4) * sr * sr;
  const z = denominator > 0 ? ((sr - expectedMaxSharpe) * Math.sqrt(c.observations - 1)) / Math.sqrt(denominator) : NaN;
  return { deflatedSharpe: normalCdf(z), expectedMaxSharpe, z };
}
