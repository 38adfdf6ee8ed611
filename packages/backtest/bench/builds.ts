/**
 * What the benchmarks that compare builds share: loading one checkout's built packages, and the golden
 * SMA(10)/SMA(30) crossover written against that build's core.
 */
import { filter, map } from 'rxjs';
import { pathToFileURL } from 'node:url';
import type * as CoreModule from '@rxtrade/core';
import type * as BacktestModule from '@rxtrade/backtest';

/** One build of the packages: this checkout as imported, or another checkout's `dist` files. */
export interface Build {
  readonly name: string;
  readonly core: typeof CoreModule;
  readonly backtest: typeof BacktestModule;
}

/**
 * The packages as imported (`root` undefined: sources with `--conditions=@rxtrade/source`, the built
 * `dist` files without it), or the built packages of the checkout at `root`.
 */
export async function loadBuild(root: string | undefined): Promise<Build> {
  if (root === undefined) return { name: 'this checkout', core: await import('@rxtrade/core'), backtest: await import('@rxtrade/backtest') };
  const at = (p: string): string => pathToFileURL(`${root}/packages/${p}/dist/index.js`).href;
  return { name: root, core: (await import(at('core'))) as typeof CoreModule, backtest: (await import(at('backtest'))) as typeof BacktestModule };
}

/**
 * The golden strategy (±100 target on each crossing of SMA(fast) and SMA(slow), market orders),
 * written against one build's core; `trade: false` computes the signals and submits nothing;
 * `decimalSizing` computes each order's side and size in Decimal arithmetic instead of
 * `marketToTarget` (the same orders).
 */
export function goldenStrategy(
  core: typeof CoreModule,
  instrumentId: CoreModule.InstrumentId,
  trade: boolean,
  fastLength = 10,
  slowLength = 30,
  decimalSizing = false,
): CoreModule.Pipeline {
  return (ctx) => {
    const fast = new core.Sma(fastLength);
    const slow = new core.Sma(slowLength);
    // The order to the target as the example writes it; a build from before `marketToTarget` (or
    // `decimalSizing`) sizes it in Decimal arithmetic in the strategy, as the example did then.
    const toTarget = !decimalSizing && typeof (ctx.orderFactory as Partial<CoreModule.OrderFactory>).marketToTarget === 'function';
    let lastNonZero: number | undefined;
    const cross = (f: number | undefined, s: number | undefined): number => {
      if (f === undefined || s === undefined) return 0;
      const diff = f - s;
      const previous = lastNonZero;
      if (diff !== 0 || previous === undefined) lastNonZero = diff;
      if (previous === undefined) return 0;
      if (previous < 0 && diff > 0) return 1;
      if (previous > 0 && diff < 0) return -1;
      return 0;
    };
    return ctx.market.bars(instrumentId).pipe(
      map((bar) => cross(fast.update(bar.close), slow.update(bar.close))),
      filter((signal) => trade && signal !== 0),
      map((signal): CoreModule.SubmitOrder | undefined => {
        if (toTarget) return ctx.orderFactory.marketToTarget({ instrumentId, target: signal * 100, current: ctx.ledger.positionQuantity(instrumentId) });
        const delta = new core.Decimal(signal * 100).minus(ctx.ledger.positionQuantity(instrumentId));
        if (delta.isZero()) return undefined;
        return ctx.orderFactory.market({ instrumentId, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
      }),
      filter((order): order is CoreModule.SubmitOrder => order !== undefined),
    );
  };
}
