import { bufferTime, delay, Subject, throttleTime } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ClockError } from '../errors';
import { BacktestClock } from './backtest-clock';

describe('BacktestClock', () => {
  it('fires timers due at or before the target time, in time order, with time standing at each due time', () => {
    const clock = new BacktestClock(0);
    const seen: string[] = [];
    clock.setTimer(300, (e) => seen.push(`b@${e.ts}/${clock.now()}`));
    clock.setTimer(100, (e) => seen.push(`a@${e.ts}/${clock.now()}`));
    clock.setTimer(300, () => seen.push('c@300 (created later, same time)'));
    clock.setTimer(301, () => seen.push('late'));
    clock.advanceTo(300);
    expect(seen).toEqual(['a@100/100', 'b@300/300', 'c@300 (created later, same time)']);
    expect(clock.now()).toBe(300);
  });

  it('interleaves timers and data events in time order', () => {
    const clock = new BacktestClock(0);
    const log: string[] = [];
    clock.setRepeatingTimer({ interval: 250 }, (e) => log.push(`timer ${e.ts}`));
    for (const ts of [100, 400, 1000]) {
      clock.advanceTo(ts);
      log.push(`event ${ts}`);
    }
    expect(log).toEqual(['event 100', 'timer 250', 'event 400', 'timer 500', 'timer 750', 'timer 1000', 'event 1000']);
  });

  it('lets a firing timer schedule another that is also due, and fires it in order', () => {
    const clock = new BacktestClock(0);
    const log: number[] = [];
    clock.setTimer(10, () => {
      log.push(clock.now());
      clock.setTimer(20, () => log.push(clock.now()));
    });
    clock.setTimer(30, () => log.push(clock.now()));
    clock.advanceTo(50);
    expect(log).toEqual([10, 20, 30]);
  });

  it('does not fire a cancelled timer and stops a repeating timer at its stop time', () => {
    const clock = new BacktestClock(0);
    const log: number[] = [];
    const t = clock.setTimer(10, () => log.push(-1));
    t.cancel();
    expect(t.active).toBe(false);
    clock.setRepeatingTimer({ interval: 10, start: 10, stop: 30 }, (e) => log.push(e.ts));
    clock.advanceTo(100);
    expect(log).toEqual([10, 20, 30]);
  });

  it('refuses to move backwards or to set a timer in the past', () => {
    const clock = new BacktestClock(1000);
    expect(() => clock.advanceTo(999)).toThrow(ClockError);
    expect(() => clock.setTimer(999, () => {})).toThrow(/in the past/);
    expect(() => clock.setRepeatingTimer({ interval: 0 }, () => {})).toThrow(/interval/);
  });

  it('drives RxJS delay on virtual time', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<string>();
    const out: Array<[string, number]> = [];
    input.pipe(delay(500, clock.scheduler)).subscribe((v) => out.push([v, clock.now()]));
    input.next('x');
    clock.advanceTo(499);
    expect(out).toEqual([]);
    clock.advanceTo(10_000);
    expect(out).toEqual([['x', 500]]);
  });

  it('drives RxJS bufferTime on virtual time: buffers close on the clock, not on the wall', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<number>();
    const out: Array<[number[], number]> = [];
    input.pipe(bufferTime(1000, clock.scheduler)).subscribe((b) => out.push([b, clock.now()]));
    for (const ts of [100, 900, 1000, 1500, 3200]) {
      clock.advanceTo(ts);
      input.next(ts);
    }
    input.complete();
    // The buffer due at 1000 closes before the event at 1000 is delivered (timers first).
    expect(out).toEqual([
      [[100, 900], 1000],
      [[1000, 1500], 2000],
      [[], 3000],
      [[3200], 3200],
    ]);
  });

  it('drives throttleTime on virtual time', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<number>();
    const out: number[] = [];
    input.pipe(throttleTime(1000, clock.scheduler)).subscribe((v) => out.push(v));
    for (const ts of [0, 500, 999, 1000, 1700, 2100]) {
      clock.advanceTo(ts);
      input.next(ts);
    }
    expect(out).toEqual([0, 1000, 2100]);
  });
});
