import fc from 'fast-check';
import { map, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { BacktestClock } from '../clock/backtest-clock';
import { ValidationError } from '../errors';
import type { Bar } from '../domain/market-data';
import { Sma } from '../indicators/sma';
import { resample, type ResampleConfig, type ResampledBar } from './resample';
import { bar, sp500 } from './__fixtures__/bars';
import { Timeframe } from './timeframe';
import { withIndicators } from './with-indicators';

const { MINUTE, HOUR, DAY } = Timeframe;

/** Drives `bars` through resample on a BacktestClock the way a runner does: advance to each ts, then push. */
function runOnClock(bars: Bar[], config: Omit<ResampleConfig, 'clock' | 'scheduler'>, end?: number) {
  const clock = new BacktestClock(bars[0]?.ts ?? 0);
  const input = new Subject<Bar>();
  const out: Array<ResampledBar & { at: number }> = [];
  const errors: unknown[] = [];
  input.pipe(resample({ ...config, clock })).subscribe({ next: (u) => out.push({ ...u, at: clock.now() }), error: (e: unknown) => errors.push(e) });
  for (const b of bars) {
    clock.advanceTo(b.ts);
    input.next(b);
  }
  if (end !== undefined) clock.advanceTo(end);
  return { out, errors, input, clock };
}

/** Independent aggregation: group by period with a Map, then fold each group. */
function naive(bars: Bar[], timeframe: number, offset = 0): Bar[] {
  const groups = new Map<number, Bar[]>();
  for (const b of bars) {
    const k = Math.floor((b.ts - offset) / timeframe) * timeframe + offset;
    groups.set(k, [...(groups.get(k) ?? []), b]);
  }
  return [...groups].map(([ts, g]) => ({
    type: 'Bar',
    instrumentId: g[0]!.instrumentId,
    ts,
    open: g[0]!.open,
    high: Math.max(...g.map((b) => b.high)),
    low: Math.min(...g.map((b) => b.low)),
    close: g.at(-1)!.close,
    volume: g.reduce((a, b) => a + b.volume, 0),
  }));
}

const minuteBars = (from: number, count: number, step = MINUTE) =>
  Array.from({ length: count }, (_, i) => {
    const c = 100 + Math.sin(i / 7) * 5 + i * 0.01;
    return bar(from + i * step, c - 0.2, c + 0.5 + (i % 3) * 0.1, c - 0.6, c, 10 + (i % 5));
  });

describe('resample', () => {
  it('aggregates minute bars into hourly bars: open of first, max high, min low, close of last, summed volume, ts = hour start', () => {
    const bars = minuteBars(Date.UTC(2024, 0, 2, 9, 30), 150);
    const { out } = runOnClock(bars, { timeframe: HOUR }, Date.UTC(2024, 0, 2, 12, 0));
    const closed = out.filter((u) => u.closed).map((u) => u.bar);
    expect(closed).toEqual(naive(bars, HOUR));
    expect(closed.map((b) => new Date(b.ts).toISOString())).toEqual(['2024-01-02T09:00:00.000Z', '2024-01-02T10:00:00.000Z', '2024-01-02T11:00:00.000Z']);
    expect(out.filter((u) => !u.closed)).toHaveLength(150);
  });

  it('emits the forming bar on every finer bar, and the closed bar equal to the last forming one', () => {
    const bars = minuteBars(0, 3);
    const { out } = runOnClock(bars, { timeframe: HOUR }, HOUR);
    expect(out.map((u) => u.closed)).toEqual([false, false, false, true]);
    expect(out[0]!.bar).toMatchObject({ ts: 0, open: bars[0]!.open, close: bars[0]!.close, volume: bars[0]!.volume });
    expect(out[1]!.bar.close).toBe(bars[1]!.close);
    expect(out[3]!.bar).toEqual(out[2]!.bar);
  });

  it('closes a period on the BacktestClock at its end on virtual time, with no further bar', () => {
    const bars = minuteBars(0, 60);
    const { out, clock } = runOnClock(bars, { timeframe: HOUR });
    expect(out.some((u) => u.closed)).toBe(false);
    clock.advanceTo(HOUR - 1);
    expect(out.some((u) => u.closed)).toBe(false);
    clock.advanceTo(5 * HOUR);
    const closed = out.filter((u) => u.closed);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.at).toBe(HOUR); // fired at the period end, not at 5h
  });

  it('closes a period before a bar of the next period is delivered, exactly once', () => {
    const bars = [...minuteBars(0, 2), ...minuteBars(HOUR, 1)];
    const { out } = runOnClock(bars, { timeframe: HOUR });
    expect(out.map((u) => `${u.bar.ts / HOUR}:${u.closed ? 'closed' : 'forming'}@${u.at}`)).toEqual(['0:forming@0', '0:forming@60000', '0:closed@3600000', '1:forming@3600000']);
  });

  it('closes on the arrival of the next period bar when the clock is not advanced (a replay on a stopped clock)', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<Bar>();
    const out: ResampledBar[] = [];
    input.pipe(resample({ timeframe: HOUR, clock })).subscribe((u) => out.push(u));
    for (const b of [...minuteBars(0, 2), ...minuteBars(2 * HOUR, 2)]) input.next(b);
    input.complete();
    expect(out.filter((u) => u.closed).map((u) => u.bar.ts)).toEqual([0, 2 * HOUR]); // the gap hour has no bar; complete flushes
  });

  it('makes no bar for a period without finer bars (a gap)', () => {
    const bars = [...minuteBars(0, 30), ...minuteBars(3 * HOUR + 5 * MINUTE, 10)];
    const { out } = runOnClock(bars, { timeframe: HOUR }, 10 * HOUR);
    expect(out.filter((u) => u.closed).map((u) => [u.bar.ts, u.at])).toEqual([
      [0, HOUR],
      [3 * HOUR, 4 * HOUR],
    ]);
  });

  it('matches an independent group-by on random minute series with gaps, closing each period exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.double({ min: 1, max: 1000, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), fc.integer({ min: 0, max: 1000 })), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.constantFrom(5 * MINUTE, 15 * MINUTE, HOUR),
        fc.boolean(),
        (steps, timeframe, advanceAtEnd) => {
          let ts = 0;
          const bars = steps.map(([gap, c, spread, vol]) => {
            ts += gap * MINUTE;
            return bar(ts, c, c + spread, c - spread / 2, c + spread / 3, vol);
          });
          const { out, input } = runOnClock(bars, { timeframe }, advanceAtEnd ? ts + 10 * timeframe : undefined);
          input.complete(); // flushes the open period when the clock was not advanced
          const closed = out.filter((u) => u.closed).map((u) => u.bar);
          expect(closed).toEqual(naive(bars, timeframe));
          expect(new Set(closed.map((b) => b.ts)).size).toBe(closed.length);
          expect(out.filter((u) => !u.closed)).toHaveLength(bars.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('resamples real S&P 500 daily bars into Monday-aligned weeks, matching a grouping by calendar week', () => {
    const bars = sp500().slice(0, 400);
    const { out } = runOnClock(bars, { timeframe: Timeframe.WEEK, offset: 4 * DAY }, bars.at(-1)!.ts + Timeframe.WEEK);
    const weeks = out.filter((u) => u.closed).map((u) => u.bar);
    // Independent grouping: the Monday (UTC) of each trading day's calendar week.
    const monday = (ts: number) => ts - ((new Date(ts).getUTCDay() + 6) % 7) * DAY;
    const byWeek = new Map<number, Bar[]>();
    for (const b of bars) byWeek.set(monday(b.ts), [...(byWeek.get(monday(b.ts)) ?? []), b]);
    expect(weeks.map((w) => w.ts)).toEqual([...byWeek.keys()]);
    expect(weeks.every((w) => new Date(w.ts).getUTCDay() === 1)).toBe(true);
    for (const w of weeks) {
      const g = byWeek.get(w.ts)!;
      expect(w.open).toBe(g[0]!.open);
      expect(w.close).toBe(g.at(-1)!.close);
      expect(w.high).toBe(Math.max(...g.map((b) => b.high)));
      expect(w.low).toBe(Math.min(...g.map((b) => b.low)));
      expect(w.volume).toBe(g.reduce((a, b) => a + b.volume, 0));
    }
  });

  it('moves period boundaries by the offset (daily sessions starting 22:00 UTC)', () => {
    const offset = 22 * HOUR;
    const bars = minuteBars(Date.UTC(2024, 0, 2, 21, 58), 4); // 21:58, 21:59, 22:00, 22:01
    const { out } = runOnClock(bars, { timeframe: DAY, offset }, Date.UTC(2024, 0, 4));
    const closed = out.filter((u) => u.closed).map((u) => new Date(u.bar.ts).toISOString());
    expect(closed).toEqual(['2024-01-01T22:00:00.000Z', '2024-01-02T22:00:00.000Z']);
  });

  it('waits `grace` ms after the period end for a late finer bar before closing on the clock', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<Bar>();
    const out: Array<[number, boolean, number]> = [];
    input.pipe(resample({ timeframe: HOUR, grace: 2000, clock })).subscribe((u) => out.push([u.bar.volume, u.closed, clock.now()]));
    clock.advanceTo(HOUR - MINUTE + 500);
    input.next(bar(0, 1, 1, 1, 1, 1));
    clock.advanceTo(HOUR + 1500); // the venue delivers the 00:59 bar 1.5 s after the hour
    input.next(bar(HOUR - MINUTE, 1, 1, 1, 1, 2));
    clock.advanceTo(2 * HOUR);
    expect(out).toEqual([
      [1, false, HOUR - MINUTE + 500],
      [3, false, HOUR + 1500],
      [3, true, HOUR + 2000],
    ]);
  });

  it('errors on a finer bar that arrives after its period closed, or drops it with onLate: drop', () => {
    const late = [bar(0, 1, 1, 1, 1), bar(HOUR, 1, 1, 1, 1), bar(30 * MINUTE, 1, 1, 1, 1)];
    const clock = new BacktestClock(0);
    const input = new Subject<Bar>();
    const errors: unknown[] = [];
    input.pipe(resample({ timeframe: HOUR, clock })).subscribe({ error: (e: unknown) => errors.push(e) });
    for (const b of late) input.next(b);
    expect((errors[0] as ValidationError).field).toBe('bar.ts');
    expect((errors[0] as ValidationError).message).toMatch(/after its period closed/);

    const dropped: ResampledBar[] = [];
    const input2 = new Subject<Bar>();
    input2.pipe(resample({ timeframe: HOUR, clock, onLate: 'drop' })).subscribe((u) => dropped.push(u));
    for (const b of late) input2.next(b);
    input2.complete();
    expect(dropped.filter((u) => u.closed).map((u) => u.bar.ts)).toEqual([0, HOUR]);
  });

  it('errors with a ValidationError naming the field when a finer bar has a NaN price', () => {
    const { errors } = runOnClock([bar(0, 1, Number.NaN, 1, 1)], { timeframe: HOUR });
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect((errors[0] as ValidationError).field).toBe('bar.high');
  });

  it('rejects bad options naming the field', () => {
    const clock = new BacktestClock(0);
    expect(() => resample({ timeframe: 0, clock })).toThrow(/resample\.timeframe/);
    expect(() => resample({ timeframe: HOUR })).toThrow(/resample\.clock: give exactly one of clock or scheduler/);
    expect(() => resample({ timeframe: HOUR, clock, grace: -1 })).toThrow(/resample\.grace/);
  });

  it('does not close the last period on completion with flush: false, and cancels its timer', () => {
    const { out, input, clock } = runOnClock(minuteBars(0, 2), { timeframe: HOUR, flush: false });
    input.complete();
    clock.advanceTo(2 * HOUR);
    expect(out.some((u) => u.closed)).toBe(false);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('cancels its close timer when the subscriber unsubscribes', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<Bar>();
    const out: ResampledBar[] = [];
    const sub = input.pipe(resample({ timeframe: HOUR, clock })).subscribe((u) => out.push(u));
    input.next(minuteBars(0, 1)[0]!);
    expect(clock.nextTimerAt()).toBe(HOUR);
    sub.unsubscribe();
    expect(clock.nextTimerAt()).toBeUndefined();
    clock.advanceTo(2 * HOUR);
    expect(out).toHaveLength(1);
  });

  it('closes on the scheduler in virtual time under the RxJS TestScheduler (marbles)', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ hot, expectObservable }) => {
      // Frames are ms; timeframe 5 ms: bars at 0, 1, 2 (period 0), 7 (period 5), then silence.
      const values = { a: bar(0, 1, 1, 1, 1), b: bar(1, 2, 2, 2, 2), c: bar(2, 3, 3, 3, 3), d: bar(7, 4, 4, 4, 4) };
      const source = hot('abc----d-----|', values);
      const out = source.pipe(
        resample({ timeframe: 5, scheduler: testScheduler }),
        map((u) => `${u.bar.ts}:${u.bar.open}-${u.bar.close}${u.closed ? '!' : ''}`),
      );
      expectObservable(out).toBe('abc--x-y--z--|', { a: '0:1-1', b: '0:1-2', c: '0:1-3', x: '0:1-3!', y: '5:4-4', z: '5:4-4!' });
    });
  });

  it('feeds withIndicators: forming updates revise the indicator, so the value at each close equals the SMA of hourly closes', () => {
    const bars = minuteBars(0, 6 * 60);
    const clock = new BacktestClock(0);
    const input = new Subject<Bar>();
    const lastPerHour = new Map<number, number | undefined>();
    input
      .pipe(
        resample({ timeframe: HOUR, clock }),
        map((u) => u.bar),
        withIndicators({ sma: new Sma(3) }),
      )
      .subscribe((v) => lastPerHour.set(v.bar.ts, v.indicators.sma));
    for (const b of bars) {
      clock.advanceTo(b.ts);
      input.next(b);
    }
    clock.advanceTo(6 * HOUR);
    const hourly = naive(bars, HOUR).map((b) => b.close);
    const expected = hourly.map((_, i) => (i < 2 ? undefined : (hourly[i - 2]! + hourly[i - 1]! + hourly[i]!) / 3));
    const got = [...lastPerHour.values()];
    expect(got).toHaveLength(6);
    got.forEach((v, i) => (expected[i] === undefined ? expect(v).toBeUndefined() : expect(v).toBeCloseTo(expected[i]!, 12)));
  });
});
