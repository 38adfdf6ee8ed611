/**
 * ccxt.pro leaves some of its own WebSocket promises without a listener, so that a socket closing at the
 * wrong moment rejects them unobserved; under Node's default (`--unhandled-rejections=throw`) that ends
 * the process of the application that embeds the adapter:
 *
 * - `Exchange.watch` and `watchMultiple` send a subscription once the connection's throttler lets it
 *   through (`client.throttle(cost).then(() => { client.send(message) })`) and drop the promise of
 *   `client.send`: a socket that began closing during the throttler's wait (a `close()`, the staleness
 *   watchdog, a venue restart) rejects it with ws's `WebSocket is not open: readyState 2 (CLOSING)`;
 * - ccxt creates futures that only a later caller may await: Binance's and Bybit's positions snapshot and
 *   Binance's balance snapshot beside the private streams (`setPositionsCache`: `client.future(hash)`
 *   while `fetchPositions` runs), Binance's user-data-stream subscription. A connection that fails or is
 *   closed before the snapshot arrives (`exchange.close()` right after `watchOrders`) rejects the future
 *   with `ExchangeClosedByUser` or `NetworkError`, and nobody listens.
 *
 * The guard observes exactly those promises, per ccxt connection: every promise `client.send` returns and
 * every future `client.future` hands out gets a rejection handler that does nothing. It takes nothing
 * away from a caller: each `.then`/`await` on the same promise still receives the rejection, and a
 * watch whose subscription was never sent still fails, because the socket's close rejects every pending
 * future of the connection (ccxt's `Client.reset`). Nothing outside these connections is touched.
 */
import type { Exchange } from 'ccxt';

interface WsClientLike {
  send(message: unknown): unknown;
  future(messageHash: string): unknown;
}

type SettledExchange = Record<PropertyKey, unknown> & {
  client: (url: string) => WsClientLike;
  clients?: Record<string, WsClientLike>;
};

const GUARDED = Symbol.for('rxtrade.ccxt.wsSettle');
const noop = (): void => undefined;

function observe(value: unknown, seen: WeakSet<object>): void {
  if (value === null || typeof value !== 'object' || typeof (value as Promise<unknown>).then !== 'function' || seen.has(value)) return;
  seen.add(value);
  (value as Promise<unknown>).then(undefined, noop);
}

function guardClient(client: WsClientLike, seen: WeakSet<object>): void {
  const c = client as unknown as Record<PropertyKey, unknown>;
  if (c[GUARDED] === true) return;
  c[GUARDED] = true;
  const send = client.send.bind(client);
  const future = client.future.bind(client);
  client.send = (message: unknown): unknown => {
    const sent = send(message);
    observe(sent, seen);
    return sent;
  };
  client.future = (messageHash: string): unknown => {
    const f = future(messageHash);
    observe(f, seen);
    return f;
  };
}

/**
 * Makes ccxt's unobserved WebSocket promises of `exchange` observed (see the module's comment): each
 * connection it opens, and each it holds already, gets the guard. Idempotent; a no-op on an exchange
 * without WebSockets. Both ccxt clients of the adapter install it on their exchange.
 *
 * @returns whether the exchange has WebSocket connections to guard.
 * @example
 * ```ts
 * const exchange = new ccxt.pro.binanceusdm({ apiKey, secret });
 * settleCcxtWsPromises(exchange); // true
 * void exchange.watchOrders();
 * await exchange.close(); // the positions snapshot's future, rejected here, is no unhandled rejection
 * ```
 */
export function settleCcxtWsPromises(exchange: Exchange): boolean {
  const ex = exchange as unknown as SettledExchange;
  if (typeof ex.client !== 'function') return false;
  if (ex[GUARDED] === true) return true;
  ex[GUARDED] = true;
  const seen = new WeakSet<object>();
  const client = ex.client.bind(exchange);
  ex.client = (url: string): WsClientLike => {
    const c = client(url);
    guardClient(c, seen);
    return c;
  };
  for (const c of Object.values(ex.clients ?? {})) guardClient(c, seen);
  return true;
}
