/**
 * The one source of time. Library code never reads the wall clock directly: it asks a `Clock`, so a
 * backtest runs on virtual time and live code is testable.
 */
import type { SchedulerLike } from 'rxjs';

/** Passed to a timer callback. */
export interface TimerEvent {
  /** The time the timer was due (epoch ms). */
  readonly ts: number;
}

/** A set timer; `cancel()` stops it from firing (again). */
export interface TimerHandle {
  cancel(): void;
  readonly active: boolean;
}

/** Options of a repeating timer. */
export interface RepeatingTimerOptions {
  /** Period in ms (> 0). */
  readonly interval: number;
  /** First firing time (epoch ms); defaults to `now() + interval`. */
  readonly start?: number;
  /** Last allowed firing time (inclusive); unbounded by default. */
  readonly stop?: number;
}

/**
 * Time as seen by a pipeline: `now()`, timers, and an RxJS scheduler for time-based operators.
 *
 * @example
 * ```ts
 * const clock: Clock = new BacktestClock(Date.UTC(2024, 0, 1));
 * clock.setTimer(clock.now() + 60_000, (e) => console.log('one minute later', e.ts));
 * source$.pipe(bufferTime(1000, clock.scheduler));
 * ```
 */
export interface Clock {
  /** Current time, epoch milliseconds UTC. */
  now(): number;
  /** An RxJS scheduler whose notion of time is this clock's. */
  readonly scheduler: SchedulerLike;
  /** Calls `callback` once at time `at` (epoch ms). */
  setTimer(at: number, callback: (event: TimerEvent) => void): TimerHandle;
  /** Calls `callback` every `interval` ms. */
  setRepeatingTimer(options: RepeatingTimerOptions, callback: (event: TimerEvent) => void): TimerHandle;
}
