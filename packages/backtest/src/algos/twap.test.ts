import { map, merge, skip, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '@rxtrade/core';
import { twap } from '@rxtrade/execution';
import { runBacktest } from '../run-backtest';
import { MINUTE, risingBars, T0, xyz } from './__fixtures__/intraday-bars';

const fillsOf = (result: Awaited<ReturnType<typeof runBacktest>>) =>
  result.fills.map((f) => [(f.ts - T0) / MINUTE, f.quantity.toString(), f.price.toString()]);

describe('twap in a backtest', () => {
  it('fills each child at the open of the first bar after it was sent', async () => {
    const data = risingBars(8);
    // Parent on bar 0; slices at T0, T0 + 100 s, T0 + 200 s (5 min / 3): 33, 33, 34 shares.
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'BUY', quantity: 100 })),
        twap(ctx, { durationMs: 5 * MINUTE, slices: 3 }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    // child 0 (sent at 0 s) → bar 1 open 101; child 1 (100 s) → bar 2 (120 s) open 102; child 2 (200 s) → bar 4 (240 s) open 104
    expect(fillsOf(result)).toEqual([
      [1, '33', '101'],
      [2, '33', '102'],
      [4, '34', '104'],
    ]);
    // Only the children reached the order manager, each with its own id.
    expect(result.orders.map((o) => [o.quantity.toString(), o.status])).toEqual([
      ['33', 'FILLED'],
      ['33', 'FILLED'],
      ['34', 'FILLED'],
    ]);
    expect(new Set(result.orders.map((o) => o.clientOrderId)).size).toBe(3);
    // 33 × 101 + 33 × 102 + 34 × 104 = 10235 paid; 100 shares marked at the last close 107.25
    expect(result.summary.finalEquity.toString()).toBe(String(100_000 - 10_235 + 100 * 107.25));
  });

  it('keeps LIMIT children at the parent price: a child the market never reaches stays working', async () => {
    const data = risingBars(8);
    // BUY limit 101.5: bar 1 (low 100.5) trades through it; from bar 2 on the low (101.5+) never goes below it.
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.limit({ instrumentId: xyz.id, side: 'BUY', quantity: 40, price: 101.5 })),
        twap(ctx, { durationMs: 2 * MINUTE + 30_000, slices: 2 }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    // child 0 (20 shares, sent at 0 s): bar 1 opens at 101 ≤ 101.5, so it fills at the open, 101.
    // child 1 (20 shares, sent at 75 s): bars 2+ open at 102+ and never trade below 101.5: unfilled.
    expect(fillsOf(result)).toEqual([[1, '20', '101']]);
    expect(result.orders.map((o) => [o.orderType, o.price?.toString(), o.quantity.toString(), o.status])).toEqual([
      ['LIMIT', '101.5', '20', 'FILLED'],
      ['LIMIT', '101.5', '20', 'ACCEPTED'],
    ]);
  });

  it('sends the unfilled rest of a child the venue cut short in the next slice, and never more than the parent', async () => {
    const data = risingBars(8);
    // Long 50 (bought on bar 0, filled at bar 1's open 101); on bar 2 a reduce-only SELL parent of 100 in
    // 3 slices over 5 minutes: 33 at 120 s, 33 at 220 s, 34 at 320 s.
    const pipeline: Pipeline = (ctx) => {
      const bars = ctx.market.bars(xyz.id);
      return merge(
        bars.pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'BUY', quantity: 50 }))),
        bars.pipe(
          skip(2),
          take(1),
          map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'SELL', quantity: 100, reduceOnly: true })),
          twap(ctx, { durationMs: 5 * MINUTE, slices: 3 }),
        ),
      );
    };
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    // child 1 (33): bar 3 open 103. child 2 (33): bar 4 open 104, capped by the venue at the 17 held,
    // the other 16 canceled. Slice 3: 34 + the 16 returned = 50, rejected (reduce-only, nothing held).
    expect(result.fills.map((f) => [(f.ts - T0) / MINUTE, f.side, f.quantity.toString(), f.price.toString()])).toEqual([
      [1, 'BUY', '50', '101'],
      [3, 'SELL', '33', '103'],
      [4, 'SELL', '17', '104'],
    ]);
    expect(result.orders.slice(1).map((o) => [o.quantity.toString(), o.filledQuantity.toString(), o.status])).toEqual([
      ['33', '33', 'FILLED'],
      ['33', '17', 'CANCELED'],
      ['50', '0', 'REJECTED'],
    ]);
  });
});
