/**
 * Hierarchical risk parity (M. Lopez de Prado, "Building diversified portfolios that outperform out
 * of sample", Journal of Portfolio Management 42(4), 2016), following the paper's published code:
 * 1. correlation distance `d_ij = sqrt((1 - rho_ij) / 2)`;
 * 2. by default (`clusterOn: 'distance-of-distances'`, the paper's step and code) the Euclidean
 *    distance between columns of d, `sqrt(sum_k (d_ki - d_kj)^2)`, is clustered; with
 *    `'correlation-distance'` d itself is;
 * 3. single-linkage agglomerative clustering (ties and labels as scipy's `linkage(method='single')`);
 * 4. quasi-diagonalisation: leaves in dendrogram order, left (lower cluster id) first;
 * 5. recursive bisection of that order into halves (`n // 2`), each half's weight scaled by
 *    `1 - V_half / (V_left + V_right)`, V the variance of the half's inverse-variance portfolio.
 */
import { parseWith, ValidationError } from '@rxtrade/core';
import { z } from 'zod';
import { checkLength, CovarianceMatrixSchema, VectorSchema } from './optimizer-inputs';
import { describeWeights, type PortfolioOptimum } from './portfolio-optimum';

/**
 * What HRP clusters: the paper's distance between columns of the correlation-distance matrix, or
 * the correlation distance itself.
 *
 * @example
 * ```ts
 * hierarchicalRiskParity({ covariance, clusterOn: HrpDistance.CORRELATION_DISTANCE })
 * ```
 */
export const HrpDistance = {
  DISTANCE_OF_DISTANCES: 'distance-of-distances',
  CORRELATION_DISTANCE: 'correlation-distance',
} as const;
export type HrpDistance = (typeof HrpDistance)[keyof typeof HrpDistance];

/**
 * Schema of {@link HierarchicalRiskParityConfig}.
 *
 * @example
 * ```ts
 * parseWith(HierarchicalRiskParityConfigSchema, { covariance }).clusterOn // 'distance-of-distances'
 * ```
 */
export const HierarchicalRiskParityConfigSchema = z
  .strictObject({
    /** Covariance matrix of the asset returns; every variance must be > 0. */
    covariance: CovarianceMatrixSchema,
    /** Expected returns, used only to report `expectedReturn`. */
    expectedReturns: VectorSchema.optional(),
    /** What to cluster; default the paper's distance of distances. */
    clusterOn: z.enum([HrpDistance.DISTANCE_OF_DISTANCES, HrpDistance.CORRELATION_DISTANCE]).default(HrpDistance.DISTANCE_OF_DISTANCES),
  })
  .superRefine((c, ctx) => {
    checkLength(ctx, c.expectedReturns, c.covariance.length, ['expectedReturns']);
    c.covariance.forEach((row, i) => {
      if (!(row[i]! > 0)) ctx.addIssue({ code: 'custom', message: 'every variance must be > 0', path: ['covariance', i, i] });
    });
  });
/**
 * Options of {@link hierarchicalRiskParity}.
 *
 * @example
 * ```ts
 * const config: HierarchicalRiskParityConfig = { covariance: ledoitWolfCovariance(returns).covariance };
 * ```
 */
export type HierarchicalRiskParityConfig = z.input<typeof HierarchicalRiskParityConfigSchema>;

/**
 * Result of {@link hierarchicalRiskParity}: weights plus the clustering behind them.
 *
 * @example
 * ```ts
 * const { weights, order, linkage } = hierarchicalRiskParity({ covariance });
 * ```
 */
export interface HierarchicalRiskParityResult extends PortfolioOptimum {
  /** Asset indices in quasi-diagonal (dendrogram leaf) order. */
  readonly order: number[];
  /** scipy-style linkage, one row per merge: [cluster a, cluster b (a < b), distance, size]. */
  readonly linkage: [number, number, number, number][];
}

/**
 * Hierarchical-risk-parity weights (long only, summing to 1) from a covariance matrix.
 *
 * @throws ValidationError for malformed input or a zero variance.
 * @example
 * ```ts
 * const { weights, order } = hierarchicalRiskParity({ covariance: sampleCovariance(returns) });
 * ```
 */
