/**
 * CcxtExecutionClient and CcxtDataClient with the real ccxt pro `coinbase` client (its ES256 JWT
 * signing, parsing and WebSocket code) against the fake Coinbase Advanced Trade: submit, acknowledgement
 * and fill from the user channel, cancel, modify in place, a submit whose answer never comes reconciled
 * by client order id (Coinbase cannot fetch by client id: the adapter searches open, then closed
 * orders), a market buy by base quantity, and a level2 book kept equal to the venue's through a gap in
 * the connection's sequence numbers.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal, LiveClock, clientOrderId, instrumentId, instrumentRegistry, strategyId, type MarketData, type OrderBookDelta, type OrderBookSnapshot, type OrderEvent, type SubmitOrder } from '@rxtrade/core';
import { OrderManager } from '@rxtrade/execution';
import { coinbaseCcxtOptions } from './__fixtures__/fake-coinbase/ccxt-options';
import { FakeCoinbase } from './__fixtures__/fake-coinbase/fake-coinbase';
import { waitFor } from './__fixtures__/fake-exchange/wait-for';
import { CcxtDataClient } from './ccxt-data-client';
import { CcxtExecutionClient } from './ccxt-execution-client';
import { loadCcxtInstruments, type CcxtInstruments } from './ccxt-instruments';
import { CcxtErrorKind, classifyCcxtError, toRxTradeError } from './ccxt-errors';
import { ccxtVenue } from './ccxt-venue';

let fake: FakeCoinbase;
let exchange: Exchange;
let instruments: CcxtInstruments;
let client: CcxtExecutionClient | undefined;
let data: CcxtDataClient | undefined;
const events: OrderEvent[] = [];
const btc = instrumentId('BTC-USD.COINBASE');

let n = 0;
function order(over: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    type: 'SubmitOrder', clientOrderId: clientOrderId(`cb-${Date.now()}-${++n}`), strategyId: strategyId('s'), instrumentId: btc, side: 'BUY',
    orderType: 'LIMIT', quantity: new Decimal('0.5'), price: new Decimal('29999'), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined,
    reduceOnly: false, postOnly: false, ts: Date.now(), ...over,
  };
}

async function start(webSocket: boolean): Promise<CcxtExecutionClient> {
  client = new CcxtExecutionClient({ exchange, instruments, webSocket, pollIntervalMs: 50, backoff: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 } });
  client.events.subscribe((e) => events.push(e));
  await client.connect();
  if (webSocket) await waitFor(() => client!.status === 'CONNECTED', 'the private socket');
  return client;
}

beforeEach(async () => {
  events.length = 0;
  fake = await FakeCoinbase.start({ balances: { USD: 100_000, BTC: 1 } });
  fake.venue.setBook('BTC-USD', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  exchange = new ccxt.pro.coinbase(coinbaseCcxtOptions(fake));
  instruments = await loadCcxtInstruments(exchange, { venue: 'COINBASE', symbols: ['BTC/USD'] });
});

afterEach(async () => {
  await client?.disconnect();
  await data?.disconnect();
  client = undefined;
  data = undefined;
  await exchange.close();
  await fake.stop();
});

describe('CcxtExecutionClient against a fake Coinbase', () => {
  it('submits with client_order_id, is accepted and filled as maker from the user channel, fills by trade id', async () => {
    const venue = await start(true);
    const cmd = order();
    venue.submit(cmd);
    const accepted = await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted');
    expect(fake.venue.getOrder('BTC-USD', { clientOrderId: cmd.clientOrderId })?.status).toBe('new');
    expect((accepted as { venueOrderId: string }).venueOrderId).toBe(fake.orderId(fake.venue.openOrders()[0]!));
    fake.venue.trade('BTC-USD', { side: 'sell', price: 29_999, qty: 1.5 }); // the scripted 1 BTC, then our 0.5
    const fill = await waitFor(() => events.find((e) => e.type === 'OrderFilled'), 'the fill');
    if (fill.type !== 'OrderFilled') throw new Error('not a fill');
    const venueFill = fake.venue.fills()[0]!;
    expect([fill.tradeId, fill.quantity.toString(), fill.price.toString(), fill.liquiditySide, fill.commissionCurrency]).toEqual([String(venueFill.tradeId), '0.5', '29999', 'MAKER', 'USD']);
    expect(fill.commission.toString()).toBe(new Decimal('0.5').mul('29999').mul('0.004').toString());
    await new Promise((r) => setTimeout(r, 100));
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']); // no OrderUpdated from the user channel's amounts
    const report = await venue.queryOrder(cmd.clientOrderId);
    expect([report?.status, report?.fills.map((f) => f.tradeId)]).toEqual(['FILLED', [fill.tradeId]]);
  });

  it('cancels, modifies in place (same venue order id), rejects a too-large order, buys at market by base quantity', async () => {
    const venue = await start(false);
    const resting = order({ price: new Decimal('29000') });
    venue.submit(resting);
    const accepted = await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted');
    venue.modify({ type: 'ModifyOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: btc, quantity: new Decimal('0.4'), price: new Decimal('29100'), triggerPrice: undefined, ts: Date.now() });
    const updated = await waitFor(() => events.find((e) => e.type === 'OrderUpdated'), 'updated');
    expect([(updated as { quantity: Decimal }).quantity.toString(), (updated as { price: Decimal }).price.toString()]).toEqual(['0.4', '29100']);
    const o = fake.venue.openOrders()[0]!;
    expect([fake.orderId(o), o.origQty, o.price]).toEqual([(accepted as { venueOrderId: string }).venueOrderId, 0.4, 29_100]);
    venue.cancel({ type: 'CancelOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: btc, ts: Date.now() });
    await waitFor(() => events.find((e) => e.type === 'OrderCanceled'), 'canceled');
    expect(await venue.openOrders()).toEqual([]);
    const big = order({ quantity: new Decimal('10'), price: new Decimal('29000') });
    venue.submit(big);
    const rejected = await waitFor(() => events.find((e) => e.type === 'OrderRejected'), 'rejected');
    expect((rejected as { reason: string }).reason).toMatch(/Insufficient balance/);
    const market = order({ orderType: 'MARKET', price: undefined, quantity: new Decimal('1.2') });
    venue.submit(market);
    const fills = await waitFor(() => {
      const f = events.filter((e) => e.type === 'OrderFilled' && e.clientOrderId === market.clientOrderId);
      return f.length === 2 ? f : undefined;
    }, 'two taker fills');
    expect(fills.map((f) => [(f as { quantity: Decimal }).quantity.toString(), (f as { price: Decimal }).price.toString()])).toEqual([['1', '30001'], ['0.2', '30002']]);
    expect(fake.venue.getOrder('BTC-USD', { clientOrderId: market.clientOrderId })?.origQty).toBe(1.2);
    const usd = (await venue.balances()).find((b) => b.currency === 'USD')!;
    const paid = 30_001 + 0.2 * 30_002;
    expect(usd.total.toNumber()).toBeCloseTo(100_000 - paid * 1.006, 6);
  });

  it('an unanswered submit is an unknown outcome, found by client order id among open orders, never sent twice', async () => {
    const venue = await start(false);
    const unknown: string[] = [];
    venue.unknownOutcomes.subscribe((e) => unknown.push(e.clientOrderId));
    fake.faults.swallowAcks(1, /^POST \/api\/v3\/brokerage\/orders$/);
    exchange.timeout = 300;
    const manager = new OrderManager({ clock: new LiveClock(), instruments: instrumentRegistry(instruments.instruments), venue, submitTimeoutMs: 500 });
    const seen: string[] = [];
    manager.events.subscribe((e) => seen.push(e.type));
    const cmd = order();
    manager.execute(cmd);
    await waitFor(() => unknown.length > 0, 'the unknown outcome', 3000);
    await waitFor(() => manager.order(cmd.clientOrderId)?.status === 'ACCEPTED', 'reconciled', 3000);
    expect(seen).toEqual(['OrderSubmitted', 'OrderAccepted']);
    expect(fake.server.requests.filter((r) => r.startsWith('POST /api/v3/brokerage/orders')).length).toBe(1);
    expect(fake.server.requests.some((r) => r.startsWith('GET /api/v3/brokerage/orders/historical/batch') && r.includes('order_status=OPEN'))).toBe(true);
    manager.dispose();
  });

  it('queryOrder finds a filled order among closed orders, and an unknown id is undefined', async () => {
    const venue = await start(false);
    const cmd = order({ price: new Decimal('30001'), quantity: new Decimal('0.3') });
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderFilled'), 'the fill');
    const report = await venue.queryOrder(cmd.clientOrderId);
    expect([report?.status, report?.filledQuantity.toString(), report?.fills.length]).toEqual(['FILLED', '0.3', 1]);
    expect(fake.server.requests.some((r) => r.includes('order_status=FILLED'))).toBe(true);
    expect(await venue.queryOrder(clientOrderId('never-sent'))).toBeUndefined();
  });
});

/** Replays published book events into one book. */
function replay(evts: readonly MarketData[]): { bids: number[][]; asks: number[][] } {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  for (const e of evts) {
    if (e.type === 'OrderBookSnapshot') (bids.clear(), asks.clear());
    if (e.type !== 'OrderBookSnapshot' && e.type !== 'OrderBookDelta') continue;
    for (const l of (e as OrderBookSnapshot | OrderBookDelta).bids) (l.size === 0 ? bids.delete(l.price) : bids.set(l.price, l.size));
    for (const l of (e as OrderBookSnapshot | OrderBookDelta).asks) (l.size === 0 ? asks.delete(l.price) : asks.set(l.price, l.size));
  }
  return { bids: [...bids].sort((a, b) => b[0] - a[0]), asks: [...asks].sort((a, b) => a[0] - b[0]) };
}

