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
} as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

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
  /** Limit price (LIMIT, STOP_LIMIT). */
  readonly price: Decimal | undefined;
  /** Trigger price (STOP_MARKET, STOP_LIMIT). */
  readonly triggerPrice: Decimal | undefined;
  readonly timeInForce: TimeInForce;
  /** Expiry for GTD orders, epoch ms. */
  readonly expireTime: number | undefined;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
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
export type OrderCommand = SubmitOrder | CancelOrder | ModifyOrder;

const decimal = z.instanceof(Decimal as unknown as new (...args: never[]) => Decimal, { message: 'must be a Decimal' });
const positive = decimal.refine((d) => d.isFinite() && d.gt(0), { message: 'must be a finite Decimal > 0' });
const optionalPositive = positive.optional();

/** Schema of {@link SubmitOrder}: required prices per order type, positive quantities. */
export const SubmitOrderSchema = z
  .object({
    type: z.literal('SubmitOrder'),
    clientOrderId: z.string().min(1),
    strategyId: z.string().min(1),
    instrumentId: z.string().min(1),
    side: z.enum(['BUY', 'SELL']),
    orderType: z.enum(['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT']),
    quantity: positive,
    price: optionalPositive,
    triggerPrice: optionalPositive,
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTD', 'DAY']),
    expireTime: z.number().int().optional(),
    reduceOnly: z.boolean(),
    postOnly: z.boolean(),
    ts: z.number().int(),
  })
  .superRefine((o, ctx) => {
    if ((o.orderType === 'LIMIT' || o.orderType === 'STOP_LIMIT') && o.price === undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: `is required for ${o.orderType} orders` });
    if (o.orderType === 'MARKET' && o.price !== undefined)
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'must not be set on MARKET orders' });
    if ((o.orderType === 'STOP_MARKET' || o.orderType === 'STOP_LIMIT') && o.triggerPrice === undefined)
      ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `is required for ${o.orderType} orders` });
    if (o.timeInForce === 'GTD' && o.expireTime === undefined)
      ctx.addIssue({ code: 'custom', path: ['expireTime'], message: 'is required for GTD orders' });
    if (o.postOnly && o.orderType !== 'LIMIT')
      ctx.addIssue({ code: 'custom', path: ['postOnly'], message: 'is only valid on LIMIT orders' });
  });

/** Schema of {@link CancelOrder}. */
export const CancelOrderSchema = z.object({
  type: z.literal('CancelOrder'),
  clientOrderId: z.string().min(1),
  strategyId: z.string().min(1),
  instrumentId: z.string().min(1),
  ts: z.number().int(),
});

/** Schema of {@link ModifyOrder}: at least one of quantity, price, triggerPrice. */
export const ModifyOrderSchema = z
  .object({
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
