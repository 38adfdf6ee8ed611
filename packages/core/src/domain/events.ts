/**
 * Order events (past tense), fills, positions and balances. Every event carries `ts` (when it happened
 * at the venue or in the market) and `tsInit` (when the SDK saw it, from the clock).
 */
import type { Decimal } from '../decimal';
import type { ClientOrderId, InstrumentId, StrategyId, TradeId, VenueOrderId } from './ids';
import type { OrderSide, OrderType, TimeInForce } from './orders';

/** Statuses of an order's life cycle. The transition table in `@rxtrade/execution` is the source of truth. */
export const OrderStatus = {
  INITIALIZED: 'INITIALIZED',
  DENIED: 'DENIED',
  SUBMITTED: 'SUBMITTED',
  ACCEPTED: 'ACCEPTED',
  REJECTED: 'REJECTED',
  TRIGGERED: 'TRIGGERED',
  PENDING_UPDATE: 'PENDING_UPDATE',
  PENDING_CANCEL: 'PENDING_CANCEL',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  EXPIRED: 'EXPIRED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** Whether a fill added liquidity (maker) or took it (taker). */
export const LiquiditySide = { MAKER: 'MAKER', TAKER: 'TAKER' } as const;
export type LiquiditySide = (typeof LiquiditySide)[keyof typeof LiquiditySide];

interface OrderEventBase {
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly tsInit: number;
}

/** The order was denied before leaving the SDK (risk gate or validation). Terminal. */
export interface OrderDenied extends OrderEventBase {
  readonly type: 'OrderDenied';
  readonly reason: string;
}
/** The order was sent to the venue. */
export interface OrderSubmitted extends OrderEventBase {
  readonly type: 'OrderSubmitted';
}
/** The venue accepted the order and gave it an id. */
export interface OrderAccepted extends OrderEventBase {
  readonly type: 'OrderAccepted';
  readonly venueOrderId: VenueOrderId;
}
/** The venue rejected the order. Terminal. */
export interface OrderRejected extends OrderEventBase {
  readonly type: 'OrderRejected';
  readonly reason: string;
}
/** A stop order's trigger was hit. */
export interface OrderTriggered extends OrderEventBase {
  readonly type: 'OrderTriggered';
}
/** A cancel was requested and is awaiting the venue. */
export interface OrderPendingCancel extends OrderEventBase {
  readonly type: 'OrderPendingCancel';
}
/** A modify was requested and is awaiting the venue. */
export interface OrderPendingUpdate extends OrderEventBase {
  readonly type: 'OrderPendingUpdate';
}
/** The venue applied a modify. */
export interface OrderUpdated extends OrderEventBase {
  readonly type: 'OrderUpdated';
  readonly quantity: Decimal;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
}
/** The venue refused a cancel; the order keeps working. */
export interface OrderCancelRejected extends OrderEventBase {
  readonly type: 'OrderCancelRejected';
  readonly reason: string;
}
/** The venue refused a modify; the order keeps working unchanged. */
export interface OrderModifyRejected extends OrderEventBase {
  readonly type: 'OrderModifyRejected';
  readonly reason: string;
}
/** The order was canceled. Terminal. */
export interface OrderCanceled extends OrderEventBase {
  readonly type: 'OrderCanceled';
}
/** The order expired (time in force). Terminal. */
export interface OrderExpired extends OrderEventBase {
  readonly type: 'OrderExpired';
}

/** One execution: part or all of an order. */
export interface Fill {
  readonly tradeId: TradeId;
  readonly clientOrderId: ClientOrderId;
  readonly venueOrderId: VenueOrderId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  /** Quantity of this fill (positive). */
  readonly quantity: Decimal;
  /** Price of this fill, rounded to the tick. */
  readonly price: Decimal;
  /** Fee charged for this fill (positive = paid). */
  readonly commission: Decimal;
  readonly commissionCurrency: string;
  readonly liquiditySide: LiquiditySide;
  readonly ts: number;
}

/** The order was filled, partly or wholly, by one {@link Fill}. */
export interface OrderFilled extends Fill {
  readonly type: 'OrderFilled';
  readonly strategyId: StrategyId;
  readonly tsInit: number;
}

/** Any order event. */
export type OrderEvent =
  | OrderDenied
  | OrderSubmitted
  | OrderAccepted
  | OrderRejected
  | OrderTriggered
  | OrderPendingCancel
  | OrderPendingUpdate
  | OrderUpdated
  | OrderCancelRejected
  | OrderModifyRejected
  | OrderCanceled
  | OrderExpired
  | OrderFilled;

/** The `type` of every order event. */
export type OrderEventType = OrderEvent['type'];

/** A read-only view of an order, as the order manager knows it. */
export interface OrderView {
  readonly clientOrderId: ClientOrderId;
  readonly venueOrderId: VenueOrderId | undefined;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
  /** Quantity-weighted average fill price; undefined before the first fill. */
  readonly avgFillPrice: Decimal | undefined;
  readonly status: OrderStatus;
  readonly isOpen: boolean;
  readonly tsCreated: number;
  readonly tsLast: number;
}

/** A position in one instrument: signed quantity (negative = short) at an average cost. */
export interface Position {
  readonly instrumentId: InstrumentId;
  readonly quantity: Decimal;
  readonly avgPrice: Decimal;
  readonly realizedPnl: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly ts: number;
}

/**
 * A perpetual-futures funding payment booked by a venue at a funding time: `amount` is received
 * (negative: paid) in `currency`. Longs pay shorts when `rate` is positive.
 */
export interface FundingPayment {
  readonly type: 'FundingPayment';
  readonly instrumentId: InstrumentId;
  /** Funding rate of the interval (0.0001 = 1 bp). */
  readonly rate: number;
  /** Signed position the payment was computed on. */
  readonly positionQuantity: Decimal;
  /** Mark price the payment was computed at. */
  readonly markPrice: Decimal;
  /** Received (positive) or paid (negative). */
  readonly amount: Decimal;
  readonly currency: string;
  readonly ts: number;
}

/**
 * What a venue knows about one order, for reconciliation after a timeout or a restart: its status,
 * quantities and every fill (so fills the SDK missed can be applied once, by trade id).
 */
export interface OrderStatusReport {
  readonly clientOrderId: ClientOrderId;
  readonly venueOrderId: VenueOrderId;
  readonly instrumentId: InstrumentId;
  readonly status: OrderStatus;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
  readonly fills: readonly Fill[];
  /** Why the order was rejected or canceled by the venue, when it says. */
  readonly reason?: string | undefined;
  readonly ts: number;
}

/** Cash in one currency. `free` = `total` - `locked`. */
export interface Balance {
  readonly currency: string;
  readonly total: Decimal;
  readonly free: Decimal;
  readonly locked: Decimal;
}
