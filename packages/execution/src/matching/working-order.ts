/**
 * The simulated venue's own record of one order it accepted: the command as last modified, what is
 * filled, and the matching state (triggered or not, the trailing stop's extreme, whether it has met
 * market data yet). Prices and quantities are kept twice: as Decimals for fills and events, and as
 * numbers for the comparisons of the matching hot path.
 */
import {
  decimalToNumber,
  Decimal,
  ZERO,
  type ClientOrderId,
  type Fill,
  type Instrument,
  type InstrumentId,
  type OrderFilled,
  type OrderStatus,
  type OrderType,
  type StrategyId,
  type SubmitOrder,
  type TimeInForce,
  type TimerHandle,
  type VenueOrderId,
} from '@rxtrade/core';

/** Order types that wait for a trigger before they work. */
const CONDITIONAL: ReadonlySet<OrderType> = new Set<OrderType>([
  'STOP_MARKET',
  'STOP_LIMIT',
  'TRAILING_STOP_MARKET',
  'TRAILING_STOP_LIMIT',
  'MARKET_IF_TOUCHED',
  'LIMIT_IF_TOUCHED',
]);

/** The fills of an order that has none, shared (never pushed to: see {@link WorkingOrder.fills}). */
const NO_FILLS = Object.freeze([]) as unknown as Fill[];

/**
 * One order working (or closed) at a simulated venue, with its matching state.
 *
 * @example
 * ```ts
 * const order = new WorkingOrder(command, goog, 'SIM-1' as VenueOrderId, clock.now(), 0);
 * order.isLimit // true for a LIMIT order
 * ```
 */
export class WorkingOrder {
  readonly buy: boolean;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  /** IOC or FOK: fills only at the first point it can match, then the rest is canceled. */
  readonly immediate: boolean;
  readonly fok: boolean;
  readonly trailing: boolean;
  /** MARKET_IF_TOUCHED / LIMIT_IF_TOUCHED: triggered from the favourable side. */
  readonly ifTouched: boolean;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  quantity: Decimal;
  filled: Decimal = ZERO;
  /** quantity - filled. */
  leaves: Decimal;
  /** `leaves` as a number, computed when first asked for (Decimal.toNumber is not free). */
  private leavesCache = Number.NaN;
  price: Decimal | undefined;
  /** Limit price as a number; NaN when none. */
  priceNum: number;
  triggerPrice: Decimal | undefined;
  /** Trigger price as a number; NaN when none (a trailing stop before its first price). */
  triggerNum: number;
  /** Whether the trigger was hit (always true for MARKET and LIMIT orders). */
  triggered: boolean;
  /** Trailing stops: the most favourable price seen since arrival (NaN before the first). */
  extreme = Number.NaN;
  /** Trailing stops: the trigger moved since the last OrderUpdated. */
  triggerMoved = false;
  /** Market data stamped at or before this time is not matched against the order (latency: its arrival). */
  notBefore = Number.NEGATIVE_INFINITY;
  /** Whether the order has met market data (its first match opportunity is behind it). */
  met = false;
  /** Bar matching: the data sequence of the bar this order is still matching on (−1: none). */
  barSeq = -1;
  /** Bar matching: units it may still fill on that bar (participation cap). */
  barCap = 0;
  /** Bar matching: whether that bar is the first market data the order meets. */
  barFirst = false;
  status: OrderStatus = 'ACCEPTED';
  done = false;
  commission: Decimal = ZERO;
  /** Σ price × quantity of the fills so far, kept only while the order is partly filled (fee models that cap by value read it). */
  filledNotional: Decimal = ZERO;
  /**
   * Every fill, in order. Starts as a shared empty array and becomes `[fill]` on the first fill: a
   * closed order keeps it, and an array grown by `push` from empty holds room for 16.
   */
  fills: Fill[] = NO_FILLS;
  expiry: TimerHandle | undefined = undefined;
  /** Latency: the delivery time of the last event queued for this order, and how many are queued. */
  deliverAt = Number.NEGATIVE_INFINITY;
  pending = 0;
  /** Reduce-only: a fill was capped to the position; the remainder is canceled after this event. */
  reduceCapped = false;
  /** Trailing stops: `trailingOffset` as a number, and whether it is a percentage. */
  readonly trailingOffsetNum: number;
  readonly trailingPercent: boolean;
  tsLast: number;

  constructor(
    /** The command, as submitted (modifies update the fields above, not the command). */
    readonly command: SubmitOrder,
    readonly instrument: Instrument,
    readonly venueOrderId: VenueOrderId,
    /** When the order reached the matching engine (submit time plus latency). */
    readonly arrival: number,
    /** The venue's market-event counter at arrival: the order is matched only against later events. */
    readonly arrivalSeq: number,
  ) {
    this.buy = command.side === 'BUY';
    this.orderType = command.orderType;
    this.timeInForce = command.timeInForce;
    this.immediate = command.timeInForce === 'IOC' || command.timeInForce === 'FOK';
    this.fok = command.timeInForce === 'FOK';
    this.trailing = command.orderType === 'TRAILING_STOP_MARKET' || command.orderType === 'TRAILING_STOP_LIMIT';
    this.ifTouched = command.orderType === 'MARKET_IF_TOUCHED' || command.orderType === 'LIMIT_IF_TOUCHED';
    this.triggered = !CONDITIONAL.has(command.orderType);
    this.postOnly = command.postOnly;
    this.reduceOnly = command.reduceOnly;
    this.quantity = command.quantity;
    this.leaves = command.quantity;
    this.price = command.price;
    this.priceNum = command.price === undefined ? Number.NaN : decimalToNumber(command.price);
    this.triggerPrice = command.triggerPrice;
    this.triggerNum = command.triggerPrice === undefined ? Number.NaN : decimalToNumber(command.triggerPrice);
    this.trailingOffsetNum = command.trailingOffset === undefined ? Number.NaN : decimalToNumber(command.trailingOffset);
    this.trailingPercent = command.trailingOffsetType === 'PERCENT';
    this.tsLast = arrival;
  }

