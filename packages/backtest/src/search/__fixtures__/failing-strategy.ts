/**
 * Test strategy that fails: the SMA crossover, except that it throws on the first bar when
 * `fast === failOn`, and on the first bar at or after `failFrom` (epoch ms) when that is given; with
 * `doubleCloses: true` it tries to double the close of every bar it sees (the data of the next tasks).
 */
import { filter, map, merge } from 'rxjs';
import { instrumentId, type SubmitOrder } from '@rxtrade/core';
import type { StrategyDefinition } from '../types';
import { smaPipeline } from './sma-strategy';

/** The strategy module's export that workers load. */
export const strategy: StrategyDefinition = {
  name: 'failing-fixture',
  pipeline: (p) => {
    const id = instrumentId(String(p.instrument ?? 'GOOG.NASDAQ'));
    if (p.doubleCloses === true)
      return (ctx) =>
        ctx.market.bars(id).pipe(
          map((bar) => {
            (bar as { close: number }).close *= 2;
          }),
          filter((x): x is never => false),
        );
    if (p.fast === p.failOn)
      return (ctx) =>
        ctx.market.bars(id).pipe(
          map((): SubmitOrder => {
            throw new Error(`deliberate failure for fast=${String(p.fast)}`);
          }),
        );
    if (typeof p.failFrom !== 'number') return smaPipeline(p);
    const failFrom = p.failFrom;
    const sma = smaPipeline(p);
    return (ctx) =>
      merge(
        sma(ctx),
        ctx.market.bars(id).pipe(
          filter((bar) => bar.ts >= failFrom),
          map((bar): SubmitOrder => {
            throw new Error(`deliberate failure at ${new Date(bar.ts).toISOString().slice(0, 10)}`);
          }),
        ),
      );
  },
};
