import ccxt from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fake-exchange/wait-for';
import { binanceCcxtOptions } from './ccxt-options';
import { FakeBinance } from './fake-binance';

let fake: FakeBinance;
let ex: InstanceType<typeof ccxt.pro.binanceusdm>;
const SYM = 'BTC/USDT:USDT';

beforeEach(async () => {
  fake = await FakeBinance.start({ futuresWallet: { USDT: 10_000 } });
  fake.futures.setBook('BTCUSDT', { bids: [[29_999.9, 5]], asks: [[30_000.1, 5]] });
  ex = new ccxt.pro.binanceusdm(binanceCcxtOptions(fake, { market: 'linear' }));
  await ex.loadMarkets();
});

afterEach(async () => {
  await ex.close();
  await fake.stop();
});

describe('fake Binance USD-M futures through ccxt', { timeout: 5000 }, () => {
  it('opens a long, marks it, reports the position and settles funding into the income history', async () => {
    expect(await ex.setLeverage(10, SYM)).toMatchObject({ leverage: 10 });
    const o = await ex.createOrder(SYM, 'market', 'buy', 0.2, undefined, { clientOrderId: 'fut-1' });
    expect(o).toMatchObject({ clientOrderId: 'fut-1', status: 'closed', filled: 0.2, average: 30_000.1 });
    fake.futures.setMarkPrice('BTCUSDT', 30_500);
    const [pos] = await ex.fetchPositions([SYM]);
    expect(pos).toMatchObject({ symbol: SYM, side: 'long', contracts: 0.2, entryPrice: 30_000.1, markPrice: 30_500, marginMode: 'cross' });
    // (30_500 − 30_000.1) × 0.2
    expect(pos?.unrealizedPnl).toBeCloseTo(99.98, 8);
    const entry = fake.futures.applyFunding('BTCUSDT', 0.0001, 1_700_000_000_000);
    // a long pays rate × qty × mark = 0.0001 × 0.2 × 30_500
    expect(entry?.income).toBeCloseTo(-0.61, 10);
    const funding = await ex.fetchFundingHistory(SYM);
    expect(funding.map((f) => [f.amount, f.timestamp])).toEqual([[-0.61, 1_700_000_000_000]]);
    const bal = await ex.fetchBalance();
    // ccxt's total is the margin balance: wallet (10_000 − taker fee 0.05 % × 6_000.02 − 0.61 funding) + unrealized 99.98
    expect(bal['USDT']?.total).toBeCloseTo(10_000 - 6_000.02 * 0.0005 - 0.61 + 99.98, 6);
    expect(fake.futures.wallet.get('USDT')).toBeCloseTo(10_000 - 6_000.02 * 0.0005 - 0.61, 10);
  });

  it('closes with reduce-only, realizes the P&L, and rejects a reduce-only order that would open', async () => {
    await ex.createOrder(SYM, 'limit', 'buy', 0.1, 30_000.1);
    await expect(ex.createOrder(SYM, 'limit', 'buy', 0.1, 29_000, { reduceOnly: true })).rejects.toThrow(ccxt.InvalidOrder);
    fake.futures.setBook('BTCUSDT', { bids: [[30_100.1, 5]], asks: [[30_100.3, 5]] });
    const close = await ex.createOrder(SYM, 'market', 'sell', 0.1, undefined, { reduceOnly: true });
    expect(close.status).toBe('closed');
    const trades = await ex.fetchMyTrades(SYM);
    expect(trades.map((t) => [t.side, t.price, t.amount])).toEqual([['buy', 30_000.1, 0.1], ['sell', 30_100.1, 0.1]]);
    expect(Number((trades[1]?.info as { realizedPnl: string }).realizedPnl)).toBeCloseTo(10, 8);
    expect((await ex.fetchPositions([SYM])).filter((p) => (p.contracts ?? 0) > 0)).toEqual([]);
  });

  it('rejects a post-only order that would cross with -5022 and edits a resting order in place', async () => {
    await expect(ex.createOrder(SYM, 'limit', 'buy', 0.01, 30_000.1, { postOnly: true })).rejects.toThrow(ccxt.OrderNotFillable);
    const o = await ex.createOrder(SYM, 'limit', 'buy', 0.01, 29_000, { postOnly: true, clientOrderId: 'po-1' });
    expect(o).toMatchObject({ status: 'open', postOnly: true });
    const edited = await ex.editOrder(o.id!, SYM, 'limit', 'buy', 0.02, 29_100);
    expect(edited).toMatchObject({ id: o.id, price: 29_100, amount: 0.02, status: 'open' });
    const byClient = await ex.fetchOrder('', SYM, { origClientOrderId: 'po-1' });
    expect(byClient).toMatchObject({ id: o.id, price: 29_100 });
    await expect(ex.setMarginMode('isolated', SYM)).rejects.toThrow(ccxt.ExchangeError);
    await ex.cancelOrder(o.id!, SYM);
    expect(await ex.setMarginMode('isolated', SYM)).toMatchObject({ code: 200, msg: 'success' });
    expect(fake.futures.position('BTCUSDT').marginType).toBe('isolated');
  });

  it('watchOrders and watchMyTrades run over the listen-key stream', async () => {
    const orders = ex.watchOrders(SYM);
    await waitFor(() => fake.socketsOf('userData', 'futures').length === 1, 'the listen-key socket');
    expect(fake.listenKeys.size).toBe(1);
    // Beside the private streams ccxt loads a positions snapshot (GET positionRisk) into a future that only
    // watchPositions awaits: awaited here, or the close after the test could reject it with nobody listening.
    const client = Object.values(ex.clients).find((c) => 'future:fetchPositionsSnapshot' in c.futures);
    expect(client?.url).toContain('/fstream/');
    expect(await client!.futures['future:fetchPositionsSnapshot']).toHaveLength(0);
    const trades = ex.watchMyTrades(SYM);
    await ex.createOrder(SYM, 'limit', 'sell', 0.05, 30_200, { clientOrderId: 'lk-1' });
    expect((await orders).at(-1)).toMatchObject({ clientOrderId: 'lk-1', status: 'open', side: 'sell' });
    fake.futures.trade('BTCUSDT', { side: 'buy', price: 30_200, qty: 5.05 });
    const mine = await trades;
    expect(mine.at(-1)).toMatchObject({ price: 30_200, amount: 0.05, takerOrMaker: 'maker' });
    // maker fee 0.02 % of 1_510
    expect(mine.at(-1)?.fee?.cost).toBeCloseTo(0.302, 10);
    expect(fake.futures.position('BTCUSDT')).toMatchObject({ qty: -0.05, entryPrice: 30_200 });
  });
});
