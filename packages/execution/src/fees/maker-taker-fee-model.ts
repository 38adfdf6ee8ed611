/**
 * Maker/taker fees, as most exchanges charge them: a rate of notional (quantity × price × multiplier)
 * that depends on whether the fill added liquidity (maker) or took it (taker). A negative maker rate is a
 * rebate (the commission is negative: received). Exact Decimal, not rounded to a currency unit.
 */
import { z } from 'zod';
import { parseWith, type Decimal, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';
import type { FeeModel } from '../fee-model';
import { decimalInput } from './decimal-input';

const rate = decimalInput((d) => (d.abs().gte(1) ? 'must be a fraction of notional in (-1, 1)' : undefined));

/**
 * Schema of {@link MakerTakerFeeModel}'s config: `maker` and `taker` fractions of notional in (-1, 1)
 * (0.001 = 10 bp; a negative rate is a rebate).
 *
 * @example
 * ```ts
 * MakerTakerFeeModelConfigSchema.parse({ maker: '-0.0001', taker: 0.0005 }).maker // Decimal -0.0001
 * ```
 */
export const MakerTakerFeeModelConfigSchema = z.strictObject({ maker: rate, taker: rate });
/**
 * Input of {@link MakerTakerFeeModelConfigSchema}.
 *
 * @example
 * ```ts
 * const config: MakerTakerFeeModelConfig = { maker: 0.0002, taker: 0.0004 };
 * ```
 */
export type MakerTakerFeeModelConfig = z.input<typeof MakerTakerFeeModelConfigSchema>;

/**
 * Charges `maker` or `taker` × notional × multiplier per fill, by the fill's liquidity side.
 *
 * @example
 * ```ts
 * const fees = new MakerTakerFeeModel({ maker: -0.0001, taker: 0.0005 }); // 1 bp rebate, 5 bp fee
 * fees.commission(btc, 'BUY', new Decimal('0.5'), new Decimal(60000), 'TAKER') // Decimal 15
 * fees.commission(btc, 'SELL', new Decimal('0.5'), new Decimal(60000), 'MAKER') // Decimal -3 (rebate)
 * ```
 */
export class MakerTakerFeeModel implements FeeModel {
  readonly maker: Decimal;
  readonly taker: Decimal;

  constructor(config: MakerTakerFeeModelConfig) {
    const c = parseWith(MakerTakerFeeModelConfigSchema, config, 'MakerTakerFeeModel');
    this.maker = c.maker;
    this.taker = c.taker;
  }

  commission(instrument: Instrument, _side: OrderSide, quantity: Decimal, price: Decimal, liquiditySide: LiquiditySide): Decimal {
    const rate = liquiditySide === 'MAKER' ? this.maker : this.taker;
    return rate.mul(quantity).mul(price).mul(instrument.multiplier);
  }
}
