/**
 * The book-keeping an execution algorithm keeps for one parent order: its children, what they filled
 * and what is still working. The one invariant every algorithm relies on:
 *
 *   filled + working ≤ parent quantity, at every moment,
 *
 * where `working` is the unfilled quantity of the children not yet closed. A new child is capped at the
 * unallocated rest (`parent − filled − working`), so the algorithm can never buy or sell more than the
 * parent, even when a child is partly filled, rejected, canceled or expires: the unfilled quantity of a
 * closed child simply returns to the unallocated rest, which later children may send again.
 */
import {
  ValidationError,
  ZERO,
  roundQuantity,
  type ClientOrderId,
  type Clock,
  type Decimal,
  type Instrument,
  type OrderEvent,
  type OrderFactory,
  type SubmitOrder,
} from '@rxtrade/core';

/**
 * What an order event did to one child, as {@link ParentOrder.apply} reports it.
 *
 * @example
 * ```ts
 * const update = parent.apply(event);
 * if (update?.complete) postNextChild();
 * else if (update?.closed) console.log(`${update.unfilled} returned to the parent`);
 * ```
 */
export interface ChildUpdate {
  readonly child: SubmitOrder;
  /** Quantity this event filled (zero unless the event is a fill). */
  readonly filledNow: Decimal;
  /** The child's filled quantity so far. */
  readonly childFilled: Decimal;
  /** True when the child is closed (completely filled, canceled, rejected, denied or expired). */
  readonly closed: boolean;
  /** True when the child closed completely filled. */
  readonly complete: boolean;
  /** Quantity the child will never fill (returned to the unallocated rest) when it closed unfilled. */
  readonly unfilled: Decimal;
}

interface ChildState {
  readonly command: SubmitOrder;
  filled: Decimal;
  open: boolean;
}

/**
 * One parent order being executed by an algorithm: creates lot-rounded child orders capped at the
 * unallocated quantity and applies the children's order events.
 *
 * @example
 * ```ts
 * const p = new ParentOrder(parent, instrument, ctx.clock, ctx.orderFactory);
 * const child = p.createChild(new Decimal(40)); // a child of 40 (or less, if less is unallocated)
 * ctx.orderEvents.subscribe((e) => p.apply(e));
 * p.filled; p.working; p.unallocated;
 * ```
 */
export class ParentOrder {
  private readonly children = new Map<ClientOrderId, ChildState>();
  private filledQty: Decimal = ZERO;
  private workingQty: Decimal = ZERO;
  private sent = 0;

  constructor(
    readonly parent: SubmitOrder,
    readonly instrument: Instrument,
    private readonly clock: Clock,
    private readonly orderFactory: OrderFactory,
  ) {
    if (!parent.quantity.isFinite() || parent.quantity.lte(0) || !roundQuantity(instrument, parent.quantity).eq(parent.quantity))
      throw new ValidationError([
        { path: ['parent', 'quantity'], message: `must be a positive multiple of the lot size ${instrument.lotSize.toString()}, got ${parent.quantity.toString()}` },
      ]);
  }

  /** The parent's client order id. */
  get id(): ClientOrderId {
    return this.parent.clientOrderId;
  }

  /** The parent quantity. */
  get quantity(): Decimal {
    return this.parent.quantity;
  }

  /** Quantity filled by the children so far. */
  get filled(): Decimal {
    return this.filledQty;
  }

  /** Unfilled quantity of the children still open. */
  get working(): Decimal {
    return this.workingQty;
  }

  /** Quantity neither filled nor working: the most the next child may have. */
  get unallocated(): Decimal {
    return this.parent.quantity.minus(this.filledQty).minus(this.workingQty);
  }

  /** True when the children filled the whole parent. */
  get isComplete(): boolean {
    return this.filledQty.gte(this.parent.quantity);
  }

  /** Number of children created so far. */
  get childCount(): number {
    return this.sent;
  }

  /** The children still open, in creation order. */
  openChildren(): SubmitOrder[] {
    const out: SubmitOrder[] = [];
    for (const c of this.children.values()) if (c.open) out.push(c.command);
    return out;
  }

  /** True when `clientOrderId` is one of this parent's children. */
  owns(clientOrderId: ClientOrderId): boolean {
    return this.children.has(clientOrderId);
  }

  /**
   * Creates (and starts tracking) a child of `quantity` capped at {@link unallocated} and rounded down
   * to the lot, with a fresh client order id; returns undefined when that leaves nothing to send.
   * A LIMIT parent's children are LIMIT orders at the parent's price; a MARKET parent's are MARKET.
   */
  createChild(quantity: Decimal): SubmitOrder | undefined {
    const unallocated = this.unallocated;
    const capped = quantity.gt(unallocated) ? unallocated : quantity;
    if (capped.lte(0)) return undefined;
    const q = roundQuantity(this.instrument, capped, 'down');
    if (q.lte(0)) return undefined;
    const p = this.parent;
    const child: SubmitOrder = {
      type: 'SubmitOrder',
      clientOrderId: this.orderFactory.nextId(),
      strategyId: p.strategyId,
      instrumentId: p.instrumentId,
      side: p.side,
      orderType: p.orderType,
      quantity: q,
      price: p.price,
      triggerPrice: undefined,
      timeInForce: p.timeInForce,
      expireTime: p.expireTime,
      reduceOnly: p.reduceOnly,
      postOnly: p.postOnly,
      ts: this.clock.now(),
    };
    this.children.set(child.clientOrderId, { command: child, filled: ZERO, open: true });
    this.workingQty = this.workingQty.plus(q);
    this.sent++;
    return child;
  }

  /**
   * Applies an order event of one of the children (fills, and the terminal OrderCanceled,
   * OrderRejected, OrderDenied, OrderExpired); returns what changed, or undefined when the event is not
   * about an open child or changes nothing.
   */
  apply(event: OrderEvent): ChildUpdate | undefined {
    const state = this.children.get(event.clientOrderId);
    if (state === undefined || !state.open) return undefined;
    const leaves = state.command.quantity.minus(state.filled);
    switch (event.type) {
      case 'OrderFilled': {
        // The order manager never passes on an overfill; the cap keeps the invariant even so.
        const q = event.quantity.gt(leaves) ? leaves : event.quantity;
        state.filled = state.filled.plus(q);
        this.filledQty = this.filledQty.plus(q);
        this.workingQty = this.workingQty.minus(q);
        const complete = state.filled.gte(state.command.quantity);
        if (complete) state.open = false;
        return { child: state.command, filledNow: q, childFilled: state.filled, closed: complete, complete, unfilled: ZERO };
      }
      case 'OrderCanceled':
      case 'OrderRejected':
      case 'OrderDenied':
      case 'OrderExpired':
        state.open = false;
        this.workingQty = this.workingQty.minus(leaves);
        return { child: state.command, filledNow: ZERO, childFilled: state.filled, closed: true, complete: false, unfilled: leaves };
      default:
        return undefined;
    }
  }
}
