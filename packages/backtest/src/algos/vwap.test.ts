import { map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '@rxtrade/core';
import { vwap } from '@rxtrade/execution';
import { volumeProfile } from '@rxtrade/execution';
import { runBacktest } from '../run-backtest';
import { minuteBars, MINUTE, risingBars, T0, xyz } from './__fixtures__/intraday-bars';

describe('vwap in a backtest', () => {
  it('sizes each bucket by the volume profile and fills each child at the next bar open', async () => {
    const data = risingBars(8);
    // 5 minutes in 4 buckets at 0, 75, 150, 225 s; shares 3/5, 1/5, 0, 1/5 of 100 = 60, 20, 0, 20
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'SELL', quantity: 100 })),
        vwap(ctx, { durationMs: 5 * MINUTE, profile: [3, 1, 0, 1] }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    // 0 s → bar 1 open 101; 75 s → bar 2 (120 s) open 102; 225 s → bar 4 (240 s) open 104
    expect(result.fills.map((f) => [(f.ts - T0) / MINUTE, f.side, f.quantity.toString(), f.price.toString()])).toEqual([
      [1, 'SELL', '60', '101'],
      [2, 'SELL', '20', '102'],
      [4, 'SELL', '20', '104'],
    ]);
  });

  it('follows a profile built from the previous day’s bars', async () => {
    const DAY = 86_400_000;
    // Yesterday's minute bars: volume 600, 200, 200 in the first three minutes of the session.
    const yesterday = minuteBars([
      [1, 1, 1, 1, 600],
      [1, 1, 1, 1, 200],
      [1, 1, 1, 1, 200],
    ]).map((b) => ({ ...b, ts: b.ts - DAY }));
    const profile = volumeProfile(yesterday, { sessionStartMs: T0 % DAY, bucketMs: MINUTE, buckets: 3 });
    expect(profile).toEqual([600, 200, 200]);
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'BUY', quantity: 50 })),
        vwap(ctx, { durationMs: 3 * MINUTE - 30_000, profile }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data: risingBars(6) });
    // buckets at 0, 50, 100 s: 30, 10, 10 shares → bar 1 (101), bar 1 (101), bar 2 (102)
    expect(result.fills.map((f) => [(f.ts - T0) / MINUTE, f.quantity.toString(), f.price.toString()])).toEqual([
      [1, '30', '101'],
      [1, '10', '101'],
      [2, '10', '102'],
    ]);
  });
});
