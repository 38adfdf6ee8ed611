/**
 * Zod schemas shared by the optimizers: vectors, covariance matrices, return matrices and the
 * weight constraints (bounds, budget, group limits, transaction-cost penalty), with the cross-field
 * checks that make a problem well posed (sizes agree, bounds admit the budget).
 */
import { z } from 'zod';

/** A `Float64Array` or an array of numbers (read-only arrays welcome). */
type Numbers = Float64Array | readonly number[];

function isNumbers(v: unknown): v is Numbers {
  return v instanceof Float64Array || Array.isArray(v);
}

/** Adds an issue for every entry of `v` that is not a finite number. */
function checkFinite(v: Numbers, ctx: z.RefinementCtx, path: (string | number)[]): void {
  for (let j = 0; j < v.length; j++) {
    if (!Number.isFinite(v[j])) ctx.addIssue({ code: 'custom', message: 'must be a finite number', path: [...path, j] });
  }
}

/**
 * A vector of finite numbers, given as a `number[]` or a `Float64Array`.
 *
 * @example
 * ```ts
 * VectorSchema.parse(new Float64Array([0.01, 0.02])) // Float64Array [0.01, 0.02]
 * ```
 */
export const VectorSchema = z
  .custom<Numbers>(isNumbers, 'must be an array of numbers or a Float64Array')
  .superRefine((v, ctx) => checkFinite(v, ctx, []))
  .transform((v) => Float64Array.from(v));

/**
 * What {@link VectorSchema} accepts.
 *
 * @example
 * ```ts
 * const mu: VectorInput = [0.004, 0.006, 0.005];
 * ```
 */
export type VectorInput = z.input<typeof VectorSchema>;

/**
 * A dense matrix as rows of finite numbers (`number[][]` or `Float64Array[]`), output as `Float64Array` rows.
 *
 * @example
 * ```ts
 * MatrixSchema.parse([[1, 2], [3, 4]]).length // 2
 * ```
 */
export const MatrixSchema = z
  .custom<readonly Numbers[]>((v) => Array.isArray(v), 'must be an array of rows')
  .superRefine((rows, ctx) => {
    if (rows.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must have at least one row', path: [] });
      return;
    }
    const width = isNumbers(rows[0]) ? rows[0].length : 0;
    rows.forEach((row, i) => {
      if (!isNumbers(row)) {
        ctx.addIssue({ code: 'custom', message: 'must be an array of numbers or a Float64Array', path: [i] });
        return;
      }
      if (row.length !== width) ctx.addIssue({ code: 'custom', message: `row has ${row.length} columns, expected ${width}`, path: [i] });
      checkFinite(row, ctx, [i]);
    });
  })
  .transform((rows) => rows.map((row) => Float64Array.from(row)));

/**
 * What {@link MatrixSchema} accepts: rows of numbers.
 *
 * @example
 * ```ts
 * const sigma: MatrixInput = [new Float64Array([0.04, 0.01]), new Float64Array([0.01, 0.09])];
 * ```
 */
export type MatrixInput = z.input<typeof MatrixSchema>;

/** Relative tolerance of the symmetry check on covariance matrices. */
const SYMMETRY_TOLERANCE = 1e-10;

/**
 * A covariance matrix: square, symmetric (to 1e-10 relative to its largest variance; the output is
 * made exactly symmetric), finite, with a non-negative diagonal. Positive definiteness is checked where a solver needs it.
 *
 * @example
 * ```ts
 * CovarianceMatrixSchema.parse([[0.04, 0.01], [0.01, 0.09]])
 * ```
 */
export const CovarianceMatrixSchema = MatrixSchema.superRefine((rows, ctx) => {
  const n = rows.length;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== n) {
      ctx.addIssue({ code: 'custom', message: `must be square: row ${i} has ${row.length} columns, expected ${n}`, path: [i] });
      return;
    }
    if (row[i]! < 0) ctx.addIssue({ code: 'custom', message: 'diagonal (a variance) must be >= 0', path: [i, i] });
    scale = Math.max(scale, Math.abs(row[i]!));
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = rows[i]![j]!;
      const b = rows[j]![i]!;
      if (Math.abs(a - b) > SYMMETRY_TOLERANCE * Math.max(scale, Number.MIN_VALUE)) {
        ctx.addIssue({ code: 'custom', message: `must be symmetric: [${i}][${j}] = ${a} but [${j}][${i}] = ${b}`, path: [i, j] });
        return;
      }
    }
  }
}).transform((rows) => {
  // Make the matrix exactly symmetric (rounding in how it was built may leave last-bit differences),
  // as the Cholesky factorisations downstream require.
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i]![j]!;
      const b = rows[j]![i]!;
      if (a !== b) rows[i]![j] = rows[j]![i] = (a + b) / 2;
    }
  }
  return rows;
});

/**
 * One group (sector) limit: the summed weight of `assets` (0-based indices) must lie in [min, max].
 *
 * @example
 * ```ts
 * const tech: GroupLimit = { name: 'tech', assets: [0, 3, 4], max: 0.3 };
 * ```
 */
