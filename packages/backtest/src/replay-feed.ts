/**
 * Replays recorded market data on a clock's timers: in paper trading with a {@link LiveClock} the events
 * arrive in (accelerated) wall time, exactly as a live feed would push them.
 */
import { Observable } from 'rxjs';
import { ValidationError, type BarColumns, type Clock, type MarketData, type TimerHandle } from '@rxtrade/core';
import { mergeByTime } from './merge-by-time';

/** Options of {@link replayFeed}: a fixed gap between events, or a speed-up of recorded time. */
export interface ReplayFeedOptions {
  readonly clock: Clock;
  /** Wall-clock ms between consecutive events. */
  readonly intervalMs?: number;
  /** Recorded time runs this many times faster than the clock (used when `intervalMs` is absent). */
  readonly speed?: number;
}

/**
 * Emits the merged events of `series` (arrays of events, or `BarColumns`) spaced on `clock`.
 *
 * @example
 * ```ts
 * const feed = replayFeed([bars], { clock: new LiveClock(), intervalMs: 1 });
 * ```
 */
export function replayFeed(series: readonly (readonly MarketData[] | BarColumns)[], options: ReplayFeedOptions): Observable<MarketData> {
  const { clock, intervalMs, speed } = options;
  if (intervalMs === undefined && speed === undefined) throw new ValidationError([{ path: ['intervalMs'], message: 'give intervalMs or speed' }]);
  if (intervalMs !== undefined && !(intervalMs >= 0)) throw new ValidationError([{ path: ['intervalMs'], message: `must be >= 0, got ${intervalMs}` }]);
  if (speed !== undefined && !(speed > 0)) throw new ValidationError([{ path: ['speed'], message: `must be > 0, got ${speed}` }]);
  return new Observable<MarketData>((subscriber) => {
    const events = mergeByTime(series);
    let timer: TimerHandle | undefined;
    let previous: MarketData | undefined;
    const scheduleNext = (): void => {
      let next: IteratorResult<MarketData, void>;
      try {
        next = events.next();
      } catch (error) {
        subscriber.error(error);
        return;
      }
      if (next.done) {
        subscriber.complete();
        return;
      }
      const event = next.value;
      const gap = intervalMs ?? (previous === undefined ? 0 : (event.ts - previous.ts) / speed!);
      previous = event;
      timer = clock.setTimer(clock.now() + gap, () => {
        subscriber.next(event);
        if (!subscriber.closed) scheduleNext();
      });
    };
    scheduleNext();
    return () => timer?.cancel();
  });
}
