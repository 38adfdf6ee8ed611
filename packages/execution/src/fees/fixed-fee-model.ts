/**
 * A fixed commission per order, whatever its size (a flat-fee broker): charged once, on the order's
 * first fill, and nothing on its later partial fills.
 */
import { z } from 'zod';
import { ZERO, parseWith, type Decimal, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';
import type { FeeContext, FeeModel } from '../fee-model';
import { decimalInput } from './decimal-input';

/**
 * Schema of {@link FixedFeeModel}'s config: `perOrder` >= 0, in the instrument's quote currency.
 *
 * @example
 * ```ts
 * FixedFeeModelConfigSchema.parse({ perOrder: '4.95' }).perOrder // Decimal 4.95
 * ```
 */
export const FixedFeeModelConfigSchema = z.strictObject({
  perOrder: decimalInput((d) => (d.lt(0) ? 'must be >= 0' : undefined)),
});
/**
 * Input of {@link FixedFeeModelConfigSchema}.
 *
 * @example
 * ```ts
 * const config: FixedFeeModelConfig = { perOrder: 4.95 };
 * ```
 */
export type FixedFeeModelConfig = z.input<typeof FixedFeeModelConfigSchema>;

/**
 * Charges `perOrder` on an order's first fill (`context.orderFilledQuantity` is zero) and 0 on its later
 * fills. Without a context every fill is taken as an order's first.
 *
 * @example
 * ```ts
 * const fees = new FixedFeeModel({ perOrder: '4.95' });
 * fees.commission(goog, 'BUY', new Decimal(40), new Decimal(180), 'TAKER', { ts, clientOrderId, orderFilledQuantity: ZERO, orderCommission: ZERO }) // 4.95
 * fees.commission(goog, 'BUY', new Decimal(60), new Decimal(180), 'TAKER', { ts, clientOrderId, orderFilledQuantity: new Decimal(40), orderCommission: new Decimal('4.95') }) // 0
 * ```
 */
export class FixedFeeModel implements FeeModel {
  readonly perOrder: Decimal;

  constructor(config: FixedFeeModelConfig) {
    this.perOrder = parseWith(FixedFeeModelConfigSchema, config, 'FixedFeeModel').perOrder;
  }

  commission(_instrument: Instrument, _side: OrderSide, _quantity: Decimal, _price: Decimal, _liquiditySide: LiquiditySide, context?: FeeContext): Decimal {
    return context === undefined || context.orderFilledQuantity.isZero() ? this.perOrder : ZERO;
  }
}
