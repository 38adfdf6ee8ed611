/**
 * Converts local ("wall clock") times of an IANA time zone to UTC instants, with the zone rules of the
 * JavaScript engine's `Intl` (the tz database it ships), never a table of our own. The offset of a zone
 * at an instant is read with `Intl.DateTimeFormat#formatToParts`; a wall time is then matched to the
 * instants whose offset turns it back into that wall time, as the Temporal proposal's
 * `GetPossibleEpochNanoseconds` does: none in a daylight-saving gap, two in an overlap, one otherwise.
 *
 * Offsets are looked up at day boundaries and cached, so a file of minute bars costs a handful of
 * `Intl` calls per day; only the days around a transition need exact lookups. This assumes a zone
 * changes its offset at most once in three days, which every zone of the tz database does.
 */

const DAY = 86_400_000;

/** Where a wall time falls in a zone. */
export type ZoneMatch =
  /** The wall time occurs once. */
  | { readonly kind: 'unique'; readonly ts: number }
  /** The wall time occurs twice (clocks were set back); `earlier` < `later`. */
  | { readonly kind: 'overlap'; readonly earlier: number; readonly later: number }
  /** The wall time does not occur (clocks were set forward); `after` is the same wall time read with the offset before the gap, which lands past it. */
  | { readonly kind: 'gap'; readonly offsetBefore: number; readonly offsetAfter: number; readonly after: number };

/**
 * Whether `Intl` knows the time zone `name`. `'UTC'`, which every implementation must know (ECMA-402),
 * is answered without building a `DateTimeFormat`: the first one a process builds loads the time zone
 * data, 10 to 20 ms that every fresh process reading a CSV file (a cold sweep, a BullMQ worker) paid
 * to check the default zone.
 */
export function isKnownTimeZone(name: string): boolean {
  if (name === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock side of one time zone. */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly dayOffsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset of the zone at instant `ts` (local minus UTC), in milliseconds. */
  offsetAt(ts: number): number {
    const seconds = Math.floor(ts / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of this.format.formatToParts(seconds)) {
      switch (p.type) {
        case 'year':
          year = Number(p.value);
          break;
        case 'month':
          month = Number(p.value);
          break;
        case 'day':
          day = Number(p.value);
          break;
        case 'hour':
          hour = Number(p.value);
          break;
        case 'minute':
          minute = Number(p.value);
          break;
        case 'second':
          second = Number(p.value);
          break;
        case 'era':
          bc = p.value === 'BC' || p.value === 'B';
          break;
      }
    }
    const wall = new Date(0);
    wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
    wall.setUTCHours(hour, minute, second, 0);
    return wall.getTime() - seconds;
  }

  /** The instants at which the zone's clocks show `wall` (a wall time read as if UTC, in milliseconds). */
  resolve(wall: number): ZoneMatch {
    const d = Math.floor(wall / DAY);
    const before = this.offsetAtDay(d - 1);
    const after = this.offsetAtDay(d + 2);
    if (before === after) return { kind: 'unique', ts: wall - before };
    const t1 = wall - before;
    const t2 = wall - after;
    const ok1 = this.offsetAt(t1) === before;
    const ok2 = this.offsetAt(t2) === after;
    if (ok1 && ok2) return t1 === t2 ? { kind: 'unique', ts: t1 } : { kind: 'overlap', earlier: Math.min(t1, t2), later: Math.max(t1, t2) };
    if (ok1) return { kind: 'unique', ts: t1 };
    if (ok2) return { kind: 'unique', ts: t2 };
    return { kind: 'gap', offsetBefore: before, offsetAfter: after, after: t1 };
  }

  private offsetAtDay(d: number): number {
    let offset = this.dayOffsets.get(d);
    if (offset === undefined) {
      if (this.dayOffsets.size > 4096) this.dayOffsets.clear();
      offset = this.offsetAt(d * DAY);
      this.dayOffsets.set(d, offset);
    }
    return offset;
  }
}

/** An offset in milliseconds as `UTC+01:00`. */
export function formatOffset(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return `UTC${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
