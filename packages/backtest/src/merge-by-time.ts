/**
 * Merges several time-ordered series into one, by (ts, series index): ties between series are broken by
 * the order the series were given in, never by wall time, so every run sees the same sequence.
 */
import type { Bar, BarColumns, MarketData } from '@rxtrade/core';
import { StreamMerge, unsorted } from './merge-streams';

/**
 * Iterates the events of `series` (arrays of events, or `BarColumns`, which yield a fresh `Bar` per
 * row) in (ts, series index) order. Each series must be sorted by `ts`
 * (equal timestamps allowed within a series); a series that goes back in time fails with a
 * `ValidationError` naming the series and row.
 *
 * @example
 * ```ts
 * for (const event of mergeByTime([googBars, spyBars])) console.log(event.ts);
 * ```
 */
export function* mergeByTime<T extends MarketData>(series: readonly (readonly T[] | BarColumns)[]): Generator<T | Bar, void, undefined> {
  const merge = StreamMerge.openSync(series);
  for (;;) {
    const event = merge.next() as T | Bar | undefined;
    if (event === undefined) return;
    yield event;
  }
}

/**
 * @internal Returns `events` after checking that it is sorted by `ts` (and that every `ts` is a number),
 * or throws a `ValidationError` naming the first row out of order: `data[series][row]`, or `data[row]`
 * when `series` is -1 (the data was one series).
 */
export function assertSorted<T extends MarketData>(events: readonly T[], series: number): readonly T[] {
  if (checkedFrozen.has(events)) return events;
  // A frozen array of frozen events can never change: once checked, it is not scanned again (a sweep
  // runs the same cached bars hundreds of times). Other arrays are checked on every run.
  let frozen = Object.isFrozen(events);
  let previous = -Infinity;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as T | null | undefined;
    const ts = typeof e === 'object' && e !== null ? e.ts : undefined;
    if (typeof ts !== 'number' || !(ts >= previous)) throw unsorted(e, ts, previous, series >= 0 ? ['data', series, i] : ['data', i]);
    previous = ts;
    if (frozen && !Object.isFrozen(e)) frozen = false;
  }
  if (frozen) checkedFrozen.add(events);
  return events;
}

/** Frozen arrays of frozen events that {@link assertSorted} found sorted. */
const checkedFrozen = new WeakSet<readonly MarketData[]>();
