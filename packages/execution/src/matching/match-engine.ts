/**
 * What the matchers (bars, quotes, trades, books) ask of the simulated venue: fills, triggers and the
 * trailing-stop ratchet. The matchers decide *when* and *at which reference price* an order fills; the
 * engine turns that into Decimal prices on the tick grid, lot quantities (participation and reduce-only
 * caps), commissions and events.
 */
import type { Bar, Decimal, LiquiditySide, Quote } from '@rxtrade/core';
import type { OrderBook } from './order-book';
import type { WorkingOrder } from './working-order';

/**
 * The fill and trigger operations the simulated venue offers its matchers.
 *
 * @example
 * ```ts
 * // inside a matcher: a resting BUY limit crossed by the market fills at its price as maker
 * const filled = engine.fillExact(order, order.price!, Infinity, 'MAKER', bar.ts);
 * ```
 */
export interface MatchEngine {
  /** `limitFill` is 'through' (a resting limit needs a price strictly beyond it), not 'touch'. */
  readonly through: boolean;
  /**
   * Fills up to `cap` (a number of units; Infinity: the whole remainder) at exactly `price`, without
   * slippage. Returns the quantity filled as a number, to take off `cap` (0 when nothing was filled,
   * and under an infinite cap, where there is nothing to take off).
   */
  fillExact(order: WorkingOrder, price: Decimal, cap: number, liquidity: LiquiditySide, ts: number): number;
  /**
   * A taker fill of up to `cap` at reference price `ref` (exact when `exact` is given) after slippage,
   * rounded to the tick against the taker, kept inside the bar and within the order's limit price.
   */
  fillTaker(order: WorkingOrder, ref: number, exact: Decimal | undefined, cap: number, ts: number, bar: Bar | undefined, quote: Quote | undefined): number;
  /** A market fill at the bar's open (the fill model's price, then slippage). */
  fillOpen(order: WorkingOrder, bar: Bar, cap: number): number;
  /** The bar's open as a fill price on the tick grid (the fill model's price, no slippage). */
  openPrice(order: WorkingOrder, bar: Bar): Decimal;
  /** Takes liquidity from an L2 book (up to `limit` when given): one fill per level. */
  takeBook(order: WorkingOrder, book: OrderBook, limit: number | undefined, ts: number): number;
  /** The most a fill may be now (reduce-only cap), in units; Infinity when uncapped. */
  reduceCap(order: WorkingOrder): number;
  /** Marks the order triggered (OrderTriggered); a trailing-stop-limit gets its limit price. */
  trigger(order: WorkingOrder, ts: number): void;
  /** Moves a trailing stop's extreme to `price` and ratchets its trigger. */
  trail(order: WorkingOrder, price: number): void;
}

/**
 * Whether `price` hits the order's trigger: a BUY stop at or above it, a SELL stop at or below it, and
 * the reverse for if-touched orders. False while there is no trigger yet.
 *
 * @example
 * ```ts
 * triggerHit(buyStopAt105, 105) // true
 * ```
 */
export function triggerHit(order: WorkingOrder, price: number): boolean {
  const t = order.triggerNum;
  if (order.ifTouched) return order.buy ? price <= t : price >= t;
  return order.buy ? price >= t : price <= t;
}

/**
 * Whether a limit order is marketable at `price` (a BUY at or above it): taken at `price` when the order
 * arrives or triggers there.
 *
 * @example
 * ```ts
 * marketable(buyLimitAt100, 99.5) // true
 * ```
 */
export function marketable(order: WorkingOrder, price: number): boolean {
  return order.buy ? price <= order.priceNum : price >= order.priceNum;
}

/**
 * Whether a resting limit order is filled by the market reaching `price`: strictly beyond its limit
 * (`through`) or at it (touch).
 *
 * @example
 * ```ts
 * crossed(buyLimitAt100, 99.99, true) // true
 * crossed(buyLimitAt100, 100, true)   // false: only touched
 * ```
 */
export function crossed(order: WorkingOrder, price: number, through: boolean): boolean {
  const p = order.priceNum;
  if (order.buy) return through ? price < p : price <= p;
  return through ? price > p : price >= p;
}
