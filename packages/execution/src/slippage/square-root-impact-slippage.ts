/**
 * Square-root market impact: the price moves against a taker by a fraction
 *
 *   impact = coefficient × σ × sqrt(Q / V)
 *
 * of the reference price, with Q the fill's quantity, V the bar's volume and σ the per-bar volatility
 * (a fraction: 0.01 = 1%). A BUY pays price × (1 + impact), a SELL receives price × (1 − impact).
 *
 * Sources: R. Almgren, C. Thum, E. Hauptmann, H. Li, "Direct Estimation of Equity Market Impact",
 * Risk 18(7), 2005 (impact ∝ σ × (Q/V)^β with β ≈ 0.6, close to 1/2); B. Tóth, Y. Lempérière,
 * C. Deremble, J. de Lataillade, J. Kockelkoren, J.-P. Bouchaud, "Anomalous price impact and the
 * critical nature of liquidity in financial markets", Phys. Rev. X 1, 021006 (2011) (the square-root
 * law, prefactor Y of order 1, which is `coefficient`).
 *
 * σ is the given `volatility`, else estimated from the bar itself with Parkinson's range estimator
 * σ = ln(high / low) / sqrt(4 ln 2) (M. Parkinson, "The Extreme Value Method for Estimating the
 * Variance of the Rate of Return", Journal of Business 53(1), 1980).
 *
 * Without a bar, or with a bar of zero volume, the model has no liquidity to measure against and
 * applies no impact: cap participation (`participationCap`) so that fills never outrun the volume. A
 * SELL's price is kept at or above 0 (impact of 100% or more); the venue then keeps fills inside the bar.
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import type { SlippageInput, SlippageModel } from './slippage-model';

const PARKINSON = Math.sqrt(4 * Math.LN2);

/**
 * Schema of {@link SquareRootImpactSlippage}'s config: `coefficient` > 0 (default 1), optional per-bar
 * `volatility` >= 0 as a fraction (estimated from each bar's range when absent).
 *
 * @example
 * ```ts
 * SquareRootImpactSlippageConfigSchema.parse({}).coefficient // 1
 * ```
 */
export const SquareRootImpactSlippageConfigSchema = z.strictObject({
  coefficient: z.number().positive().finite().default(1),
  volatility: z.number().nonnegative().finite().optional(),
});
/**
 * Input of {@link SquareRootImpactSlippageConfigSchema}.
 *
 * @example
 * ```ts
 * const config: SquareRootImpactSlippageConfig = { coefficient: 0.5, volatility: 0.02 };
 * ```
 */
export type SquareRootImpactSlippageConfig = z.input<typeof SquareRootImpactSlippageConfigSchema>;

/**
 * Moves a taker fill by the square-root law of market impact, measured against the bar's volume.
 *
 * @example
 * ```ts
 * const impact = new SquareRootImpactSlippage({ coefficient: 1, volatility: 0.02 });
 * // 2,500 shares of a 1,000,000-share bar: 0.02 × sqrt(0.0025) = 0.001 -> BUY at 100 × 1.001.
 * impact.price({ instrument: goog, side: 'BUY', quantity: 2500, price: 100, bar: { ...bar, volume: 1_000_000 }, quote: undefined }) // 100.1
 * ```
 */
export class SquareRootImpactSlippage implements SlippageModel {
  readonly coefficient: number;
  readonly volatility: number | undefined;

  constructor(config: SquareRootImpactSlippageConfig = {}) {
    const c = parseWith(SquareRootImpactSlippageConfigSchema, config, 'SquareRootImpactSlippage');
    this.coefficient = c.coefficient;
    this.volatility = c.volatility;
  }

  /** The impact as a fraction of price for one fill (0 without a bar or volume). */
  impact(input: SlippageInput): number {
    const bar = input.bar;
    if (bar === undefined || !(bar.volume > 0) || !(input.quantity > 0)) return 0;
    const sigma = this.volatility ?? (bar.low > 0 && bar.high > bar.low ? Math.log(bar.high / bar.low) / PARKINSON : 0);
    return this.coefficient * sigma * Math.sqrt(input.quantity / bar.volume);
  }

  price(input: SlippageInput): number {
    const impact = this.impact(input);
    return input.side === 'BUY' ? input.price * (1 + impact) : Math.max(0, input.price * (1 - impact));
  }
}
