/**
 * Grid search: every combination of the parameters' discrete values (the Cartesian product), in a
 * fixed order: the first parameter varies slowest, the last fastest, each in its listed order.
 */
import { ValidationError } from '@rxtrade/core';
import { MAX_GRID_POINTS, discreteValues, type ParameterSpace } from './parameter-space';
import type { Json, Params } from './types';

/**
 * Lists every parameter set of a grid over `space`; continuous ranges (no step) are refused.
 *
 * @example
 * ```ts
 * gridSearch({ fast: { min: 5, max: 6, integer: true }, slow: { choices: [20, 40] } });
 * // [{ fast: 5, slow: 20 }, { fast: 5, slow: 40 }, { fast: 6, slow: 20 }, { fast: 6, slow: 40 }]
 * ```
 */
export function gridSearch(space: ParameterSpace): Params[] {
  const names = Object.keys(space);
  const axes = names.map((name) => {
    const values = discreteValues(space[name]!);
    if (values === undefined)
      throw new ValidationError([{ path: ['space', name], message: 'is a continuous range: give it a step (or integer: true) for a grid search' }]);
    return values;
  });
  const total = axes.reduce((n, a) => n * a.length, 1);
  if (total > MAX_GRID_POINTS) throw new ValidationError([{ path: ['space'], message: `the grid has ${total} points, more than ${MAX_GRID_POINTS}` }]);
  const out: Params[] = [];
  const index = new Array<number>(names.length).fill(0);
  for (let n = 0; n < total; n++) {
    const params: Record<string, Json> = {};
    for (let i = 0; i < names.length; i++) params[names[i]!] = axes[i]![index[i]!]!;
    out.push(params);
    // Odometer increment: the last axis turns fastest.
    for (let i = names.length - 1; i >= 0; i--) {
      index[i] = index[i]! + 1;
      if (index[i]! < axes[i]!.length) break;
      index[i] = 0;
    }
  }
  return out;
}
