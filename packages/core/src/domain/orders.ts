/**
 * Order commands (imperative) and the vocabulary they use. Prices and quantities are `Decimal`,
 * already rounded to the instrument's tick and lot size: build commands with `OrderFactory`.
 */
import { z } from 'zod';
import { Decimal } from '../decimal';
import type { ClientOrderId, InstrumentId, StrategyId } from './ids';

/** Side of an order or fill. */
export const OrderSide = { BUY: 'BUY', SELL: 'SELL' } as const;
export type OrderSide = (typeof OrderSide)[keyof typeof OrderSide];

/** Order types. A venue declares which it supports in its capability map. */
export const OrderType = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_MARKET: 'STOP_MARKET',
  STOP_LIMIT: 'STOP_LIMIT',
  /** A stop-market order whose trigger follows the market at `trailingOffset` (by price or percent). */
  TRAILING_STOP_MARKET: 'TRAILING_STOP_MARKET',
  /** A trailing stop that becomes a limit order `limitOffset` beyond its trigger when triggered. */
  TRAILING_STOP_LIMIT: 'TRAILING_STOP_LIMIT',
  /** Becomes a market order when the market touches `triggerPrice` from the favourable side (a BUY below it, a SELL above it). */
  MARKET_IF_TOUCHED: 'MARKET_IF_TOUCHED',
  /** Becomes a limit order at `price` when the market touches `triggerPrice` (same direction as MARKET_IF_TOUCHED). */
  LIMIT_IF_TOUCHED: 'LIMIT_IF_TOUCHED',
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

/**
 * How a trailing stop's `trailingOffset` (and `limitOffset`) is expressed.
 *
 * @example
 * ```ts
 * ctx.orderFactory.trailingStopMarket({ instrumentId, side: 'SELL', quantity: 10, trailingOffset: 1.5, trailingOffsetType: TrailingOffsetType.PERCENT });
 * ```
 */
export const TrailingOffsetType = {
  /** An absolute price distance, in the quote currency. */
  PRICE: 'PRICE',
  /** A percentage of the reference price: 1.5 means 1.5%. */
  PERCENT: 'PERCENT',
} as const;
export type TrailingOffsetType = (typeof TrailingOffsetType)[keyof typeof TrailingOffsetType];

/**
 * How orders of one list depend on each other (NautilusTrader's contingency types).
 * - OTO (one-triggers-other): the children (`parentOrderId` set) are held until the parent fills, then
 *   released for the quantity the parent filled.
 * - OCO (one-cancels-other): when one order of the group fills (even partly), the others are canceled.
 * - OUO (one-updates-other): when one fills partly, the others' quantities shrink by the filled amount;
 *   when one is done, the others are canceled. Brackets link their take-profit and stop-loss this way.
 *
 * @example
 * ```ts
 * const list = ctx.orderFactory.bracket({ instrumentId, side: 'BUY', quantity: 100, takeProfit: 110, stopLoss: 95 });
 * list.orders.map((o) => o.contingencyType); // ['OTO', 'OUO', 'OUO']
 * ```
 */
export const ContingencyType = { OTO: 'OTO', OCO: 'OCO', OUO: 'OUO' } as const;
export type ContingencyType = (typeof ContingencyType)[keyof typeof ContingencyType];

/**
 * Order types that need a `price` (limit price).
 *
 * @example
 * ```ts
 * PRICED_ORDER_TYPES.includes('LIMIT_IF_TOUCHED') // true
 * ```
 */
export const PRICED_ORDER_TYPES: readonly OrderType[] = Object.freeze(['LIMIT', 'STOP_LIMIT', 'LIMIT_IF_TOUCHED'] as const);
/**
 * Order types that need a `triggerPrice` (trailing stops may omit it: the first market price sets it).
 *
 * @example
 * ```ts
 * TRIGGERED_ORDER_TYPES.includes('MARKET_IF_TOUCHED') // true
 * ```
 */
export const TRIGGERED_ORDER_TYPES: readonly OrderType[] = Object.freeze(['STOP_MARKET', 'STOP_LIMIT', 'MARKET_IF_TOUCHED', 'LIMIT_IF_TOUCHED'] as const);

