/**
 * Calendar rebalancing on the pipeline's clock: at the start of every day, week, month, quarter or year
 * (UTC), emit the current target weights.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { parseWith, type Clock, type InstrumentId, type TimerHandle } from '@rxtrade/core';
import { z } from 'zod';
import type { TargetWeights } from './target-weights';

/** Calendar periods {@link rebalanceOnCalendar} can rebalance on (boundaries in UTC; weeks start on Monday). */
export const RebalanceEvery = {
  DAY: 'day',
  WEEK: 'week',
  MONTH: 'month',
  QUARTER: 'quarter',
  YEAR: 'year',
} as const;
export type RebalanceEvery = (typeof RebalanceEvery)[keyof typeof RebalanceEvery];

/**
 * Schema of {@link RebalanceOnCalendarConfig}.
 *
 * @example
 * ```ts
 * parseWith(RebalanceOnCalendarConfigSchema, { clock: ctx.clock, every: 'month' });
 * ```
 */
export const RebalanceOnCalendarConfigSchema = z.strictObject({
  /** The pipeline's clock (`ctx.clock`): boundaries are its timers, so a backtest runs on virtual time. */
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).setTimer === 'function' && typeof (v as Clock).now === 'function', 'must be a Clock'),
  every: z.enum([RebalanceEvery.DAY, RebalanceEvery.WEEK, RebalanceEvery.MONTH, RebalanceEvery.QUARTER, RebalanceEvery.YEAR]),
  /** Milliseconds after the boundary (UTC midnight) to fire, such as 15.5 h for 15:30 UTC; default 0. */
  offsetMs: z.number().min(0).default(0),
  /**
   * Builds the weights at a boundary from the latest input value; without it the input must already be
   * {@link TargetWeights} and the latest one is re-emitted. Return undefined to skip a boundary.
   */
  weights: z
    .custom<(latest: never, ts: number) => Readonly<Record<InstrumentId, number>> | undefined>((v) => typeof v === 'function', 'must be a function')
    .optional(),
});

/**
 * Options of {@link rebalanceOnCalendar}.
 *
 * @example
 * ```ts
 * const monthly: RebalanceOnCalendarConfig<TargetWeights> = { clock: ctx.clock, every: 'month' };
 * ```
 */
export interface RebalanceOnCalendarConfig<T> {
  readonly clock: Clock;
  readonly every: RebalanceEvery;
  readonly offsetMs?: number;
  readonly weights?: (latest: T, ts: number) => Readonly<Record<InstrumentId, number>> | undefined;
}

/**
 * Calendar rebalancing stage: remembers the latest input and, at each calendar boundary on the clock,
 * emits `{ ts: boundary, weights }`: the latest {@link TargetWeights} as they are, or what
 * `config.weights(latest, ts)` builds from the latest input (any type: a state object, a bar). Nothing is
 * emitted at a boundary before the first input. It completes when its input completes, and cancels its
 * timer when unsubscribed.
 *
 * In a backtest a boundary timer fires before the first event at or after it, so a month-end bar is
 * seen before the month's rebalance, and orders sized then fill on the following bars.
 *
 * @example
 * ```ts
 * const orders$ = targets$.pipe(
 *   rebalanceOnCalendar({ clock: ctx.clock, every: 'month' }),
 *   sizeToTargets({ ledger: ctx.ledger, orderFactory: ctx.orderFactory, instruments: ctx.instruments }),
 * );
 * ```
 */
export function rebalanceOnCalendar(config: RebalanceOnCalendarConfig<TargetWeights> & { readonly weights?: undefined }): OperatorFunction<TargetWeights, TargetWeights>;
export function rebalanceOnCalendar<T>(config: RebalanceOnCalendarConfig<T> & { readonly weights: (latest: T, ts: number) => Readonly<Record<InstrumentId, number>> | undefined }): OperatorFunction<T, TargetWeights>;
export function rebalanceOnCalendar<T>(config: RebalanceOnCalendarConfig<T>): OperatorFunction<T, TargetWeights> {
  const c = parseWith(RebalanceOnCalendarConfigSchema, config, 'rebalanceOnCalendar');
  const build = config.weights;
  return (source) =>
    new Observable<TargetWeights>((subscriber) => {
      let latest: { value: T } | undefined;
      let timer: TimerHandle | undefined;
      const arm = (after: number): void => {
        const at = nextCalendarBoundary(after, c.every, c.offsetMs);
        timer = c.clock.setTimer(at, (event) => {
          if (subscriber.closed) return;
          if (latest !== undefined) {
            const weights = build ? build(latest.value, event.ts) : (latest.value as unknown as TargetWeights).weights;
            if (weights !== undefined) subscriber.next({ ts: event.ts, weights });
          }
          if (!subscriber.closed) arm(event.ts);
        });
      };
      arm(c.clock.now());
      const sub = source.subscribe({
        next: (value) => {
          latest = { value };
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer?.cancel();
        sub.unsubscribe();
      };
    });
}

/**
 * The first calendar boundary strictly after `ts` (epoch ms): UTC midnight at the start of the next day,
 * Monday, month, quarter or year, plus `offsetMs`.
 *
 * @example
 * ```ts
 * nextCalendarBoundary(Date.UTC(2024, 0, 31), 'month') // Date.UTC(2024, 1, 1)
 * ```
 */
export function nextCalendarBoundary(ts: number, every: RebalanceEvery, offsetMs = 0): number {
  const d = new Date(ts - offsetMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  let at: number;
  switch (every) {
    case RebalanceEvery.DAY:
      at = Date.UTC(y, m, d.getUTCDate() + 1);
      break;
    case RebalanceEvery.WEEK: {
      const daysSinceMonday = (d.getUTCDay() + 6) % 7;
      at = Date.UTC(y, m, d.getUTCDate() - daysSinceMonday + 7);
      break;
    }
    case RebalanceEvery.MONTH:
      at = Date.UTC(y, m + 1, 1);
      break;
    case RebalanceEvery.QUARTER:
      at = Date.UTC(y, m - (m % 3) + 3, 1);
      break;
    case RebalanceEvery.YEAR:
      at = Date.UTC(y + 1, 0, 1);
      break;
  }
  return at + offsetMs;
}
