import { describe, expect, it } from 'vitest';
import { ValidationError, type Bar } from '@rxtrade/core';
import { aapl } from './__fixtures__/algo-harness';
import { volumeProfile } from './volume-profile';

const HOUR = 3_600_000;
const day = (d: number) => Date.UTC(2024, 0, 2 + d);
const bar = (ts: number, volume: number): Bar => ({ type: 'Bar', instrumentId: aapl.id, ts, open: 1, high: 1, low: 1, close: 1, volume });

describe('volumeProfile', () => {
  it('averages the volume of each session bucket over the days', () => {
    const open = 14.5 * HOUR;
    const bars = [
      bar(day(0) + open, 100),
      bar(day(0) + open + HOUR / 2, 50),
      bar(day(0) + open + HOUR, 30), // bucket 1 (30 minutes wide)
      bar(day(0) + open + 2 * HOUR, 999), // past the last bucket: ignored
      bar(day(0) + open - 60_000, 999), // before the open: ignored
      bar(day(1) + open + 60_000, 300),
      bar(day(1) + open + HOUR + 60_000, 70),
    ];
    // bucket 0: (100 + 300) / 2 days; bucket 1: (50 + 0) / 2; bucket 2: (30 + 70) / 2
    expect(volumeProfile(bars, { sessionStartMs: open, bucketMs: HOUR / 2, buckets: 3 })).toEqual([200, 25, 50]);
  });

  it('names the bad option', () => {
    const e = (() => {
      try {
        volumeProfile([], { sessionStartMs: 0, bucketMs: 0, buckets: 3 });
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('volumeProfile.bucketMs');
  });
});