/** Time in force. */
export const TimeInForce = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTD: 'GTD', DAY: 'DAY' } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/** Submit a new order. */
export interface SubmitOrder {
  readonly type: 'SubmitOrder';
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  /** Positive quantity, a multiple of the lot size. */
  readonly quantity: Decimal;
  /** Limit price (LIMIT, STOP_LIMIT, LIMIT_IF_TOUCHED). */
  readonly price: Decimal | undefined;
  /** Trigger price (STOP_MARKET, STOP_LIMIT, MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED; the initial trigger of a trailing stop). */
  readonly triggerPrice: Decimal | undefined;
  readonly timeInForce: TimeInForce;
  /** Expiry for GTD orders, epoch ms. */
  readonly expireTime: number | undefined;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly ts: number;
  /** Trailing stops: distance of the trigger from the best price seen since submission. */
  readonly trailingOffset?: Decimal | undefined;
  /** Trailing stops: how `trailingOffset` and `limitOffset` are expressed (default PRICE). */
  readonly trailingOffsetType?: TrailingOffsetType | undefined;
  /** TRAILING_STOP_LIMIT: the limit price's distance beyond the trigger (less favourable side). */
  readonly limitOffset?: Decimal | undefined;
  /** Contingent orders: how this order depends on the others of its list. */
  readonly contingencyType?: ContingencyType | undefined;
  /** OTO children: the order whose fills release this one. */
  readonly parentOrderId?: ClientOrderId | undefined;
  /** OCO / OUO: the other orders of the group. */
  readonly linkedOrderIds?: readonly ClientOrderId[] | undefined;
}

/**
 * Submit several linked orders at once (a bracket, an OCO pair): the order manager validates the whole
 * list first and denies every order of it when one is invalid, so nothing is half-applied.
 */
export interface SubmitOrderList {
  readonly type: 'SubmitOrderList';
  readonly orderListId: string;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly orders: readonly SubmitOrder[];
  readonly ts: number;
}

/** Cancel a working order. */
export interface CancelOrder {
  readonly type: 'CancelOrder';
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly ts: number;
}

/** Change the quantity or prices of a working order. */
export interface ModifyOrder {
  readonly type: 'ModifyOrder';
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly quantity: Decimal | undefined;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
  readonly ts: number;
}

/** Any order command a pipeline emits. */
export type OrderCommand = SubmitOrder | SubmitOrderList | CancelOrder | ModifyOrder;

const decimal = z.instanceof(Decimal as unknown as new (...args: never[]) => Decimal, { message: 'must be a Decimal' });
const positive = decimal.refine((d) => d.isFinite() && d.gt(0), { message: 'must be a finite Decimal > 0' });
const optionalPositive = positive.optional();

