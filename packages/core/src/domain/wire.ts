/**
 * zod schemas of fills, order events, positions and balances as they travel: Decimals are written as
 * strings on the wire (decimal.js serialises itself that way) and parsed back into exact Decimals.
 * Parsing a JSON copy of an event with these schemas gives back an equal event.
 */
import { z } from 'zod';
import { Decimal } from '../decimal';
import { parseWith } from '../validation';
import type { Balance, OrderEvent, Position } from './events';

/** A Decimal, or its string form on the wire (a JSON number is refused: it may already be rounded). */
export const DecimalSchema = z.union([z.instanceof(Decimal as unknown as new (...a: never[]) => Decimal), z.string()]).transform((v, ctx) => {
  if (v instanceof Decimal) return v;
  try {
    const d = new Decimal(v);
    if (d.isFinite()) return d;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `must be a decimal string, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

const id = z.string().min(1);
const ts = z.number().int();
const base = { clientOrderId: id, strategyId: id, instrumentId: id, ts, tsInit: ts };
const optionalDecimal = DecimalSchema.optional();

/** Schema of a {@link Fill} plus the `OrderFilled` envelope. */
export const OrderFilledSchema = z.object({
  type: z.literal('OrderFilled'),
  ...base,
  tradeId: id,
  venueOrderId: id,
  side: z.enum(['BUY', 'SELL']),
  quantity: DecimalSchema,
  price: DecimalSchema,
  commission: DecimalSchema,
  commissionCurrency: z.string().min(1),
  liquiditySide: z.enum(['MAKER', 'TAKER']),
});

/** Schema of every order event, discriminated by `type`. */
export const OrderEventSchema = z.discriminatedUnion('type', [
  OrderFilledSchema,
  z.object({ type: z.literal('OrderDenied'), ...base, reason: z.string() }),
  z.object({ type: z.literal('OrderSubmitted'), ...base }),
  z.object({ type: z.literal('OrderAccepted'), ...base, venueOrderId: id }),
  z.object({ type: z.literal('OrderRejected'), ...base, reason: z.string() }),
  z.object({ type: z.literal('OrderTriggered'), ...base }),
  z.object({ type: z.literal('OrderPendingCancel'), ...base }),
  z.object({ type: z.literal('OrderPendingUpdate'), ...base }),
  z.object({ type: z.literal('OrderUpdated'), ...base, quantity: DecimalSchema, price: optionalDecimal, triggerPrice: optionalDecimal }),
  z.object({ type: z.literal('OrderCancelRejected'), ...base, reason: z.string() }),
  z.object({ type: z.literal('OrderModifyRejected'), ...base, reason: z.string() }),
  z.object({ type: z.literal('OrderCanceled'), ...base }),
  z.object({ type: z.literal('OrderExpired'), ...base }),
]);

/** Schema of a {@link Position}. */
export const PositionSchema = z.object({
  instrumentId: id,
  quantity: DecimalSchema,
  avgPrice: DecimalSchema,
  realizedPnl: DecimalSchema,
  unrealizedPnl: DecimalSchema,
  ts,
});

/** Schema of a {@link Balance}. */
export const BalanceSchema = z.object({ currency: z.string().min(1), total: DecimalSchema, free: DecimalSchema, locked: DecimalSchema });

/**
 * Parses an order event from its wire form (Decimals as strings) back into an {@link OrderEvent};
 * a bad field fails with a `ValidationError` naming it.
 *
 * @example
 * ```ts
 * const event = parseOrderEvent(JSON.parse(JSON.stringify(fill))); // fill.price is a Decimal again
 * ```
 */
export function parseOrderEvent(input: unknown): OrderEvent {
  return parseWith(OrderEventSchema, input, 'event') as unknown as OrderEvent;
}

/** Parses a {@link Position} from its wire form. */
export function parsePosition(input: unknown): Position {
  return parseWith(PositionSchema, input, 'position') as unknown as Position;
}

/** Parses a {@link Balance} from its wire form. */
export function parseBalance(input: unknown): Balance {
  return parseWith(BalanceSchema, input, 'balance') as Balance;
}
