/**
 * The SMA crossover as a strategy module for the `rxtrade` CLI, sweeps and walk-forward: a name and a
 * function from JSON parameters to the pipeline. Workers import this file by path, so it depends on
 * nothing but its parameters.
 *
 * Parameters: `instrument` (instrument id, default `GOOG.NASDAQ`), `fast` and `slow` (SMA lengths,
 * whole numbers >= 1, fast < slow), `size` (target position, > 0).
 */
import { instrumentId, ValidationError, type Pipeline } from '@rxtrade/core';
import type { Json, StrategyDefinition } from '@rxtrade/backtest';
import { smaCrossover } from './strategy';

function whole(params: Readonly<Record<string, Json>>, name: string, fallback?: number): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new ValidationError([{ path: ['params', name], message: `must be a whole number >= 1, got ${JSON.stringify(v ?? null)}` }]);
  return v;
}

/**
 * The pipeline for one parameter set.
 *
 * @example
 * ```ts
 * const pipeline = smaCrossoverFromParams({ instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 });
 * ```
 */
export function smaCrossoverFromParams(params: Readonly<Record<string, Json>>): Pipeline {
  const fast = whole(params, 'fast');
  const slow = whole(params, 'slow');
  if (fast >= slow) throw new ValidationError([{ path: ['params', 'fast'], message: `must be below slow (${slow}), got ${fast}` }]);
  const size = params.size ?? 100;
  if (typeof size !== 'number' || !(size > 0)) throw new ValidationError([{ path: ['params', 'size'], message: `must be a number > 0, got ${JSON.stringify(size)}` }]);
  const instrument = params.instrument ?? 'GOOG.NASDAQ';
  if (typeof instrument !== 'string' || instrument === '') throw new ValidationError([{ path: ['params', 'instrument'], message: 'must be an instrument id such as GOOG.NASDAQ' }]);
  return smaCrossover({ instrumentId: instrumentId(instrument), fast, slow, size });
}

/**
 * A sweep constraint (`"where": { "function": "fastBelowSlow" }`): only sets whose fast average is
 * shorter than the slow one are run.
 *
 * @example
 * ```ts
 * fastBelowSlow({ fast: 10, slow: 30 }) // true
 * ```
 */
export function fastBelowSlow(params: Readonly<Record<string, Json>>): boolean {
  return Number(params.fast) < Number(params.slow);
}

/**
 * The strategy definition the CLI and sweep workers load (`{ "module": "../src/definition.ts" }`).
 *
 * @example
 * ```ts
 * const pipeline = strategy.pipeline({ fast: 10, slow: 30, size: 100 });
 * ```
 */
export const strategy: StrategyDefinition = { name: 'sma-crossover', pipeline: smaCrossoverFromParams };
