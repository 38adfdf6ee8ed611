/**
 * Test strategy for sweeps: SMA crossover targeting ±size, as in examples/sma-crossover (a cross is
 * judged against the last non-zero difference of the two averages).
 */
import { filter, map } from 'rxjs';
import { Decimal, Sma, instrumentId, type Pipeline, type SubmitOrder } from '@rxtrade/core';
import type { Params, StrategyDefinition } from '../types';

/** The crossover pipeline for one parameter set. */
export function smaPipeline(p: Params): Pipeline {
  const id = instrumentId(String(p.instrument ?? 'GOOG.NASDAQ'));
  const size = Number(p.size ?? 100);
  return (ctx) => {
    const fast = new Sma(Number(p.fast));
    const slow = new Sma(Number(p.slow));
    let last: number | undefined;
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
      map((signal): SubmitOrder | undefined => {
        const delta = new Decimal(signal * size).minus(ctx.ledger.positionQuantity(id));
        if (delta.isZero()) return undefined;
        return ctx.orderFactory.market({ instrumentId: id, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
      }),
      filter((order): order is SubmitOrder => order !== undefined),
    );
  };
}

/** The strategy module's export that workers load. */
export const strategy: StrategyDefinition = { name: 'sma-crossover-fixture', pipeline: smaPipeline };

/** An objective exported for `objective: { function: 'returnOverDrawdown' }`: total return per unit of max drawdown. */
export function returnOverDrawdown(result: { metrics: Readonly<Record<string, number>> }): number {
  const r = result.metrics.totalReturn ?? Number.NaN;
  const dd = result.metrics.maxDrawdown ?? Number.NaN;
  return dd > 0 ? r / dd : Number.NaN;
}
