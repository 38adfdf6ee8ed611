/**
 * CcxtExecutionClient with the real ccxt Bybit client against the fake Bybit: submit, acknowledgement
 * and fill over the trade and private sockets (orderLinkId carries the client order id), cancel and an
 * in-place amend over REST, a submit whose answer never comes reconciled by orderLinkId, perpetual
 * positions (size, entry price, leverage, margin mode) and a funding fee booked as a payment.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { BacktestClock, Decimal, LiveClock, clientOrderId, instrumentRegistry, strategyId, type FundingPayment, type OrderEvent, type SubmitOrder } from '@rxtrade/core';
import { OrderManager } from '@rxtrade/execution';
import { bybitCcxtOptions } from './__fixtures__/fake-bybit/ccxt-options';
import { FakeBybit } from './__fixtures__/fake-bybit/fake-bybit';
import { waitFor } from './__fixtures__/fake-exchange/wait-for';
import { CcxtExecutionClient } from './ccxt-execution-client';
import { loadCcxtInstruments, type CcxtInstruments } from './ccxt-instruments';

let fake: FakeBybit;
let exchange: Exchange;
let instruments: CcxtInstruments;
let client: CcxtExecutionClient | undefined;
const events: OrderEvent[] = [];

let n = 0;
function order(instrumentId: string, over: Partial<SubmitOrder> = {}): SubmitOrder {
  return {
    type: 'SubmitOrder', clientOrderId: clientOrderId(`t-${Date.now()}-${++n}`), strategyId: strategyId('s'), instrumentId: instrumentId as never, side: 'BUY',
    orderType: 'LIMIT', quantity: new Decimal('0.5'), price: new Decimal('29999'), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined,
    reduceOnly: false, postOnly: false, ts: Date.now(), ...over,
  };
}

async function setup(symbols: string[], webSocket: boolean, extra: Record<string, unknown> = {}): Promise<CcxtExecutionClient> {
  events.length = 0;
  fake = await FakeBybit.start({ balances: { USDT: 100_000, BTC: 1 }, linearWallet: { USDT: 50_000 } });
  fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1], [29_998, 2]], asks: [[30_001, 1], [30_002, 2]] });
  fake.linear.setBook('BTCUSDT', { bids: [[29_990, 5]], asks: [[30_010, 5]] });
  exchange = new ccxt.pro.bybit(bybitCcxtOptions(fake));
  instruments = await loadCcxtInstruments(exchange, { venue: 'BYBIT', symbols });
  client = new CcxtExecutionClient({ exchange, instruments, webSocket, pollIntervalMs: 50, fundingPollMs: 100, backoff: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 }, ...extra });
  client.events.subscribe((e) => events.push(e));
  await client.connect();
  if (webSocket) await waitFor(() => client!.status === 'CONNECTED' || undefined, 'the private socket', 3000);
  return client;
}

afterEach(async () => {
  await client?.disconnect();
  client = undefined;
  await exchange.close();
  await fake.stop();
});

const spot = 'BTCUSDT.BYBIT';
const perp = 'BTCUSDT-PERP.BYBIT';

describe('CcxtExecutionClient against a fake Bybit', () => {
  it("with orderEntry 'websocket', submits over the trade socket; accepted and filled as maker from the private topics, once", async () => {
    const venue = await setup(['BTC/USDT'], true, { orderEntry: 'websocket' });
    const cmd = order(spot);
    venue.submit(cmd);
    const accepted = await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted', 3000);
    expect(fake.server.requests.some((r) => r.startsWith('POST /v5/order/create'))).toBe(false);
    expect(fake.spot.getOrder('BTCUSDT', { clientOrderId: cmd.clientOrderId })?.status).toBe('new'); // orderLinkId = client order id
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 1.5 });
    const fill = await waitFor(() => events.find((e) => e.type === 'OrderFilled'), 'the fill', 3000);
    if (fill.type !== 'OrderFilled') throw new Error('not a fill');
    expect([fill.quantity.toString(), fill.price.toString(), fill.liquiditySide, fill.commissionCurrency, fill.commission.toString()]).toEqual(['0.5', '29999', 'MAKER', 'BTC', '0.0005']);
    expect(fill.venueOrderId).toBe((accepted as { venueOrderId: string }).venueOrderId);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.filter((e) => e.type === 'OrderFilled')).toHaveLength(1);
    const report = await venue.queryOrder(cmd.clientOrderId);
    expect([report?.status, report?.fills.map((f) => f.tradeId)]).toEqual(['FILLED', [fill.tradeId]]);
    expect((await venue.fillsSince(Date.now() - 60_000)).map((f) => [f.tradeId, f.clientOrderId])).toEqual([[fill.tradeId, cmd.clientOrderId]]);
  });

  it('over REST: a market fill as taker, an amend in place, a cancel, a rejection with Bybit’s reason', async () => {
    const venue = await setup(['BTC/USDT'], false);
    const market = order(spot, { orderType: 'MARKET', price: undefined, quantity: new Decimal('0.2') });
    venue.submit(market);
    const fill = await waitFor(() => events.find((e) => e.type === 'OrderFilled' && e.clientOrderId === market.clientOrderId), 'market fill', 3000);
    expect(fill).toMatchObject({ liquiditySide: 'TAKER' });
    const resting = order(spot, { price: new Decimal('29000') });
    venue.submit(resting);
    const accepted = await waitFor(() => events.find((e) => e.type === 'OrderAccepted' && e.clientOrderId === resting.clientOrderId), 'accepted', 3000);
    venue.modify({ type: 'ModifyOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: resting.instrumentId, quantity: new Decimal('0.3'), price: new Decimal('29100'), triggerPrice: undefined, ts: Date.now() });
    const updated = await waitFor(() => events.find((e) => e.type === 'OrderUpdated'), 'updated', 3000);
    expect([(updated as { quantity: Decimal }).quantity.toString(), (updated as { price: Decimal }).price.toString()]).toEqual(['0.3', '29100']);
    const open = await venue.openOrders();
    expect(open.map((o) => [o.clientOrderId, o.venueOrderId, o.quantity.toString(), o.price?.toString()])).toEqual([[resting.clientOrderId, (accepted as { venueOrderId: string }).venueOrderId, '0.3', '29100']]);
    venue.cancel({ type: 'CancelOrder', clientOrderId: resting.clientOrderId, strategyId: resting.strategyId, instrumentId: resting.instrumentId, ts: Date.now() });
    await waitFor(() => events.find((e) => e.type === 'OrderCanceled'), 'canceled', 3000);
    expect(await venue.openOrders()).toEqual([]);
    const tooBig = order(spot, { quantity: new Decimal('5'), price: new Decimal('29000') });
    venue.submit(tooBig);
    const rejected = await waitFor(() => events.find((e) => e.type === 'OrderRejected'), 'rejected', 3000);
    expect((rejected as { reason: string }).reason).toMatch(/^BYBIT createOrder: 170131 Insufficient balance/);
    expect((await venue.balances()).find((b) => b.currency === 'USDT')?.locked.toString()).toBe('0');
  });

  for (const webSocket of [true, false]) {
    it(`a post-only order that would take, accepted and canceled by Bybit, ends as a rejection with its reason (${webSocket ? 'private socket' : 'REST poll'})`, async () => {
      const venue = await setup(['BTC/USDT'], webSocket);
      const taking = order(spot, { price: new Decimal('30001'), quantity: new Decimal('0.01'), postOnly: true });
      venue.submit(taking);
      const rejected = await waitFor(() => events.find((e) => e.type === 'OrderRejected'), 'the refusal', 3000);
      expect((rejected as { reason: string }).reason).toBe('the post-only order would have taken liquidity (EC_PostOnlyWillTakeLiquidity)');
      await new Promise((r) => setTimeout(r, 150));
      // Bybit answers the create call (an acceptance) and closes the order; the private socket may tell of the
      // close before the answer arrives. Either way: nothing after the rejection, no fill, no cancel.
      expect([['OrderAccepted', 'OrderRejected'], ['OrderRejected']]).toContainEqual(events.map((e) => e.type).filter((t) => t !== 'OrderSubmitted'));
      expect(fake.spot.getOrder('BTCUSDT', { clientOrderId: taking.clientOrderId })?.status).toBe('canceled');
      const report = await venue.queryOrder(taking.clientOrderId);
      expect([report?.status, report?.reason, report?.fills.length]).toEqual(['REJECTED', 'the post-only order would have taken liquidity (EC_PostOnlyWillTakeLiquidity)', 0]);
      expect(await venue.openOrders()).toEqual([]);
    });
  }

  it('polls on its clock: a fill made at the venue is seen by the REST poll once the clock passes the poll interval, not before', async () => {
    const clock = new BacktestClock(Date.now());
    const venue = await setup(['BTC/USDT'], false, { clock, pollIntervalMs: 2000 });
    clock.advanceTo(clock.now()); // the first poll, due at the start
    await waitFor(() => venue.status === 'CONNECTED' || undefined, 'the first poll', 3000);
    const cmd = order(spot);
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted', 3000);
    fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 1.5 });
    clock.advanceTo(clock.now() + 1999);
    await new Promise((r) => setTimeout(r, 150)); // wall time does not poll
    expect(events.some((e) => e.type === 'OrderFilled')).toBe(false);
    expect(fake.server.requests.filter((r) => r.startsWith('GET /v5/order/realtime')).length).toBe(0);
    clock.advanceTo(clock.now() + 1);
    const fill = await waitFor(() => events.find((e) => e.type === 'OrderFilled'), 'the polled fill', 3000);
    expect(fill).toMatchObject({ clientOrderId: cmd.clientOrderId, tsInit: clock.now() });
  });

  it('a submit whose acknowledgement never comes is an unknown outcome, reconciled by orderLinkId and never sent twice', async () => {
    const venue = await setup(['BTC/USDT'], false);
    const unknown: string[] = [];
    venue.unknownOutcomes.subscribe((e) => unknown.push(e.clientOrderId));
    fake.faults.swallowAcks(1, /^POST \/v5\/order\/create$/);
    exchange.timeout = 400;
    const manager = new OrderManager({ clock: new LiveClock(), instruments: instrumentRegistry(instruments.instruments), venue, submitTimeoutMs: 700 });
    const seen: string[] = [];
    manager.events.subscribe((e) => seen.push(e.type));
    const cmd = order(spot);
    manager.execute(cmd);
    await waitFor(() => unknown.length > 0 || undefined, 'the unknown outcome', 4000);
    expect(events.some((e) => e.type === 'OrderRejected')).toBe(false);
    await waitFor(() => manager.order(cmd.clientOrderId)?.status === 'ACCEPTED' || undefined, 'reconciled', 4000);
    expect(seen).toEqual(['OrderSubmitted', 'OrderAccepted']);
    expect(fake.server.requests.filter((r) => r.startsWith('POST /v5/order/create'))).toHaveLength(1);
    expect(fake.server.requests.some((r) => r.startsWith('GET /v5/order/realtime'))).toBe(true); // asked by orderLinkId among the open orders
    manager.dispose();
  });

  it('a stale timestamp (10002) resyncs the clock, asks by orderLinkId, then sends once', async () => {
    const venue = await setup(['BTC/USDT'], false);
    fake.faults.clockOffsetMs = 60_000;
    const cmd = order(spot);
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted', 3000);
    expect(venue.caller.stats.timeResyncs).toBe(1);
    expect(fake.spot.allOrders('BTCUSDT')).toHaveLength(1);
  });

  it('perpetuals: position size, entry price, leverage and margin mode; a funding fee booked as paid', async () => {
    const venue = await setup(['BTC/USDT:USDT'], false);
    await exchange.setLeverage(5, 'BTC/USDT:USDT');
    await exchange.setMarginMode('isolated', 'BTC/USDT:USDT');
    const funding: FundingPayment[] = [];
    venue.fundingPayments!.subscribe((f) => funding.push(f));
    const cmd = order(perp, { orderType: 'MARKET', price: undefined, quantity: new Decimal('0.2') });
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderFilled'), 'the fill', 3000);
    fake.linear.setMarkPrice('BTCUSDT', 30_100);
    const [p] = await venue.contractPositions();
    expect([p?.instrumentId, p?.side, p?.quantity.toString(), p?.entryPrice?.toString(), p?.leverage, p?.marginMode, p?.unrealizedPnl.toString()]).toEqual([perp, 'LONG', '0.2', '30010', 5, 'isolated', '18']);
    fake.applyFunding('BTCUSDT', 0.0001, Date.now());
    const payment = await waitFor(() => funding[0], 'the funding payment', 3000);
    // a long pays 0.0001 × 0.2 × 30,100 = 0.602 USDT
    expect([payment.instrumentId, payment.amount.toString(), payment.currency, payment.rate]).toEqual([perp, '-0.602', 'USDT', 0.0001]);
    await new Promise((r) => setTimeout(r, 250));
    expect(funding).toHaveLength(1);
  });

  it('pages fills newest first by Bybit’s cursor: every fill of a window holding more than a page', async () => {
    const venue = await setup(['BTC/USDT'], false, { pageLimit: 3 });
    const cmd = order(spot, { quantity: new Decimal('0.7') });
    venue.submit(cmd);
    await waitFor(() => events.find((e) => e.type === 'OrderAccepted'), 'accepted', 3000);
    const since = Date.now() - 100; // fills stamped in the past, inside the window fillsSince asks for
    fake.spot.setBook('BTCUSDT', { bids: [], asks: [[30_001, 1]] }); // the account's order alone at 29 999
    for (let i = 0; i < 7; i++) fake.spot.trade('BTCUSDT', { side: 'sell', price: 29_999, qty: 0.1, time: since + i });
    expect(fake.spot.fills('BTCUSDT')).toHaveLength(7);
    const fills = await venue.fillsSince(since - 1000);
    const venueIds = await exchange.fetchMyTrades('BTC/USDT', since - 1000, 100);
    expect(fills.map((f) => String(f.tradeId))).toEqual(venueIds.map((t) => String(t.id)));
    expect(fills).toHaveLength(7);
    expect(fills.every((f) => f.clientOrderId === cmd.clientOrderId && f.quantity.toString() === '0.1')).toBe(true);
    expect(fills.map((f) => f.ts)).toEqual([...fills.map((f) => f.ts)].sort((a, b) => a - b));
    // three pages of three: the first, and two behind the cursor
    expect(fake.server.requests.filter((r) => r.startsWith('GET /v5/execution/list') && r.includes('limit=3'))).toHaveLength(3);
  });
});
