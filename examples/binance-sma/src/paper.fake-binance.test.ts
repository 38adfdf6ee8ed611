/**
 * The program's paper mode (`trade: 'paper'`: no keys, a SimulatedVenue filling the orders on the ccxt
 * data client's bars) against the fake Binance's public REST and WebSocket market data. Nothing reaches
 * the fake's account: the simulated venue fills a market order at the open of the bar after the cross,
 * with a commission of 0.1% in USDT, which the test checks against a computation of its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bar } from '@rxtrade/core';
import { fakeBinanceVenueOptions } from '../../../packages/connectors/src/ccxt/__fixtures__/conformance/fake-binance-harness';
import { FakeBinance } from '../../../packages/connectors/src/ccxt/__fixtures__/fake-binance/index';
import { startBinanceSma } from './program';
import { crossesOf, playMinute, streaming, until } from './test-kit';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

const WARM_UP = [30_400, 30_300, 30_200, 30_100];
const LIVE = [30_300, 30_500, 30_600, 30_400, 30_000, 29_800, 29_700];

describe('binance-sma paper trading on the fake Binance’s public market data', () => {
  it('fills the crosses at the next bar’s open with the paper commission; the fake’s account sees no order', async () => {
    const fake = await FakeBinance.start({ balances: { USDT: 1_000 } });
    closers.push(() => fake.stop());
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - WARM_UP.length * 60_000;
    WARM_UP.forEach((price, k) => playMinute(fake, t0, k, price));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binance-sma-paper-'));
    closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    // Public market data only: the fake's URLs without its keys.
    const { credentials: _keys, ...publicOnly } = fakeBinanceVenueOptions(fake, 'spot');
    const run = await startBinanceSma({ dir, trade: 'paper', venue: publicOnly, fast: 2, slow: 4, size: '0.01', paperCash: 10_000, signals: false });
    closers.push(() => run.stop());
    expect(run.execution.id).toBe('PAPER');
    expect(run.warmUp).toEqual(WARM_UP);
    expect(path.basename(run.journalDir)).toMatch(/^paper-/);

    const bars: Bar[] = [];
    run.venue.data.events.subscribe((e) => e.type === 'Bar' && bars.push(e));
    await streaming(fake, 'btcusdt@kline_1m');
    for (let i = 0; i < LIVE.length; i++) {
      playMinute(fake, t0, WARM_UP.length + i, LIVE[i]!);
      if (i > 0) await until(`bar ${i - 1}`, () => bars.length === i);
      await run.node.idle();
    }
    // Bars close on the fake's prints alone (no order of the paper run reaches it).
    expect(bars.map((b) => b.close)).toEqual(LIVE.slice(0, -1));
    const crosses = crossesOf([...WARM_UP, ...LIVE.slice(0, -1)], 2, 4).map((x) => [x.index - WARM_UP.length, x.signal]);
    expect(crosses).toEqual([[1, 1], [4, -1]]);

    // Each cross's order fills at the open of the next bar: minute 2 opens at 30,600, minute 5 at 29,800.
    const fills = run.node.snapshot().recentFills.map((f) => [f.side, f.quantity, f.price, f.commission, f.venue]);
    expect(fills).toEqual([
      ['BUY', '0.01', '30600', '0.306', 'PAPER'],
      ['SELL', '0.01', '29800', '0.298', 'PAPER'],
    ]);
    // 10,000 - 306 - 0.306 + 298 - 0.298
    expect(run.node.ledger.cash('USDT').toString()).toBe('9991.396');
    expect(run.node.ledger.positionQuantity(run.instrument.id).isZero()).toBe(true);
    expect(fake.spot.allOrders('BTCUSDT')).toEqual([]);
    expect(fake.server.requests.filter((r) => /\/(order|account|myTrades)/.test(r))).toEqual([]);
  });
});
