/**
 * The deflated Sharpe ratio of a sweep: the trial with the highest per-period Sharpe ratio is the one
 * selected; the number of trials and the variance of their Sharpe ratios measure how much searching was
 * done. Trials whose Sharpe ratio is undefined (a flat equity curve) are not counted.
 */
import { ValidationError } from '@rxtrade/core';
import type { TaskResult } from '../search/types';
import { deflatedSharpeRatio, type DeflatedSharpe } from './deflated-sharpe-ratio';

/**
 * Computes the deflated Sharpe ratio of the best trial of a sweep from its task results (which carry
 * `sharpePerPeriod`, `periods`, `skewness` and `kurtosis` among their metrics).
 *
 * @param options.trials overrides the trial count, e.g. to include searches run before this sweep.
 * @example
 * ```ts
 * const { deflatedSharpe, selected } = deflatedSharpeOfSweep(sweepResult.results);
 * if (deflatedSharpe < 0.95) console.log(`${JSON.stringify(selected.params)} may be luck`);
 * ```
 */
export function deflatedSharpeOfSweep(results: readonly TaskResult[], options: { readonly trials?: number } = {}): DeflatedSharpe & { readonly selected: TaskResult } {
  const valid = results.filter((r) => Number.isFinite(r.metrics.sharpePerPeriod));
  if (valid.length === 0) throw new ValidationError([{ path: ['results'], message: 'no trial has a finite sharpePerPeriod metric' }]);
  let selected = valid[0]!;
  for (const r of valid) if (r.metrics.sharpePerPeriod! > selected.metrics.sharpePerPeriod!) selected = r;
  const srs = valid.map((r) => r.metrics.sharpePerPeriod!);
  const mean = srs.reduce((s, x) => s + x, 0) / srs.length;
  const variance = srs.length > 1 ? srs.reduce((s, x) => s + (x - mean) ** 2, 0) / (srs.length - 1) : 0;
  const m = selected.metrics;
  const dsr = deflatedSharpeRatio({
    sharpe: m.sharpePerPeriod!,
    trials: options.trials ?? valid.length,
    sharpeVariance: variance,
    observations: m.periods ?? NaN,
    skewness: m.skewness ?? 0,
    kurtosis: m.kurtosis ?? 3,
  });
  return { ...dsr, selected };
}
