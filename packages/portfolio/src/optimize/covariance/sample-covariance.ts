/**
 * Sample covariance matrix of asset returns with the unbiased `n - 1` denominator, as R's `cov()`:
 * `S = (X - 1 xbar')' (X - 1 xbar') / (n - 1)`. Computed with ml-matrix.
 */
import { parseWith } from '@rxtrade/core';
import { covariance } from 'ml-matrix';

import { MatrixSchema, type MatrixInput } from '../optimizer-inputs';

/**
 * Schema of the returns passed to the covariance estimators: one row per observation (at least 2),
 * one column per asset.
 *
 * @example
 * ```ts
 * parseWith(ReturnsMatrixSchema, [[0.01, 0.02], [-0.01, 0.00]], 'returns')
 * ```
 */
export const ReturnsMatrixSchema = MatrixSchema.refine((rows) => rows.length >= 2, { message: 'needs at least 2 observations (rows)' });

/**
 * Sample covariance of returns (rows = observations, columns = assets), denominator `n - 1` (R's `cov`).
 *
 * @returns the covariance matrix as rows.
 * @example
 * ```ts
 * const sigma = sampleCovariance([[0.01, 0.02], [-0.01, 0.0], [0.02, 0.01]]);
 * ```
 */
export function sampleCovariance(returns: MatrixInput): Float64Array[] {
  const rows = parseWith(ReturnsMatrixSchema, returns, 'returns');
  return covariance(rows, { center: true }).to2DArray().map((row) => Float64Array.from(row));
}

/** Parses returns for the estimators in this folder. */
export function parseReturns(returns: unknown): Float64Array[] {
  return parseWith(ReturnsMatrixSchema, returns, 'returns');
}

/** Column means of a returns matrix. */
export function columnMeans(rows: readonly Float64Array[]): Float64Array {
  const n = rows[0]!.length;
  const mean = new Float64Array(n);
  for (const row of rows) for (let j = 0; j < n; j++) mean[j]! += row[j]!;
  for (let j = 0; j < n; j++) mean[j]! /= rows.length;
  return mean;
}

