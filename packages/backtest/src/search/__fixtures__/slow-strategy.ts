/** Test strategy that is slow: the SMA crossover after spinning the CPU for `busyMs` when it is built (for timeout tests). */
import type { StrategyDefinition } from '../types';
import { smaPipeline } from './sma-strategy';

/** The strategy module's export that workers load. */
export const strategy: StrategyDefinition = {
  name: 'slow-fixture',
  pipeline: (p) => {
    const end = performance.now() + Number(p.busyMs ?? 0);
    while (performance.now() < end) {
      // busy: a worker that cannot answer in time
    }
    return smaPipeline(p);
  },
};
