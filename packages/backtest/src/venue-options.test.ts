/**
 * The simulated venue's realism options reach it through `runBacktest`'s config: participation caps,
 * perpetual funding booked to the ledger, and several venues behind a router.
 */
import { filter, map, mergeMap, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, type Bar, type Instrument, type MarketData, type OrderBookSnapshot, type Pipeline, type Quote } from '@rxtrade/core';
import { runBacktest } from './run-backtest';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function hourly(inst: Instrument, n: number, close: (i: number) => number, volume = 1_000): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const c = close(i);
    return { type: 'Bar' as const, instrumentId: inst.id, ts: T0 + i * HOUR, open: c, high: c + 1, low: c - 1, close: c, volume };
  });
}

const buyOnce = (inst: Instrument, quantity: number | string): Pipeline => (ctx) =>
  ctx.market.bars(inst.id).pipe(
    take(1),
    map(() => ctx.orderFactory.market({ instrumentId: inst.id, side: 'BUY', quantity })),
  );

describe('runBacktest venue options', () => {
  it('caps each fill at the participation limit and keeps the rest working', async () => {
    const xyz = defineInstrument({ symbol: 'XYZ', venue: 'SIM', assetClass: 'stock', base: 'XYZ', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    // 10% of 100 shares a bar: an order for 25 fills 10, 10, then 5 on the next three bars.
    const data = hourly(xyz, 6, (i) => 50 + i, 100);
    const r = await runBacktest(buyOnce(xyz, 25), { data, instruments: [xyz], ledger: { startingCash: 10_000 }, venue: { maxParticipation: 0.1 } });
    expect(r.fills.map((f) => `${(f.ts - T0) / HOUR} ${f.quantity.toString()} @ ${f.price.toString()}`)).toEqual(['1 10 @ 51', '2 10 @ 52', '3 5 @ 53']);
    expect(r.orders[0]!.status).toBe('FILLED');
  });

  it('books perpetual funding at the funding times to the ledger (hand-computed)', async () => {
    const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'SIM', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
    // Closes 30000 + 100 i. Long 2 BTC from 01:00. Funding every 8 h after the start: at 08:00 the mark
    // is the 07:00 close 30700 and the rate 0.0001 → −2 × 30700 × 0.0001 = −6.14; at 16:00 the mark is
    // 31500 and the rate −0.0002 (from 12:00) → +12.60. Net +6.46.
    const data = hourly(perp, 20, (i) => 30_000 + 100 * i);
    const rates = [
      { instrumentId: perp.id, ts: T0, rate: 0.0001 },
      { instrumentId: perp.id, ts: T0 + 12 * HOUR, rate: -0.0002 },
    ];
    const r = await runBacktest(buyOnce(perp, 2), { data, instruments: [perp], ledger: { startingCash: 100_000 }, venue: { funding: { rates } } });
    expect(r.fills.map((f) => f.price.toString())).toEqual(['30100']);
    // equity = cash + position × last close: 100000 − 2 × 30100 + 6.46 + 2 × 31900.
    expect(r.summary.finalEquity.toString()).toBe('103606.46');
  });

  it('routes each instrument to its own venue when several are configured', async () => {
    const a = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_A', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
    const b = defineInstrument({ symbol: 'ETHUSDT', venue: 'VENUE_B', assetClass: 'spot', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
    const data = [...hourly(a, 3, () => 40_000), ...hourly(b, 3, () => 2_000)].sort((x, y) => x.ts - y.ts);
    const both: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        filter((bar) => bar.ts === T0),
        map((bar) => ctx.orderFactory.market({ instrumentId: bar.instrumentId, side: 'BUY', quantity: 1 })),
      );
    const r = await runBacktest(both, {
      data,
      instruments: [a, b],
      ledger: { startingCash: 100_000 },
      venues: [
        { id: 'VENUE_A', commission: 0.001 },
        { id: 'VENUE_B', commission: 0.002 },
      ],
    });
    expect(r.fills.map((f) => `${f.instrumentId} ${f.venueOrderId} fee ${f.commission.toString()}`)).toEqual([
      'BTCUSDT.VENUE_A VENUE_A-1 fee 40',
      'ETHUSDT.VENUE_B VENUE_B-1 fee 4',
    ]);
  });

  it('matches on quotes: a market BUY takes the ask up to its size, the rest on the next quote; the ledger marks the mid', async () => {
    const xyz = defineInstrument({ symbol: 'XYZ', venue: 'SIM', assetClass: 'stock', base: 'XYZ', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const q = (i: number, bid: number, ask: number, size: number): Quote => ({ type: 'Quote', instrumentId: xyz.id, ts: T0 + i * 1000, bid, ask, bidSize: size, askSize: size });
    const data = [q(0, 99.9, 100, 50), q(1, 100, 100.1, 30), q(2, 100.1, 100.2, 500), q(3, 100.3, 100.4, 500)];
    const buy: Pipeline = (ctx) => ctx.market.quotes(xyz.id).pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'BUY', quantity: 40 })));
    const r = await runBacktest(buy, { data, instruments: [xyz], ledger: { startingCash: 10_000 } });
    // Decided on quote 0; quote 1 offers 30 at 100.1, quote 2 the remaining 10 at 100.2.
    expect(r.fills.map((f) => `${(f.ts - T0) / 1000} ${f.quantity.toString()} @ ${f.price.toString()}`)).toEqual(['1 30 @ 100.1', '2 10 @ 100.2']);
    // Cash 10000 − 3003 − 1002 = 5995; 40 shares marked at the last mid 100.35: 4014.
    expect(r.summary.finalEquity.toString()).toBe('10009');
  });

  it('matches on L2 books: a market order walks the levels, a resting limit fills when the book moves through it', async () => {
    const xyz = defineInstrument({ symbol: 'XYZ', venue: 'SIM', assetClass: 'stock', base: 'XYZ', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    const book = (i: number, bids: [number, number][], asks: [number, number][]): OrderBookSnapshot => ({
      type: 'OrderBookSnapshot',
      instrumentId: xyz.id,
      ts: T0 + i * 1000,
      sequence: i,
      bids: bids.map(([price, size]) => ({ price, size })),
      asks: asks.map(([price, size]) => ({ price, size })),
    });
    const data: MarketData[] = [
      book(0, [[99.9, 10]], [[100, 10]]),
      book(1, [[99.9, 10]], [[100, 5], [100.05, 5], [100.1, 20]]), // the market BUY of 12 walks 5 + 5 + 2
      book(2, [[99.5, 10]], [[99.6, 10]]), // asks below the resting BUY limit at 99.8: it fills there
    ];
    const orders: Pipeline = (ctx) =>
      ctx.market.books(xyz.id).pipe(
        take(1),
        mergeMap(() => [
          ctx.orderFactory.market({ instrumentId: xyz.id, side: 'BUY', quantity: 12 }),
          ctx.orderFactory.limit({ instrumentId: xyz.id, side: 'BUY', quantity: 4, price: 99.8 }),
        ]),
      );
    const r = await runBacktest(orders, { data, instruments: [xyz], ledger: { startingCash: 10_000 } });
    expect(r.fills.map((f) => `${(f.ts - T0) / 1000} ${f.clientOrderId} ${f.quantity.toString()} @ ${f.price.toString()} ${f.liquiditySide}`)).toEqual([
      '1 strategy-1 5 @ 100 TAKER',
      '1 strategy-1 5 @ 100.05 TAKER',
      '1 strategy-1 2 @ 100.1 TAKER',
      '2 strategy-2 4 @ 99.8 MAKER',
    ]);
  });

  it('delays orders and fills with the latency model: an order arrives after submitMs and is matched only on later data', async () => {
    const xyz = defineInstrument({ symbol: 'XYZ', venue: 'SIM', assetClass: 'stock', base: 'XYZ', quote: 'USD', tickSize: '0.01', lotSize: '1' });
    // Bars one second apart; a 1.5 s submit latency: decided on bar 0, arrives at 1.5 s, fills on bar 2's open.
    const data: Bar[] = [0, 1, 2, 3].map((i) => ({ type: 'Bar' as const, instrumentId: xyz.id, ts: T0 + i * 1000, open: 50 + i, high: 51 + i, low: 49 + i, close: 50 + i, volume: 1000 }));
    const r = await runBacktest(buyOnce(xyz, 1), { data, instruments: [xyz], ledger: { startingCash: 10_000 }, venue: { latency: { submitMs: 1500, cancelMs: 0, modifyMs: 0, fillMs: 0 } } });
    expect(r.fills.map((f) => `${(f.ts - T0) / 1000} @ ${f.price.toString()}`)).toEqual(['2 @ 52']);
  });
});
