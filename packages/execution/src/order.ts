/**
 * One order and its state: status from the transition table, filled quantity, quantity-weighted
 * average fill price, venue order id and the trade ids already applied (so a fill is never applied
 * twice).
 */
import {
  Decimal,
  IllegalTransitionError,
  OrderStatus,
  StateError,
  ZERO,
  type ClientOrderId,
  type InstrumentId,
  type OrderEvent,
  type OrderFilled,
  type OrderSide,
  type OrderType,
  type OrderView,
  type StrategyId,
  type SubmitOrder,
  type TimeInForce,
  type TrailingOffsetType,
  type ContingencyType,
  type VenueOrderId,
} from '@rxtrade/core';
import { OrderAnomalyReason, type OrderApplyResult } from './order-anomaly';
import { isTerminalStatus, nextStatus } from './order-state-machine';

/**
 * Why an order is held locally by the order manager (see `Order.held`).
 *
 * @example
 * ```ts
 * if (order.held === OrderHold.EMULATED) console.log('waiting locally for its trigger');
 * ```
 */
export const OrderHold = { EMULATED: 'EMULATED', CONTINGENT: 'CONTINGENT' } as const;
export type OrderHold = (typeof OrderHold)[keyof typeof OrderHold];

const APPLIED: OrderApplyResult = Object.freeze({ applied: true });
/** The links of an order without any, shared. */
const NO_LINKS: readonly ClientOrderId[] = Object.freeze([]);

/**
 * A live order, created from a {@link SubmitOrder} in status INITIALIZED and moved by order events.
 *
 * @example
 * ```ts
 * const order = new Order(command, clock.now());
 * order.apply({ type: 'OrderSubmitted', clientOrderId: order.clientOrderId, strategyId: order.strategyId,
 *   instrumentId: order.instrumentId, ts: clock.now(), tsInit: clock.now() });
 * order.status // 'SUBMITTED'
 * ```
 */
export class Order implements OrderView {
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly expireTime: number | undefined;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly tsCreated: number;
  /** Trailing stops: the trailing distance (see `trailingOffsetType`). */
  readonly trailingOffset: Decimal | undefined;
  readonly trailingOffsetType: TrailingOffsetType | undefined;
  /** TRAILING_STOP_LIMIT: the limit's distance beyond the trigger. */
  readonly limitOffset: Decimal | undefined;
  /** How this order depends on others (OTO parent, OCO / OUO member). */
  readonly contingencyType: ContingencyType | undefined;
  /** OTO child: the parent whose fills release it. */
  readonly parentOrderId: ClientOrderId | undefined;
  /** OCO / OUO: the other orders of the group; OTO parent: its children. */
  readonly linkedOrderIds: readonly ClientOrderId[];
  /**
   * Why the order manager holds the order locally instead of at the venue (status INITIALIZED):
   * `EMULATED` (a type or time in force the venue lacks, waiting for its trigger), `CONTINGENT` (an OTO
   * child waiting for its parent's fill); undefined once sent.
   */
  held: OrderHold | undefined = undefined;
  private _venueOrderId: VenueOrderId | undefined = undefined;
  private _acknowledged = false;
  private _quantity: Decimal;
  private _price: Decimal | undefined;
  private _triggerPrice: Decimal | undefined;
  private _filledQuantity: Decimal = ZERO;
  private _avgFillPrice: Decimal | undefined = undefined;
  private _status: OrderStatus = OrderStatus.INITIALIZED;
  private _tsLast: number;
  /** The last open status before PENDING_CANCEL / PENDING_UPDATE, restored when a request is refused. */
  private previous: OrderStatus = OrderStatus.INITIALIZED;
  /** The first fill's trade id; most orders fill once, so a Set is built only for a second fill. */
  private firstTradeId: string | undefined;
  private moreTradeIds: Set<string> | undefined;

