/**
 * Test strategy that never finishes when `fast === hangOn`: its pipeline builder spins in a synchronous
 * loop that nothing inside the thread can interrupt (per-task timeout tests). Other sets run the SMA
 * crossover.
 */
import type { StrategyDefinition } from '../types';
import { smaPipeline } from './sma-strategy';

/** The strategy module's export that workers load. */
export const strategy: StrategyDefinition = {
  name: 'hanging-fixture',
  pipeline: (p) => {
    if (p.fast === p.hangOn) {
      // An endless synchronous loop: only terminating the thread stops it.
      for (;;) {
        // spin
      }
    }
    return smaPipeline(p);
  },
};
