/**
 * A commission proportional to notional: rate × quantity × price × multiplier, exact and not rounded
 * (venues that round fees to a currency unit can wrap this model).
 */
import { z } from 'zod';
import { Decimal, DecimalAccumulator, parseWith, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';
import type { FeeModel } from './fee-model';
import { isUnitMultiplier } from './unit-multiplier';
import { decimalInput } from './fees/decimal-input';

/**
 * Schema of a {@link PercentFeeModel}'s rate: a fraction of notional in [0, 1), given as number, string or Decimal.
 *
 * @example
 * ```ts
 * PercentFeeModelConfigSchema.parse({ rate: '0.001' }).rate // Decimal 0.001
 * ```
 */
export const PercentFeeModelConfigSchema = z.strictObject({
  rate: decimalInput((d) => (d.lt(0) || d.gte(1) ? 'must be a fraction of notional in [0, 1)' : undefined)),
});
/**
 * Input of {@link PercentFeeModelConfigSchema}.
 *
 * @example
 * ```ts
 * const config: PercentFeeModelConfig = { rate: 0.002 };
 * new PercentFeeModel(config.rate);
 * ```
 */
export type PercentFeeModelConfig = z.input<typeof PercentFeeModelConfigSchema>;

/**
 * Charges `rate` × notional × multiplier on every fill, maker or taker alike.
 *
 * @example
 * ```ts
 * const fees = new PercentFeeModel(0.002); // 0.2%
 * fees.commission(goog, 'BUY', new Decimal(100), new Decimal('180.36'), 'TAKER') // Decimal 36.072
 * ```
 */
export class PercentFeeModel implements FeeModel {
  /** The rate as an exact Decimal (`new Decimal(0.002)` is exactly 0.002). */
  readonly rate: Decimal;

  /** @param rate fraction of notional, in [0, 1): 0.002 = 0.2% = 20 bp. */
  constructor(rate: PercentFeeModelConfig['rate']) {
    this.rate = parseWith(PercentFeeModelConfigSchema, { rate }, 'PercentFeeModel').rate;
  }

  commission(instrument: Instrument, _side: OrderSide, quantity: Decimal, price: Decimal, _liquiditySide: LiquiditySide): Decimal {
    // Multiplied in integer arithmetic while the product fits (see DecimalAccumulator): one Decimal
    // built, for the result, instead of one per multiplication.
    const fee = this.product.setProduct(this.rate, quantity).mul(price);
    // Most instruments have a multiplier of 1: skip a multiplication per fill.
    if (!isUnitMultiplier(instrument.multiplier)) fee.mul(instrument.multiplier);
    return fee.value;
  }

  /** Scratch space of {@link commission}. */
  private readonly product = new DecimalAccumulator();
}