  /**
   * @param command the submit command (fields that are not Decimals, as in a malformed command that is
   *   about to be denied, are kept as zero / undefined rather than trusted).
   * @param tsInit when the SDK created the order (clock time).
   */
  constructor(command: SubmitOrder, tsInit: number) {
    this.clientOrderId = command.clientOrderId;
    this.strategyId = command.strategyId;
    this.instrumentId = command.instrumentId;
    this.side = command.side;
    this.orderType = command.orderType;
    this.timeInForce = command.timeInForce;
    this.expireTime = command.expireTime;
    this.reduceOnly = command.reduceOnly;
    this.postOnly = command.postOnly;
    this.trailingOffset = command.trailingOffset;
    this.trailingOffsetType = command.trailingOffsetType;
    this.limitOffset = command.limitOffset;
    this.contingencyType = command.contingencyType;
    this.parentOrderId = command.parentOrderId;
    this.linkedOrderIds = command.linkedOrderIds ?? NO_LINKS;
    this._quantity = command.quantity instanceof Decimal ? command.quantity : ZERO;
    this._price = command.price instanceof Decimal ? command.price : undefined;
    this._triggerPrice = command.triggerPrice instanceof Decimal ? command.triggerPrice : undefined;
    this.tsCreated = tsInit;
    this._tsLast = tsInit;
  }

  /** The venue's id for the order, once accepted (or first filled). */
  get venueOrderId(): VenueOrderId | undefined {
    return this._venueOrderId;
  }
  /** Whether an `OrderAccepted` was applied to the order (from its venue or from a reconciliation). */
  get acknowledged(): boolean {
    return this._acknowledged;
  }
  /** Ordered quantity (changed by OrderUpdated). */
  get quantity(): Decimal {
    return this._quantity;
  }
  /** Limit price, if any. */
  get price(): Decimal | undefined {
    return this._price;
  }
  /** Trigger price, if any. */
  get triggerPrice(): Decimal | undefined {
    return this._triggerPrice;
  }
  /** Sum of applied fill quantities. */
  get filledQuantity(): Decimal {
    return this._filledQuantity;
  }
  /** Quantity-weighted average fill price; undefined before the first fill. */
  get avgFillPrice(): Decimal | undefined {
    return this._avgFillPrice;
  }
  /** Current status. */
  get status(): OrderStatus {
    return this._status;
  }
  /** `ts` of the last applied event (creation time before any). */
  get tsLast(): number {
    return this._tsLast;
  }

  /** Whether the order is not yet in a terminal status. */
  get isOpen(): boolean {
    return !isTerminalStatus(this._status);
  }

  /** Whether the order is in a terminal status (DENIED, REJECTED, FILLED, CANCELED, EXPIRED). */
  get isClosed(): boolean {
    return isTerminalStatus(this._status);
  }

  /** Quantity still to fill: quantity - filledQuantity. */
  get leavesQuantity(): Decimal {
    return this._quantity.minus(this._filledQuantity);
  }

  /** Whether a fill with this trade id was applied. */
  hasTrade(tradeId: string): boolean {
    return tradeId === this.firstTradeId || (this.moreTradeIds !== undefined && this.moreTradeIds.has(tradeId));
  }

  /**
   * Applies an event. A fill after CANCELED or EXPIRED is applied (the order stays closed: the fill
   * crossed the close on the wire). Venue anomalies (a duplicate fill, an overfill, a fill after FILLED
   * or REJECTED, a cancel/modify rejection after a terminal status, a fill with a bad quantity or
   * price) are returned as
   * `{ applied: false, reason }` and leave the order unchanged.
   *
   * @throws IllegalTransitionError for any other event the transition table does not allow.
   * @throws StateError when the event belongs to another order.
   */
  apply(event: OrderEvent): OrderApplyResult {
    if (event.clientOrderId !== this.clientOrderId)
      throw new StateError(`event ${event.type} for ${event.clientOrderId} applied to order ${this.clientOrderId}`);
    if (event.type === 'OrderFilled') return this.fill(event);
    const status = this._status;
    if (isTerminalStatus(status) && (event.type === 'OrderCancelRejected' || event.type === 'OrderModifyRejected'))
      return this.refuse(OrderAnomalyReason.AFTER_TERMINAL, `${event.type} after the order was ${status}`);
    // A second acknowledgement while a cancel is in flight is not a late first one (the table allows
    // OrderAccepted in PENDING_CANCEL for that): it is as illegal as in ACCEPTED.
    if (event.type === 'OrderAccepted' && status === OrderStatus.PENDING_CANCEL && this._acknowledged)
      throw new IllegalTransitionError(status, event.type, `order ${this.clientOrderId} (acknowledged already)`);
    const next = nextStatus(status, event.type, { previous: this.previous }, `order ${this.clientOrderId}`);
    switch (event.type) {
      case 'OrderAccepted':
        this._venueOrderId = event.venueOrderId;
        this._acknowledged = true;
        break;
      case 'OrderUpdated':
        this._quantity = event.quantity;
        this._price = event.price;
        this._triggerPrice = event.triggerPrice;
        break;
      default:
        break;
    }
    this.moveTo(next);
    // A stop that triggers while a cancel is in flight: if the cancel is refused, it is TRIGGERED.
    if (event.type === 'OrderTriggered' && status === OrderStatus.PENDING_CANCEL) this.previous = OrderStatus.TRIGGERED;
    // The order's own acknowledgement, late behind the cancel request: if the cancel is refused, it is
    // ACCEPTED (not SUBMITTED, which would leave it looking unknown to the venue).
    if (event.type === 'OrderAccepted' && status === OrderStatus.PENDING_CANCEL && this.previous === OrderStatus.SUBMITTED) this.previous = OrderStatus.ACCEPTED;
    this._tsLast = event.ts;
    return APPLIED;
  }

