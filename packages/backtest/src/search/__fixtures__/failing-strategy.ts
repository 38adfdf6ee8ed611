/** Test strategy that fails: the SMA crossover, except that it throws on the first bar when `fast === failOn`. */
import { map } from 'rxjs';
import { instrumentId, type SubmitOrder } from '@rxtrade/core';
import type { StrategyDefinition } from '../types';
import { smaPipeline } from './sma-strategy';

/** The strategy module's export that workers load. */
export const strategy: StrategyDefinition = {
  name: 'failing-fixture',
  pipeline: (p) =>
    p.fast === p.failOn
      ? (ctx) =>
          ctx.market.bars(instrumentId(String(p.instrument ?? 'GOOG.NASDAQ'))).pipe(
            map((): SubmitOrder => {
              throw new Error(`deliberate failure for fast=${String(p.fast)}`);
            }),
          )
      : smaPipeline(p),
};
