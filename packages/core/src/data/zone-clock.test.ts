import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatOffset, isKnownTimeZone, ZoneClock, type ZoneMatch } from './zone-clock';

const wall = (text: string): number => Date.parse(`${text}Z`);
const iso = (ts: number): string => new Date(ts).toISOString();

function instants(m: ZoneMatch): string[] {
  if (m.kind === 'unique') return [iso(m.ts)];
  if (m.kind === 'overlap') return [iso(m.earlier), iso(m.later)];
  return [];
}

describe('ZoneClock', () => {
  it('reads New York across both 2024 transitions', () => {
    const ny = new ZoneClock('America/New_York');
    expect(instants(ny.resolve(wall('2024-01-02T09:30:00')))).toEqual(['2024-01-02T14:30:00.000Z']);
    expect(instants(ny.resolve(wall('2024-07-01T09:30:00')))).toEqual(['2024-07-01T13:30:00.000Z']);
    expect(instants(ny.resolve(wall('2024-03-10T01:59:00')))).toEqual(['2024-03-10T06:59:00.000Z']);
    expect(ny.resolve(wall('2024-03-10T02:30:00'))).toMatchObject({ kind: 'gap', offsetBefore: -5 * 3_600_000, offsetAfter: -4 * 3_600_000 });
    expect(instants(ny.resolve(wall('2024-03-10T03:00:00')))).toEqual(['2024-03-10T07:00:00.000Z']);
    expect(instants(ny.resolve(wall('2024-11-03T01:30:00')))).toEqual(['2024-11-03T05:30:00.000Z', '2024-11-03T06:30:00.000Z']);
    expect(instants(ny.resolve(wall('2024-11-03T02:00:00')))).toEqual(['2024-11-03T07:00:00.000Z']);
  });

  it('reads Berlin across both 2024 transitions', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(instants(berlin.resolve(wall('2024-01-02T00:00:00')))).toEqual(['2024-01-01T23:00:00.000Z']);
    expect(berlin.resolve(wall('2024-03-31T02:30:00')).kind).toBe('gap');
    expect(instants(berlin.resolve(wall('2024-10-27T02:30:00')))).toEqual(['2024-10-27T00:30:00.000Z', '2024-10-27T01:30:00.000Z']);
  });

  it('lands a wall time in a gap past the gap, by the gap length', () => {
    const ny = new ZoneClock('America/New_York');
    const m = ny.resolve(wall('2024-03-10T02:30:00'));
    expect(m.kind === 'gap' && iso(m.after)).toBe('2024-03-10T07:30:00.000Z'); // 03:30 EDT
  });

  it('finds exactly the instants whose local time is the wall time, as a brute-force search with luxon does (property)', () => {
    // Zones with daylight saving at 02:00, at midnight, by half an hour, at quarter-hour offsets, and
    // Samoa's skipped day (2011-12-30 does not exist in Pacific/Apia).
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Havana', 'America/Santiago', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Apia', 'Asia/Kolkata', 'UTC'];
    const clocks = new Map(zones.map((z) => [z, new ZoneClock(z)]));
    const luxonOffset = (zone: string, ts: number): number => DateTime.fromMillis(ts, { zone }).offset * 60_000;
    const QUARTER = 15 * 60_000;
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // Near the transitions of the years tested half the time, anywhere in 1980-2040 otherwise.
        fc.oneof(
          fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2040, 0, 1) }),
          fc.tuple(fc.constantFrom(Date.UTC(2024, 2, 10), Date.UTC(2024, 10, 3), Date.UTC(2024, 2, 31), Date.UTC(2024, 9, 27), Date.UTC(2024, 3, 7), Date.UTC(2024, 9, 6), Date.UTC(2011, 11, 30), Date.UTC(2022, 8, 11), Date.UTC(2024, 2, 10)), fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 })).map(([a, b]) => a + b),
        ),
        (zone, w) => {
          const wallMs = Math.floor(w / 60_000) * 60_000;
          const expected: string[] = [];
          for (let t = wallMs - 16 * 3_600_000; t <= wallMs + 16 * 3_600_000; t += QUARTER) if (t + luxonOffset(zone, t) === wallMs) expected.push(iso(t));
          expect(instants(clocks.get(zone)!.resolve(wallMs))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads offsets as luxon does (property)', () => {
    const clock = new ZoneClock('Europe/London');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2050, 0, 1) }), (ts) => {
        expect(clock.offsetAt(ts)).toBe(DateTime.fromMillis(ts, { zone: 'Europe/London' }).offset * 60_000);
      }),
    );
  });
});

describe('isKnownTimeZone and formatOffset', () => {
  it('knows IANA names and refuses others', () => {
    expect(['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu'].every(isKnownTimeZone)).toBe(true);
    expect(['Mars/Olympus', 'New York', ''].some(isKnownTimeZone)).toBe(false);
  });

  it('writes offsets as UTC+hh:mm', () => {
    expect(formatOffset(-5 * 3_600_000)).toBe('UTC-05:00');
    expect(formatOffset(5.75 * 3_600_000)).toBe('UTC+05:45');
  });
});