/** Schema of {@link SubmitOrder}: required prices per order type, positive quantities. */
export const SubmitOrderSchema = z
  .strictObject({
    type: z.literal('SubmitOrder'),
    clientOrderId: z.string().min(1),
    strategyId: z.string().min(1),
    instrumentId: z.string().min(1),
    side: z.enum(['BUY', 'SELL']),
    orderType: z.enum(['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT', 'TRAILING_STOP_MARKET', 'TRAILING_STOP_LIMIT', 'MARKET_IF_TOUCHED', 'LIMIT_IF_TOUCHED']),
    quantity: positive,
    price: optionalPositive,
    triggerPrice: optionalPositive,
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTD', 'DAY']),
    expireTime: z.number().int().optional(),
    reduceOnly: z.boolean(),
    postOnly: z.boolean(),
    ts: z.number().int(),
    trailingOffset: optionalPositive,
    trailingOffsetType: z.enum(['PRICE', 'PERCENT']).optional(),
    limitOffset: decimal.refine((d) => d.isFinite() && d.gte(0), { message: 'must be a finite Decimal >= 0' }).optional(),
    contingencyType: z.enum(['OTO', 'OCO', 'OUO']).optional(),
    parentOrderId: z.string().min(1).optional(),
    linkedOrderIds: z.array(z.string().min(1)).optional(),
  })
  .superRefine((o, ctx) => {
    if (PRICED_ORDER_TYPES.includes(o.orderType) && o.price === undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: `is required for ${o.orderType} orders` });
    if (!PRICED_ORDER_TYPES.includes(o.orderType) && o.price !== undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: `must not be set on ${o.orderType} orders` });
    if (TRIGGERED_ORDER_TYPES.includes(o.orderType) && o.triggerPrice === undefined)
      ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `is required for ${o.orderType} orders` });
    const trailing = o.orderType === 'TRAILING_STOP_MARKET' || o.orderType === 'TRAILING_STOP_LIMIT';
    if (trailing && o.trailingOffset === undefined)
      ctx.addIssue({ code: 'custom', path: ['trailingOffset'], message: `is required for ${o.orderType} orders` });
    if (!trailing && o.trailingOffset !== undefined)
      ctx.addIssue({ code: 'custom', path: ['trailingOffset'], message: `must not be set on ${o.orderType} orders` });
    if (o.orderType === 'TRAILING_STOP_LIMIT' && o.limitOffset === undefined)
      ctx.addIssue({ code: 'custom', path: ['limitOffset'], message: 'is required for TRAILING_STOP_LIMIT orders' });
    if (o.trailingOffsetType === 'PERCENT' && o.trailingOffset !== undefined && o.trailingOffset.gte(100))
      ctx.addIssue({ code: 'custom', path: ['trailingOffset'], message: 'must be below 100 (percent)' });
    if (o.parentOrderId !== undefined && o.parentOrderId === o.clientOrderId)
      ctx.addIssue({ code: 'custom', path: ['parentOrderId'], message: 'must not be the order itself' });
    if (o.linkedOrderIds?.includes(o.clientOrderId) === true)
      ctx.addIssue({ code: 'custom', path: ['linkedOrderIds'], message: 'must not contain the order itself' });
    if ((o.contingencyType === 'OCO' || o.contingencyType === 'OUO') && (o.linkedOrderIds === undefined || o.linkedOrderIds.length === 0))
      ctx.addIssue({ code: 'custom', path: ['linkedOrderIds'], message: `is required for ${o.contingencyType} orders` });
    if (o.timeInForce === 'GTD' && o.expireTime === undefined)
      ctx.addIssue({ code: 'custom', path: ['expireTime'], message: 'is required for GTD orders' });
    if (o.postOnly && o.orderType !== 'LIMIT')
      ctx.addIssue({ code: 'custom', path: ['postOnly'], message: 'is only valid on LIMIT orders' });
  });

/**
 * Schema of {@link SubmitOrderList}'s envelope (each order is checked with {@link SubmitOrderSchema}).
 *
 * @example
 * ```ts
 * SubmitOrderListSchema.safeParse(ctx.orderFactory.bracket({ instrumentId, side: 'BUY', quantity: 1, takeProfit: 110, stopLoss: 95 })).success // true
 * ```
 */
export const SubmitOrderListSchema = z
  .strictObject({
    type: z.literal('SubmitOrderList'),
    orderListId: z.string().min(1),
    strategyId: z.string().min(1),
    instrumentId: z.string().min(1),
    // Each order is checked on its own with SubmitOrderSchema; here only its id (no copy of the order).
    orders: z
      .array(
        z.custom<{ clientOrderId: string }>(
          (v) => typeof v === 'object' && v !== null && typeof (v as { clientOrderId?: unknown }).clientOrderId === 'string' && (v as { clientOrderId: string }).clientOrderId.length > 0,
          'must be a SubmitOrder with a clientOrderId',
        ),
      )
      .min(1),
    ts: z.number().int(),
  })
  .superRefine((l, ctx) => {
    const seen = new Set<string>();
    l.orders.forEach((o, i) => {
      if (seen.has(o.clientOrderId)) ctx.addIssue({ code: 'custom', path: ['orders', i, 'clientOrderId'], message: `duplicate ${o.clientOrderId} in the list` });
      seen.add(o.clientOrderId);
    });
  });

/** Schema of {@link CancelOrder}. */
export const CancelOrderSchema = z.strictObject({
  type: z.literal('CancelOrder'),
  clientOrderId: z.string().min(1),
  strategyId: z.string().min(1),
  instrumentId: z.string().min(1),
  ts: z.number().int(),
});

/** Schema of {@link ModifyOrder}: at least one of quantity, price, triggerPrice. */
export const ModifyOrderSchema = z
  .strictObject({
    type: z.literal('ModifyOrder'),
    clientOrderId: z.string().min(1),
    strategyId: z.string().min(1),
    instrumentId: z.string().min(1),
    quantity: optionalPositive,
    price: optionalPositive,
    triggerPrice: optionalPositive,
    ts: z.number().int(),
  })
  .refine((m) => m.quantity !== undefined || m.price !== undefined || m.triggerPrice !== undefined, {
    message: 'must change at least one of quantity, price, triggerPrice',
    path: ['quantity'],
  });
