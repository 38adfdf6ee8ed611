/**
 * Builds a VWAP volume profile from past intraday bars: the average volume traded in each bucket of the
 * trading session, over the days in the data. Pass the result as `vwap`'s `profile` (its scale does
 * not matter: only each bucket's share of the total is used).
 */
import { z } from 'zod';
import { parseWith, type Bar } from '@rxtrade/core';

const DAY_MS = 86_400_000;

/**
 * Schema of {@link VolumeProfileConfig}.
 *
 * @example
 * ```ts
 * parseWith(VolumeProfileConfigSchema, { sessionStartMs: 14.5 * 3_600_000, bucketMs: 1_800_000, buckets: 13 }, 'volumeProfile');
 * ```
 */
export const VolumeProfileConfigSchema = z.strictObject({
  /** Session open as ms after midnight UTC (09:30 New York in winter = 14.5 h = 52_200_000). */
  sessionStartMs: z.number().int().min(0).max(DAY_MS - 1),
  /** Width of one bucket in ms (> 0). */
  bucketMs: z.number().int().positive(),
  /** Number of buckets from the session open (>= 1); bars outside them are ignored. */
  buckets: z.number().int().min(1),
});
/** Options of {@link volumeProfile}. */
export type VolumeProfileConfig = z.input<typeof VolumeProfileConfigSchema>;

/**
 * The average volume per intraday bucket over the days that have bars in the session: bucket k sums
 * the volume of the bars whose open time falls in `[sessionStart + k × bucketMs, sessionStart + (k+1) × bucketMs)`
 * of their UTC day, divided by the number of such days.
 *
 * @example
 * ```ts
 * // Twenty days of 5-minute bars → 13 half-hour buckets of a 09:30–16:00 New York session (winter)
 * const profile = volumeProfile(pastBars, { sessionStartMs: 52_200_000, bucketMs: 1_800_000, buckets: 13 });
 * const stage = vwap(ctx, { durationMs: 13 * 1_800_000, profile });
 * ```
 */
export function volumeProfile(bars: readonly Bar[], options: VolumeProfileConfig): number[] {
  const c = parseWith(VolumeProfileConfigSchema, options, 'volumeProfile');
  const sums = new Array<number>(c.buckets).fill(0);
  const days = new Set<number>();
  for (const bar of bars) {
    const day = Math.floor(bar.ts / DAY_MS);
    const offset = bar.ts - day * DAY_MS - c.sessionStartMs;
    if (offset < 0) continue;
    const k = Math.floor(offset / c.bucketMs);
    if (k >= c.buckets) continue;
    sums[k]! += bar.volume;
    days.add(day);
  }
  const n = days.size;
  return n === 0 ? sums : sums.map((s) => s / n);
}
