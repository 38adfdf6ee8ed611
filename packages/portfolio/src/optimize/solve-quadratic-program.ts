/**
 * Exact convex quadratic programming through the `quadprog` package, a JavaScript port of R's
 * quadprog (the dual active-set method of Goldfarb & Idnani, 1983, Mathematical Programming 27,
 * 1-33). The active-set method finishes in finitely many steps at the exact optimum (up to
 * floating-point rounding), unlike interior-point or gradient methods that stop at a tolerance.
 */
import { ValidationError } from '@rxtrade/core';
import quadprog from 'quadprog';

/**
 * A strictly convex quadratic program: minimise `1/2 x'Dx - d'x` subject to `A[k]' x >= b[k]`, the
 * first `equalities` constraints holding with equality (R's `solve.QP` with `Amat = t(A)`, `meq`).
 *
 * @example
 * ```ts
 * const qp: QuadraticProgram = { D: [[2, 0], [0, 2]], d: [0, 0], A: [[1, 1], [1, 0]], b: [1, 0.7], equalities: 1 };
 * ```
 */
export interface QuadraticProgram {
  /** Symmetric positive-definite n x n matrix, as rows. */
  readonly D: readonly ArrayLike<number>[];
  readonly d: ArrayLike<number>;
  /** Constraint rows, each of length n. */
  readonly A: readonly ArrayLike<number>[];
  readonly b: ArrayLike<number>;
  /** How many of the first constraints are equalities. */
  readonly equalities: number;
}

/**
 * The optimum of a {@link QuadraticProgram}.
 *
 * @example
 * ```ts
 * const { x, active } = solveQuadraticProgram(qp); // active: 0-based indices of binding constraints
 * ```
 */
export interface QuadraticProgramSolution {
  readonly x: Float64Array;
  /** Objective value `1/2 x'Dx - d'x` at the optimum. */
  readonly value: number;
  /** Lagrange multipliers, one per constraint (0 for inactive ones). */
  readonly lagrangian: Float64Array;
  /** 0-based indices of the active constraints. */
  readonly active: number[];
  /** Active-set iterations (constraints added), and how many times a constraint was dropped. */
  readonly iterations: number;
  readonly dropped: number;
}

/**
 * Field names used in the errors a solve raises.
 *
 * @example
 * ```ts
 * solveQuadraticProgram(qp, { matrix: 'covariance', constraints: 'groups' });
 * ```
 */
export interface QuadraticProgramLabels {
  /** Field blamed when D is not positive definite (for example `'covariance'`). */
  readonly matrix: string;
  /** Field blamed when the constraints are inconsistent (for example `'constraints'`). */
  readonly constraints: string;
  /** Message of the infeasibility error; default "infeasible: no weights satisfy every constraint together". */
  readonly infeasible?: string;
}

/**
 * Solves a strictly convex quadratic program exactly with Goldfarb-Idnani (R quadprog's algorithm).
 *
 * @throws ValidationError when D is not positive definite or the constraints admit no solution.
 * @example
 * ```ts
 * // minimise x1^2 + x2^2 subject to x1 + x2 = 1
 * solveQuadraticProgram({ D: [[2, 0], [0, 2]], d: [0, 0], A: [[1, 1]], b: [1], equalities: 1 }).x // [0.5, 0.5]
 * ```
 */
export function solveQuadraticProgram(
  qp: QuadraticProgram,
  labels: QuadraticProgramLabels = { matrix: 'D', constraints: 'constraints' },
): QuadraticProgramSolution {
  const n = qp.d.length;
  const q = qp.A.length;
  // quadprog is 1-based (index 0 unused) and overwrites its inputs: build fresh arrays each call.
  const Dmat: number[][] = new Array<number[]>(n + 1);
  Dmat[0] = [];
  const dvec: number[] = new Array<number>(n + 1).fill(0);
  const Amat: number[][] = new Array<number[]>(n + 1);
  Amat[0] = [];
  for (let i = 1; i <= n; i++) {
    const row = new Array<number>(n + 1).fill(0);
    const src = qp.D[i - 1]!;
    for (let j = 1; j <= n; j++) row[j] = src[j - 1]!;
    Dmat[i] = row;
    dvec[i] = qp.d[i - 1]!;
    Amat[i] = new Array<number>(q + 1).fill(0);
  }
  const bvec: number[] = new Array<number>(q + 1).fill(0);
  for (let k = 1; k <= q; k++) {
    const a = qp.A[k - 1]!;
    for (let i = 1; i <= n; i++) Amat[i]![k] = a[i - 1]!;
    bvec[k] = qp.b[k - 1]!;
  }
  const result = quadprog.solveQP(Dmat, dvec, Amat, bvec, qp.equalities);
  if (result.message.startsWith('matrix D')) {
    throw new ValidationError([{ path: [labels.matrix], message: 'must be positive definite (the quadratic program is not strictly convex)' }]);
  }
  if (result.message.startsWith('constraints are inconsistent')) {
    throw new ValidationError([{ path: [labels.constraints], message: labels.infeasible ?? 'infeasible: no weights satisfy every constraint together' }]);
  }
  if (result.message !== '') throw new ValidationError([{ path: [labels.constraints], message: result.message }]);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = result.solution[i + 1]!;
  const lagrangian = new Float64Array(q);
  for (let k = 0; k < q; k++) lagrangian[k] = result.Lagrangian[k + 1]!;
  const active: number[] = [];
  for (let k = 1; k < result.iact.length; k++) if (result.iact[k]! > 0) active.push(result.iact[k]! - 1);
  return { x, value: result.value[1]!, lagrangian, active, iterations: result.iterations[1]!, dropped: result.iterations[2]! };
}
