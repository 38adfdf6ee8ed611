import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { continuousTimes, sessionTimes, type SessionSpec } from './expected-bar-times';

const DAY = 86_400_000;
const iso = (ts: number): string => new Date(ts).toISOString();
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY;

/** Every expected time from `from` to `to` (dates, inclusive), built with luxon: the independent reference. */
function luxonSessionTimes(spec: { zone: string; open: string; close: string; holidays: string[]; earlyCloses: Record<string, string>; intervalMin: number }, from: string, to: string): number[] {
  const out: number[] = [];
  for (let d = DateTime.fromISO(from, { zone: spec.zone }); d <= DateTime.fromISO(to, { zone: spec.zone }); d = d.plus({ days: 1 })) {
    const date = d.toISODate()!;
    if (d.weekday > 5 || spec.holidays.includes(date)) continue;
    const open = DateTime.fromISO(`${date}T${spec.open}`, { zone: spec.zone });
    const close = DateTime.fromISO(`${date}T${spec.earlyCloses[date] ?? spec.close}`, { zone: spec.zone });
    for (let t = open; t < close; t = t.plus({ minutes: spec.intervalMin })) out.push(t.toMillis());
  }
  return out;
}

const nyse = (intervalMs: number, extra: Partial<SessionSpec> = {}): ReturnType<typeof sessionTimes> =>
  sessionTimes(intervalMs, {
    timeZone: 'America/New_York',
    openMinute: 9 * 60 + 30,
    closeMinute: 16 * 60,
    weekdays: new Set([1, 2, 3, 4, 5]),
    holidays: new Set([dayNumber('2024-03-29')]),
    earlyCloses: new Map([[dayNumber('2024-03-28'), 13 * 60]]),
    dailyTs: 'date',
    ...extra,
  });

describe('continuousTimes', () => {
  it('counts the grid points strictly between two times, on a grid offset from the epoch', () => {
    const hourly = continuousTimes(3_600_000, 30 * 60_000); // every hour at :30
    const g = hourly.between(Date.UTC(2024, 0, 1, 0, 30), Date.UTC(2024, 0, 1, 3, 30));
    expect([g.count, iso(g.first), iso(g.last)]).toEqual([2, '2024-01-01T01:30:00.000Z', '2024-01-01T02:30:00.000Z']);
    expect(hourly.between(Date.UTC(2024, 0, 1, 0, 30), Date.UTC(2024, 0, 1, 1, 30)).count).toBe(0);
    expect(hourly.expects(Date.UTC(2024, 0, 1, 5, 30))).toBe(true);
    expect(hourly.expects(Date.UTC(2024, 0, 1, 5, 0))).toBe(false);
    expect(hourly.expects(Date.UTC(1969, 11, 31, 23, 30))).toBe(true); // before the epoch too
  });

  it('counts as a loop over the grid does (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: -200, max: 200 }), fc.integer({ min: -300, max: 300 }), fc.integer({ min: 0, max: 300 }), (step, off, a, len) => {
        const t = continuousTimes(step, off);
        const points = [];
        for (let x = a + 1; x < a + len; x++) if ((((x - off) % step) + step) % step === 0) points.push(x);
        const g = t.between(a, a + len);
        expect(g.count).toBe(points.length);
        if (points.length > 0) expect([g.first, g.last]).toEqual([points[0], points.at(-1)]);
      }),
    );
  });
});

