/** Shared inputs of the sweep tests: the GOOG run config and the fixture strategy modules' paths. */
import { fileURLToPath } from 'node:url';
import type { Json, StrategyRef } from '../types';

/** The GOOG daily bars of these fixtures. */
export const googCsv = fileURLToPath(new URL('./goog.csv', import.meta.url));

/** A RunConfig (see run-config.ts) for GOOG: 100,000 USD, 0.2% commission. */
export const googRun: Json = {
  data: [{ path: googCsv, instrument: 'GOOG.NASDAQ' }],
  instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: 100000 },
  venue: { commission: 0.002 },
};

/** The SMA crossover fixture strategy. */
export const smaStrategy: StrategyRef = { module: fileURLToPath(new URL('./sma-strategy.ts', import.meta.url)) };

/** The strategy that throws when `fast === failOn`. */
export const failingStrategy: StrategyRef = { module: fileURLToPath(new URL('./failing-strategy.ts', import.meta.url)) };

/** A custom evaluator module (for evaluator injection). */
export const simpleEvaluatorModule = fileURLToPath(new URL('./simple-evaluator.ts', import.meta.url));

/** A small grid: 4 x 3 = 12 backtests. */
export const smallSpace = { fast: { min: 5, max: 8, integer: true }, slow: { min: 20, max: 60, step: 20 } };

/** A wider space for random and genetic search. */
export const wideSpace = { fast: { min: 3, max: 30, integer: true }, slow: { min: 20, max: 200, step: 10 } };

/** The strategy that spins for `busyMs` before it starts. */
export const slowStrategy: StrategyRef = { module: fileURLToPath(new URL('./slow-strategy.ts', import.meta.url)) };

/** The strategy that spins forever when `fast === hangOn`. */
export const hangingStrategy: StrategyRef = { module: fileURLToPath(new URL('./hanging-strategy.ts', import.meta.url)) };
