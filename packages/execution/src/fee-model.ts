/**
 * How a venue charges for a fill. The simulated venue asks its fee model once per fill; models for fee
 * tiers, per-share fees or rebates implement the same one-method interface.
 */
import { ZERO, type Decimal, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';

/**
 * Computes the commission of one fill (positive = paid, negative = rebate), in the instrument's quote
 * currency.
 *
 * @example
 * ```ts
 * const flat: FeeModel = { commission: () => new Decimal('1.50') }; // 1.50 per fill
 * new SimulatedVenue({ clock, instruments, feeModel: flat });
 * ```
 */
export interface FeeModel {
  commission(instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal, liquiditySide: LiquiditySide): Decimal;
}

/**
 * A fee model that charges nothing: the simulated venue's default.
 *
 * @example
 * ```ts
 * ZERO_FEE_MODEL.commission(goog, 'BUY', new Decimal(100), new Decimal('180.36'), 'TAKER') // Decimal 0
 * ```
 */
export const ZERO_FEE_MODEL: FeeModel = Object.freeze({
  commission: (): Decimal => ZERO,
});
