/**
 * The order life cycle as a transition table: for each status, the events it accepts and the status
 * each one leads to. Modelled on NautilusTrader's `_ORDER_STATE_TABLE` (`model/orders/base.pyx`),
 * without its emulated/released and external-order rows (an order the order manager holds locally stays
 * INITIALIZED, and `Order.held` says why), and with fills after a terminal status left out (rxtrade
 * reports those as anomalies instead of applying them).
 *
 * Two kinds of entry depend on more than the event type; {@link nextStatus} resolves them:
 * - `OrderFilled` is listed as `PARTIALLY_FILLED` (`PENDING_CANCEL` while a cancel is in flight); a
 *   fill that completes the order's quantity moves to `FILLED` instead (pass `{ fillCompletes: true }`).
 * - `OrderCancelRejected` in `PENDING_CANCEL`, and `OrderModifyRejected` / `OrderUpdated` in
 *   `PENDING_UPDATE`, return to the open status the order had before the request (pass
 *   `{ previous }`); the table lists `ACCEPTED` as the fallback.
 */
import { IllegalTransitionError, OrderStatus, type OrderEventType } from '@rxtrade/core';

/**
 * The shape of {@link ORDER_TRANSITIONS}: status → event type → next status.
 *
 * @example
 * ```ts
 * const table: OrderTransitionTable = ORDER_TRANSITIONS;
 * Object.keys(table.ACCEPTED) // ['OrderRejected', 'OrderTriggered', …]
 * ```
 */
export type OrderTransitionTable = Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEventType, OrderStatus>>>>>;

const S = OrderStatus;

/**
 * The order transition table (frozen). A missing entry is an illegal transition.
 *
 * @example
 * ```ts
 * ORDER_TRANSITIONS.SUBMITTED.OrderAccepted // 'ACCEPTED'
 * ORDER_TRANSITIONS.FILLED.OrderCanceled    // undefined: illegal
 * ```
 */
export const ORDER_TRANSITIONS: OrderTransitionTable = deepFreeze({
  // An order held by the order manager (an emulated type waiting for its trigger, an OTO child waiting
  // for its parent) is still INITIALIZED: it may be updated, canceled or expired locally.
  INITIALIZED: {
    OrderDenied: S.DENIED,
    OrderSubmitted: S.SUBMITTED,
    OrderUpdated: S.INITIALIZED,
    OrderCanceled: S.CANCELED,
    OrderExpired: S.EXPIRED,
  },
  SUBMITTED: {
    OrderAccepted: S.ACCEPTED,
    OrderRejected: S.REJECTED,
    // Races ahead of the accept: IOC/FOK cancels, immediate fills, requests sent before the ack.
    OrderCanceled: S.CANCELED,
    OrderFilled: S.PARTIALLY_FILLED,
    OrderPendingCancel: S.PENDING_CANCEL,
    OrderPendingUpdate: S.PENDING_UPDATE,
    OrderCancelRejected: S.SUBMITTED,
    OrderModifyRejected: S.SUBMITTED,
  },
  ACCEPTED: {
    OrderRejected: S.REJECTED, // a stop-limit refused when triggered
    OrderTriggered: S.TRIGGERED,
    OrderPendingCancel: S.PENDING_CANCEL,
    OrderPendingUpdate: S.PENDING_UPDATE,
    OrderUpdated: S.ACCEPTED, // a venue-initiated amendment
    OrderCancelRejected: S.ACCEPTED,
    OrderModifyRejected: S.ACCEPTED,
    OrderFilled: S.PARTIALLY_FILLED,
    OrderCanceled: S.CANCELED,
    OrderExpired: S.EXPIRED,
  },
  TRIGGERED: {
    OrderRejected: S.REJECTED,
    OrderPendingCancel: S.PENDING_CANCEL,
    OrderPendingUpdate: S.PENDING_UPDATE,
    OrderUpdated: S.TRIGGERED,
    OrderCancelRejected: S.TRIGGERED,
    OrderModifyRejected: S.TRIGGERED,
    OrderFilled: S.PARTIALLY_FILLED,
    OrderCanceled: S.CANCELED,
    OrderExpired: S.EXPIRED,
  },
  PENDING_UPDATE: {
    OrderRejected: S.REJECTED,
    OrderAccepted: S.ACCEPTED,
    OrderTriggered: S.TRIGGERED,
    OrderPendingUpdate: S.PENDING_UPDATE, // several requests in flight
    OrderPendingCancel: S.PENDING_CANCEL,
    OrderUpdated: S.ACCEPTED, // resolved to the previous open status
    OrderModifyRejected: S.ACCEPTED, // resolved to the previous open status
    OrderCancelRejected: S.PENDING_UPDATE,
    OrderFilled: S.PARTIALLY_FILLED,
    OrderCanceled: S.CANCELED,
    OrderExpired: S.EXPIRED,
  },
  PENDING_CANCEL: {
    OrderRejected: S.REJECTED,
    // PENDING_CANCEL lasts until the cancel is answered (canceled, refused, or the order closes
    // otherwise): events that leave the cancel in flight keep it, so its timeout and resend stay armed.
    OrderAccepted: S.PENDING_CANCEL, // the ack of the order itself arrives after the cancel request
    OrderTriggered: S.PENDING_CANCEL, // a stop triggers while the cancel is in flight; the cancel still decides
    OrderPendingCancel: S.PENDING_CANCEL, // several requests in flight
    OrderCancelRejected: S.ACCEPTED, // resolved to the previous open status
    OrderModifyRejected: S.PENDING_CANCEL,
    OrderUpdated: S.PENDING_CANCEL,
    OrderFilled: S.PENDING_CANCEL, // a partial fill while the cancel is in flight; a completing one is FILLED
    OrderCanceled: S.CANCELED,
    OrderExpired: S.EXPIRED,
  },
  PARTIALLY_FILLED: {
    OrderPendingCancel: S.PENDING_CANCEL,
    OrderPendingUpdate: S.PENDING_UPDATE,
    OrderUpdated: S.PARTIALLY_FILLED,
    OrderCancelRejected: S.PARTIALLY_FILLED,
    OrderModifyRejected: S.PARTIALLY_FILLED,
    OrderFilled: S.PARTIALLY_FILLED,
    OrderCanceled: S.CANCELED,
    OrderExpired: S.EXPIRED,
  },
  DENIED: {},
  REJECTED: {},
  FILLED: {},
  CANCELED: {},
  EXPIRED: {},
});

