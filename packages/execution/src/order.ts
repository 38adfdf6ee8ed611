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
  type OrderEventType,
  type OrderFilled,
  OrderSide,
  OrderType,
  type OrderView,
  type StrategyId,
  type SubmitOrder,
  TimeInForce,
  type TrailingOffsetType,
  type ContingencyType,
  type VenueOrderId,
} from '@rxtrade/core';
import { OrderAnomalyReason, type OrderApplyResult } from './order-anomaly';
import { isTerminalStatus, resolveStatus } from './order-state-machine';

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

/** @internal Slots of `refs` one closed order takes (see `Order.writeRow`). */
export const ORDER_ROW_SLOTS = 12;

// A closed order's row packs its side, type, time in force, status and previous status into one
// small integer, as indexes into these lists: side in bit 0, type in bits 1-4, time in force 5-8,
// status 9-12, previous status 13-16, then acknowledged, reduce-only and post-only in bits 17-19.
const SIDES = Object.values(OrderSide);
const ORDER_TYPES = Object.values(OrderType);
const TIFS = Object.values(TimeInForce);
const STATUSES = Object.values(OrderStatus);
if (SIDES.length > 2 || ORDER_TYPES.length > 16 || TIFS.length > 16 || STATUSES.length > 16)
  throw new Error('Order rows: an order enum outgrew the bits its row gives it (see ORDER_ROW_SLOTS)');
const codesOf = <T extends string>(values: readonly T[]): Record<T, number> => Object.fromEntries(values.map((v, i) => [v, i])) as Record<T, number>;
const SIDE_CODE = codesOf(SIDES);
const ORDER_TYPE_CODE = codesOf(ORDER_TYPES);
const TIF_CODE = codesOf(TIFS);
const STATUS_CODE = codesOf(STATUSES);

