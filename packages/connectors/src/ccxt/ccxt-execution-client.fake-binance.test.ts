/**
 * CcxtExecutionClient with the real ccxt client (its signing, parsing and WebSocket code) against the
 * fake Binance of the test tree: submit, acknowledgement and fill over the WebSocket API and over REST,
 * cancel, modify (Binance spot's cancel-replace), a submit whose answer never comes reconciled by client
 * order id through the order manager, a timestamp error resynced, throttling backed off.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal, LiveClock, clientOrderId, instrumentRegistry, strategyId, type OrderEvent, type SubmitOrder } from '@rxtrade/core';
import { OrderManager } from '@rxtrade/execution';
import { binanceCcxtOptions } from './__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from './__fixtures__/fake-binance/fake-binance';
import { CcxtExecutionClient } from './ccxt-execution-client';
import { loadCcxtInstruments, type CcxtInstruments } from './ccxt-instruments';

let fake: FakeBinance;
let exchange: Exchange;
let instruments: CcxtInstruments;
let client: CcxtExecutionClient | undefined;
const events: OrderEvent[] = [];

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const btc = 'BTCUSDT.BINANCE';
let n = 0;
function order(over: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    type: 'SubmitOrder', clientOrderId: clientOrderId(`t-${Date.now()}-${++n}`), strategyId: strategyId('s'), instrumentId: btc as never, side: 'BUY',
    orderType: 'LIMIT', quantity: new Decimal('0.5'), price: new Decimal('29999'), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined,
    reduceOnly: false, postOnly: false, ts: Date.now(), ...over,
  };
}

async function start(webSocket: boolean, extra: Record<string, unknown> = {}): Promise<CcxtExecutionClient> {
  client = new CcxtExecutionClient({ exchange, instruments, webSocket, pollIntervalMs: 50, backoff: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 }, ...extra });
  client.events.subscribe((e) => events.push(e));
  await client.connect();
  if (webSocket) await waitFor('the private socket', () => client!.status === 'CONNECTED');
  return client;
}

beforeEach(async () => {
  events.length = 0;
  fake = await FakeBinance.start({ balances: { USDT: 100_000, BTC: 1 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  exchange = new ccxt.pro.binance(binanceCcxtOptions(fake));
  instruments = await loadCcxtInstruments(exchange, { venue: 'BINANCE', symbols: ['BTC/USDT'] });
});

afterEach(async () => {
  await client?.disconnect();
  client = undefined;
  await exchange.close();
  await fake.stop();
});

describe('CcxtExecutionClient against a fake Binance', () => {
  it('reports the acceptance from the private stream’s report before ccxt parses it, once, whichever of the report and the answer comes first', async () => {
    // What ccxt's own handler sees: whether OrderAccepted was out when the order's NEW report reached it.
    const seenByCcxt: boolean[] = [];
    const ex = exchange as unknown as { handleMessage: (client: unknown, message: unknown) => unknown };
    const ccxtHandler = ex.handleMessage.bind(exchange);
    ex.handleMessage = (c, m) => {
      const e = (m as { event?: { e?: string; x?: string } }).event;
      if (e?.e === 'executionReport' && e.x === 'NEW') seenByCcxt.push(events.some((x) => x.type === 'OrderAccepted'));
      return ccxtHandler(c, m);
    };
    const venue = await start(true);
    fake.faults.swallowAcks(1); // the answer to the create call never comes: the stream's report is all there is
    const cmd = order();
    venue.submit(cmd);
    const accepted = await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    const placed = fake.spot.getOrder('BTCUSDT', { clientOrderId: cmd.clientOrderId })!;
    expect(accepted).toMatchObject({ clientOrderId: cmd.clientOrderId, venueOrderId: String(placed.orderId), ts: placed.time });
    expect(seenByCcxt).toEqual([true]);
    // A second order whose answer does come: still one acceptance each, the stream's report first.
    const second = order({ price: new Decimal('29990') });
    venue.submit(second);
    await waitFor('the second acceptance', () => events.find((e) => e.type === 'OrderAccepted' && e.clientOrderId === second.clientOrderId));
    await new Promise((r) => setTimeout(r, 100));
    expect(events.filter((e) => e.type === 'OrderAccepted').map((e) => e.clientOrderId)).toEqual([cmd.clientOrderId, second.clientOrderId]);
    expect(seenByCcxt).toEqual([true, true]);
  });

  it('by default submits over REST while the private socket is up; the acknowledgement and the fill are the same as over the WebSocket API', async () => {
    const venue = await start(true);
    expect(venue.status).toBe('CONNECTED');
    const cmd = order();
    venue.submit(cmd);
    const accepted = await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    expect(fake.server.requests.filter((r) => r.startsWith('POST /api/v3/order'))).toHaveLength(1); // createOrder, not createOrderWs
    const placed = fake.spot.allOrders('BTCUSDT').filter((o) => o.clientOrderId === cmd.clientOrderId);
    expect(placed).toHaveLength(1);
    expect(accepted).toMatchObject({ clientOrderId: cmd.clientOrderId, venueOrderId: String(placed[0]!.orderId) });
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 1.5 });
    const fill = await waitFor('the fill', () => events.find((e) => e.type === 'OrderFilled'));
    expect(fill).toMatchObject({ clientOrderId: cmd.clientOrderId, liquiditySide: 'MAKER' });
    expect((fill as { quantity: Decimal }).quantity.toString()).toBe('0.5');
  });

  it("with orderEntry 'websocket', submits over the WebSocket API, is accepted and filled as maker by trade id from the user data stream", async () => {
    const venue = await start(true, { orderEntry: 'websocket' });
    const cmd = order();
    venue.submit(cmd);
    const accepted = await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    expect(fake.server.requests.some((r) => r.startsWith('POST /api/v3/order'))).toBe(false); // sent over the WebSocket API
    expect(fake.spot.allOrders('BTCUSDT').filter((o) => o.clientOrderId === cmd.clientOrderId)).toHaveLength(1);
    expect(accepted).toMatchObject({ clientOrderId: cmd.clientOrderId, strategyId: 's', instrumentId: btc });
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 1.5 }); // takes the scripted 1 BTC, then our 0.5
    const fill = await waitFor('the fill', () => events.find((e) => e.type === 'OrderFilled'));
    if (fill.type !== 'OrderFilled') throw new Error('not a fill');
    const venueFill = fake.spot.fills().find((f) => String(f.tradeId) === fill.tradeId)!;
    expect(venueFill).toBeDefined();
    expect([fill.quantity.toString(), fill.price.toString(), fill.liquiditySide, fill.commissionCurrency]).toEqual(['0.5', '29999', 'MAKER', 'BTC']);
    expect(fill.commission.toString()).toBe(new Decimal('0.5').mul('0.001').toString()); // 0.1 % of the BTC received
    expect(fill.venueOrderId).toBe((accepted as { venueOrderId: string }).venueOrderId);
    // The same trade arrives in the order update and in the trade stream: applied once.
    await new Promise((r) => setTimeout(r, 100));
    expect(events.filter((e) => e.type === 'OrderFilled')).toHaveLength(1);
    const report = await venue.queryOrder(cmd.clientOrderId);
    expect([report?.status, report?.fills.length, report?.fills[0]?.tradeId]).toEqual(['FILLED', 1, fill.tradeId]);
    const fills = await venue.fillsSince(0);
    expect(fills.map((f) => [f.tradeId, f.clientOrderId])).toEqual([[fill.tradeId, cmd.clientOrderId]]);
  });

  it('a cancel-replace over the user data stream is an update, not a cancel: the old order’s CANCELED report is history', async () => {
    const venue = await start(true);
    const cmd = order({ price: new Decimal('29000') });
    venue.submit(cmd);
    await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    venue.modify({ type: 'ModifyOrder', clientOrderId: cmd.clientOrderId, strategyId: cmd.strategyId, instrumentId: cmd.instrumentId, quantity: new Decimal('0.4'), price: new Decimal('29500'), triggerPrice: undefined, ts: Date.now() });
    await waitFor('updated', () => events.find((e) => e.type === 'OrderUpdated'));
    await new Promise((r) => setTimeout(r, 150)); // the user data stream's reports of both halves arrive
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderUpdated']);
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_500, qty: 3.4 }); // the scripted 3 BTC at 29,999 and 29,998 first
    const fill = await waitFor('the fill of the new order', () => events.find((e) => e.type === 'OrderFilled'));
    expect(fill).toMatchObject({ clientOrderId: cmd.clientOrderId });
    expect((fill as { quantity: Decimal }).quantity.toString()).toBe('0.4');
  });

  it('over REST: a market order filled as taker, a cancel, and a modify by cancel-replace under the same client order id', async () => {
    const venue = await start(false);
    const market = order({ orderType: 'MARKET', price: undefined, quantity: new Decimal('0.2') });
    venue.submit(market);
    const fill = await waitFor('market fill', () => events.find((e) => e.type === 'OrderFilled' && e.clientOrderId === market.clientOrderId));
    expect(fill).toMatchObject({ liquiditySide: 'TAKER' });
    expect(events.filter((e) => e.clientOrderId === market.clientOrderId).map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(fake.server.requests.filter((r) => r.startsWith('POST /api/v3/order?') || r === 'POST /api/v3/order')).toHaveLength(1);

    const resting = order({ price: new Decimal('29000') });
    venue.submit(resting);
    await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted' && e.clientOrderId === resting.clientOrderId));
    venue.modify({ type: 'ModifyOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: resting.instrumentId, quantity: new Decimal('0.3'), price: new Decimal('29100'), triggerPrice: undefined, ts: Date.now() });
    const updated = await waitFor('updated', () => events.find((e) => e.type === 'OrderUpdated'));
    expect(updated).toMatchObject({ clientOrderId: resting.clientOrderId });
    expect([(updated as { quantity: Decimal }).quantity.toString(), (updated as { price: Decimal }).price.toString()]).toEqual(['0.3', '29100']);
    const open = await venue.openOrders();
    expect(open.map((o) => [o.clientOrderId, o.quantity.toString(), o.price?.toString()])).toEqual([[resting.clientOrderId, '0.3', '29100']]);

    venue.cancel({ type: 'CancelOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: resting.instrumentId, ts: Date.now() });
    await waitFor('canceled', () => events.find((e) => e.type === 'OrderCanceled'));
    expect(await venue.openOrders()).toEqual([]);
    // A refused order: the venue's reason, as a rejection.
    const tooSmall = order({ quantity: new Decimal('0.00001'), price: new Decimal('100') });
    venue.submit(tooSmall);
    const rejected = await waitFor('rejected', () => events.find((e) => e.type === 'OrderRejected'));
    expect((rejected as { reason: string }).reason).toMatch(/^BINANCE createOrder: -1013 .*NOTIONAL/);
    expect((await venue.balances()).find((b) => b.currency === 'USDT')?.locked.toString()).toBe('0');
  });

  it('a submit whose acknowledgement never comes is an unknown outcome, reconciled by client order id and never sent twice', async () => {
    const venue = await start(false);
    const unknown: string[] = [];
    venue.unknownOutcomes.subscribe((e) => unknown.push(e.clientOrderId));
    fake.faults.swallowAcks(1, /^POST \/api\/v3\/order$/);
    exchange.timeout = 400; // ccxt gives up on the answer after 400 ms
    const clock = new LiveClock();
    const manager = new OrderManager({ clock, instruments: instrumentRegistry(instruments.instruments), venue, submitTimeoutMs: 700 });
    const seen: string[] = [];
    manager.events.subscribe((e) => seen.push(e.type));
    const cmd = order();
    manager.execute(cmd);
    await waitFor('the unknown outcome', () => unknown.length > 0 || undefined, 4000);
    expect(unknown).toEqual([cmd.clientOrderId]);
    expect(events.some((e) => e.type === 'OrderRejected')).toBe(false);
    await waitFor('reconciled', () => manager.order(cmd.clientOrderId)?.status === 'ACCEPTED' || undefined, 4000);
    expect(seen).toEqual(['OrderSubmitted', 'OrderAccepted']);
    expect(fake.spot.allOrders('BTCUSDT').filter((o) => o.clientOrderId === cmd.clientOrderId)).toHaveLength(1);
    expect(fake.server.requests.filter((r) => r.startsWith('POST /api/v3/order'))).toHaveLength(1);
    manager.dispose();
  });

  it('a timestamp outside recvWindow (-1021) resyncs the time difference, asks by client id, then sends once', async () => {
    const venue = await start(false);
    fake.faults.clockOffsetMs = 60_000;
    const cmd = order();
    venue.submit(cmd);
    await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    expect(venue.caller.stats.timeResyncs).toBe(1);
    const order_ = fake.server.requests
      .filter((r) => r.startsWith('POST /api/v3/order') || r.startsWith('GET /api/v3/order') || r.startsWith('GET /api/v3/time'))
      .map((r) => r.split('?')[0]);
    // Up to the accepted send; the client's order poll may ask about the order again afterwards (on a
    // slow machine it did before this line ran), which is not part of the resync.
    const sends = order_.filter((r) => r === 'POST /api/v3/order').length;
    expect(sends).toBe(2);
    expect(order_.slice(0, order_.lastIndexOf('POST /api/v3/order') + 1)).toEqual(['POST /api/v3/order', 'GET /api/v3/time', 'GET /api/v3/order', 'POST /api/v3/order']);
    expect(fake.spot.allOrders('BTCUSDT')).toHaveLength(1);
  });

  it('429s pause every request with backoff; reads are retried, a submit is sent again only after asking by client id', async () => {
    const venue = await start(false);
    fake.faults.failHttp({ status: 429, count: 2, retryAfterS: 1, match: /^GET \/api\/v3\/openOrders/ });
    const t0 = Date.now();
    expect(await venue.openOrders()).toEqual([]);
    expect(venue.caller.stats.rateLimited).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(20 + 40 - 5); // waits of 20 then 40 ms (jitter 0)
    fake.faults.failHttp({ status: 429, count: 1, match: /^POST \/api\/v3\/order/ });
    const cmd = order();
    venue.submit(cmd);
    await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    expect(fake.spot.allOrders('BTCUSDT').filter((o) => o.clientOrderId === cmd.clientOrderId)).toHaveLength(1);
    expect(fake.server.requests.filter((r) => r.startsWith('GET /api/v3/order?')).length).toBeGreaterThanOrEqual(1);
  });

  it('polls REST while the private socket is down and says CONNECTED again when it is back', async () => {
    const venue = await start(true);
    const statuses: string[] = [];
    venue.connection.subscribe((s) => statuses.push(s));
    const cmd = order();
    venue.submit(cmd);
    await waitFor('accepted', () => events.find((e) => e.type === 'OrderAccepted'));
    fake.restart();
    await waitFor('reconnecting', () => statuses.includes('RECONNECTING') || undefined);
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 1.5 });
    await waitFor('the fill, polled or streamed', () => events.find((e) => e.type === 'OrderFilled'));
    await waitFor('connected again', () => statuses.at(-1) === 'CONNECTED' || undefined);
    expect(events.filter((e) => e.type === 'OrderFilled')).toHaveLength(1);
  });
});
