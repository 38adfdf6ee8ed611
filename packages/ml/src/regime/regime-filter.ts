/**
 * `RegimeFilter`: the forward recursion of a {@link GaussianHmm} one observation at a time. Each
 * `update(x)` predicts the state from the previous filtered probabilities through the transition matrix
 * and weighs the prediction by the Gaussian densities of x: O(states²) work per observation, no memory of
 * the past beyond the last probabilities, and the same arithmetic as
 * {@link GaussianHmm.filteredProbabilities}, so the numbers are identical.
 */
import { ValidationError } from '@rxtrade/core';
import { forwardStep } from './hmm-kernels';
import type { GaussianHmm } from './gaussian-hmm';

/**
 * The filtered state probabilities of a {@link GaussianHmm}, updated one observation at a time.
 *
 * @example
 * ```ts
 * const filter = new RegimeFilter(hmm);
 * for (const r of returns) filter.update(r); // Float64Array of P(state | returns so far)
 * filter.logLikelihood; // log p(returns so far)
 * ```
 */
export class RegimeFilter {
  private readonly hmm: GaussianHmm;
  private readonly x: Float64Array;
  private readonly logb: Float64Array;
  private readonly pred: Float64Array;
  private readonly out = new Float64Array(2);
  private current: Float64Array;
  private count = 0;
  private ll = 0;

  constructor(hmm: GaussianHmm) {
    this.hmm = hmm;
    this.x = new Float64Array(hmm.dimension);
    this.logb = new Float64Array(hmm.states);
    this.pred = new Float64Array(hmm.states);
    this.current = new Float64Array(hmm.states);
  }

  /** Number of observations seen. */
  get observations(): number {
    return this.count;
  }

  /** log p(x_0..t) of the observations seen so far (0 before the first). */
  get logLikelihood(): number {
    return this.ll;
  }

  /** The latest filtered probabilities (a copy), or `undefined` before the first observation. */
  get probabilities(): Float64Array | undefined {
    return this.count === 0 ? undefined : this.current.slice();
  }

  /**
   * Takes the next observation (a number for a univariate model, else a row of `dimension` numbers) and
   * returns P(S_t = i | x_0..t) for every state, in a new array.
   */
  update(x: number | ArrayLike<number>): Float64Array {
    const d = this.hmm.dimension;
    if (typeof x === 'number') {
      if (d !== 1) throw new ValidationError([{ path: ['x'], message: `must be a row of ${d} numbers (the model has ${d} features), got a number` }]);
      if (!Number.isFinite(x)) throw new ValidationError([{ path: ['x'], message: `must be a finite number, got ${x}` }]);
      this.x[0] = x;
    } else {
      if (x === null || typeof x !== 'object' || x.length !== d) throw new ValidationError([{ path: ['x'], message: `must be a row of ${d} numbers` }]);
      for (let a = 0; a < d; a++) {
        const v = x[a];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError([{ path: ['x', a], message: `must be a finite number, got ${String(v)}` }]);
        this.x[a] = v;
      }
    }
    this.hmm.emissions.logDensities(this.x, 0, this.logb, 0);
    const next = new Float64Array(this.hmm.states);
    forwardStep(this.hmm.params, this.count === 0 ? undefined : this.current, 0, this.logb, 0, next, 0, undefined, this.pred, this.out);
    this.current = next;
    this.ll += this.out[0]!;
    this.count++;
    return next.slice();
  }

  /** Forgets every observation: the next one is the first again. */
  reset(): void {
    this.count = 0;
    this.ll = 0;
    this.current = new Float64Array(this.hmm.states);
  }
}
