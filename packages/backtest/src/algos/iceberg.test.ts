import { map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Pipeline } from '@rxtrade/core';
import { iceberg } from '@rxtrade/execution';
import { runBacktest } from '../run-backtest';
import { minuteBars, MINUTE, T0, xyz } from './__fixtures__/intraday-bars';

describe('iceberg in a backtest', () => {
  it('shows one child at a time and posts the next only after the previous one filled', async () => {
    // BUY 250 limit 99.50, 100 shown.
    const data = minuteBars([
      [100, 100.5, 99.8, 100, 1000], // 0: parent arrives; child 1 (100) posted
      [100, 100.2, 99.0, 99.6, 1000], // 1: low 99.0 goes through 99.50: child 1 fills at 99.50; child 2 posted
      [99.9, 100.3, 99.6, 100, 1000], // 2: low 99.60 never reaches 99.50: nothing
      [100, 100.1, 99.4, 99.7, 1000], // 3: low 99.40 goes through: child 2 fills at 99.50; child 3 (50) posted
      [99.2, 99.9, 99.1, 99.5, 1000], // 4: opens at 99.20 ≤ 99.50: child 3 fills at the open, 99.20
      [99.0, 99.5, 98.5, 99, 1000], // 5: parent done, nothing left
    ]);
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(xyz.id).pipe(
        take(1),
        map(() => ctx.orderFactory.limit({ instrumentId: xyz.id, side: 'BUY', quantity: 250, price: 99.5 })),
        iceberg(ctx, { displayQuantity: 100 }),
      );
    const result = await runBacktest(pipeline, { instruments: [xyz], ledger: { startingCash: 100_000 }, data });
    expect(result.fills.map((f) => [(f.ts - T0) / MINUTE, f.quantity.toString(), f.price.toString()])).toEqual([
      [1, '100', '99.5'],
      [3, '100', '99.5'],
      [4, '50', '99.2'],
    ]);
    // Each child was created when the previous one had filled: never two showing at once.
    expect(result.orders.map((o) => [(o.tsCreated - T0) / MINUTE, o.quantity.toString(), o.price?.toString(), o.status])).toEqual([
      [0, '100', '99.5', 'FILLED'],
      [1, '100', '99.5', 'FILLED'],
      [3, '50', '99.5', 'FILLED'],
    ]);
  });
});
