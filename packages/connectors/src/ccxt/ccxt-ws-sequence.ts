/**
 * Sequence checks that ccxt does not make for some venues' WebSockets. The guard sits in front of
 * ccxt's message handler.
 *
 * Coinbase Advanced Trade numbers every message of a connection (`sequence_num`, from 0); ccxt's
 * `coinbase` applies `l2_data` updates without looking at it, so a lost or reordered update leaves its
 * book wrong for good (each update sets a level's absolute quantity):
 *
 * - a message whose number is not above the last one seen (a duplicate, or one overtaken by a later
 *   message) is dropped: its state is older than what was applied;
 * - a jump in the numbers means messages were lost: the connection's order books are invalid, so each
 *   `level2` subscription is dropped from ccxt's client and its watch rejected with a `WsSequenceGap`;
 *   the next `watchOrderBook` subscribes again and the venue sends a fresh snapshot.
 *
 * Bybit v5 numbers each `orderbook.{depth}.{symbol}` topic's messages (`data.u`, one more per delta, a
 * snapshot starts over); ccxt's `bybit` neither checks it nor sets the book's `nonce`. Bybit sends a
 * snapshot only on a subscription, so a book cannot be resynced from REST and then continued from the
 * stream's deltas:
 *
 * - a delta whose `u` is not above the last one seen is dropped (a duplicate or an overtaken message);
 * - a delta whose `u` is not the next one (a gap, or a delta before any snapshot) invalidates the book:
 *   the topic is unsubscribed at the venue (Bybit refuses a topic subscribed already), ccxt's
 *   subscription and book are dropped, the watch is rejected with a `WsSequenceGap`, and the topic's
 *   deltas are dropped until the snapshot that the next `watchOrderBook`'s subscription brings;
 * - every book ccxt builds from the topic gets `u` as its `nonce`, so the data client sees the venue's
 *   sequence.
 */
import type { Exchange } from 'ccxt';

interface WsClient {
  url: string;
  subscriptions: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): void;
  send(message: unknown): Promise<unknown> | unknown;
}

type GuardedExchange = Record<PropertyKey, unknown> & {
  id: string;
  handleMessage: (client: WsClient, message: unknown) => unknown;
  orderbooks?: Record<string, { nonce?: unknown } | undefined>;
  clients?: Record<string, WsClient>;
  safeMarket: (id: string, market?: unknown, delimiter?: unknown, type?: string) => { symbol: string };
  requestId?: () => unknown;
};

/** Exchanges whose WebSocket messages carry a per-connection sequence number, and its field. */
const SEQUENCED: Readonly<Record<string, { field: string; bookChannel: string; bookHashPrefix: string }>> = {
  coinbase: { field: 'sequence_num', bookChannel: 'l2_data', bookHashPrefix: 'level2::' },
};

/** Exchanges whose book topics number their own messages: Bybit's `data.u` per `orderbook.*` topic. */
const TOPIC_SEQUENCED: ReadonlySet<string> = new Set(['bybit']);

const GUARDED = Symbol.for('rxtrade.ccxt.sequenceGuard');
const TOPIC_STATE = Symbol.for('rxtrade.ccxt.topicSequences');

/** Per socket and book topic: the last `u` applied, or `resync` while waiting for a fresh snapshot. */
type TopicState = WeakMap<WsClient, Map<string, number | 'resync'>>;

function topicState(ex: GuardedExchange): TopicState {
  let state = ex[TOPIC_STATE] as TopicState | undefined;
  if (state === undefined) {
    state = new WeakMap();
    ex[TOPIC_STATE] = state;
  }
  return state;
}

function topicsOf(state: TopicState, client: WsClient): Map<string, number | 'resync'> {
  let topics = state.get(client);
  if (topics === undefined) {
    topics = new Map();
    state.set(client, topics);
  }
  return topics;
}

/** The unified symbol of a Bybit book topic's market id, by the socket's market type. */
function bybitSymbol(ex: GuardedExchange, client: WsClient, marketId: string): string {
  return ex.safeMarket(marketId, undefined, undefined, client.url.includes('spot') ? 'spot' : 'contract').symbol;
}

/**
 * Drops a Bybit book topic so that the next `watchOrderBook` subscribes again and gets a snapshot: the
 * venue unsubscribed, ccxt's subscription and book forgotten, the topic's deltas dropped meanwhile.
 */
let unsubscribeIds = 0;

function dropBybitTopic(ex: GuardedExchange, client: WsClient, topic: string, symbol: string): void {
  topicsOf(topicState(ex), client).set(topic, 'resync');
  try {
    void Promise.resolve(client.send({ op: 'unsubscribe', req_id: String(ex.requestId?.() ?? `unsubscribe-${++unsubscribeIds}`), args: [topic] })).catch(() => undefined);
  } catch {
    // the socket is closing: the next subscription is on a new one
  }
  // ccxt's Bybit keys a book's subscription by its message hash, not by the topic
  delete client.subscriptions[`orderbook:${symbol}`];
  if (ex.orderbooks !== undefined) delete ex.orderbooks[symbol];
}

