import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { solveQuadraticProgram } from './solve-quadratic-program';

describe('solveQuadraticProgram', () => {
  it("reproduces R quadprog 1.5.8's documented solve.QP example (solution, value, multipliers, active set)", () => {
    // R: solve.QP(diag(3), c(0, 5, 0), matrix(c(-4, -3, 0, 2, 1, 0, 0, -2, 1), 3, 3), c(-8, 2, 0));
    // Amat's columns are the constraint rows here.
    const result = solveQuadraticProgram({
      D: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
      d: [0, 5, 0],
      A: [[-4, -3, 0], [2, 1, 0], [0, -2, 1]],
      b: [-8, 2, 0],
      equalities: 0,
    });
    const expected = [0.47619047619047616, 1.0476190476190477, 2.0952380952380953];
    expected.forEach((v, i) => expect(result.x[i]!).toBeCloseTo(v, 15));
    expect(result.value).toBeCloseTo(-2.3809523809523809, 15);
    expect(Array.from(result.lagrangian)).toEqual([0, expect.closeTo(0.23809523809523808, 15), expect.closeTo(2.0952380952380953, 15)]);
    expect([...result.active].sort()).toEqual([1, 2]);
    expect(result.iterations).toBe(3);
  });

  it('does not modify its inputs (quadprog overwrites the arrays it is given)', () => {
    const D = [[2, 0], [0, 2]];
    const A = [[1, 1]];
    const b = [1];
    solveQuadraticProgram({ D, d: [0, 0], A, b, equalities: 1 });
    expect(D).toEqual([[2, 0], [0, 2]]);
    expect(A).toEqual([[1, 1]]);
    expect(b).toEqual([1]);
  });

  it('solves a problem with no constraints as the unconstrained minimiser D^-1 d', () => {
    const { x } = solveQuadraticProgram({ D: [[2, 1], [1, 2]], d: [1, 1], A: [], b: [], equalities: 0 });
    expect(x[0]!).toBeCloseTo(1 / 3, 15);
    expect(x[1]!).toBeCloseTo(1 / 3, 15);
  });

  it('throws ValidationError on inconsistent constraints and on a matrix that is not positive definite', () => {
    const infeasible = { D: [[1, 0], [0, 1]], d: [0, 0], A: [[1, 0], [-1, 0]], b: [1, 0], equalities: 0 };
    expect(() => solveQuadraticProgram(infeasible)).toThrow(ValidationError);
    expect(() => solveQuadraticProgram(infeasible)).toThrow(/^constraints: infeasible/);
    expect(() => solveQuadraticProgram({ D: [[1, 2], [2, 1]], d: [0, 0], A: [], b: [], equalities: 0 }, { matrix: 'covariance', constraints: 'c' })).toThrow(
      /^covariance: must be positive definite/,
    );
  });
});
