/**
 * The program as it runs against Binance's testnet (`ccxtVenue('binance', { sandbox: true, … })`),
 * unchanged but for the venue options, against the repository's fake Binance: the real ccxt client
 * signs, sends and parses Binance's own protocol over HTTP and WebSocket on 127.0.0.1. Trades printed
 * on the fake make the one-minute bars; the averages cross up and down twice, at Binance's default fees
 * (a buy's commission taken in BTC), and the orders, fills, position and cash are checked against the
 * fake's account and an independent computation of the averages and of the account.
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

// Warm-up closes falling (fast below slow), then two round trips: a rise that crosses up, a fall that
// crosses down, a rise and a fall again.
const WARM_UP = [30_400, 30_300, 30_200, 30_100];
const LIVE = [30_300, 30_500, 30_600, 30_400, 30_000, 29_800, 29_700, 30_000, 30_400, 30_500, 30_300, 29_900, 29_700, 29_600];
// The bars' closes: the account's own fills print on the tape too, after that minute's scripted trade
// (the buys at minutes 2 and 9, at the ask, 30,601 and 30,501; the sells at minutes 5 and 12, at the bid,
// 29,799 and 29,699). The last minute only closes the one before.
const CLOSES = [30_300, 30_500, 30_601, 30_400, 30_000, 29_799, 29_700, 30_000, 30_400, 30_501, 30_300, 29_900, 29_699];
const FAST = 2;
const SLOW = 4;
const SIZE = '0.001';
const HOLD = '0.25';

/** Integer units of 10^-`scale` of a decimal string or number (exact: the figures here have few digits). */
function units(x: string | number, scale: number): bigint {
  const [whole, frac = ''] = String(x).split('.');
  if (frac.length > scale) throw new Error(`${x} has more than ${scale} decimals`);
  return BigInt(whole! + frac.padEnd(scale, '0'));
}
/** The decimal string of `u` units of 10^-`scale`, without trailing zeros (as Decimal and Number print). */
function decimal(u: bigint, scale: number): string {
  const sign = u < 0n ? '-' : '';
  const digits = (u < 0n ? -u : u).toString().padStart(scale + 1, '0');
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${sign}${digits.slice(0, digits.length - scale)}${frac === '' ? '' : `.${frac}`}`;
}

describe('binance-sma on the fake Binance (the testnet program, unchanged)', () => {
  it('trades two round trips at Binance’s fees; the node’s fills, BTC and USDT are the venue’s, the sells are whole lots of what the buys left, and a restart reconciles strictly', async () => {
    // Binance's default fees (0.1%): a buy's commission is taken from the BTC bought, a sell's from the USDT received.
    const market = DEFAULT_SPOT_MARKETS.find((m) => m.id === 'BTCUSDT')!;
    expect([market.takerFee, market.stepSize]).toEqual([0.001, 0.00001]);
    const fake = await FakeBinance.start({ balances: { USDT: 10_000, BTC: Number(HOLD) } });
    closers.push(() => fake.stop());
    // The warm-up bars are the four minutes before the current one: closed, and within the program's look-back.
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - WARM_UP.length * 60_000;
    // The warm-up history, before the program starts: one trade a minute.
    WARM_UP.forEach((price, k) => playMinute(fake, t0, k, price));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binance-sma-'));
    closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const venue = { ...fakeBinanceVenueOptions(fake, 'spot'), sandbox: true };
    const start = (): Promise<BinanceSma> => startBinanceSma({ dir, trade: 'venue', venue, fast: FAST, slow: SLOW, size: SIZE, signals: false });
    const run = await start();
    closers.push(() => run.stop());
    expect(run.instrument.id).toBe('BTCUSDT.BINANCE');
    expect(run.instrument.lotSize.toString()).toBe('0.00001');
    expect(run.hold.toString()).toBe(HOLD); // the BTC found at the first start is left alone
    expect(run.warmUp).toEqual(WARM_UP);
    expect(run.node.ledger.cash('USDT').toString()).toBe('10000'); // adopted from the account

    const bars: Bar[] = [];
    run.venue.data.events.subscribe((e) => e.type === 'Bar' && bars.push(e));
    const submitted: string[] = [];
    run.node.events.on('submitted', (s) => submitted.push(s.clientOrderId));
    const nodeFills: string[] = [];
    run.node.events.on('fill', (f) => nodeFills.push(f.clientOrderId));
    await streaming(fake, 'btcusdt@kline_1m');

    // The independent reference. Crosses: plain SMAs over the closes, against the last non-zero difference.
    const crosses = crossesOf([...WARM_UP, ...CLOSES], FAST, SLOW).filter((x) => x.index >= WARM_UP.length);
    expect(crosses.map((x) => [x.index - WARM_UP.length, x.signal])).toEqual([[1, 1], [4, -1], [8, 1], [11, -1]]);
    // The account, in integers: BTC in satoshis (10^-8), USDT in 10^-12. A cross's market order fills in
    // the next minute, a buy at that minute's ask (price + 1) paying 0.1% of the BTC bought, a sell at its
    // bid (price - 1) paying 0.1% of the USDT received. A buy comes when less than a lot is held above the
    // holding; a sell sells the whole lots above it.
    const LOT = units('0.00001', 8);
    const size = units(SIZE, 8);
    let above = 0n; // BTC held above the holding
    let cash = units(10_000, 12);
    let fees = 0n;
    const model: { bar: number; side: 'buy' | 'sell'; qty: bigint; price: number; commission: string; asset: string; above: bigint }[] = [];
    for (const { index, signal } of crosses) {
      const minute = index - WARM_UP.length + 1;
      if (signal > 0) {
        if (above >= LOT) continue;
        const price = LIVE[minute]! + 1;
        const commission = size / 1000n; // 0.1% of 0.001 BTC: 100 satoshis, exact
        above += size - commission;
        cash -= size * BigInt(price) * 10_000n;
        fees += commission * BigInt(price) * 10_000n; // the fee valued in USDT at the fill price
        model.push({ bar: index - WARM_UP.length, side: 'buy', qty: size, price, commission: decimal(commission, 8), asset: 'BTC', above });
      } else {
        const qty = (above / LOT) * LOT;
        if (qty === 0n) continue;
        const price = LIVE[minute]! - 1;
        const proceeds = qty * BigInt(price) * 10_000n;
        const commission = proceeds / 1000n;
        expect(commission * 1000n).toBe(proceeds); // exact
        above -= qty;
        cash += proceeds - commission;
        fees += commission;
        model.push({ bar: index - WARM_UP.length, side: 'sell', qty, price, commission: decimal(commission, 12), asset: 'USDT', above });
      }
    }
    // The first buy leaves 0.000999 BTC (0.001 less 0.000001 of commission), not a whole number of lots:
    // the sell is the 99 whole lots, 0.00099, and 0.000009 stays. The second buy is 0.001 again (less than
    // a lot was held), and the second sell 0.001 of the 0.001008 held: 0.000008 stays.
    expect(model.map((m) => [m.side, decimal(m.qty, 8), decimal(m.above, 8)])).toEqual([
      ['buy', '0.001', '0.000999'],
      ['sell', '0.00099', '0.000009'],
      ['buy', '0.001', '0.001008'],
      ['sell', '0.001', '0.000008'],
    ]);

    const fills = (): number => fake.spot.fills('BTCUSDT').length;
    for (let i = 0; i < LIVE.length; i++) {
      playMinute(fake, t0, WARM_UP.length + i, LIVE[i]!);
      if (i === 0) continue; // a bar is published when the next one opens
      await until(`bar ${i - 1}`, () => bars.length === i);
      await run.node.idle();
      const traded = model.filter((m) => m.bar <= i - 1).length;
      // The order of a cross goes out while the book of minute i is up: it fills at that minute's ask or bid.
      await until(`${traded} fills`, () => fills() === traded && nodeFills.length === traded);
      expect(submitted).toHaveLength(traded);
    }
    expect(bars.map((b) => b.close)).toEqual(CLOSES);

    // The fills as the fake's account records them: quantities, prices and commissions.
    const account = fake.spot.fills('BTCUSDT');
    expect(account.map((f) => [f.side, f.qty, f.price, f.commission, f.commissionAsset])).toEqual(
      model.map((m) => [m.side, Number(decimal(m.qty, 8)), m.price, Number(m.commission), m.asset]),
    );
    // Every sell is a whole number of lots, no more than was held above the holding, and leaves less than a lot.
    for (const [k, f] of account.entries()) {
      if (f.side !== 'sell') continue;
      const held = model[k - 1]!.above;
      const qty = units(f.qty, 8);
      expect([qty % LOT, qty <= held, held - qty < LOT]).toEqual([0n, true, true]);
    }
    const orders = fake.spot.allOrders('BTCUSDT');
    expect(orders.map((o) => [o.clientOrderId, o.type, o.side, o.status])).toEqual(submitted.map((id, k) => [id, 'market', model[k]!.side, 'filled']));
    const snapshot = run.node.snapshot();
    // The first start adopted the account's 0.25 BTC as a fill at no cost (the venue keeps no cost of a
    // holding); the node's fills carry the venue's quantities, prices and commissions.
    expect(snapshot.recentFills.map((f) => [f.side, f.quantity, f.price, f.commission, f.clientOrderId.replace(/^ADOPT-.*/, 'ADOPT')])).toEqual([
      ['BUY', HOLD, '0', '0', 'ADOPT'],
      ...model.map((m, k) => [m.side.toUpperCase(), decimal(m.qty, 8), String(m.price), m.commission, submitted[k]]),
    ]);

    // The node's BTC and USDT: the model's, and the fake's balances.
    const btc = units(HOLD, 8) + above;
    expect(decimal(btc, 8)).toBe('0.250008');
    // 10,000 - 30.601 + (29.50101 - 0.02950101) - 30.501 + (29.699 - 0.029699)
    expect(decimal(cash, 12)).toBe('9998.03880999');
    // 0.000001 x 30,601 + 0.02950101 + 0.000001 x 30,501 + 0.029699
    expect(decimal(fees, 12)).toBe('0.12030201');
    const balance = (asset: string): string => {
      const b = fake.spot.balances.get(asset)!;
      return String(b.free + b.locked);
    };
    expect(run.node.ledger.positionQuantity(run.instrument.id).toString()).toBe(decimal(btc, 8));
    expect(balance('BTC')).toBe(decimal(btc, 8));
    expect(run.node.ledger.cash('USDT').toString()).toBe(decimal(cash, 12));
    expect(balance('USDT')).toBe(decimal(cash, 12));
    // The commissions are fees in USDT: a buy's BTC valued at its fill price.
    expect(run.node.ledger.totalFees().toString()).toBe(decimal(fees, 12));

    await run.stop();
    // A restart on the same folder keeps the holding it recorded and finds the account where the journal
    // left it (the 0.000008 BTC left over included): strict reconciliation passes.
    const again = await start();
    closers.push(() => again.stop());
    expect(again.hold.toString()).toBe(HOLD);
    expect(again.node.ledger.positionQuantity(again.instrument.id).toString()).toBe(decimal(btc, 8));
    expect(again.node.ledger.cash('USDT').toString()).toBe(decimal(cash, 12));
    expect(again.node.ledger.totalFees().toString()).toBe(decimal(fees, 12));
  });
});
