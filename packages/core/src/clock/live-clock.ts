/**
 * Wall-clock time for paper and live trading. This is the only place in rxtrade that reads the system
 * clock or sets real timers.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { ClockError } from '../errors';
import type { Clock, RepeatingTimerOptions, TimerEvent, TimerHandle } from './clock';

// setTimeout's delay is a signed 32-bit number of ms; longer waits are chained.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * The system clock.
 *
 * @example
 * ```ts
 * const clock = new LiveClock();
 * const t = clock.setRepeatingTimer({ interval: 1000 }, (e) => console.log('tick', e.ts));
 * t.cancel();
 * ```
 */
export class LiveClock implements Clock {
  readonly scheduler: SchedulerLike = asyncScheduler;

  now(): number {
    return Date.now();
  }

  setTimer(at: number, callback: (event: TimerEvent) => void): TimerHandle {
    if (!Number.isFinite(at)) throw new ClockError(`timer time must be finite, got ${at}`);
    let handle: ReturnType<typeof setTimeout> | undefined;
    let active = true;
    const arm = (): void => {
      const wait = at - Date.now();
      if (wait > MAX_DELAY) handle = setTimeout(arm, MAX_DELAY);
      else
        handle = setTimeout(() => {
          active = false;
          callback({ ts: at });
        }, Math.max(0, wait));
    };
    arm();
    return {
      cancel: () => {
        active = false;
        if (handle !== undefined) clearTimeout(handle);
      },
      get active() {
        return active;
      },
    };
  }

  setRepeatingTimer(options: RepeatingTimerOptions, callback: (event: TimerEvent) => void): TimerHandle {
    const { interval } = options;
    if (!(interval > 0) || !Number.isFinite(interval)) throw new ClockError(`interval must be a positive number of ms, got ${interval}`);
    const stop = options.stop ?? Infinity;
    let due = options.start ?? Date.now() + interval;
    let current: TimerHandle | undefined;
    let active = true;
    const next = (): void => {
      if (!active || due > stop) {
        active = false;
        return;
      }
      current = this.setTimer(due, (e) => {
        due += interval;
        callback(e);
        next();
      });
    };
    next();
    return {
      cancel: () => {
        active = false;
        current?.cancel();
      },
      get active() {
        return active;
      },
    };
  }
}