describe('CcxtDataClient against a fake Coinbase', () => {
  it('keeps the book equal to the venue’s; a gap in the sequence numbers resubscribes for a new snapshot', async () => {
    const md: MarketData[] = [];
    data = new CcxtDataClient({ exchange, instruments, bookDepth: 10, staleAfterMs: { BOOKS: 3000 }, backoff: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
    data.events.subscribe((e) => md.push(e));
    data.subscribe({ kind: 'BOOKS', instrumentId: btc });
    await data.connect();
    await waitFor(() => md.find((e) => e.type === 'OrderBookSnapshot'), 'the snapshot', 5000);
    const venueBook = (): { bids: number[][]; asks: number[][] } => {
      const d = fake.venue.depth('BTC-USD', 10);
      return { bids: d.bids, asks: d.asks };
    };
    fake.venue.setLevel('BTC-USD', 'bid', 29_999.5, 0.5);
    await waitFor(() => JSON.stringify(replay(md)) === JSON.stringify(venueBook()) || undefined, 'the first update', 5000);
    // two updates of one level swapped on the wire: applied in that order the book would keep the older 2
    fake.faults.reorder = true;
    fake.venue.setLevel('BTC-USD', 'bid', 29_997, 2);
    fake.venue.setLevel('BTC-USD', 'bid', 29_997, 3);
    await waitFor(() => data!.stats()[0]!.resyncs > 0 || undefined, 'a resync', 5000);
    fake.faults.reorder = false;
    fake.venue.setLevel('BTC-USD', 'ask', 30_003, 4);
    await waitFor(() => {
      const b = replay(md);
      return b.asks.some((l) => l[0] === 30_003) && JSON.stringify(b) === JSON.stringify(venueBook()) ? true : undefined;
    }, 'the book after the resync', 5000);
    expect(replay(md).bids.find((l) => l[0] === 29_997)).toEqual([29_997, 3]);
    expect(fake.server.requests.some((r) => r.startsWith('GET /api/v3/brokerage/market/product_book'))).toBe(true);
    expect(md.filter((e) => e.type === 'OrderBookSnapshot').length).toBeGreaterThanOrEqual(2);
  });

  it('a silent socket is found by ccxt’s keep-alive (long before the staleness watchdog), reconnected, and the book is the venue’s again', async () => {
    // Coinbase's WebSocket answers protocol pings: with keepAlive 100 ms, two unanswered pings are a RequestTimeout.
    const keepAlive = new ccxt.pro.coinbase({ ...coinbaseCcxtOptions(fake), streaming: { keepAlive: 100 } });
    keepAlive.setMarkets(exchange.markets, exchange.currencies as never);
    const md: MarketData[] = [];
    const statuses: string[] = [];
    data = new CcxtDataClient({ exchange: keepAlive, instruments, bookDepth: 10, staleAfterMs: { BOOKS: 60_000 }, backoff: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
    data.events.subscribe((e) => md.push(e));
    data.connection.subscribe((c) => statuses.push(c));
    data.subscribe({ kind: 'BOOKS', instrumentId: btc });
    try {
      await data.connect();
      await waitFor(() => md.find((e) => e.type === 'OrderBookSnapshot'), 'the snapshot', 5000);
      const snapshots = md.filter((e) => e.type === 'OrderBookSnapshot').length;
      const venueBook = (): string => JSON.stringify((({ bids, asks }) => ({ bids, asks }))(fake.venue.depth('BTC-USD', 10)));
      fake.faults.silent = true; // open, but nothing arrives and pings go unanswered
      fake.venue.setLevel('BTC-USD', 'bid', 29_999.5, 0.7); // changes the client cannot hear of
      fake.venue.setLevel('BTC-USD', 'ask', 30_001, 0);
      const silentAt = Date.now();
      await waitFor(() => statuses.includes('RECONNECTING') || undefined, 'the reconnect', 3000);
      expect(Date.now() - silentAt).toBeLessThan(2000); // the watchdog would wait 60 s
      fake.faults.silent = false;
      await waitFor(() => (md.filter((e) => e.type === 'OrderBookSnapshot').length > snapshots && JSON.stringify(replay(md)) === venueBook() ? true : undefined), 'the book after the reconnect', 5000);
      expect(replay(md).bids[0]).toEqual([29_999.5, 0.7]);
      expect(replay(md).asks[0]).toEqual([30_002, 2]);
      // Connected again once the new socket's own snapshot arrives (the REST snapshot may come first).
      await waitFor(() => (statuses.at(-1) === 'CONNECTED' ? true : undefined), 'CONNECTED again', 5000);
      expect(JSON.stringify(replay(md))).toBe(venueBook());
    } finally {
      await data.disconnect();
      data = undefined;
      await keepAlive.close();
    }
  });

  it('publishes trades and quotes from market_trades and ticker; pages bars from candles', async () => {
    const md: MarketData[] = [];
    data = new CcxtDataClient({ exchange, instruments, backoff: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
    data.events.subscribe((e) => md.push(e));
    data.subscribe({ kind: 'TRADES', instrumentId: btc });
    data.subscribe({ kind: 'QUOTES', instrumentId: btc });
    await data.connect();
    await waitFor(() => fake.subscribers('market_trades').length > 0 && fake.subscribers('ticker').length > 0, 'the subscriptions', 5000);
    // the subscription's ticker first: a ticker that comes in the same read as it would find no watch waiting
    await waitFor(() => md.find((e) => e.type === 'Quote'), 'the first quote', 5000);
    const [print] = fake.venue.trade('BTC-USD', { side: 'buy', price: 30_001, qty: 0.25 });
    const trade = await waitFor(() => md.find((e) => e.type === 'Trade'), 'a trade', 5000);
    expect(trade).toMatchObject({ price: 30_001, size: 0.25, aggressor: 'BUYER', tradeId: String(print!.id) });
    const quote = await waitFor(() => md.find((e) => e.type === 'Quote' && e.askSize === 0.75), 'the quote after the print', 5000);
    expect(quote).toMatchObject({ bid: 29_999, bidSize: 1, ask: 30_001, askSize: 0.75 });
    const minute = 60_000;
    const t0 = Math.floor(Date.now() / minute) * minute - 500 * minute;
    for (let i = 0; i < 400; i++) fake.venue.trade('BTC-USD', { side: 'sell', price: 29_999, qty: 0.01, time: t0 + i * minute + 1000 });
    const bars = await data.requestBars(btc, t0 + 10 * minute, t0 + 389 * minute);
    expect([bars.length, (bars[0]!.ts - t0) / minute, (bars.at(-1)!.ts - t0) / minute]).toEqual([380, 10, 389]);
    expect(bars[0]).toMatchObject({ open: 29_999, close: 29_999, volume: 0.01 });
  });
});

describe('the ccxt adapter’s Coinbase specifics against a fake Coinbase', () => {
  it('backfills the trades printed while the socket was down (fetchTrades with since and until), each once', async () => {
    const md: MarketData[] = [];
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m: string, c?: unknown) => void warnings.push(`${m} ${JSON.stringify(c ?? {})}`) };
    data = new CcxtDataClient({ exchange, instruments, backoff: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 }, logger });
    data.events.subscribe((e) => md.push(e));
    data.subscribe({ kind: 'TRADES', instrumentId: btc });
    await data.connect();
    await waitFor(() => fake.subscribers('market_trades').length > 0, 'the subscription', 5000);
    fake.venue.trade('BTC-USD', { side: 'buy', price: 30_001, qty: 0.1 });
    await waitFor(() => md.find((e) => e.type === 'Trade'), 'the first trade', 5000);
    fake.restart();
    fake.venue.trade('BTC-USD', { side: 'sell', price: 29_999, qty: 0.2 });
    fake.venue.trade('BTC-USD', { side: 'sell', price: 29_999, qty: 0.3 });
    await waitFor(() => md.filter((e) => e.type === 'Trade').length >= 3 || undefined, 'three trades', 5000);
    await waitFor(() => fake.subscribers('market_trades').length > 0, 'the new subscription', 5000);
    await new Promise((r) => setTimeout(r, 100));
    expect(md.filter((e) => e.type === 'Trade').map((t) => t.type === 'Trade' && [t.price, t.size, t.aggressor])).toEqual([[30_001, 0.1, 'BUYER'], [29_999, 0.2, 'SELLER'], [29_999, 0.3, 'SELLER']]);
    // the market_trades snapshot of the new subscription may bring them first; the backfill ran, and did not fail
    expect(warnings.filter((w) => w.includes('recovery failed'))).toEqual([]);
    expect(fake.server.requests.some((r) => /^GET \/api\/v3\/brokerage\/market\/products\/BTC-USD\/ticker\?.*start=.*end=/.test(r))).toBe(true);
  });

  it('finds a canceled order by client order id (closed orders of every terminal status)', async () => {
    const venue = await start(false);
    const canceled = order();
    venue.submit(canceled);
    await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted');
    venue.cancel({ type: 'CancelOrder', clientOrderId: canceled.clientOrderId, strategyId: canceled.strategyId, instrumentId: btc, ts: Date.now() });
    await waitFor(() => events.find((e) => e.type === 'OrderCanceled'), 'canceled');
    const fresh = new CcxtExecutionClient({ exchange, instruments, webSocket: false });
    expect((await fresh.queryOrder(canceled.clientOrderId))?.status).toBe('CANCELED');
    const asked = fake.server.requests.filter((r) => r.startsWith('GET /api/v3/brokerage/orders/historical/batch'));
    expect(asked.at(-1)).toMatch(/order_status=FILLED&order_status=CANCELLED&order_status=EXPIRED&order_status=FAILED/);
    expect(await fresh.queryOrder(clientOrderId('never-sent'))).toBeUndefined();
  });

  it('ccxtVenue reads Coinbase balances from the v3 accounts by default (their holds are what orders lock)', async () => {
    const { options: _options, ...overrides } = coinbaseCcxtOptions(fake) as Record<string, unknown> & { urls: never; httpAgent: never };
    const cb = await ccxtVenue('coinbase', { credentials: { apiKey: fake.key.name, secret: fake.key.privateKeyPem }, urls: overrides.urls, httpAgent: overrides.httpAgent, exchangeOptions: { fetchTime: 'v3PublicGetBrokerageTime' }, symbols: ['BTC/USD'], connect: false });
    try {
      cb.execution.submit(order());
      await waitFor(() => fake.venue.openOrders('BTC-USD').length === 1 || undefined, 'the order resting');
      const usd = (await cb.execution.balances()).find((b) => b.currency === 'USD')!;
      expect([usd.total.toString(), usd.locked.toString(), usd.free.toString()]).toEqual(['100000', '14999.5', '85000.5']);
      expect(fake.server.requests.some((r) => r.startsWith('GET /api/v3/brokerage/accounts'))).toBe(true);
      expect(fake.server.requests.some((r) => r.startsWith('GET /v2/accounts'))).toBe(false);
    } finally {
      await cb.close();
    }
  });

  it('a refused edit is a modify rejection with Coinbase’s reason, not an unknown outcome; an unknown order id is OrderNotFound', async () => {
    const venue = await start(false);
    const cmd = order({ postOnly: true });
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted');
    const before = fake.server.requests.length;
    venue.modify({ type: 'ModifyOrder', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: btc, quantity: undefined, price: new Decimal('30002'), triggerPrice: undefined, ts: Date.now() });
    const rejected = await waitFor(() => events.find((e) => e.type === 'OrderModifyRejected'), 'the modify rejected');
    expect(rejected).toMatchObject({ reason: expect.stringContaining('INVALID_EDITED_LIMIT_PRICE_POST_ONLY') });
    // a definite answer: the venue's record is not searched
    expect(fake.server.requests.slice(before).filter((r) => r.startsWith('GET'))).toEqual([]);
    const unknown = await exchange.editOrder('00000000-0000-4000-8000-00000000dead', 'BTC/USD', 'limit', 'buy', 0.1, 29_000).catch((e: unknown) => e);
    expect(classifyCcxtError(unknown)).toBe(CcxtErrorKind.ORDER_NOT_FOUND);
    expect(toRxTradeError(unknown, { venue: 'COINBASE', operation: 'editOrder', secrets: [] }).message).toBe('COINBASE editOrder: ORDER_NOT_FOUND');
    const missing = await exchange.fetchOrder('00000000-0000-4000-8000-00000000dead', 'BTC/USD').catch((e: unknown) => e);
    expect(classifyCcxtError(missing)).toBe(CcxtErrorKind.ORDER_NOT_FOUND);
    expect(await venue.queryOrderByVenueId('00000000-0000-4000-8000-00000000dead' as never)).toBeUndefined();
  });

  it('a clock outside the JWT window (a bare 401) resyncs the time once, then reads and submits go through', async () => {
    const venue = await start(false);
    fake.faults.clockOffsetMs = 600_000;
    const balances = await venue.balances();
    expect(balances.find((b) => b.currency === 'USD')?.total.toString()).toBe('100000');
    expect(venue.caller.stats.timeResyncs).toBe(1);
    const cmd = order();
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted');
    expect(venue.caller.stats.timeResyncs).toBe(1);
    expect(events.some((e) => e.type === 'OrderRejected')).toBe(false);
  });
});
