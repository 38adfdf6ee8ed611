/**
 * Sample mean of each asset's returns (R's `colMeans`), the usual plug-in estimate of expected
 * returns for the mean-variance and maximum-Sharpe optimizers.
 */
import type { MatrixInput } from '../optimizer-inputs';
import { columnMeans, parseReturns } from './sample-covariance';

/**
 * Mean return of each column (asset) of a returns matrix (rows = observations).
 *
 * @example
 * ```ts
 * const expectedReturns = sampleMean(returns); // per period, like the returns
 * maxSharpe({ covariance: sampleCovariance(returns), expectedReturns });
 * ```
 */
export function sampleMean(returns: MatrixInput): Float64Array {
  return columnMeans(parseReturns(returns));
}
