import { map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '@rxtrade/core';
import { pov } from '@rxtrade/execution';
import { runBacktest } from '../run-backtest';
import { minuteBars, MINUTE, T0, xyz } from './__fixtures__/intraday-bars';

describe('pov in a backtest', () => {
  it('sends participation × each bar’s volume and fills each child at the next bar open', async () => {
    const data = minuteBars([
      [100, 101, 99, 100, 5000], // 0: parent arrives (this bar's volume does not count)
      [101, 102, 100, 101, 1000], // 1: 10% of 1000 = 100
      [102, 103, 101, 102, 2000], // 2: child 1 filled at 102; 10% of 2000 = 200
      [103, 104, 102, 103, 4000], // 3: child 2 filled at 103; 10% of 4000 = 400, capped at the 50 left
      [104, 105, 103, 104, 3000], // 4: child 3 filled at 104: parent done
      [105, 106, 104, 105, 3000], // 5: nothing more
    ]);
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.market({ instrumentId: xyz.id, side: 'BUY', quantity: 350 })),
        pov(ctx, { participation: 0.1 }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    expect(result.fills.map((f) => [(f.ts - T0) / MINUTE, f.quantity.toString(), f.price.toString()])).toEqual([
      [2, '100', '102'],
      [3, '200', '103'],
      [4, '50', '104'],
    ]);
    expect(result.orders).toHaveLength(3);
  });

  it('stops at maxDurationMs and cancels the child still working', async () => {
    const data = minuteBars([
      [100, 101, 99, 100, 1000],
      [100, 100.5, 99.8, 100, 1000], // 1: LIMIT 99.5 child of 100 sent
      [100, 100.5, 99.8, 100, 1000], // 2: not reached; 10% of 1000 − 100 working = 0
      [100, 100.5, 99.8, 100, 1000], // 150 s deadline passed before this bar: child canceled
      [99, 100, 98, 99, 1000], // 4: would have filled; nothing is working
    ]);
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.limit({ instrumentId: xyz.id, side: 'BUY', quantity: 1000, price: 99.5 })),
        pov(ctx, { participation: 0.1, maxDurationMs: 2 * MINUTE + 30_000 }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    expect(result.fills).toEqual([]);
    expect(result.orders.map((o) => [(o.tsCreated - T0) / MINUTE, o.quantity.toString(), o.status, (o.tsLast - T0) / 1000])).toEqual([[1, '100', 'CANCELED', 150]]);
  });
});
