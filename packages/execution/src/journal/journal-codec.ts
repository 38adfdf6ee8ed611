/**
 * What a journal record holds and how it is written: the typed envelope `{ seq, ts, kind, payload }`,
 * the wire schemas of the order commands (core has wire schemas for order events; commands are added
 * here), and the encoding of a record's body as UTF-8 JSON with every Decimal as its exact string.
 * Decoding a body gives back an equal record: Decimals are Decimals again, digit for digit.
 */
import { z } from 'zod';
import {
  BarSchema,
  ContingencyType,
  DecimalSchema,
  OrderBookDeltaSchema,
  OrderBookSnapshotSchema,
  OrderEventSchema,
  OrderSide,
  OrderType,
  QuoteSchema,
  TimeInForce,
  TradeSchema,
  TrailingOffsetType,
  parseWith,
  type CancelOrder,
  type Decimal,
  type FundingPayment,
  type MarketData,
  type ModifyOrder,
  type OrderCommand,
  type OrderEvent,
  type SubmitOrder,
  type SubmitOrderList,
} from '@rxtrade/core';

/**
 * The kinds of journal record.
 *
 * @example
 * ```ts
 * await journal.append({ ts: clock.now(), kind: JournalRecordKind.ORDER_EVENT, payload: event });
 * ```
 */
export const JournalRecordKind = {
  /** An order command the pipeline emitted (`SubmitOrder`, `CancelOrder`, `ModifyOrder`, `SubmitOrderList`). */
  COMMAND: 'command',
  /** An order event a venue (or the order manager) produced. */
  ORDER_EVENT: 'orderEvent',
  /** Market data, when a session is recorded for re-simulation. */
  MARKET_DATA: 'marketData',
  /** A marker of the node's own life: started, stopped, reconciliation done. */
  MARKER: 'marker',
  /** A funding payment a venue booked on a position (a venue event like a fill: journaled before it is booked). */
  FUNDING: 'funding',
} as const;
export type JournalRecordKind = (typeof JournalRecordKind)[keyof typeof JournalRecordKind];

/**
 * The node started (first record of each run of the node).
 *
 * @example
 * ```ts
 * await journal.append({ ts: clock.now(), kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'node-1' } });
 * ```
 */
export interface NodeStarted {
  readonly type: 'NodeStarted';
  readonly nodeId: string;
}
/**
 * The node stopped cleanly.
 *
 * @example
 * ```ts
 * await journal.append({ ts: clock.now(), kind: 'marker', payload: { type: 'NodeStopped', nodeId: 'node-1', reason: 'SIGTERM' } });
 * ```
 */
export interface NodeStopped {
  readonly type: 'NodeStopped';
  readonly nodeId: string;
  readonly reason: string;
}
/**
 * Reconciliation with the venues finished after a start: from here on, the journal and the venues agree.
 *
 * @example
 * ```ts
 * await journal.append({ ts: clock.now(), kind: 'marker', payload: { type: 'ReconciliationDone', nodeId: 'node-1', ordersChecked: 3, eventsApplied: 1 } });
 * ```
 */
export interface ReconciliationDone {
  readonly type: 'ReconciliationDone';
  readonly nodeId: string;
  /** Orders whose status was checked against a venue. */
  readonly ordersChecked: number;
  /** Venue events the node had missed and applied during reconciliation. */
  readonly eventsApplied: number;
}
/**
 * Reconciliation (`reconciliation: 'adopt'`) took the venues' cash: `amount` (positive: a deposit,
 * negative: a withdrawal) was booked in `currency` so that the node's cash equals what the venues hold.
 * A rebuild books it again from here.
 *
 * @example
 * ```ts
 * await journal.append({ ts: clock.now(), kind: 'marker', payload: { type: 'CashAdjusted', nodeId: 'node-1', currency: 'USD', amount: new Decimal('-12.5'), venues: 'SIM' } });
 * ```
 */
export interface CashAdjusted {
  readonly type: 'CashAdjusted';
  readonly nodeId: string;
  readonly currency: string;
  readonly amount: Decimal;
  /** The venue, or the venues joined by `+`, whose cash was adopted. */
  readonly venues: string;
}
/**
 * A marker of the node's own life.
 *
 * @example
 * ```ts
 * const marker: NodeMarker = { type: 'NodeStarted', nodeId: 'node-1' };
 * ```
 */
export type NodeMarker = NodeStarted | NodeStopped | ReconciliationDone | CashAdjusted;

/**
 * What a caller appends: the envelope without its sequence number, which the journal assigns.
 *
 * @example
 * ```ts
 * const entry: JournalEntry = { ts: clock.now(), kind: 'command', payload: factory.market({ instrumentId, side: 'BUY', quantity: 1 }) };
 * ```
 */
