/**
 * The sweep benchmarks' SMA crossover as plain JavaScript (the same as
 * `src/search/__fixtures__/sma-strategy.ts`), so that `cold-sweep.bench.mjs` runs the built packages
 * with no TypeScript loader in any thread.
 */
import { filter, map } from 'rxjs';
import { Decimal, Sma, instrumentId } from '@rxtrade/core';

export const strategy = {
  name: 'sma-crossover-bench',
  pipeline: (p) => {
    const id = instrumentId(String(p.instrument ?? 'GOOG.NASDAQ'));
    const size = Number(p.size ?? 100);
    return (ctx) => {
      const fast = new Sma(Number(p.fast));
      const slow = new Sma(Number(p.slow));
      let last;
      return ctx.market.bars(id).pipe(
        map((bar) => {
          const f = fast.update(bar.close);
          const s = slow.update(bar.close);
          if (f === undefined || s === undefined) return 0;
          const diff = f - s;
          const previous = last;
          if (diff !== 0 || previous === undefined) last = diff;
          if (previous === undefined) return 0;
          return previous < 0 && diff > 0 ? 1 : previous > 0 && diff < 0 ? -1 : 0;
        }),
        filter((signal) => signal !== 0),
        map((signal) => {
          const delta = new Decimal(signal * size).minus(ctx.ledger.positionQuantity(id));
          if (delta.isZero()) return undefined;
          return ctx.orderFactory.market({ instrumentId: id, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
        }),
        filter((order) => order !== undefined),
      );
    };
  },
};
