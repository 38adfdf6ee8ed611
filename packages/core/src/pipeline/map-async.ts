/**
 * `mapAsync`: the asynchronous stage of a pipeline (model inference, a remote call). It keeps input
 * order and registers each call with the context's {@link WorkTracker}, so a backtest waits for it
 * before delivering the next event and results stay deterministic.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { parseWith } from '../validation';
import type { WorkTracker } from './work-tracker';

/** Options of {@link mapAsync}. */
export interface MapAsyncOptions {
  /** The context's tracker: `ctx.work`. */
  readonly work: WorkTracker;
}

const isTracker = (v: unknown): v is WorkTracker =>
  typeof v === 'object' && v !== null && typeof (v as WorkTracker).begin === 'function' && typeof (v as WorkTracker).end === 'function';

/**
 * Schema of {@link MapAsyncOptions} (and of `applyModel`'s options): `work` is required, any other key
 * is an error.
 *
 * @example
 * ```ts
 * parseWith(MapAsyncOptionsSchema, { work: ctx.work }, 'options');
 * ```
 */
export const MapAsyncOptionsSchema = z.strictObject({
  work: z.custom<WorkTracker>(isTracker, { message: 'must be the context\'s WorkTracker (ctx.work)' }),
});

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
  const { work } = parseWith(MapAsyncOptionsSchema, options, 'options');
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