/** Open statuses an order may return to after a refused or completed cancel/modify request. */
const RETURNABLE: ReadonlySet<OrderStatus> = new Set<OrderStatus>([S.SUBMITTED, S.ACCEPTED, S.TRIGGERED, S.PARTIALLY_FILLED]);

/**
 * What {@link nextStatus} needs to resolve the entries that depend on more than the event type.
 *
 * @example
 * ```ts
 * const context: TransitionContext = { fillCompletes: filled.plus(fill.quantity).eq(order.quantity) };
 * nextStatus(order.status, 'OrderFilled', context);
 * ```
 */
export interface TransitionContext {
  /** For `OrderFilled`: whether this fill brings the filled quantity up to the order quantity. */
  readonly fillCompletes?: boolean;
  /** The open status the order had before it went PENDING_CANCEL / PENDING_UPDATE. */
  readonly previous?: OrderStatus;
}

/**
 * The status an order moves to when `eventType` happens in `status`.
 *
 * @param context resolves fills (complete or partial) and refused/answered requests (previous status).
 * @param subject names the order in the error message (default `'order'`).
 * @throws IllegalTransitionError when the table has no such transition (`from` and `event` name it).
 * @example
 * ```ts
 * nextStatus('ACCEPTED', 'OrderFilled', { fillCompletes: true })             // 'FILLED'
 * nextStatus('PENDING_CANCEL', 'OrderCancelRejected', { previous: 'PARTIALLY_FILLED' }) // 'PARTIALLY_FILLED'
 * nextStatus('FILLED', 'OrderCanceled')                                        // throws IllegalTransitionError
 * ```
 */
export function nextStatus(status: OrderStatus, eventType: OrderEventType, context?: TransitionContext, subject = 'order'): OrderStatus {
  const next = resolveStatus(status, eventType, context?.fillCompletes === true, context?.previous);
  if (next === undefined) throw new IllegalTransitionError(status, eventType, subject);
  return next;
}

/**
 * {@link nextStatus} without a context object or an error: undefined where the table has no such
 * transition. For the order's own bookkeeping, which names the order in the error only when it throws
 * (two transitions an order, each of which would otherwise build the context and the name).
 *
 * @internal
 */
export function resolveStatus(status: OrderStatus, eventType: OrderEventType, fillCompletes: boolean, previous: OrderStatus | undefined): OrderStatus | undefined {
  // The three steps of nearly every order, as the table has them, without its two lookups by name
  // (each a hash probe, as the table's rows have different shapes).
  if (eventType === 'OrderFilled') {
    if (status === 'ACCEPTED' || status === 'PARTIALLY_FILLED') return fillCompletes ? 'FILLED' : 'PARTIALLY_FILLED';
  } else if (eventType === 'OrderAccepted') {
    if (status === 'SUBMITTED') return 'ACCEPTED';
  } else if (eventType === 'OrderSubmitted' && status === 'INITIALIZED') return 'SUBMITTED';
  const next = ORDER_TRANSITIONS[status][eventType];
  if (next === undefined) return undefined;
  if (eventType === 'OrderFilled') return fillCompletes ? S.FILLED : next;
  if (
    (status === S.PENDING_CANCEL && eventType === 'OrderCancelRejected') ||
    (status === S.PENDING_UPDATE && (eventType === 'OrderModifyRejected' || eventType === 'OrderUpdated'))
  )
    return previous !== undefined && RETURNABLE.has(previous) ? previous : next;
  return next;
}

/**
 * Whether `status` is terminal (DENIED, REJECTED, FILLED, CANCELED, EXPIRED).
 *
 * @example
 * ```ts
 * isTerminalStatus('FILLED')   // true
 * isTerminalStatus('ACCEPTED') // false
 * ```
 */
export function isTerminalStatus(status: OrderStatus): boolean {
  // A switch on the names rather than a Set lookup, which hashes: the statuses are string constants,
  // which V8 compares by reference first. An order asks this about ten times from submit to fill.
  switch (status) {
    case 'DENIED':
    case 'REJECTED':
    case 'FILLED':
    case 'CANCELED':
    case 'EXPIRED':
      return true;
    default:
      return false;
  }
}

function deepFreeze<T extends Record<string, object>>(table: T): T {
  for (const row of Object.values(table)) Object.freeze(row);
  return Object.freeze(table);
}
