/**
 * Market data. These are plain numbers (the hot path) and are validated once, at the edge (file
 * loaders, connectors), with the schemas here. Create bars with their fields in this order so that V8
 * gives every bar one shape.
 */
import { z } from 'zod';
import type { InstrumentId } from './ids';

/** An OHLCV bar. `ts` is the bar's open time in epoch milliseconds UTC. */
export interface Bar {
  readonly type: 'Bar';
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Top of book. */
export interface Quote {
  readonly type: 'Quote';
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidSize: number;
  readonly askSize: number;
}

/** Aggressor side of a trade print. */
export const AggressorSide = { BUYER: 'BUYER', SELLER: 'SELLER', NONE: 'NONE' } as const;
export type AggressorSide = (typeof AggressorSide)[keyof typeof AggressorSide];

/** One trade print. */
export interface Trade {
  readonly type: 'Trade';
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  readonly aggressor: AggressorSide;
  readonly tradeId: string;
}

/** One price level of a book: price and total size. */
export interface BookLevel {
  readonly price: number;
  readonly size: number;
}

/** A full L2 order book. Bids are sorted best (highest) first, asks best (lowest) first. */
export interface OrderBookSnapshot {
  readonly type: 'OrderBookSnapshot';
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly sequence: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** Changes to an L2 book: a level whose size is 0 is removed. */
export interface OrderBookDelta {
  readonly type: 'OrderBookDelta';
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  readonly sequence: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** Any market data event. */
export type MarketData = Bar | Quote | Trade | OrderBookSnapshot | OrderBookDelta;

const finite = z.number();
const price = z.number().positive();
const size = z.number().nonnegative();
const ts = z.number().int().nonnegative();
const id = z.string().min(1);

/**
 * The first inconsistency in a bar's prices, or undefined when the bar is sound: every price finite and
 * positive, volume finite and non-negative, low <= open, close <= high.
 */
export function barIssue(bar: Pick<Bar, 'open' | 'high' | 'low' | 'close' | 'volume'>): { field: 'open' | 'high' | 'low' | 'close' | 'volume'; message: string } | undefined {
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    const v = bar[field];
    if (!Number.isFinite(v)) return { field, message: `${field} must be a finite number, got ${v}` };
    if (v <= 0) return { field, message: `${field} must be positive, got ${v}` };
  }
  if (!Number.isFinite(bar.volume) || bar.volume < 0) return { field: 'volume', message: `volume must be a finite number >= 0, got ${bar.volume}` };
  if (bar.high < bar.low) return { field: 'high', message: `high (${bar.high}) is below low (${bar.low})` };
  if (bar.open > bar.high || bar.open < bar.low) return { field: 'open', message: `open (${bar.open}) is outside [low ${bar.low}, high ${bar.high}]` };
  if (bar.close > bar.high || bar.close < bar.low) return { field: 'close', message: `close (${bar.close}) is outside [low ${bar.low}, high ${bar.high}]` };
  return undefined;
}

/** Schema of a {@link Bar}; refines the price relations with {@link barIssue}. */
export const BarSchema = z
  .object({ type: z.literal('Bar'), instrumentId: id, ts, open: finite, high: finite, low: finite, close: finite, volume: finite })
  .superRefine((b, ctx) => {
    const issue = barIssue(b);
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
  });

/** Schema of a {@link Quote}; refines that bid <= ask. */
export const QuoteSchema = z
  .object({ type: z.literal('Quote'), instrumentId: id, ts, bid: price, ask: price, bidSize: size, askSize: size })
  .superRefine((q, ctx) => {
    if (q.bid > q.ask) ctx.addIssue({ code: 'custom', path: ['bid'], message: `bid (${q.bid}) is above ask (${q.ask})` });
  });

/** Schema of a {@link Trade}. */
export const TradeSchema = z.object({
  type: z.literal('Trade'),
  instrumentId: id,
  ts,
  price,
  size: z.number().positive(),
  aggressor: z.enum(['BUYER', 'SELLER', 'NONE']),
  tradeId: z.string(),
});

const level = z.object({ price, size });
/** Schema of an {@link OrderBookSnapshot}; refines the level ordering and a non-crossed book. */
export const OrderBookSnapshotSchema = z
  .object({ type: z.literal('OrderBookSnapshot'), instrumentId: id, ts, sequence: z.number().int(), bids: z.array(level), asks: z.array(level) })
  .superRefine((b, ctx) => {
    for (let i = 1; i < b.bids.length; i++)
      if (b.bids[i]!.price >= b.bids[i - 1]!.price) ctx.addIssue({ code: 'custom', path: ['bids', i, 'price'], message: 'bids must be sorted by descending price' });
    for (let i = 1; i < b.asks.length; i++)
      if (b.asks[i]!.price <= b.asks[i - 1]!.price) ctx.addIssue({ code: 'custom', path: ['asks', i, 'price'], message: 'asks must be sorted by ascending price' });
    const bestBid = b.bids[0];
    const bestAsk = b.asks[0];
    if (bestBid && bestAsk && bestBid.price >= bestAsk.price)
      ctx.addIssue({ code: 'custom', path: ['bids', 0, 'price'], message: `book is crossed: best bid ${bestBid.price} >= best ask ${bestAsk.price}` });
  });

/** Schema of an {@link OrderBookDelta}. */
export const OrderBookDeltaSchema = z.object({
  type: z.literal('OrderBookDelta'),
  instrumentId: id,
  ts,
  sequence: z.number().int(),
  bids: z.array(z.object({ price, size: finite.nonnegative() })),
  asks: z.array(z.object({ price, size: finite.nonnegative() })),
});