export type JournalEntry =
  | { readonly ts: number; readonly kind: 'command'; readonly payload: OrderCommand }
  | { readonly ts: number; readonly kind: 'orderEvent'; readonly payload: OrderEvent }
  | { readonly ts: number; readonly kind: 'marketData'; readonly payload: MarketData }
  | { readonly ts: number; readonly kind: 'marker'; readonly payload: NodeMarker }
  | { readonly ts: number; readonly kind: 'funding'; readonly payload: FundingPayment };

/**
 * A record as stored and replayed: an entry and its sequence number (1, 2, 3, … without gaps).
 *
 * @example
 * ```ts
 * for await (const r of journal.replay()) if (r.kind === 'orderEvent') orders.apply(r.payload);
 * ```
 */
export type JournalRecord = JournalEntry & { readonly seq: number };

const id = z.string().min(1);
const ts = z.number().int();
const optionalDecimal = DecimalSchema.optional();

/**
 * Wire schema of a `SubmitOrder`: every Decimal as a string (or a Decimal), the shape strict.
 *
 * @example
 * ```ts
 * SubmitOrderWireSchema.parse(JSON.parse(JSON.stringify(order))).quantity; // a Decimal again
 * ```
 */
export const SubmitOrderWireSchema = z.strictObject({
  type: z.literal('SubmitOrder'),
  clientOrderId: id,
  strategyId: id,
  instrumentId: id,
  side: z.enum(OrderSide),
  orderType: z.enum(OrderType),
  quantity: DecimalSchema,
  price: optionalDecimal,
  triggerPrice: optionalDecimal,
  timeInForce: z.enum(TimeInForce),
  expireTime: ts.optional(),
  reduceOnly: z.boolean(),
  postOnly: z.boolean(),
  ts,
  trailingOffset: optionalDecimal,
  trailingOffsetType: z.enum(TrailingOffsetType).optional(),
  limitOffset: optionalDecimal,
  contingencyType: z.enum(ContingencyType).optional(),
  parentOrderId: id.optional(),
  linkedOrderIds: z.array(id).optional(),
});

/**
 * Wire schema of a `SubmitOrderList`.
 *
 * @example
 * ```ts
 * SubmitOrderListWireSchema.safeParse(JSON.parse(JSON.stringify(command))).success; // true
 * ```
 */
export const SubmitOrderListWireSchema = z.strictObject({
  type: z.literal('SubmitOrderList'),
  orderListId: id,
  strategyId: id,
  instrumentId: id,
  orders: z.array(SubmitOrderWireSchema),
  ts,
});

/**
 * Wire schema of a `CancelOrder`.
 *
 * @example
 * ```ts
 * CancelOrderWireSchema.safeParse(JSON.parse(JSON.stringify(command))).success; // true
 * ```
 */
export const CancelOrderWireSchema = z.strictObject({ type: z.literal('CancelOrder'), clientOrderId: id, strategyId: id, instrumentId: id, ts });

/**
 * Wire schema of a `ModifyOrder`.
 *
 * @example
 * ```ts
 * ModifyOrderWireSchema.safeParse(JSON.parse(JSON.stringify(command))).success; // true
 * ```
 */
export const ModifyOrderWireSchema = z.strictObject({
  type: z.literal('ModifyOrder'),
  clientOrderId: id,
  strategyId: id,
  instrumentId: id,
  quantity: optionalDecimal,
  price: optionalDecimal,
  triggerPrice: optionalDecimal,
  ts,
});

/**
 * Wire schema of every order command, discriminated by `type`. It checks the shape and that every
 * Decimal is exact, not whether the order is sensible: a command the order manager will deny is still
 * journaled as it was issued.
 *
 * @example
 * ```ts
 * const command = OrderCommandWireSchema.parse(JSON.parse(text));
 * ```
 */
export const OrderCommandWireSchema = z.discriminatedUnion('type', [SubmitOrderWireSchema, SubmitOrderListWireSchema, CancelOrderWireSchema, ModifyOrderWireSchema]);

/**
 * Wire schema of a node marker.
 *
 * @example
 * ```ts
 * NodeMarkerSchema.parse({ type: 'NodeStopped', nodeId: 'node-1', reason: 'SIGTERM' });
 * ```
 */
export const NodeMarkerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('NodeStarted'), nodeId: id }),
  z.strictObject({ type: z.literal('NodeStopped'), nodeId: id, reason: z.string() }),
  z.strictObject({ type: z.literal('ReconciliationDone'), nodeId: id, ordersChecked: z.number().int().nonnegative(), eventsApplied: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('CashAdjusted'), nodeId: id, currency: z.string().min(1), amount: DecimalSchema, venues: z.string().min(1) }),
]);

/**
 * Wire schema of a `FundingPayment`. A rate the venue did not report (`NaN`) is written as `null` and
 * read back as `NaN`.
 *
 * @example
 * ```ts
 * parseWith(FundingPaymentWireSchema, { type: 'FundingPayment', instrumentId: 'BTCUSDT-PERP.BINANCE', rate: null, positionQuantity: '0', markPrice: '0', amount: '-1.25', currency: 'USDT', ts: 0 });
 * ```
 */
