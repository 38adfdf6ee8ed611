/**
 * Order acknowledgements read from a venue's private WebSocket messages before ccxt parses them.
 *
 * With the private stream up, a venue reports a new order twice: in the answer to the create call and
 * in a stream message, and on Binance the stream message often comes first. ccxt's handling of a private
 * message (its `parseWsOrder`, `safeOrder`, its order cache and, on Binance, the balance update sent
 * with each order) costs a few hundred microseconds of the event loop, which the answer to the create
 * call then waits for. A tap in front of ccxt's message handler reads the few fields an acknowledgement
 * needs (client order id, venue order id, time) from the raw message, so that the execution client can
 * report `OrderAccepted` as soon as the first of the two arrives, without waiting on ccxt.
 *
 * Only a message that says the order is new and working is read here (Binance `x` and `X` `NEW`, Bybit
 * `orderStatus` `New`, Coinbase `status` `OPEN`); every other state still comes through ccxt's parse.
 */
import type { Exchange } from 'ccxt';

/** An acknowledgement found in a raw private message. */
export interface RawOrderAck {
  readonly clientOrderId: string;
  /** The venue's order id, as ccxt writes it (a string). */
  readonly venueOrderId: string;
  /** The venue's time of the order, epoch ms, when the message says. */
  readonly ts: number | undefined;
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object';
const idString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
const msTime = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '') {
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

function ack(clientOrderId: unknown, venueOrderId: unknown, ts: unknown): RawOrderAck | undefined {
  const c = idString(clientOrderId);
  const v = idString(venueOrderId);
  return c === undefined || v === undefined ? undefined : { clientOrderId: c, venueOrderId: v, ts: msTime(ts) };
}

/** Binance spot `executionReport` (a WebSocket API subscription wraps it in `event`) and USD-M `ORDER_TRADE_UPDATE`. */
function binance(message: Raw): RawOrderAck[] | undefined {
  const e = isObject(message['event']) ? (message['event'] as Raw) : message;
  if (e['e'] === 'executionReport') {
    if (e['x'] !== 'NEW' || e['X'] !== 'NEW') return undefined;
    const a = ack(e['c'], e['i'], e['O'] ?? e['E']);
    return a === undefined ? undefined : [a];
  }
  if (e['e'] === 'ORDER_TRADE_UPDATE' && isObject(e['o'])) {
    const o = e['o'] as Raw;
    if (o['x'] !== 'NEW' || o['X'] !== 'NEW') return undefined;
    const a = ack(o['c'], o['i'], o['T'] ?? e['T'] ?? e['E']);
    return a === undefined ? undefined : [a];
  }
  return undefined;
}

/** Bybit v5 private `order` topic (`order`, `order.spot`, `order.linear`, …). */
function bybit(message: Raw): RawOrderAck[] | undefined {
  const topic = message['topic'];
  if (typeof topic !== 'string' || (topic !== 'order' && !topic.startsWith('order.')) || !Array.isArray(message['data'])) return undefined;
  const out: RawOrderAck[] = [];
  for (const o of message['data'] as unknown[]) {
    if (!isObject(o) || o['orderStatus'] !== 'New') continue;
    const a = ack(o['orderLinkId'], o['orderId'], o['createdTime']);
    if (a !== undefined) out.push(a);
  }
  return out.length > 0 ? out : undefined;
}

/** Coinbase Advanced Trade `user` channel. */
function coinbase(message: Raw): RawOrderAck[] | undefined {
  if (message['channel'] !== 'user' || !Array.isArray(message['events'])) return undefined;
  const out: RawOrderAck[] = [];
  for (const event of message['events'] as unknown[]) {
    if (!isObject(event) || !Array.isArray(event['orders'])) continue;
    for (const o of event['orders'] as unknown[]) {
      if (!isObject(o) || o['status'] !== 'OPEN') continue;
      const a = ack(o['client_order_id'], o['order_id'], o['creation_time']);
      if (a !== undefined) out.push(a);
    }
  }
  return out.length > 0 ? out : undefined;
}

const READERS: Readonly<Record<string, (message: Raw) => RawOrderAck[] | undefined>> = {
  binance,
  binanceusdm: binance,
  bybit,
  coinbase,
};

/**
 * The acknowledgements in one raw private WebSocket message of `exchangeId`, or undefined when it holds
 * none (or the exchange has no reader here).
 *
 * @example
 * ```ts
 * rawOrderAcks('binance', { subscriptionId: 0, event: { e: 'executionReport', x: 'NEW', X: 'NEW', c: 'O-1', i: 28, O: 1_700_000_000_000 } });
 * // [{ clientOrderId: 'O-1', venueOrderId: '28', ts: 1700000000000 }]
 * ```
 */
export function rawOrderAcks(exchangeId: string, message: unknown): RawOrderAck[] | undefined {
  const read = READERS[exchangeId];
  return read === undefined || !isObject(message) ? undefined : read(message);
}

/** Whether acknowledgements of `exchangeId` can be read ahead of ccxt. */
export const readsRawAcks = (exchangeId: string): boolean => READERS[exchangeId] !== undefined;

type Tapped = Record<PropertyKey, unknown> & { id: string; handleMessage: (client: unknown, message: unknown) => unknown };

const TAPS = Symbol.for('rxtrade.ccxt.earlyAckTaps');

/**
 * Calls `onAck` with each acknowledgement of the exchange's private messages before ccxt handles the
 * message; returns the function that removes the tap. One wrapper per exchange instance serves every tap;
 * a tap that throws is ignored (ccxt still gets the message).
 *
 * @example
 * ```ts
 * const untap = tapOrderAcks(exchange, (a) => console.log(a.clientOrderId, a.venueOrderId));
 * untap();
 * ```
 */
export function tapOrderAcks(exchange: Exchange, onAck: (ack: RawOrderAck) => void): () => void {
  const ex = exchange as unknown as Tapped;
  if (!readsRawAcks(ex.id)) return () => undefined;
  let taps = ex[TAPS] as Set<(ack: RawOrderAck) => void> | undefined;
  if (taps === undefined) {
    const installed = new Set<(ack: RawOrderAck) => void>();
    taps = installed;
    ex[TAPS] = installed;
    const original = ex.handleMessage.bind(exchange);
    const id = ex.id;
    ex.handleMessage = (client: unknown, message: unknown): unknown => {
      if (installed.size > 0) {
        const acks = rawOrderAcks(id, message);
        if (acks !== undefined)
          for (const a of acks)
            for (const tap of installed) {
              try {
                tap(a);
              } catch {
                // a tap's failure must not keep the message from ccxt
              }
            }
      }
      return original(client, message);
    };
  }
  const set = taps;
  set.add(onAck);
  return () => void set.delete(onAck);
}