export const GroupLimitSchema = z
  .strictObject({
    /** A label used in error messages. */
    name: z.string().optional(),
    /** 0-based asset indices in the group. */
    assets: z.array(z.number().int().nonnegative()).min(1),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .refine((g) => g.min === undefined || g.max === undefined || g.min <= g.max, { message: 'min must be <= max', path: ['min'] });
/**
 * A group (sector) limit; see {@link GroupLimitSchema}.
 *
 * @example
 * ```ts
 * const energy: GroupLimit = { name: 'energy', assets: [2, 5], min: 0.05, max: 0.2 };
 * ```
 */
export type GroupLimit = z.input<typeof GroupLimitSchema>;

/**
 * A quadratic transaction-cost (turnover) penalty `sum_i penalty_i (w_i - previousWeights_i)^2`
 * added to the objective.
 *
 * @example
 * ```ts
 * const tc: TransactionCostPenalty = { previousWeights: [0.5, 0.5], penalty: 0.001 };
 * ```
 */
export const TransactionCostPenaltySchema = z.strictObject({
  /** The current holdings, as weights. */
  previousWeights: VectorSchema,
  /** Penalty per unit of squared weight change: one number for every asset, or one per asset. */
  penalty: z.union([z.number().nonnegative(), VectorSchema]),
}).superRefine((t, ctx) => {
  if (typeof t.penalty !== 'number') {
    t.penalty.forEach((k, i) => {
      if (k < 0) ctx.addIssue({ code: 'custom', message: 'must be >= 0', path: ['penalty', i] });
    });
  }
});
/**
 * A quadratic transaction-cost penalty; see {@link TransactionCostPenaltySchema}.
 *
 * @example
 * ```ts
 * minVariance({ covariance, transactionCost: { previousWeights: current, penalty: 0.002 } });
 * ```
 */
export type TransactionCostPenalty = z.input<typeof TransactionCostPenaltySchema>;

/** Fields shared by every constrained optimizer's config. */
export const WeightConstraintFields = {
  /** Lower bound of every weight (one number) or of each (a vector); default 0 (long only). */
  lower: z.union([z.number(), VectorSchema]).default(0),
  /** Upper bound of every weight (one number) or of each (a vector); default 1. */
  upper: z.union([z.number(), VectorSchema]).default(1),
  /** The weights sum to this; default 1 (fully invested). */
  budget: z.number().default(1),
  /** Group (sector) limits. */
  groups: z.array(GroupLimitSchema).default([]),
} as const;

/** Parsed weight constraints, bounds expanded to one entry per asset. */
export interface WeightConstraints {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly budget: number;
  readonly groups: readonly { readonly name?: string | undefined; readonly assets: readonly number[]; readonly min?: number | undefined; readonly max?: number | undefined }[];
}

/** Expands a number-or-vector field to one entry per asset. */
export function expand(value: number | Float64Array, n: number): Float64Array {
  return typeof value === 'number' ? new Float64Array(n).fill(value) : value;
}

/**
 * Adds the issues of a mis-sized vector field to a zod refinement context.
 */
export function checkLength(ctx: z.RefinementCtx, value: number | Float64Array | undefined, n: number, path: (string | number)[]): void {
  if (value !== undefined && typeof value !== 'number' && value.length !== n) {
    ctx.addIssue({ code: 'custom', message: `must have one entry per asset (${n}), got ${value.length}`, path });
  }
}

/**
 * Checks that the constraints fit `n` assets and that bounds and budget admit a solution:
 * lower <= upper, sum(lower) <= budget <= sum(upper), group indices in range, group limits within
 * what the bounds allow. Infeasibility the QP discovers later (interacting groups) is reported by the solver.
 */
export function checkConstraints(
  ctx: z.RefinementCtx,
  c: { lower: number | Float64Array; upper: number | Float64Array; budget: number; groups: WeightConstraints['groups'] },
  n: number,
): void {
  checkLength(ctx, c.lower, n, ['lower']);
  checkLength(ctx, c.upper, n, ['upper']);
  if (typeof c.lower !== 'number' && c.lower.length !== n) return;
  if (typeof c.upper !== 'number' && c.upper.length !== n) return;
  const lower = expand(c.lower, n);
  const upper = expand(c.upper, n);
  let sumLower = 0;
  let sumUpper = 0;
  for (let i = 0; i < n; i++) {
    if (lower[i]! > upper[i]!) {
      ctx.addIssue({ code: 'custom', message: `lower bound of asset ${i} (${lower[i]}) exceeds its upper bound (${upper[i]})`, path: ['lower'] });
      return;
    }
    sumLower += lower[i]!;
    sumUpper += upper[i]!;
  }
  const slack = 1e-12 * Math.max(1, Math.abs(c.budget));
  if (sumLower > c.budget + slack) {
    ctx.addIssue({ code: 'custom', message: `infeasible: the lower bounds sum to ${sumLower}, more than the budget ${c.budget}`, path: ['lower'] });
  }
  if (sumUpper < c.budget - slack) {
    ctx.addIssue({ code: 'custom', message: `infeasible: the upper bounds sum to ${sumUpper}, less than the budget ${c.budget}`, path: ['upper'] });
  }
  c.groups.forEach((g, k) => {
    const label = g.name ?? `group ${k}`;
    let gLower = 0;
    let gUpper = 0;
    for (const a of g.assets) {
      if (a >= n) {
        ctx.addIssue({ code: 'custom', message: `${label}: asset index ${a} is out of range (n = ${n})`, path: ['groups', k, 'assets'] });
        return;
      }
      gLower += lower[a]!;
      gUpper += upper[a]!;
    }
    if (g.min !== undefined && g.min > gUpper + slack) {
      ctx.addIssue({ code: 'custom', message: `infeasible: ${label} needs at least ${g.min} but its upper bounds sum to ${gUpper}`, path: ['groups', k, 'min'] });
    }
    if (g.max !== undefined && g.max < gLower - slack) {
      ctx.addIssue({ code: 'custom', message: `infeasible: ${label} allows at most ${g.max} but its lower bounds sum to ${gLower}`, path: ['groups', k, 'max'] });
    }
  });
}
