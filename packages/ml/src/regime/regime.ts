/**
 * `regime`: the streaming form of a {@link GaussianHmm}'s filtered probabilities. For each observation
 * (a bar's return, or a row of features) it emits P(S_t = i | x_0..t), computed from the previous
 * probabilities and the new observation only ({@link RegimeFilter}: O(states²) per step). The smoothed
 * probabilities would use later observations, so they never appear in a pipeline: the numbers at t are
 * those that a live system has at t, and a backtest cannot leak the future through this stage.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { ValidationError } from '@rxtrade/core';
import { GaussianHmm } from './gaussian-hmm';
import { RegimeFilter } from './regime-filter';

/**
 * Maps each observation to the model's filtered state probabilities (a new `Float64Array` per
 * observation). Each subscription starts from the model's start probabilities.
 *
 * @param hmm a fitted or hand-made model; its dimension says whether observations are numbers or rows.
 * @example
 * ```ts
 * bars$.pipe(
 *   map((bar) => 100 * Math.log(bar.close / bar.open)),
 *   regime(hmm),
 * ).subscribe((p) => console.log(p[1])); // P(stormy) given returns up to now
 * ```
 */
export function regime(hmm: GaussianHmm): OperatorFunction<number | ArrayLike<number>, Float64Array> {
  if (!(hmm instanceof GaussianHmm)) throw new ValidationError([{ path: ['hmm'], message: 'must be a GaussianHmm' }]);
  return (source) =>
    new Observable<Float64Array>((subscriber) => {
      const filter = new RegimeFilter(hmm);
      return source.subscribe({
        next: (x) => {
          let p: Float64Array;
          try {
            p = filter.update(x);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(p);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
