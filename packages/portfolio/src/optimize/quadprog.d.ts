/**
 * Types of the `quadprog` npm package (1.6, a JavaScript port of R's quadprog), which ships none.
 * Arrays are 1-based as in the Fortran original: index 0 is unused.
 */
declare module 'quadprog' {
  /** What `solveQP` returns; `message` is empty on success. */
  export interface SolveQpResult {
    solution: number[];
    Lagrangian: number[];
    value: number[];
    unconstrained_solution: number[];
    iterations: number[];
    iact: number[];
    message: string;
  }
  /** R's `solve.QP(Dmat, dvec, Amat, bvec, meq)`; mutates its arguments. */
  export function solveQP(Dmat: number[][], dvec: number[], Amat: number[][], bvec: number[], meq?: number): SolveQpResult;
  const quadprog: { solveQP: typeof solveQP };
  export default quadprog;
}
