/**
 * Sequence checks that ccxt does not make for some venues' WebSockets. Coinbase Advanced Trade numbers
 * every message of a connection (`sequence_num`, from 0); ccxt's `coinbase` applies `l2_data` updates
 * without looking at it, so a lost or reordered update leaves its book wrong for good (each update sets
 * a level's absolute quantity). The guard sits in front of ccxt's message handler:
 *
 * - a message whose number is not above the last one seen (a duplicate, or one overtaken by a later
 *   message) is dropped: its state is older than what was applied;
 * - a jump in the numbers means messages were lost: the connection's order books are invalid, so each
 *   `level2` subscription is dropped from ccxt's client and its watch rejected with a `ChecksumError`;
 *   the next `watchOrderBook` subscribes again and the venue sends a fresh snapshot.
 */
import type { Exchange } from 'ccxt';

interface WsClient {
  subscriptions: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): void;
}

/** Exchanges whose WebSocket messages carry a per-connection sequence number, and its field. */
const SEQUENCED: Readonly<Record<string, { field: string; bookChannel: string; bookHashPrefix: string }>> = {
  coinbase: { field: 'sequence_num', bookChannel: 'l2_data', bookHashPrefix: 'level2::' },
};

const GUARDED = Symbol.for('rxtrade.ccxt.sequenceGuard');

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
  const spec = SEQUENCED[exchange.id];
  if (spec === undefined) return false;
  const ex = exchange as unknown as Record<PropertyKey, unknown> & { handleMessage: (client: WsClient, message: unknown) => unknown; orderbooks?: Record<string, unknown> };
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
