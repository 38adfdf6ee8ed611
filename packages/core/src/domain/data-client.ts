/**
 * The market-data half of a venue adapter (NautilusTrader's data client): subscriptions to bars,
 * trades, quotes and book updates per instrument, history requests and the connection status.
 */
import type { Observable } from 'rxjs';
import type { InstrumentId } from './ids';
import type { Bar, MarketData } from './market-data';
import type { ConnectionStatus } from './venue';

/**
 * The kinds of market data a client can be subscribed to; `BOOKS` covers snapshots and deltas.
 *
 * @example
 * ```ts
 * client.subscribe({ kind: MarketDataKind.QUOTES, instrumentId: btc.id });
 * ```
 */
export const MarketDataKind = {
  BARS: 'BARS',
  TRADES: 'TRADES',
  QUOTES: 'QUOTES',
  BOOKS: 'BOOKS',
} as const;
export type MarketDataKind = (typeof MarketDataKind)[keyof typeof MarketDataKind];

/**
 * One subscription: a kind of market data for one instrument.
 *
 * @example
 * ```ts
 * const sub: DataSubscription = { kind: 'BARS', instrumentId: goog.id };
 * ```
 */
export interface DataSubscription {
  readonly kind: MarketDataKind;
  readonly instrumentId: InstrumentId;
}

/**
 * The kind of market data an event is.
 *
 * @example
 * ```ts
 * marketDataKind(bar); // 'BARS'
 * ```
 */
export function marketDataKind(event: MarketData): MarketDataKind {
  switch (event.type) {
    case 'Bar':
      return MarketDataKind.BARS;
    case 'Trade':
      return MarketDataKind.TRADES;
    case 'Quote':
      return MarketDataKind.QUOTES;
    default:
      return MarketDataKind.BOOKS;
  }
}

/**
 * What every venue adapter implements for market data.
 *
 * Subscriptions are calls (`subscribe`, `unsubscribe`) and every subscribed event arrives on one
 * stream, `events`, in the order the venue sent it. One stream rather than an Observable per
 * subscription because the node handles market events one at a time in arrival order (the venue and
 * the ledger see an event before the pipeline does): a merge of per-subscription Observables would be
 * the same stream with its order left to the merge, and a subscription would end when its last
 * subscriber left rather than when the strategy says so. The node publishes the events to the
 * pipeline per type and instrument (`ctx.market.bars(id)`), so no stage filters the shared stream.
 * After a reconnect, a client subscribes again with the original arguments and says so on
 * `connection`.
 *
 * @example
 * ```ts
 * const client: DataClient = new ReplayDataClient({ data: bars });
 * client.subscribe({ kind: 'BARS', instrumentId: goog.id });
 * client.events.subscribe((event) => console.log(event.type, event.ts));
 * const history = await client.requestBars(goog.id, Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1));
 * await client.connect();
 * ```
 */
export interface DataClient {
  /** Names the client in errors and logs (the venue's id for a venue adapter). */
  readonly id: string;
  /** Every event of every active subscription, in arrival order. */
  readonly events: Observable<MarketData>;
  /** The connection's status: the current one at once on subscription, then every change. */
  readonly connection: Observable<ConnectionStatus>;
  /** Connects (a replay: plays its recording); resolves once connected. */
  connect(): Promise<void>;
  /** Disconnects; no event arrives afterwards. */
  disconnect(): Promise<void>;
  /** Starts delivering one kind of data for one instrument; subscribing twice is one subscription. */
  subscribe(subscription: DataSubscription): void;
  /** Stops delivering it; unsubscribing what is not subscribed does nothing. */
  unsubscribe(subscription: DataSubscription): void;
  /** Bars of an instrument whose `ts` is in `[start, end]` (epoch ms), oldest first. */
  requestBars(instrumentId: InstrumentId, start: number, end: number): Promise<readonly Bar[]>;
  /**
   * The current state of one subscription, asked after a gap in its feed (a feed watchdog does, on
   * recovery): the latest `Quote` for `QUOTES`, the whole book as an `OrderBookSnapshot` for `BOOKS`,
   * the latest `Trade` for `TRADES`, the latest `Bar` for `BARS`; undefined when the venue has none yet.
   * Optional: a client whose venue cannot answer leaves it out.
   *
   * @example
   * ```ts
   * const book = await client.requestSnapshot?.({ kind: 'BOOKS', instrumentId: btc.id });
   * ```
   */
  requestSnapshot?(subscription: DataSubscription): Promise<MarketData | undefined>;
}