export const FundingPaymentWireSchema = z.strictObject({
  type: z.literal('FundingPayment'),
  instrumentId: id,
  rate: z.union([z.number(), z.nan(), z.null()]),
  positionQuantity: DecimalSchema,
  markPrice: DecimalSchema,
  amount: DecimalSchema,
  currency: z.string().min(1),
  ts,
});

const MarketDataSchema = z.discriminatedUnion('type', [BarSchema, QuoteSchema, TradeSchema, OrderBookSnapshotSchema, OrderBookDeltaSchema]);

/**
 * Wire schema of an entry (a record without its `seq`), discriminated by `kind`.
 *
 * @example
 * ```ts
 * parseWith(JournalEntryWireSchema, JSON.parse(body), 'record');
 * ```
 */
export const JournalEntryWireSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ts, kind: z.literal('command'), payload: OrderCommandWireSchema }),
  z.strictObject({ ts, kind: z.literal('orderEvent'), payload: OrderEventSchema }),
  z.strictObject({ ts, kind: z.literal('marketData'), payload: MarketDataSchema }),
  z.strictObject({ ts, kind: z.literal('marker'), payload: NodeMarkerSchema }),
  z.strictObject({ ts, kind: z.literal('funding'), payload: FundingPaymentWireSchema }),
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks an entry and encodes it as the UTF-8 JSON body of a frame; a bad field fails with a
 * `ValidationError` naming it (`entry.payload.quantity: …`), so nothing that cannot be read back is
 * ever written.
 *
 * @example
 * ```ts
 * const body = encodeJournalEntry({ ts: 0, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'n1' } });
 * ```
 */
export function encodeJournalEntry(entry: JournalEntry): Uint8Array {
  return encoder.encode(journalEntryJson(entry));
}

/**
 * Checks an entry like {@link encodeJournalEntry} and returns its JSON text, for a writer that encodes
 * it as UTF-8 into a buffer of its own (no buffer per record).
 *
 * @example
 * ```ts
 * const json = journalEntryJson({ ts: 0, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'n1' } });
 * const bytes = Buffer.byteLength(json);
 * ```
 */
export function journalEntryJson(entry: JournalEntry): string {
  parseWith(JournalEntryWireSchema, entry, 'entry');
  return JSON.stringify(entry);
}

/**
 * Decodes a frame body back into the record with sequence number `seq`. Throws a `ValidationError`
 * naming the field when the body is not a valid entry (the journal reports it with its file and offset).
 *
 * @example
 * ```ts
 * const record = decodeJournalRecord(1, encodeJournalEntry(entry)); // deep-equal to { seq: 1, ...entry }
 * ```
 */
export function decodeJournalRecord(seq: number, body: Uint8Array): JournalRecord {
  const parsed = parseWith(JournalEntryWireSchema, JSON.parse(decoder.decode(body)) as unknown, 'record');
  switch (parsed.kind) {
    case 'command':
      return { seq, ts: parsed.ts, kind: 'command', payload: commandFromWire(parsed.payload) };
    case 'orderEvent': {
      const e = parsed.payload;
      const payload = e.type === 'OrderUpdated' ? { ...e, price: e.price, triggerPrice: e.triggerPrice } : e;
      return { seq, ts: parsed.ts, kind: 'orderEvent', payload: payload as unknown as OrderEvent };
    }
    case 'marketData':
      return { seq, ts: parsed.ts, kind: 'marketData', payload: parsed.payload as MarketData };
    case 'marker':
      return { seq, ts: parsed.ts, kind: 'marker', payload: parsed.payload };
    case 'funding': {
      const f = parsed.payload;
      return { seq, ts: parsed.ts, kind: 'funding', payload: { ...f, rate: f.rate ?? NaN } as FundingPayment };
    }
  }
}

type CommandWire = z.output<typeof OrderCommandWireSchema>;

/** Restores the keys a command declares as `T | undefined` (JSON drops undefined values). */
function commandFromWire(c: CommandWire): OrderCommand {
  switch (c.type) {
    case 'SubmitOrder':
      return submitFromWire(c);
    case 'SubmitOrderList':
      return { ...c, orders: c.orders.map(submitFromWire) } as unknown as SubmitOrderList;
    case 'CancelOrder':
      return c as unknown as CancelOrder;
    case 'ModifyOrder':
      return { ...c, quantity: c.quantity, price: c.price, triggerPrice: c.triggerPrice } as unknown as ModifyOrder;
  }
}

function submitFromWire(o: z.output<typeof SubmitOrderWireSchema>): SubmitOrder {
  return { ...o, price: o.price, triggerPrice: o.triggerPrice, expireTime: o.expireTime } as unknown as SubmitOrder;
}
