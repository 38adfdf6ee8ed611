/**
 * `mapAsync`: the asynchronous stage of a pipeline (model inference, a remote call). It keeps input
 * order and registers each call with the context's {@link WorkTracker}, so a backtest waits for it
 * before delivering the next event and results stay deterministic.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { WorkTracker } from './work-tracker';

/** Options of {@link mapAsync}. */
export interface MapAsyncOptions {
  /** The context's tracker: `ctx.work`. */
  readonly work: WorkTracker;
}

/**
 * Maps each value through a function that may return a Promise, one at a time, in order.
 *
 * @example
 * ```ts
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars().pipe(
 *     mapAsync((bar) => model.predict(bar), { work: ctx.work }),
 *     // …signals, sizing, orders
 *   );
 * ```
 */
export function mapAsync<T, R>(project: (value: T, index: number) => PromiseLike<R> | R, options: MapAsyncOptions): OperatorFunction<T, R> {
  const { work } = options;
  return (source) =>
    new Observable<R>((subscriber) => {
      let chain: Promise<void> = Promise.resolve();
      let index = 0;
      let active = 0;
      let sourceDone = false;
      const subscription = source.subscribe({
        next: (value) => {
          const i = index++;
          active++;
          work.begin();
          chain = chain
            .then(() => project(value, i))
            .then(
              (result) => {
                if (!subscriber.closed) subscriber.next(result);
              },
              (error: unknown) => subscriber.error(error),
            )
            .finally(() => {
              active--;
              work.end();
              if (sourceDone && active === 0) subscriber.complete();
            });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (active === 0) subscriber.complete();
        },
      });
      return subscription;
    });
}
