/**
 * Ledoit-Wolf shrinkage covariance (Ledoit & Wolf 2004, "A well-conditioned estimator for
 * large-dimensional covariance matrices", J. Multivariate Analysis 88): the sample covariance
 * `S = X'X / n` of the demeaned returns shrunk towards the scaled identity `mu I`, `mu = tr(S) / p`,
 * with the intensity that minimises the expected Frobenius loss, estimated from the data. The
 * estimate of the intensity follows scikit-learn's `ledoit_wolf_shrinkage`, and so does the `1 / n`
 * denominator of S (the paper's), which differs from R's `cov` (`n - 1`).
 */
import { Matrix } from 'ml-matrix';
import type { MatrixInput } from '../optimizer-inputs';
import { columnMeans, parseReturns } from './sample-covariance';

/**
 * A shrunk covariance and the shrinkage intensity used.
 *
 * @example
 * ```ts
 * const { covariance, shrinkage } = ledoitWolfCovariance(returns);
 * ```
 */
export interface ShrunkCovariance {
  /** The estimate, as rows. */
  readonly covariance: Float64Array[];
  /** Weight of the target, in [0, 1]. */
  readonly shrinkage: number;
}

/**
 * Ledoit-Wolf covariance of returns (rows = observations, columns = assets), shrunk towards the
 * scaled identity; agrees with scikit-learn's `LedoitWolf().fit(returns)`.
 *
 * @example
 * ```ts
 * const { covariance } = ledoitWolfCovariance(returns);
 * minVariance({ covariance, upper: 0.2 });
 * ```
 */
export function ledoitWolfCovariance(returns: MatrixInput): ShrunkCovariance {
  const rows = parseReturns(returns);
  const n = rows.length;
  const p = rows[0]!.length;
  const mean = columnMeans(rows);
  const X = new Matrix(rows.map((r) => Array.from(r, (v, j) => v - mean[j]!)));
  const S = X.transposeMultiply(X).div(n); // X'X / n
  const X2 = X.clone().apply(function square(this: Matrix, i: number, j: number) {
    const v = this.get(i, j);
    this.set(i, j, v * v);
  });
  const beta0 = X2.transposeMultiply(X2).sum(); // sum_{t,s} sum_{ij} x_ti^2 x_sj^2 over pairs of columns
  let trace = 0;
  for (let i = 0; i < p; i++) trace += S.get(i, i);
  const mu = trace / p;
  let delta0 = 0; // sum((X'X)^2) / n^2 = sum(S^2)
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) delta0 += S.get(i, j) ** 2;
  // The estimated distance of S from the target (delta) and the estimated error of S (beta), both
  // divided by p as scikit-learn does; the intensity is beta / delta, capped at 1.
  let beta = (beta0 / n - delta0) / (p * n);
  const delta = (delta0 - 2 * mu * trace + p * mu * mu) / p;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const covariance = S.to2DArray().map((row, i) => Float64Array.from(row, (v, j) => (1 - shrinkage) * v + (i === j ? shrinkage * mu : 0)));
  return { covariance, shrinkage };
}