function guardBybit(exchange: Exchange, ex: GuardedExchange, onGap?: (info: { expected: number; got: number }) => void): void {
  const state = topicState(ex);
  const original = ex.handleMessage.bind(exchange);
  ex.handleMessage = (client: WsClient, message: unknown): unknown => {
    const m = message !== null && typeof message === 'object' ? (message as Record<string, unknown>) : undefined;
    const topic = m?.['topic'];
    const data = m?.['data'] as Record<string, unknown> | undefined;
    if (typeof topic !== 'string' || !topic.startsWith('orderbook.') || data === undefined || typeof data['u'] !== 'number' || typeof data['s'] !== 'string') return original(client, message);
    const u = data['u'];
    const topics = topicsOf(state, client);
    const symbol = bybitSymbol(ex, client, data['s']);
    if (m!['type'] === 'snapshot') {
      topics.set(topic, u);
    } else {
      const last = topics.get(topic);
      if (last === 'resync') return undefined;
      if (last !== undefined && u <= last) return undefined;
      if (last === undefined || u !== last + 1) {
        const expected = last === undefined ? Number.NaN : last + 1;
        onGap?.({ expected, got: u });
        dropBybitTopic(ex, client, topic, symbol);
        const what = last === undefined ? `update ${u} before a snapshot` : `updates ${last + 1} to ${u - 1} lost`;
        client.reject(new WsSequenceGap(`${exchange.id} ${symbol} ${topic}: ${what}; resubscribing for a new snapshot`), `orderbook:${symbol}`);
        return undefined;
      }
      topics.set(topic, u);
    }
    const result = original(client, message);
    const book = ex.orderbooks?.[symbol];
    if (book !== undefined) book.nonce = u;
    return result;
  };
}

/**
 * Installs the sequence guard on an exchange instance whose venue numbers its WebSocket messages (a
 * no-op elsewhere, and when installed already). Call it before the first watch: ccxt binds the message
 * handler when it opens a connection.
 *
 * @returns whether the exchange is guarded.
 * @example
 * ```ts
 * const exchange = new ccxt.pro.coinbase({ apiKey, secret });
 * guardWsSequence(exchange); // true
 * ```
 */
export function guardWsSequence(exchange: Exchange, onGap?: (info: { expected: number; got: number }) => void): boolean {
  const ex = exchange as unknown as GuardedExchange;
  if (TOPIC_SEQUENCED.has(exchange.id)) {
    if (ex[GUARDED] === true) return true;
    ex[GUARDED] = true;
    guardBybit(exchange, ex, onGap);
    return true;
  }
  const spec = SEQUENCED[exchange.id];
  if (spec === undefined) return false;
  if (ex[GUARDED] === true) return true;
  ex[GUARDED] = true;
  const last = new WeakMap<WsClient, number>();
  const original = ex.handleMessage.bind(exchange);
  ex.handleMessage = (client: WsClient, message: unknown): unknown => {
    const seq = message !== null && typeof message === 'object' ? (message as Record<string, unknown>)[spec.field] : undefined;
    if (typeof seq !== 'number') return original(client, message);
    const previous = last.get(client);
    // a new connection numbers from 0 again
    if (previous !== undefined && seq !== 0 && seq <= previous) return undefined;
    last.set(client, seq);
    if (previous !== undefined && seq !== 0 && seq > previous + 1) {
      onGap?.({ expected: previous + 1, got: seq });
      for (const hash of Object.keys(client.subscriptions)) {
        if (!hash.startsWith(spec.bookHashPrefix)) continue;
        delete client.subscriptions[hash];
        const symbol = hash.slice(spec.bookHashPrefix.length);
        if (ex.orderbooks !== undefined) delete ex.orderbooks[symbol];
        client.reject(new WsSequenceGap(`${exchange.id} ${symbol}: message ${previous + 1} to ${seq - 1} of the connection lost; resubscribing for a new snapshot`), hash);
      }
      if ((message as Record<string, unknown>)['channel'] === spec.bookChannel) return undefined;
    }
    return original(client, message);
  };
  return true;
}

/**
 * Forgets ccxt's book of `symbol` so that the next `watchOrderBook` starts from a fresh snapshot: on a
 * venue that sends book snapshots only on a subscription (Bybit, Coinbase) the book's subscription is
 * dropped too (on Bybit the topic is unsubscribed at the venue), so that the next watch subscribes again;
 * elsewhere ccxt's book is deleted and ccxt fetches its own snapshot.
 *
 * @example
 * ```ts
 * resubscribeBook(exchange, 'BTC/USDT:USDT'); // after the book came out crossed
 * ```
 */
export function resubscribeBook(exchange: Exchange, symbol: string): void {
  const ex = exchange as unknown as GuardedExchange;
  if (TOPIC_SEQUENCED.has(exchange.id)) {
    const marketId = (exchange.markets?.[symbol] as { id?: string } | undefined)?.id;
    const state = topicState(ex);
    for (const client of Object.values(ex.clients ?? {})) {
      if (marketId === undefined || client.subscriptions[`orderbook:${symbol}`] === undefined || bybitSymbol(ex, client, marketId) !== symbol) continue;
      for (const topic of [...topicsOf(state, client).keys()]) if (topic.startsWith('orderbook.') && topic.endsWith(`.${marketId}`)) dropBybitTopic(ex, client, topic, symbol);
    }
  }
  const spec = SEQUENCED[exchange.id];
  if (spec !== undefined) for (const client of Object.values(ex.clients ?? {})) delete client.subscriptions[`${spec.bookHashPrefix}${symbol}`];
  if (ex.orderbooks !== undefined) delete ex.orderbooks[symbol];
}

/**
 * A book's WebSocket messages were lost (a gap in the connection's sequence numbers): what the guarded
 * watch rejects with. The data client resyncs the book, as after ccxt's own `ChecksumError`.
 *
 * @example
 * ```ts
 * if (error instanceof WsSequenceGap) resync();
 * ```
 */
export class WsSequenceGap extends Error {
  override readonly name = 'WsSequenceGap';
}
