/**
 * The times at which bars are expected: every interval around the clock (crypto venues), or every
 * interval of an exchange's sessions (weekdays, open and close in the exchange's time zone, holidays
 * and early closes). The gap and off-calendar checks of {@link dataQualityReport} ask only two
 * questions: is a time expected, and which expected times lie strictly between two bars. Both are
 * answered arithmetically, a day at a time for sessions, so a hole of years costs a loop over its days,
 * never over its bars.
 *
 * Wall times become instants through {@link ZoneClock} (the engine's tz database): a session opening at
 * 09:30 in New York is 14:30 UTC in winter and 13:30 UTC in summer.
 */
import { ZoneClock } from '../zone-clock';

const DAY = 86_400_000;
const MINUTE = 60_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Expected bar times, as the quality checks query them. */
export interface ExpectedBarTimes {
  /** The bar interval in milliseconds. */
  readonly intervalMs: number;
  /** Whether a bar is expected at `ts` (a bar's open time, epoch ms). */
  expects(ts: number): boolean;
  /** The expected times strictly between `a` and `b`: how many, the first and the last (NaN when none). */
  between(a: number, b: number): { count: number; first: number; last: number };
  /** Why no bar is expected at `ts`, in words (`a Saturday`, `a holiday`, `after the close`, `off the grid`). */
  reason(ts: number): string;
}

/**
 * Bars every `intervalMs` around the clock, on the grid `offsetMs + k * intervalMs` (epoch ms).
 *
 * @example
 * ```ts
 * const hourly = continuousTimes(3_600_000, 0);
 * hourly.between(Date.UTC(2024, 0, 1, 0), Date.UTC(2024, 0, 1, 3)).count; // 2 (01:00 and 02:00)
 * ```
 */
export function continuousTimes(intervalMs: number, offsetMs: number): ExpectedBarTimes {
  const off = ((offsetMs % intervalMs) + intervalMs) % intervalMs;
  return {
    intervalMs,
    expects: (ts) => (((ts - off) % intervalMs) + intervalMs) % intervalMs === 0,
    between(a, b) {
      const first = off + (Math.floor((a - off) / intervalMs) + 1) * intervalMs;
      const last = off + (Math.ceil((b - off) / intervalMs) - 1) * intervalMs;
      return last >= first ? { count: (last - first) / intervalMs + 1, first, last } : { count: 0, first: NaN, last: NaN };
    },
    reason: () => 'off the grid of bar times',
  };
}

/** A session calendar as {@link sessionTimes} reads it (parsed options: minutes of the day, day numbers). */
export interface SessionSpec {
  readonly timeZone: string;
  /** Session open and close, minutes after local midnight; close > open. */
  readonly openMinute: number;
  readonly closeMinute: number;
  /** ISO weekdays that trade: 1 Monday … 7 Sunday. */
  readonly weekdays: ReadonlySet<number>;
  /** Days (days since 1970-01-01, of the local date) with no session. */
  readonly holidays: ReadonlySet<number>;
  /** Days with an early close, to its minute of the day. */
  readonly earlyCloses: ReadonlyMap<number, number>;
  /** For daily bars: which instant stamps a day's bar; the date's 00:00 UTC, the session's open or its close. */
  readonly dailyTs: 'date' | 'open' | 'close';
}

interface DaySlots {
  readonly start: number;
  readonly n: number;
}

/**
 * Bars every `intervalMs` from each session's open until its close (the last bar may be cut short by
 * the close), or one bar per session when `intervalMs` is a day.
 *
 * @example
 * ```ts
 * const nyse = sessionTimes(1_800_000, { timeZone: 'America/New_York', openMinute: 570, closeMinute: 960, weekdays: new Set([1, 2, 3, 4, 5]), holidays: new Set(), earlyCloses: new Map(), dailyTs: 'date' });
 * nyse.expects(Date.UTC(2024, 0, 2, 14, 30)); // true: 09:30 in New York
 * ```
 */
export function sessionTimes(intervalMs: number, spec: SessionSpec): ExpectedBarTimes {
  const zone = new ZoneClock(spec.timeZone);
  const daily = intervalMs === DAY;
  const instant = (day: number, minute: number): number => {
    const m = zone.resolve(day * DAY + minute * MINUTE);
    return m.kind === 'unique' ? m.ts : m.kind === 'overlap' ? m.earlier : m.after;
  };
  const slotCache = new Map<number, DaySlots | null>();
  const slotsOf = (day: number): DaySlots | null => {
    let s = slotCache.get(day);
    if (s !== undefined) return s;
    if (!spec.weekdays.has(isoWeekday(day)) || spec.holidays.has(day)) s = null;
    else {
      const open = instant(day, spec.openMinute);
      const close = instant(day, spec.earlyCloses.get(day) ?? spec.closeMinute);
      if (daily) s = { start: spec.dailyTs === 'date' ? day * DAY : spec.dailyTs === 'open' ? open : close, n: 1 };
      else s = { start: open, n: Math.max(0, Math.ceil((close - open) / intervalMs)) };
    }
    if (slotCache.size > 4096) slotCache.clear();
    slotCache.set(day, s);
    return s;
  };
  // The local day of an instant, with the last day's bounds kept so that a run of bars of one day costs no Intl call.
  let dayStart = NaN;
  let dayEnd = NaN;
  let cachedDay = 0;
  const dayOf = (ts: number): number => {
    if (daily && spec.dailyTs === 'date') return Math.floor(ts / DAY);
    if (ts >= dayStart && ts < dayEnd) return cachedDay;
    cachedDay = Math.floor((ts + zone.offsetAt(ts)) / DAY);
    dayStart = instant(cachedDay, 0);
    dayEnd = instant(cachedDay + 1, 0);
    return cachedDay;
  };
  return {
    intervalMs,
    expects(ts) {
      const s = slotsOf(dayOf(ts));
      if (s === null) return false;
      const k = (ts - s.start) / intervalMs;
      return Number.isInteger(k) && k >= 0 && k < s.n;
    },
    between(a, b) {
      let count = 0;
      let first = NaN;
      let last = NaN;
      // A day's margin either side: where clocks go back across midnight, the local day of a later instant can be the day before.
      const to = dayOf(b) + 1;
      for (let d = dayOf(a) - 1; d <= to; d++) {
        const s = slotsOf(d);
        if (s === null || s.n === 0) continue;
        const kmin = Math.max(0, Math.floor((a - s.start) / intervalMs) + 1);
        const kmax = Math.min(s.n - 1, Math.ceil((b - s.start) / intervalMs) - 1);
        if (kmin > kmax) continue;
        count += kmax - kmin + 1;
        if (Number.isNaN(first)) first = s.start + kmin * intervalMs;
        last = s.start + kmax * intervalMs;
      }
      return { count, first, last };
    },
    reason(ts) {
      const day = dayOf(ts);
      const weekday = isoWeekday(day);
      if (!spec.weekdays.has(weekday)) return `a ${WEEKDAYS[weekday - 1]}, not a trading day`;
      if (spec.holidays.has(day)) return 'a holiday';
      const s = slotsOf(day)!;
      if (ts < s.start) return daily ? `not the day's bar time` : 'before the open';
      if (ts > s.start + (s.n - 1) * intervalMs) return daily ? `not the day's bar time` : spec.earlyCloses.has(day) ? 'after the early close' : 'after the close';
      return daily ? `not the day's bar time` : 'off the grid of bar times';
    },
  };
}

/** ISO weekday (1 Monday … 7 Sunday) of a day number (days since Thursday 1970-01-01). */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}
