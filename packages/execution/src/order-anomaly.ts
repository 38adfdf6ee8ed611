/**
 * Venue anomalies: events that must not change an order, because applying them would double-count a
 * fill, fill more than was ordered or revive a closed order. They are reported, never applied.
 */
import type { OrderEvent, OrderView } from '@rxtrade/core';

/**
 * Why an order event was not applied.
 *
 * @example
 * ```ts
 * if (result.applied === false && result.reason === OrderAnomalyReason.DUPLICATE_FILL) log.warn(result.message);
 * ```
 */
export const OrderAnomalyReason = {
  /** A fill whose trade id was already applied to the order. */
  DUPLICATE_FILL: 'DUPLICATE_FILL',
  /** A fill that would take the filled quantity above the order quantity. */
  OVERFILL: 'OVERFILL',
  /**
   * An event for an order already in a terminal status: a fill after FILLED or REJECTED, a cancel or
   * modify refusal after any. (A fill after CANCELED or EXPIRED is booked, not refused: it happened
   * before the venue closed the order and crossed the close on the wire.)
   */
  AFTER_TERMINAL: 'AFTER_TERMINAL',
  /** A fill with a quantity or price that is not a positive, finite Decimal, or with another side or instrument than the order. */
  INVALID_FILL: 'INVALID_FILL',
  /** An event for a client order id the order manager does not know. */
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
  /** An event the transition table does not allow in the order's status. */
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  /** The venue could not be asked about an order after a timeout (every retry failed); the order keeps its last known status. */
  RECONCILIATION_FAILED: 'RECONCILIATION_FAILED',
  /**
   * An order the venue had acknowledged is unknown to it when queried (it lost the order, for example
   * in a restart): the order keeps its last known status, since only the operator can tell whether it
   * still works somewhere.
   */
  UNKNOWN_TO_VENUE: 'UNKNOWN_TO_VENUE',
} as const;
export type OrderAnomalyReason = (typeof OrderAnomalyReason)[keyof typeof OrderAnomalyReason];

/**
 * The outcome of `Order.apply`: applied, or refused with a reason.
 *
 * @example
 * ```ts
 * const result: OrderApplyResult = order.apply(fill);
 * if (!result.applied) console.warn(result.reason, result.message);
 * ```
 */
export type OrderApplyResult =
  | { readonly applied: true }
  | { readonly applied: false; readonly reason: OrderAnomalyReason; readonly message: string };

/**
 * An event the order manager received from a venue and did not apply, or a reconciliation that failed.
 *
 * @example
 * ```ts
 * manager.anomalies.subscribe((a) => logger.warn(`${a.reason}: ${a.message}`, { event: a.event }));
 * ```
 */
export interface OrderAnomaly {
  readonly reason: OrderAnomalyReason;
  readonly message: string;
  /** The event that was not applied; undefined for RECONCILIATION_FAILED and UNKNOWN_TO_VENUE. */
  readonly event: OrderEvent | undefined;
  /** The order as it stands (unchanged by the event); undefined for an unknown order. */
  readonly order: OrderView | undefined;
  /** Clock time when the anomaly was detected. */
  readonly ts: number;
}
