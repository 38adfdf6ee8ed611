/**
 * `ccxtVenue` end to end on the fake Binance through its public options (ccxt's urls, exceptions,
 * httpAgent and options passed through): validation of the overrides without a secret in any error,
 * USDⓈ-M contract positions as the venue keeps them, a funding payment booked to a live node's ledger,
 * and spot holdings as positions (one instrument per base currency).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subject, map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal, ValidationError, clientOrderId, strategyId, type OrderCommand, type PipelineContext } from '@rxtrade/core';
import { RISK_WAIVER } from '../live/node/live-node-config';
import { runLive } from '../live/node/live-node';
import { fakeBinanceVenueOptions } from './__fixtures__/conformance/fake-binance-harness';
import { DEFAULT_SPOT_MARKETS, FakeBinance } from './__fixtures__/fake-binance/fake-binance';
import { ccxtVenue, type CcxtVenue } from './ccxt-venue';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function start(fake: FakeBinance, market: 'spot' | 'linear', extra: Record<string, unknown> = {}): Promise<CcxtVenue> {
  const venue = await ccxtVenue(market === 'spot' ? 'binance' : 'binanceusdm', { ...fakeBinanceVenueOptions(fake, market), ...extra });
  closers.push(() => venue.close());
  await until('CONNECTED', () => venue.execution.status === 'CONNECTED');
  return venue;
}

describe('ccxtVenue overrides', () => {
  it('refuses a bad override naming the field, and never shows a credential', async () => {
    const secret = 'TOP-SECRET-0123456789';
    const bad = [
      [{ urls: { api: { public: 'not a url' } } }, 'ccxtVenue.urls.api.public'],
      [{ exceptions: { exact: { '-2010': 'InsufficientFunds' } } }, 'ccxtVenue.exceptions.exact.-2010'],
      [{ httpAgent: { keepAlive: true } }, 'ccxtVenue.httpAgent: must be an http.Agent'],
      [{ fundingPollMs: -1 }, 'ccxtVenue.fundingPollMs'],
      [{ orderEntry: 'fix' }, 'ccxtVenue.orderEntry'],
      [{ orderEntry: 'websocket', webSocket: false }, "ccxtVenue.orderEntry: 'websocket' needs webSocket: true"],
      [{ credentals: { apiKey: secret } }, 'credentals'],
    ] as const;
    for (const [options, field] of bad) {
      const error = await ccxtVenue('binance', { credentials: { apiKey: secret, secret }, connect: false, ...(options as object) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(field);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('orderEntry reaches the execution client: a submit goes out over REST by default, over the WebSocket API with websocket', async () => {
    const fake = await FakeBinance.start({ balances: { USDT: 100_000 } });
    closers.push(() => fake.stop());
    fake.spot.setBook('BTCUSDT', { bids: [[29_999, 1]], asks: [[30_001, 1]] });
    const posts = (): number => fake.server.requests.filter((r) => r.startsWith('POST /api/v3/order')).length;
    for (const [orderEntry, restPosts] of [[undefined, 1], ['websocket', 0]] as const) {
      const venue = await start(fake, 'spot', orderEntry === undefined ? {} : { orderEntry });
      const before = posts();
      const cid = `entry-${orderEntry ?? 'default'}`;
      venue.execution.submit({
        type: 'SubmitOrder', clientOrderId: clientOrderId(cid), strategyId: strategyId('s'), instrumentId: 'BTCUSDT.BINANCE' as never, side: 'BUY', orderType: 'LIMIT',
        quantity: new Decimal('0.001'), price: new Decimal('20000'), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: Date.now(),
      });
      await until(`${cid} at the venue`, () => fake.spot.openOrders('BTCUSDT').some((o) => o.clientOrderId === cid));
      expect(posts() - before).toBe(restPosts);
    }
  });

  it('a spotHoldings entry that names no spot instrument of that base currency is refused', async () => {
    const fake = await FakeBinance.start({ balances: { USDT: 1000 } });
    closers.push(() => fake.stop());
    const error = await ccxtVenue('binance', { ...fakeBinanceVenueOptions(fake, 'spot'), symbols: ['BTC/USDT', 'ETH/USDT'], spotHoldings: { BTC: 'ETH/USDT' }, connect: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/spotHoldings\.BTC: ETH\/USDT has base currency ETH, not BTC/);
  });
});

describe('spot holdings as positions', () => {
  it('reports each base currency’s total balance (free and locked) once, on its instrument; other currencies are not positions', async () => {
    const fake = await FakeBinance.start({ balances: { USDT: 100_000, BTC: 0.25, ETH: 2 }, spotMarkets: DEFAULT_SPOT_MARKETS });
    closers.push(() => fake.stop());
    fake.spot.setBook('ETHUSDT', { bids: [[1999, 10]], asks: [[2001, 10]] });
    const venue = await start(fake, 'spot', { symbols: ['BTC/USDT', 'ETH/USDT'] });
    // 0.5 ETH locked in a resting sell still belongs to the account.
    venue.execution.submit({
      type: 'SubmitOrder', clientOrderId: clientOrderId('hold-1'), strategyId: strategyId('s'), instrumentId: 'ETHUSDT.BINANCE' as never, side: 'SELL', orderType: 'LIMIT',
      quantity: new Decimal('0.5'), price: new Decimal('2100'), triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: Date.now(),
    });
    await until('the ETH locked', () => fake.spot.openOrders('ETHUSDT').length === 1);
    const positions = await venue.execution.positions();
    expect(positions.map((p) => [p.instrumentId, p.quantity.toString(), p.avgPrice.toString()]).sort()).toEqual([
      ['BTCUSDT.BINANCE', '0.25', '0'],
      ['ETHUSDT.BINANCE', '2', '0'],
    ]);
  });
});

describe('USDⓈ-M end to end', () => {
  it('contract positions carry size, side, entry, leverage and margin mode as the venue keeps them; a funding payment reaches the node’s ledger', async () => {
    const fake = await FakeBinance.start({ futuresWallet: { USDT: 100_000 } });
    closers.push(() => fake.stop());
    fake.futures.setBook('BTCUSDT', { bids: [[29_999, 5]], asks: [[30_001, 5]] });
    fake.futures.setMarkPrice('BTCUSDT', 30_000);
    const venue = await start(fake, 'linear', { fundingPollMs: 50 });
    const perp = venue.instruments.instruments[0]!;
    expect(perp.id).toBe('BTCUSDT-PERP.BINANCEUSDM');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccxt-usdm-'));
    closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const commands = new Subject<(ctx: PipelineContext) => OrderCommand>();
    const node = await runLive((ctx) => commands.pipe(map((make) => make(ctx))), {
      nodeId: 'usdm', venues: [venue.execution], dataClients: [venue.data], subscriptions: [{ instrumentId: perp.id, kind: 'trades' }], instruments: [perp], ledger: { startingCash: 100_000, baseCurrency: 'USDT' },
      risk: { waive: RISK_WAIVER }, journal: { dir, fsync: 'never' }, signals: false, onStop: 'leave',
    });
    closers.push(() => node.stop());
    commands.next((ctx) => ctx.orderFactory.market({ instrumentId: perp.id, side: 'BUY', quantity: '0.02' }));
    await until('the node’s position', () => node.ledger.positionQuantity(perp.id).eq('0.02'));

    const venuePosition = fake.futures.position('BTCUSDT');
    const [position] = await venue.execution.contractPositions();
    expect(position).toMatchObject({ instrumentId: perp.id, side: 'LONG', leverage: venuePosition.leverage, marginMode: venuePosition.marginType });
    expect([position!.quantity.toString(), position!.entryPrice?.toString()]).toEqual([String(venuePosition.qty), '30001']);
    fake.futures.setBook('BTCUSDT', { bids: [[29_999, 5]], asks: [[30_001, 5]] });
    venue.execution.submit({
      type: 'SubmitOrder', clientOrderId: clientOrderId('short-1'), strategyId: strategyId('s'), instrumentId: perp.id, side: 'SELL', orderType: 'MARKET',
      quantity: new Decimal('0.05'), price: undefined, triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: Date.now(),
    });
    const short = await until('the short', async () => (await venue.execution.contractPositions()).find((p) => p.side === 'SHORT'));
    expect([short.quantity.toString(), short.entryPrice?.toString()]).toEqual(['-0.03', '29999']); // 0.02 closed at 29,999, 0.03 opened there

    // Funding at 0.01 %: a short of 0.03 at a mark of 30,000 receives 0.03 × 30,000 × 0.0001 = 0.09 USDT.
    const cash = node.ledger.cash('USDT');
    const entry = fake.futures.applyFunding('BTCUSDT', 0.0001)!;
    expect(entry.income).toBe(0.09);
    await until('the funding in the ledger', () => !node.ledger.cash('USDT').eq(cash));
    await node.idle();
    expect(node.ledger.cash('USDT').minus(cash).toString()).toBe('0.09');
  });
});