  /** The command's ids, read as a {@link ClosedOrder}'s are. */
  get clientOrderId(): ClientOrderId {
    return this.command.clientOrderId;
  }
  get strategyId(): StrategyId {
    return this.command.strategyId;
  }
  get instrumentId(): InstrumentId {
    return this.command.instrumentId;
  }

  /** `leaves` as a number. */
  get leavesNum(): number {
    let n = this.leavesCache;
    if (Number.isNaN(n)) this.leavesCache = n = decimalToNumber(this.leaves);
    return n;
  }

  /** Works as a market order now (MARKET, or a triggered stop-market / MIT / trailing-stop-market). */
  get isMarket(): boolean {
    return this.triggered && this.price === undefined;
  }

  /** Works as a limit order now (LIMIT, or a triggered stop-limit / LIT / trailing-stop-limit). */
  get isLimit(): boolean {
    return this.triggered && this.price !== undefined;
  }

  /** Sets the limit price (modify, or a trailing-stop-limit's price at its trigger). */
  setPrice(price: Decimal | undefined): void {
    this.price = price;
    this.priceNum = price === undefined ? Number.NaN : decimalToNumber(price);
  }

  /** Sets the trigger price (modify, or a trailing stop's ratchet). */
  setTrigger(trigger: Decimal | undefined): void {
    this.triggerPrice = trigger;
    this.triggerNum = trigger === undefined ? Number.NaN : decimalToNumber(trigger);
  }

  /** Sets the order quantity (modify): the remainder follows. */
  setQuantity(quantity: Decimal): void {
    this.quantity = quantity;
    this.leaves = quantity.minus(this.filled);
    this.leavesCache = Number.NaN;
  }

  /** Books a fill's quantity; returns true when the order is now complete. */
  addFilled(quantity: Decimal): boolean {
    if (quantity === this.leaves) {
      // The whole remainder (the common case): no Decimal arithmetic.
      this.filled = this.quantity;
      this.leaves = ZERO;
      this.leavesCache = 0;
      return true;
    }
    this.filled = this.filled.plus(quantity);
    this.leaves = this.quantity.minus(this.filled);
    this.leavesCache = Number.NaN;
    return this.leaves.isZero();
  }
}

/**
 * A price computed in floating point without its binary residue (12 significant digits), still as a
 * number: `roundPrice(instrument, cleanNumber(x))` rounds it to the tick without building the Decimal
 * of the unrounded price.
 *
 * @example
 * ```ts
 * cleanNumber(0.1 + 0.2) // 0.3
 * ```
 */
export function cleanNumber(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * What the venue keeps of an order after it closed (when closed orders are retained): enough for
 * queryOrder, duplicate detection and refusing late cancels, in far less memory than a
 * {@link WorkingOrder} (millions of orders stay cheap for the garbage collector). An order without a
 * limit or trigger price that one fill filled whole is kept as that fill alone (the run keeps the fill
 * anyway), and read back as a record when asked for.
 *
 * @example
 * ```ts
 * const record = new ClosedOrder(order); // after the order filled, was canceled or expired
 * record.done // true
 * ```
 */
export class ClosedOrder {
  readonly done = true;
  /** The ids of the command: the record does not keep the command itself (nor its latency bookkeeping, kept only on working orders). */
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly venueOrderId: VenueOrderId;
  readonly status: OrderStatus;
  readonly quantity: Decimal;
  readonly filled: Decimal;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
  readonly fills: readonly Fill[];
  readonly tsLast: number;

  /** @param from the order, or its one fill when it was kept as that fill (see {@link ClosedOrder.keptAsFill}). */
  constructor(from: WorkingOrder | OrderFilled) {
    if (from instanceof WorkingOrder) {
      const c = from.command;
      this.clientOrderId = c.clientOrderId;
      this.strategyId = c.strategyId;
      this.instrumentId = c.instrumentId;
      this.venueOrderId = from.venueOrderId;
      this.status = from.status;
      this.quantity = from.quantity;
      this.filled = from.filled;
      this.price = from.price;
      this.triggerPrice = from.triggerPrice;
      this.fills = from.fills;
      this.tsLast = from.tsLast;
    } else {
      this.clientOrderId = from.clientOrderId;
      this.strategyId = from.strategyId;
      this.instrumentId = from.instrumentId;
      this.venueOrderId = from.venueOrderId;
      this.status = 'FILLED';
      this.quantity = from.quantity;
      this.filled = from.quantity;
      this.price = undefined;
      this.triggerPrice = undefined;
      this.fills = [from];
      this.tsLast = from.ts;
    }
  }

  /**
   * Whether a closed order can be kept as its one fill: filled whole by it, with no limit or trigger
   * price (everything else a record holds is in the fill).
   */
  static keptAsFill(order: WorkingOrder): boolean {
    const fills = order.fills;
    return order.status === 'FILLED' && fills.length === 1 && order.price === undefined && order.triggerPrice === undefined && fills[0]!.quantity === order.quantity && fills[0]!.ts === order.tsLast;
  }
}
