import { BacktestClock, ValidationError, type InstrumentId } from '@rxtrade/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { nextCalendarBoundary, rebalanceOnCalendar } from './rebalance-on-calendar';
import type { TargetWeights } from './target-weights';

const A = 'A.X' as InstrumentId;
const day = 86_400_000;

describe('rebalanceOnCalendar', () => {
  it('emits the latest target at the start of every month on the clock, nothing before the first target', () => {
    const clock = new BacktestClock(Date.UTC(2024, 0, 15));
    const targets = new Subject<TargetWeights>();
    const out: TargetWeights[] = [];
    targets.pipe(rebalanceOnCalendar({ clock, every: 'month' })).subscribe((t) => out.push(t));
    clock.advanceTo(Date.UTC(2024, 1, 10)); // Feb 1 passes with no target yet
    expect(out).toEqual([]);
    targets.next({ ts: clock.now(), weights: { [A]: 0.3 } });
    targets.next({ ts: clock.now(), weights: { [A]: 0.5 } });
    clock.advanceTo(Date.UTC(2024, 1, 29, 23)); // still February
    expect(out).toEqual([]);
    clock.advanceTo(Date.UTC(2024, 3, 2)); // Mar 1 and Apr 1
    expect(out.map((t) => [new Date(t.ts).toISOString(), t.weights[A]])).toEqual([
      ['2024-03-01T00:00:00.000Z', 0.5],
      ['2024-04-01T00:00:00.000Z', 0.5],
    ]);
  });

  it('builds weights from the latest input with config.weights, and skips a boundary when it returns undefined', () => {
    const clock = new BacktestClock(Date.UTC(2024, 0, 3)); // a Wednesday
    const closes = new Subject<number>();
    const out: TargetWeights[] = [];
    closes
      .pipe(rebalanceOnCalendar({ clock, every: 'week', weights: (close: number, ts) => (close > 100 ? { [A]: ts === Date.UTC(2024, 0, 8) ? 1 : 0.5 } : undefined) }))
      .subscribe((t) => out.push(t));
    closes.next(101);
    clock.advanceTo(Date.UTC(2024, 0, 9)); // Monday Jan 8
    closes.next(99);
    clock.advanceTo(Date.UTC(2024, 0, 16)); // Monday Jan 15: skipped
    closes.next(150);
    clock.advanceTo(Date.UTC(2024, 0, 22)); // Monday Jan 22
    expect(out.map((t) => [new Date(t.ts).toISOString().slice(0, 10), t.weights[A]])).toEqual([
      ['2024-01-08', 1],
      ['2024-01-22', 0.5],
    ]);
  });

  it('completes with its input and stops its timer when unsubscribed', () => {
    const clock = new BacktestClock(0);
    const targets = new Subject<TargetWeights>();
    let completed = false;
    const sub = targets.pipe(rebalanceOnCalendar({ clock, every: 'day' })).subscribe({ complete: () => (completed = true) });
    expect(clock.nextTimerAt()).toBe(day);
    targets.complete();
    expect(completed).toBe(true);
    expect(sub.closed).toBe(true);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('computes the next boundary strictly after a time, in UTC, with an offset', () => {
    const t = Date.UTC(2024, 4, 15, 12); // Wednesday 2024-05-15 12:00
    expect(nextCalendarBoundary(t, 'day')).toBe(Date.UTC(2024, 4, 16));
    expect(nextCalendarBoundary(t, 'week')).toBe(Date.UTC(2024, 4, 20));
    expect(nextCalendarBoundary(Date.UTC(2024, 4, 20), 'week')).toBe(Date.UTC(2024, 4, 27)); // on a boundary: the next one
    expect(nextCalendarBoundary(t, 'month')).toBe(Date.UTC(2024, 5, 1));
    expect(nextCalendarBoundary(Date.UTC(2024, 11, 31), 'month')).toBe(Date.UTC(2025, 0, 1));
    expect(nextCalendarBoundary(t, 'quarter')).toBe(Date.UTC(2024, 6, 1));
    expect(nextCalendarBoundary(t, 'year')).toBe(Date.UTC(2025, 0, 1));
    expect(nextCalendarBoundary(t, 'day', 15.5 * 3_600_000)).toBe(Date.UTC(2024, 4, 15, 15, 30));
  });

  it('rejects a bad period or clock with a ValidationError naming the field', () => {
    const clock = new BacktestClock(0);
    expect(() => rebalanceOnCalendar({ clock, every: 'hour' as never })).toThrow(ValidationError);
    try {
      rebalanceOnCalendar({ clock: {} as never, every: 'day' });
    } catch (e) {
      expect((e as ValidationError).field).toBe('rebalanceOnCalendar.clock');
    }
  });
});
