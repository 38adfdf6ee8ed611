/**
 * The program as it runs against Binance's testnet (`ccxtVenue('binance', { sandbox: true, … })`),
 * unchanged but for the venue options, against the repository's fake Binance: the real ccxt client
 * signs, sends and parses Binance's own protocol over HTTP and WebSocket on 127.0.0.1. Trades printed
 * on the fake make the one-minute bars; the averages cross up and then down, and the orders, fills,
 * position and cash are checked against the fake's account and an independent computation of the
 * averages.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bar } from '@rxtrade/core';
import { fakeBinanceVenueOptions } from '../../../packages/connectors/src/ccxt/__fixtures__/conformance/fake-binance-harness';
import { DEFAULT_SPOT_MARKETS, FakeBinance } from '../../../packages/connectors/src/ccxt/__fixtures__/fake-binance/index';
import { startBinanceSma, type BinanceSma } from './program';
import { crossesOf, playMinute, streaming, until } from './test-kit';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

// Warm-up closes falling (fast below slow), then a rise that crosses up and a fall that crosses down.
const WARM_UP = [30_400, 30_300, 30_200, 30_100];
const LIVE = [30_300, 30_500, 30_600, 30_400, 30_000, 29_800, 29_700];
// The bars' closes: the account's own fills print on the tape too, after that minute's scripted trade
// (the buy at minute 2's ask, 30,601; the sell at minute 5's bid, 29,799). Minute 6 only closes minute 5.
const CLOSES = [30_300, 30_500, 30_601, 30_400, 30_000, 29_799];
const FAST = 2;
const SLOW = 4;

describe('binance-sma on the fake Binance (the testnet program, unchanged)', () => {
  it('buys on the upward cross and sells on the downward one; the node’s orders, fills, BTC and USDT are the venue’s, and a restart reconciles strictly', async () => {
    // Binance's own fee on a spot buy is charged in BTC, which the live node's single-currency ledger
    // cannot book yet: the fake's BTC/USDT is fee-free here.
    const fake = await FakeBinance.start({ balances: { USDT: 10_000, BTC: 0.25 }, spotMarkets: DEFAULT_SPOT_MARKETS.map((m) => ({ ...m, makerFee: 0, takerFee: 0 })) });
    closers.push(() => fake.stop());
    // The warm-up bars are the four minutes before the current one: closed, and within the program's look-back.
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - WARM_UP.length * 60_000;
    // The warm-up history, before the program starts: one trade a minute.
    WARM_UP.forEach((price, k) => playMinute(fake, t0, k, price));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binance-sma-'));
    closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const venue = { ...fakeBinanceVenueOptions(fake, 'spot'), sandbox: true };
    const start = (): Promise<BinanceSma> => startBinanceSma({ dir, trade: 'venue', venue, fast: FAST, slow: SLOW, size: '0.01', signals: false });
    const run = await start();
    closers.push(() => run.stop());
    expect(run.instrument.id).toBe('BTCUSDT.BINANCE');
    expect(run.hold.toString()).toBe('0.25'); // the BTC found at the first start is left alone
    expect(run.warmUp).toEqual(WARM_UP);
    expect(run.node.ledger.cash('USDT').toString()).toBe('10000'); // adopted from the account

    const bars: Bar[] = [];
    run.venue.data.events.subscribe((e) => e.type === 'Bar' && bars.push(e));
    const submitted: string[] = [];
    run.node.events.on('submitted', (s) => submitted.push(s.clientOrderId));
    await streaming(fake, 'btcusdt@kline_1m');

    // The independent reference: plain SMAs over the closes, crosses against the last non-zero difference.
    const expected = crossesOf([...WARM_UP, ...CLOSES], FAST, SLOW).filter((x) => x.index >= WARM_UP.length);
    expect(expected.map((x) => [x.index - WARM_UP.length, x.signal])).toEqual([[1, 1], [4, -1]]);
    const fills = (): number => fake.spot.fills('BTCUSDT').length;
    for (let i = 0; i < LIVE.length; i++) {
      playMinute(fake, t0, WARM_UP.length + i, LIVE[i]!);
      if (i === 0) continue; // a bar is published when the next one opens
      await until(`bar ${i - 1}`, () => bars.length === i);
      await run.node.idle();
      const crossed = expected.filter((x) => x.index - WARM_UP.length <= i - 1).length;
      // The order of a cross goes out while the book of minute i is up: it fills at that minute's ask or bid.
      await until(`${crossed} fills`, () => fills() === crossed && run.node.ledger.positionQuantity(run.instrument.id).minus(run.hold).eq(crossed % 2 === 1 ? '0.01' : '0'));
      expect(submitted).toHaveLength(crossed);
    }
    expect(bars.map((b) => b.close)).toEqual(CLOSES);

    const account = fake.spot.fills('BTCUSDT').map((f) => [f.side, f.qty, f.price, f.commission]);
    // Bought at minute 2's ask (30,600 + 1), sold at minute 5's bid (29,800 - 1).
    expect(account).toEqual([['buy', 0.01, 30_601, 0], ['sell', 0.01, 29_799, 0]]);
    const orders = fake.spot.allOrders('BTCUSDT');
    expect(orders.map((o) => [o.clientOrderId, o.type, o.side, o.status])).toEqual(submitted.map((id, k) => [id, 'market', k === 0 ? 'buy' : 'sell', 'filled']));
    const snapshot = run.node.snapshot();
    // The first start adopted the account's 0.25 BTC as a fill at no cost (the venue keeps no cost of a holding).
    expect(snapshot.recentFills.map((f) => [f.side, f.quantity, f.price, f.clientOrderId.replace(/^ADOPT-.*/, 'ADOPT')])).toEqual([
      ['BUY', '0.25', '0', 'ADOPT'],
      ['BUY', '0.01', '30601', submitted[0]],
      ['SELL', '0.01', '29799', submitted[1]],
    ]);
    const btc = fake.spot.balances.get('BTC')!;
    const usdt = fake.spot.balances.get('USDT')!;
    expect(run.node.ledger.positionQuantity(run.instrument.id).toString()).toBe(String(btc.free + btc.locked));
    expect(run.node.ledger.cash('USDT').toString()).toBe(String(usdt.free + usdt.locked));
    expect(String(usdt.free)).toBe('9991.98'); // 10,000 - 306.01 + 297.99

    await run.stop();
    // A restart on the same folder keeps the holding it recorded and finds the account where the journal left it.
    const again = await start();
    closers.push(() => again.stop());
    expect(again.hold.toString()).toBe('0.25');
    expect(again.node.ledger.positionQuantity(again.instrument.id).toString()).toBe('0.25');
    expect(again.node.ledger.cash('USDT').toString()).toBe('9991.98');
  });
});