  private fill(event: OrderFilled): OrderApplyResult {
    if (this.hasTrade(event.tradeId))
      return this.refuse(OrderAnomalyReason.DUPLICATE_FILL, `trade ${event.tradeId} was already applied to order ${this.clientOrderId}`);
    // A fill behind the OrderCanceled (or OrderExpired) that closed the order happened before the venue
    // closed it: the two crossed on the wire (fills and order updates often come on separate streams).
    // It is booked, and the order stays closed; after FILLED or REJECTED a fill cannot be real.
    const late = this._status === OrderStatus.CANCELED || this._status === OrderStatus.EXPIRED;
    if (isTerminalStatus(this._status) && !late)
      return this.refuse(OrderAnomalyReason.AFTER_TERMINAL, `fill ${event.tradeId} after order ${this.clientOrderId} was ${this._status}`);
    if (event.side !== this.side || event.instrumentId !== this.instrumentId)
      return this.refuse(
        OrderAnomalyReason.INVALID_FILL,
        `fill ${event.tradeId} is a ${event.side} of ${event.instrumentId}; order ${this.clientOrderId} is a ${this.side} of ${this.instrumentId}`,
      );
    const qty = event.quantity;
    const px = event.price;
    // isPositive/isZero read the sign and digits; lte(0) would build a Decimal from 0 on every fill.
    if (!(qty instanceof Decimal) || !qty.isFinite() || !qty.isPositive() || qty.isZero() || !(px instanceof Decimal) || !px.isFinite() || !px.isPositive() || px.isZero())
      return this.refuse(OrderAnomalyReason.INVALID_FILL, `fill ${event.tradeId} has quantity ${String(qty)} and price ${String(px)}; both must be positive`);
    // The first fill's quantity is the filled quantity itself: no Decimal built (and none kept) for 0 + qty.
    const filled = this._filledQuantity.isZero() ? qty : this._filledQuantity.plus(qty);
    // A fill of the whole order usually carries the order's own quantity object: equal without cmp,
    // which copies its argument into a new Decimal.
    const cmp = filled === this._quantity ? 0 : filled.cmp(this._quantity);
    if (cmp > 0)
      return this.refuse(
        OrderAnomalyReason.OVERFILL,
        `fill ${event.tradeId} of ${qty.toString()} would fill ${filled.toString()} of order ${this.clientOrderId} for ${this._quantity.toString()}`,
      );
    const next = late ? this._status : nextStatus(this._status, 'OrderFilled', { fillCompletes: cmp === 0 }, `order ${this.clientOrderId}`);
    const prevAvg = this._avgFillPrice;
    // Quantity-weighted: (avg * previous filled + price * quantity) / filled, exact in Decimal.
    this._avgFillPrice = prevAvg === undefined ? px : prevAvg.mul(this._filledQuantity).plus(px.mul(qty)).div(filled);
    this._filledQuantity = filled;
    this._venueOrderId ??= event.venueOrderId;
    if (this.firstTradeId === undefined) this.firstTradeId = event.tradeId;
    else (this.moreTradeIds ??= new Set()).add(event.tradeId);
    if (!late) this.moveTo(next);
    // A partial fill while a cancel is in flight keeps PENDING_CANCEL; a refused cancel returns here.
    if (next === OrderStatus.PENDING_CANCEL) this.previous = OrderStatus.PARTIALLY_FILLED;
    this._tsLast = event.ts;
    return APPLIED;
  }

  private moveTo(next: OrderStatus): void {
    const current = this._status;
    if (current !== OrderStatus.PENDING_CANCEL && current !== OrderStatus.PENDING_UPDATE) this.previous = current;
    this._status = next;
  }

  private refuse(reason: OrderAnomalyReason, message: string): OrderApplyResult {
    return { applied: false, reason, message };
  }
}
