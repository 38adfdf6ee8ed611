/**
 * Virtual time for backtests. The runner calls {@link BacktestClock.advanceTo} with each event's
 * timestamp; every timer due at or before that timestamp fires first, in (due time, creation order).
 * A timer due exactly at an event's time therefore fires before that event (a 16:00 timer sees the
 * state before the 16:00 bar).
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { ClockError } from '../errors';
import { BinaryHeap } from '../util/binary-heap';
import type { Clock, RepeatingTimerOptions, TimerEvent, TimerHandle } from './clock';

interface TimerEntry {
  due: number;
  readonly seq: number;
  readonly callback: (event: TimerEvent) => void;
  readonly interval: number;
  readonly stop: number;
  cancelled: boolean;
}

/**
 * A clock whose time moves only when told to.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * clock.setTimer(500, () => console.log('fired at', clock.now())); // fired at 500
 * clock.advanceTo(1000);
 * ```
 */
export class BacktestClock implements Clock {
  readonly scheduler: SchedulerLike;
  private time: number;
  private seq = 0;
  private readonly timers = new BinaryHeap<TimerEntry>((a, b) => a.due < b.due || (a.due === b.due && a.seq < b.seq));

  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new ClockError(`start must be a finite epoch ms, got ${start}`);
    this.time = start;
    this.scheduler = new BacktestScheduler(this);
  }

  now(): number {
    return this.time;
  }

  /** Number of timers still pending. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Time of the next pending timer, if any. */
  nextTimerAt(): number | undefined {
    this.dropCancelled();
    return this.timers.peek()?.due;
  }

  setTimer(at: number, callback: (event: TimerEvent) => void): TimerHandle {
    if (!Number.isFinite(at)) throw new ClockError(`timer time must be finite, got ${at}`);
    if (at < this.time) throw new ClockError(`timer at ${at} is in the past (now ${this.time})`);
    return this.add(at, callback, 0, Infinity);
  }

  setRepeatingTimer(options: RepeatingTimerOptions, callback: (event: TimerEvent) => void): TimerHandle {
    const { interval } = options;
    if (!(interval > 0) || !Number.isFinite(interval)) throw new ClockError(`interval must be a positive number of ms, got ${interval}`);
    const start = options.start ?? this.time + interval;
    if (start < this.time) throw new ClockError(`start ${start} is in the past (now ${this.time})`);
    return this.add(start, callback, interval, options.stop ?? Infinity);
  }

  /**
   * Moves time forward to `ts`, firing every timer due at or before `ts` in time order. Time stands at
   * each timer's due time while its callback runs.
   */
  advanceTo(ts: number): void {
    if (ts < this.time) throw new ClockError(`time cannot move backwards: now ${this.time}, asked ${ts}`);
    for (;;) {
      const top = this.timers.peek();
      if (top === undefined || top.due > ts) break;
      this.timers.pop();
      if (top.cancelled) continue;
      this.time = top.due;
      if (top.interval > 0) {
        const next = top.due + top.interval;
        if (next <= top.stop) {
          top.due = next;
          this.timers.push(top);
        } else top.cancelled = true;
      } else top.cancelled = true;
      top.callback({ ts: this.time });
    }
    this.time = ts;
  }

  private add(due: number, callback: (event: TimerEvent) => void, interval: number, stop: number): TimerHandle {
    const entry: TimerEntry = { due, seq: this.seq++, callback, interval, stop, cancelled: false };
    this.timers.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
      get active() {
        return !entry.cancelled;
      },
    };
  }

  private dropCancelled(): void {
    while (this.timers.peek()?.cancelled) this.timers.pop();
  }
}

/** RxJS scheduler over a {@link BacktestClock}: `delay`, `bufferTime`, `throttleTime` follow virtual time. */
class BacktestScheduler implements SchedulerLike {
  constructor(private readonly clock: BacktestClock) {}

  now(): number {
    return this.clock.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    return new BacktestAction<T>(this.clock, work).schedule(state, delay);
  }
}

class BacktestAction<T> extends Subscription implements SchedulerAction<T> {
  private handle: TimerHandle | undefined;

  constructor(
    private readonly clock: BacktestClock,
    private readonly work: (this: SchedulerAction<T>, state: T) => void,
  ) {
    super(() => this.handle?.cancel());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.handle?.cancel();
    this.handle = this.clock.setTimer(this.clock.now() + Math.max(0, delay), () => {
      this.handle = undefined;
      this.work.call(this, state as T);
    });
    return this;
  }
}