/** The fields of a closed order's row that most orders leave empty, kept in one object only when set. */
type RareFields = Pick<Order, 'expireTime' | 'trailingOffset' | 'trailingOffsetType' | 'limitOffset' | 'contingencyType' | 'parentOrderId' | 'linkedOrderIds'> & {
  readonly moreTradeIds: Set<string> | undefined;
};

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
    const next = resolveStatus(status, event.type, false, this.previous) ?? this.illegal(status, event.type);
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
    const next = late ? this._status : (resolveStatus(this._status, 'OrderFilled', cmp === 0, undefined) ?? this.illegal(this._status, 'OrderFilled'));
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

  /**
   * @internal Writes a closed order that nothing can change any more (FILLED, REJECTED or DENIED) as one row:
   * {@link ORDER_ROW_SLOTS} slots of `refs` from `slot * ORDER_ROW_SLOTS`, and its two times at
   * `times[2 * row]`. The row holds references to the order's ids and Decimals, which its fills hold
   * too, and no object of its own.
   */
  static writeRow(order: Order, refs: unknown[], slot: number, times: Float64Array, row: number): void {
    const at = slot * ORDER_ROW_SLOTS;
    const rare =
      order.expireTime !== undefined ||
      order.trailingOffset !== undefined ||
      order.trailingOffsetType !== undefined ||
      order.limitOffset !== undefined ||
      order.contingencyType !== undefined ||
      order.parentOrderId !== undefined ||
      order.linkedOrderIds !== NO_LINKS ||
      order.moreTradeIds !== undefined
        ? ({
            expireTime: order.expireTime,
            trailingOffset: order.trailingOffset,
            trailingOffsetType: order.trailingOffsetType,
            limitOffset: order.limitOffset,
            contingencyType: order.contingencyType,
            parentOrderId: order.parentOrderId,
            linkedOrderIds: order.linkedOrderIds,
            moreTradeIds: order.moreTradeIds,
          } satisfies RareFields)
        : undefined;
    // The slots start undefined (a fresh chunk): stores are only made for what is set, and a filled
    // quantity that is the quantity itself (a whole fill) is not stored twice.
    refs[at] = order.clientOrderId;
    refs[at + 1] = order.strategyId;
    refs[at + 2] = order.instrumentId;
    refs[at + 3] = order._quantity;
    if (order._price !== undefined) refs[at + 4] = order._price;
    if (order._triggerPrice !== undefined) refs[at + 5] = order._triggerPrice;
    if (order._venueOrderId !== undefined) refs[at + 6] = order._venueOrderId;
    if (order._filledQuantity !== order._quantity) refs[at + 7] = order._filledQuantity;
    if (order._avgFillPrice !== undefined) refs[at + 8] = order._avgFillPrice;
    if (order.firstTradeId !== undefined) refs[at + 9] = order.firstTradeId;
    refs[at + 10] =
      SIDE_CODE[order.side] |
      (ORDER_TYPE_CODE[order.orderType] << 1) |
      (TIF_CODE[order.timeInForce] << 5) |
      (STATUS_CODE[order._status] << 9) |
      (STATUS_CODE[order.previous] << 13) |
      (order._acknowledged ? 1 << 17 : 0) |
      (order.reduceOnly ? 1 << 18 : 0) |
      (order.postOnly ? 1 << 19 : 0);
    if (rare !== undefined) refs[at + 11] = rare;
    times[2 * row] = order.tsCreated;
    times[2 * row + 1] = order._tsLast;
  }

  /** @internal The status of the order {@link Order.writeRow} wrote, without reading it back. */
  static rowStatus(refs: readonly unknown[], slot: number): OrderStatus {
    return STATUSES[((refs[slot * ORDER_ROW_SLOTS + 10] as number) >> 9) & 15]!;
  }

  /** @internal The order {@link Order.writeRow} wrote: a new object, equal in every field. */
  static readRow(refs: readonly unknown[], slot: number, times: Float64Array, row: number): Order {
    const at = slot * ORDER_ROW_SLOTS;
    const rare = refs[at + 11] as RareFields | undefined;
    const codes = refs[at + 10] as number;
    const quantity = refs[at + 3] as Decimal;
    const command = {
      type: 'SubmitOrder',
      clientOrderId: refs[at] as ClientOrderId,
      strategyId: refs[at + 1] as StrategyId,
      instrumentId: refs[at + 2] as InstrumentId,
      side: SIDES[codes & 1]!,
      orderType: ORDER_TYPES[(codes >> 1) & 15]!,
      timeInForce: TIFS[(codes >> 5) & 15]!,
      quantity,
      price: refs[at + 4] as Decimal | undefined,
      triggerPrice: refs[at + 5] as Decimal | undefined,
      expireTime: rare?.expireTime,
      reduceOnly: (codes & (1 << 18)) !== 0,
      postOnly: (codes & (1 << 19)) !== 0,
      trailingOffset: rare?.trailingOffset,
      trailingOffsetType: rare?.trailingOffsetType,
      limitOffset: rare?.limitOffset,
      contingencyType: rare?.contingencyType,
      parentOrderId: rare?.parentOrderId,
      linkedOrderIds: rare?.linkedOrderIds,
      ts: times[2 * row]!,
    } as SubmitOrder;
    const order = new Order(command, times[2 * row]!);
    order._venueOrderId = refs[at + 6] as VenueOrderId | undefined;
    order._filledQuantity = (refs[at + 7] as Decimal | undefined) ?? quantity;
    order._avgFillPrice = refs[at + 8] as Decimal | undefined;
    order._status = STATUSES[(codes >> 9) & 15]!;
    order.previous = STATUSES[(codes >> 13) & 15]!;
    order.firstTradeId = refs[at + 9] as string | undefined;
    order.moreTradeIds = rare?.moreTradeIds;
    order._acknowledged = (codes & (1 << 17)) !== 0;
    order._tsLast = times[2 * row + 1]!;
    return order;
  }

  private moveTo(next: OrderStatus): void {
    const current = this._status;
    if (current !== OrderStatus.PENDING_CANCEL && current !== OrderStatus.PENDING_UPDATE) this.previous = current;
    this._status = next;
  }

  /** Throws the IllegalTransitionError of `eventType` in `status`, naming this order. */
  private illegal(status: OrderStatus, eventType: OrderEventType): never {
    throw new IllegalTransitionError(status, eventType, `order ${this.clientOrderId}`);
  }

  private refuse(reason: OrderAnomalyReason, message: string): OrderApplyResult {
    return { applied: false, reason, message };
  }
}