describe('sessionTimes', () => {
  const spec = { zone: 'America/New_York', open: '09:30', close: '16:00', holidays: ['2024-03-29'], earlyCloses: { '2024-03-28': '13:00' }, intervalMin: 30 };
  // 2024-03-06 to 2024-04-02: the US change to daylight saving time (Sunday 10 March), an early close and Good Friday.
  const expected = luxonSessionTimes(spec, '2024-03-06', '2024-04-02');

  it('expects exactly the times luxon lists, across the change to daylight saving time, a holiday and an early close', () => {
    const t = nyse(1_800_000);
    const from = Date.UTC(2024, 2, 6);
    const to = Date.UTC(2024, 3, 3);
    const all = t.between(from - 1, to);
    expect(all.count).toBe(expected.length);
    expect([iso(all.first), iso(all.last)]).toEqual([iso(expected[0]!), iso(expected.at(-1)!)]);
    const listed: number[] = [];
    for (let x = from; x < to; x += 60_000) if (t.expects(x)) listed.push(x);
    expect(listed.map(iso)).toEqual(expected.map(iso));
    // Winter: 14:30 UTC; summer: 13:30 UTC; the early close keeps 7 bars (09:30 to 12:30).
    expect(listed).toContain(Date.UTC(2024, 2, 8, 14, 30));
    expect(listed).toContain(Date.UTC(2024, 2, 11, 13, 30));
    expect(listed.filter((x) => iso(x).startsWith('2024-03-28'))).toHaveLength(7);
    expect(listed.filter((x) => iso(x).startsWith('2024-03-29'))).toHaveLength(0);
  });

  it('counts the expected times between any two instants as luxon does (property)', () => {
    const t = nyse(1_800_000);
    const from = Date.UTC(2024, 2, 6);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 27 * DAY }), fc.integer({ min: 0, max: 10 * DAY }), (a, len) => {
        const lo = from + Math.floor(a / 60_000) * 60_000;
        const hi = lo + len;
        const inside = expected.filter((x) => x > lo && x < hi && x < Date.UTC(2024, 3, 3));
        if (hi >= Date.UTC(2024, 3, 3)) return;
        const g = t.between(lo, hi);
        expect(g.count).toBe(inside.length);
        if (inside.length > 0) expect([iso(g.first), iso(g.last)]).toEqual([iso(inside[0]!), iso(inside.at(-1)!)]);
      }),
    );
  });

  it('says why a time is not expected', () => {
    const t = nyse(1_800_000);
    expect(t.reason(Date.UTC(2024, 2, 9, 15, 0))).toBe('a Saturday, not a trading day');
    expect(t.reason(Date.UTC(2024, 2, 29, 14, 0))).toBe('a holiday');
    expect(t.reason(Date.UTC(2024, 2, 28, 17, 0))).toBe('after the early close'); // 13:00 New York
    expect(t.reason(Date.UTC(2024, 2, 27, 20, 0))).toBe('after the close'); // 16:00 New York
    expect(t.reason(Date.UTC(2024, 2, 27, 13, 0))).toBe('before the open'); // 09:00 New York
    expect(t.reason(Date.UTC(2024, 2, 27, 14, 0))).toBe('off the grid of bar times'); // 10:00 New York, not on the :30 grid
  });

  it('expects one bar a session for daily bars, stamped at the date, the open or the close', () => {
    const byDate = nyse(DAY);
    expect(byDate.expects(Date.UTC(2024, 2, 8))).toBe(true);
    expect(byDate.expects(Date.UTC(2024, 2, 9))).toBe(false); // Saturday
    expect(byDate.expects(Date.UTC(2024, 2, 29))).toBe(false); // Good Friday
    expect(byDate.between(Date.UTC(2024, 2, 27), Date.UTC(2024, 3, 2)).count).toBe(2); // 28 March, 1 April
    const byOpen = nyse(DAY, { dailyTs: 'open' });
    expect(byOpen.expects(Date.UTC(2024, 2, 11, 13, 30))).toBe(true);
    expect(byOpen.expects(Date.UTC(2024, 2, 11))).toBe(false);
    const byClose = nyse(DAY, { dailyTs: 'close' });
    expect(byClose.expects(Date.UTC(2024, 2, 28, 17, 0))).toBe(true); // the early close
  });

  it('reads a zone east of UTC, where a local day starts the UTC day before', () => {
    const tokyo = sessionTimes(3_600_000, { timeZone: 'Asia/Tokyo', openMinute: 9 * 60, closeMinute: 15 * 60, weekdays: new Set([1, 2, 3, 4, 5]), holidays: new Set(), earlyCloses: new Map(), dailyTs: 'date' });
    // Monday 2024-03-11 09:00 Tokyo is Monday 00:00 UTC; 15:00 is the close, so the last bar starts 14:00 (05:00 UTC).
    expect(tokyo.expects(Date.UTC(2024, 2, 11, 0))).toBe(true);
    expect(tokyo.expects(Date.UTC(2024, 2, 11, 5))).toBe(true);
    expect(tokyo.expects(Date.UTC(2024, 2, 11, 6))).toBe(false);
    // From Friday's last bar to Monday's first: nothing expected over the weekend.
    expect(tokyo.between(Date.UTC(2024, 2, 8, 5), Date.UTC(2024, 2, 11, 0)).count).toBe(0);
    expect(tokyo.between(Date.UTC(2024, 2, 8, 4), Date.UTC(2024, 2, 11, 1)).count).toBe(2);
  });
});
