/**
 * A per-share commission with a per-order minimum and an optional cap as a fraction of the order's
 * traded value, like Interactive Brokers' "IBKR Pro Fixed" US stock pricing (USD 0.005 per share,
 * minimum USD 1.00 per order, maximum 1% of trade value).
 *
 * The order's total is `min(max(minimum, perShare × Q), maximumRate × N)`, with Q and N the order's
 * cumulative filled quantity and notional (multiplier included) after this fill. Each fill is charged
 * the increase of that total over what the order was already charged (`context.orderCommission`), so
 * partial fills add up to exactly the commission of one fill of the same size: the minimum is paid once,
 * on the first fill.
 *
 * The earlier fills' notional comes from the fee context (`orderFilledNotional`, which the simulated
 * venue gives); a caller that does not give it has the earlier fills valued at this fill's price.
 */
import { z } from 'zod';
import { Decimal, ZERO, parseWith, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';
import type { FeeContext, FeeModel } from '../fee-model';
import { decimalInput } from './decimal-input';

/**
 * Schema of {@link PerShareFeeModel}'s config: `perShare` >= 0 and `minimum` >= 0 in the quote currency,
 * optional `maximumRate` in (0, 1].
 *
 * @example
 * ```ts
 * PerShareFeeModelConfigSchema.parse({ perShare: '0.005', minimum: 1, maximumRate: 0.01 }).minimum // Decimal 1
 * ```
 */
export const PerShareFeeModelConfigSchema = z.strictObject({
  perShare: decimalInput((d) => (d.lt(0) ? 'must be >= 0' : undefined)),
  minimum: decimalInput((d) => (d.lt(0) ? 'must be >= 0' : undefined)).prefault(0),
  maximumRate: decimalInput((d) => (d.lte(0) || d.gt(1) ? 'must be a fraction of notional in (0, 1]' : undefined)).optional(),
});
/**
 * Input of {@link PerShareFeeModelConfigSchema}.
 *
 * @example
 * ```ts
 * const config: PerShareFeeModelConfig = { perShare: 0.005, minimum: 1, maximumRate: 0.01 };
 * ```
 */
export type PerShareFeeModelConfig = z.input<typeof PerShareFeeModelConfigSchema>;

/**
 * Charges a per-share commission with a per-order minimum and an optional cap, fill by fill.
 *
 * @example
 * ```ts
 * // IBKR Pro Fixed, US stocks: 0.005 USD/share, min 1.00 USD, max 1% of trade value.
 * const fees = new PerShareFeeModel({ perShare: '0.005', minimum: '1.00', maximumRate: '0.01' });
 * const first = { ts, clientOrderId, orderFilledQuantity: ZERO, orderCommission: ZERO };
 * fees.commission(goog, 'BUY', new Decimal(100), new Decimal(25), 'TAKER', first)  // 1 (0.50 < minimum)
 * fees.commission(goog, 'BUY', new Decimal(1000), new Decimal(25), 'TAKER', first) // 5 (0.005 × 1000)
 * fees.commission(goog, 'BUY', new Decimal(1000), new Decimal('0.40'), 'TAKER', first) // 4 (1% of 400)
 * ```
 */
export class PerShareFeeModel implements FeeModel {
  readonly perShare: Decimal;
  readonly minimum: Decimal;
  readonly maximumRate: Decimal | undefined;

  constructor(config: PerShareFeeModelConfig) {
    const c = parseWith(PerShareFeeModelConfigSchema, config, 'PerShareFeeModel');
    this.perShare = c.perShare;
    this.minimum = c.minimum;
    this.maximumRate = c.maximumRate;
  }

  /** The commission of a whole order of `quantity` filled for a total `notional`. */
  orderCommission(quantity: Decimal, notional: Decimal): Decimal {
    const total = Decimal.max(this.minimum, this.perShare.mul(quantity));
    return this.maximumRate === undefined ? total : Decimal.min(total, this.maximumRate.mul(notional));
  }

  commission(instrument: Instrument, _side: OrderSide, quantity: Decimal, price: Decimal, _liquiditySide: LiquiditySide, context?: FeeContext): Decimal {
    const notional = quantity.mul(price).mul(instrument.multiplier);
    if (context === undefined) return this.orderCommission(quantity, notional);
    const filledBefore = context.orderFilledQuantity;
    const cumulativeQuantity = filledBefore.add(quantity);
    let cumulativeNotional = notional;
    if (this.maximumRate !== undefined) {
      let before = ZERO;
      if (!filledBefore.isZero()) before = (context.orderFilledNotional ?? filledBefore.mul(price)).mul(instrument.multiplier);
      cumulativeNotional = before.add(notional);
    }
    const increase = this.orderCommission(cumulativeQuantity, cumulativeNotional).sub(context.orderCommission);
    return increase.isNegative() ? ZERO : increase;
  }
}
