/**
 * The result every optimizer returns, and the pieces the quadratic-programming optimizers share:
 * turning weight constraints into QP constraint rows and describing a weight vector.
 */
import { expand, type WeightConstraints } from './optimizer-inputs';

/**
 * Weights chosen by an optimizer, with diagnostics.
 *
 * @example
 * ```ts
 * const { weights, volatility, riskContributions } = minVariance({ covariance });
 * ```
 */
export interface PortfolioOptimum {
  /** One weight per asset, in the order of the covariance matrix. */
  readonly weights: Float64Array;
  /** `mu'w` when expected returns were given, otherwise undefined. */
  readonly expectedReturn: number | undefined;
  /** `sqrt(w' Sigma w)`, in the units of the covariance (per period). */
  readonly volatility: number;
  /** Each asset's share of the variance, `w_i (Sigma w)_i / w' Sigma w`; sums to 1. */
  readonly riskContributions: Float64Array;
  /** Solver iterations: active-set steps (QP), Newton steps (risk parity), merges (HRP). */
  readonly iterations: number;
  /** True when the solver met its optimality conditions (always true for the exact QP solver). */
  readonly converged: boolean;
}

/** `Sigma w`. */
export function multiply(matrix: readonly Float64Array[], w: ArrayLike<number>): Float64Array {
  const n = matrix.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = matrix[i]!;
    let s = 0;
    for (let j = 0; j < n; j++) s += row[j]! * w[j]!;
    out[i] = s;
  }
  return out;
}

/** `a'b`. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Builds the {@link PortfolioOptimum} diagnostics of `weights`. */
export function describeWeights(
  weights: Float64Array,
  covariance: readonly Float64Array[],
  expectedReturns: Float64Array | undefined,
  iterations: number,
  converged: boolean,
): PortfolioOptimum {
  const sw = multiply(covariance, weights);
  const variance = dot(weights, sw);
  const riskContributions = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) riskContributions[i] = variance > 0 ? (weights[i]! * sw[i]!) / variance : 0;
  return {
    weights,
    expectedReturn: expectedReturns ? dot(expectedReturns, weights) : undefined,
    volatility: Math.sqrt(Math.max(variance, 0)),
    riskContributions,
    iterations,
    converged,
  };
}

/** QP constraint rows `A x >= b` (the first `equalities` are equalities). */
export interface ConstraintRows {
  readonly A: Float64Array[];
  readonly b: number[];
  readonly equalities: number;
}

/**
 * The rows of `sum(w) = budget`, `lower <= w <= upper` and the group limits, budget first (an
 * equality). Bounds at +-Infinity, and upper bounds implied by the budget and the other lower bounds, are left out.
 */
export function weightConstraintRows(c: WeightConstraints, n: number): ConstraintRows {
  const A: Float64Array[] = [new Float64Array(n).fill(1)];
  const b: number[] = [c.budget];
  let sumLower = 0;
  for (let i = 0; i < n; i++) sumLower += c.lower[i]!;
  for (let i = 0; i < n; i++) {
    if (c.lower[i]! === -Infinity) continue;
    const row = new Float64Array(n);
    row[i] = 1;
    A.push(row);
    b.push(c.lower[i]!);
  }
  for (let i = 0; i < n; i++) {
    // Leave out an upper bound that the budget and the other assets' lower bounds (all kept) already
    // imply, such as the default 1 on a long-only portfolio summing to 1: the feasible set is the
    // same and the solver scans fewer rows.
    if (c.upper[i]! === Infinity || c.upper[i]! >= c.budget - (sumLower - c.lower[i]!)) continue;
    const row = new Float64Array(n);
    row[i] = -1;
    A.push(row);
    b.push(-c.upper[i]!);
  }
  for (const g of c.groups) {
    if (g.min !== undefined) {
      const row = new Float64Array(n);
      for (const a of g.assets) row[a] = 1;
      A.push(row);
      b.push(g.min);
    }
    if (g.max !== undefined) {
      const row = new Float64Array(n);
      for (const a of g.assets) row[a] = -1;
      A.push(row);
      b.push(-g.max);
    }
  }
  return { A, b, equalities: 1 };
}

/** Expands parsed constraint fields to a {@link WeightConstraints}. */
export function toWeightConstraints(
  c: { lower: number | Float64Array; upper: number | Float64Array; budget: number; groups: WeightConstraints['groups'] },
  n: number,
): WeightConstraints {
  return { lower: expand(c.lower, n), upper: expand(c.upper, n), budget: c.budget, groups: c.groups };
}

/**
 * Adds a quadratic transaction-cost penalty `sum_i k_i (w_i - w0_i)^2` to a QP written as
 * `1/2 w'Dw - d'w`: D gains `2 diag(k)` and d gains `2 k w0`.
 */
export function addTransactionCost(D: Float64Array[], d: Float64Array, previous: Float64Array, penalty: number | Float64Array): void {
  for (let i = 0; i < d.length; i++) {
    const k = typeof penalty === 'number' ? penalty : penalty[i]!;
    D[i]![i]! += 2 * k;
    d[i]! += 2 * k * previous[i]!;
  }
}
