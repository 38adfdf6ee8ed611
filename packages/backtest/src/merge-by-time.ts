/**
 * Merges several time-ordered series into one, by (ts, series index): ties between series are broken by
 * the order the series were given in, never by wall time, so every run sees the same sequence.
 */
import { ValidationError, type MarketData } from '@rxtrade/core';
import { StreamMerge } from './merge-streams';

/**
 * Iterates the events of `series` in (ts, series index) order. Each series must be sorted by `ts`
 * (equal timestamps allowed within a series); a series that goes back in time fails with a
 * `ValidationError` naming the series and row.
 *
 * @example
 * ```ts
 * for (const event of mergeByTime([googBars, spyBars])) console.log(event.ts);
 * ```
 */
export function* mergeByTime<T extends MarketData>(series: readonly (readonly T[])[]): Generator<T, void, undefined> {
  const merge = StreamMerge.openSync(series);
  for (;;) {
    const event = merge.next() as T | undefined;
    if (event === undefined) return;
    yield event;
  }
}

/**
 * @internal Returns `events` after checking that it is sorted by `ts`, or throws a `ValidationError`
 * naming series `index` and the first row out of order.
 */
export function assertSorted<T extends MarketData>(events: readonly T[], index: number): readonly T[] {
  for (let i = 1; i < events.length; i++) if (events[i]!.ts < events[i - 1]!.ts) throw outOfOrder(index, i, events[i]!.ts, events[i - 1]!.ts);
  return events;
}

function outOfOrder(s: number, i: number, ts: number, previous: number): ValidationError {
  return new ValidationError([
    { path: ['data', s, i, 'ts'], message: `time ${ts} is before the previous event's ${previous}: each series must be sorted by ts` },
  ]);
}