export function hierarchicalRiskParity(config: HierarchicalRiskParityConfig): HierarchicalRiskParityResult {
  const c = parseWith(HierarchicalRiskParityConfigSchema, config);
  const sigma = c.covariance;
  const n = sigma.length;
  const sd = Float64Array.from(sigma, (row, i) => Math.sqrt(row[i]!));
  const distance = Array.from({ length: n }, (_, i) =>
    Float64Array.from(sigma[i]!, (v, j) => (i === j ? 0 : Math.sqrt(Math.max(0, (1 - Math.min(1, v / (sd[i]! * sd[j]!))) / 2)))),
  );
  let clustered = distance;
  if (c.clusterOn === HrpDistance.DISTANCE_OF_DISTANCES) {
    clustered = Array.from({ length: n }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const di = distance[i]!;
      for (let j = i + 1; j < n; j++) {
        const dj = distance[j]!;
        let s = 0;
        for (let k = 0; k < n; k++) {
          const e = di[k]! - dj[k]!;
          s += e * e;
        }
        clustered[i]![j] = clustered[j]![i] = Math.sqrt(s);
      }
    }
  }
  const linkage = singleLinkage(clustered);
  const order = quasiDiagonalOrder(linkage, n);
  const weights = recursiveBisection(sigma, order);
  if (weights.some((w) => !Number.isFinite(w))) throw new ValidationError([{ path: ['covariance'], message: 'produced non-finite weights' }]);
  return { ...describeWeights(weights, sigma, c.expectedReturns, n - 1, true), order, linkage };
}

/**
 * Single-linkage clustering by Kruskal's algorithm on the sorted pairwise distances (the merges of
 * single linkage are the edges of the minimum spanning tree in increasing order). Cluster ids follow
 * scipy: leaves 0..n-1, merge k creates id n + k, and each row lists the smaller id first.
 */
function singleLinkage(d: readonly Float64Array[]): [number, number, number, number][] {
  const n = d.length;
  const m = (n * (n - 1)) / 2;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const dist = new Float64Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, e++) {
      from[e] = i;
      to[e] = j;
      dist[e] = d[i]![j]!;
    }
  }
  const edges = Uint32Array.from({ length: m }, (_, k) => k).sort((a, b) => dist[a]! - dist[b]! || a - b);
  const parent = Int32Array.from({ length: n }, (_, i) => i); // union-find over leaves
  const clusterOf = Int32Array.from({ length: n }, (_, i) => i); // root leaf -> current cluster id
  const size = new Int32Array(n).fill(1);
  const find = (x: number): number => {
    while (parent[x]! !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const linkage: [number, number, number, number][] = [];
  for (let k = 0; k < m && linkage.length < n - 1; k++) {
    const edge = edges[k]!;
    const ra = find(from[edge]!);
    const rb = find(to[edge]!);
    if (ra === rb) continue;
    const ca = clusterOf[ra]!;
    const cb = clusterOf[rb]!;
    const merged = size[ra]! + size[rb]!;
    linkage.push([Math.min(ca, cb), Math.max(ca, cb), dist[edge]!, merged]);
    parent[rb] = ra;
    size[ra] = merged;
    clusterOf[ra] = n + linkage.length - 1;
  }
  return linkage;
}

/** Leaves in dendrogram order, expanding each cluster into its first then its second member. */
function quasiDiagonalOrder(linkage: readonly [number, number, number, number][], n: number): number[] {
  if (n === 1) return [0];
  const order: number[] = [];
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id < n) {
      order.push(id);
    } else {
      const [a, b] = linkage[id - n]!;
      stack.push(b, a);
    }
  }
  return order;
}

/** Variance of the inverse-variance portfolio of `items`. */
function clusterVariance(sigma: readonly Float64Array[], items: readonly number[]): number {
  let total = 0;
  for (const i of items) total += 1 / sigma[i]![i]!;
  let v = 0;
  for (const i of items) {
    const wi = 1 / sigma[i]![i]! / total;
    const row = sigma[i]!;
    for (const j of items) v += wi * row[j]! * (1 / sigma[j]![j]! / total);
  }
  return v;
}

/** Top-down allocation over the quasi-diagonal order, splitting every cluster into halves. */
function recursiveBisection(sigma: readonly Float64Array[], order: readonly number[]): Float64Array {
  const weights = new Float64Array(sigma.length).fill(1);
  const queue: (readonly number[])[] = [order];
  while (queue.length > 0) {
    const items = queue.shift()!;
    if (items.length < 2) continue;
    const half = Math.floor(items.length / 2);
    const left = items.slice(0, half);
    const right = items.slice(half);
    const vLeft = clusterVariance(sigma, left);
    const vRight = clusterVariance(sigma, right);
    const alpha = 1 - vLeft / (vLeft + vRight);
    for (const i of left) weights[i]! *= alpha;
    for (const i of right) weights[i]! *= 1 - alpha;
    queue.push(left, right);
  }
  return weights;
}
