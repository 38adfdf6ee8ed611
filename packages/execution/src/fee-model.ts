/**
 * How a venue charges for a fill. The simulated venue asks its fee model once per fill; models for fee
 * tiers, per-share fees or rebates implement the same one-method interface.
 */
import { ZERO, type ClientOrderId, type Decimal, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';

/**
 * What the venue knows about the order a fill belongs to, for fee models that charge per order (a fixed
 * fee, a per-order minimum) or by traded volume (tiers).
 *
 * @example
 * ```ts
 * const context: FeeContext = { ts: bar.ts, clientOrderId: order.clientOrderId, orderFilledQuantity: ZERO, orderCommission: ZERO };
 * ```
 */
export interface FeeContext {
  /** When the fill happens (venue time). */
  readonly ts: number;
  readonly clientOrderId: ClientOrderId;
  /** Quantity of the order filled before this fill. */
  readonly orderFilledQuantity: Decimal;
  /** Commission already charged on the order's earlier fills. */
  readonly orderCommission: Decimal;
  /** Σ price × quantity of the order's earlier fills, before the instrument's multiplier (the simulated venue always gives it). */
  readonly orderFilledNotional?: Decimal;
}

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
  /**
   * @param context the order's earlier fills and the time: the simulated venue passes it to every model
   *   but `ZERO_FEE_MODEL` and `PercentFeeModel` itself (not a subclass), which do not read it; models
   *   that charge per fill ignore it.
   */
  commission(instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal, liquiditySide: LiquiditySide, context?: FeeContext): Decimal;
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
