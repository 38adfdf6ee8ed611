/**
 * Splits a timeline into walk-forward folds. Rolling: the in-sample window keeps its length and moves
 * forward by the out-of-sample length each fold. Anchored: the in-sample window always starts at the
 * first time and grows by the out-of-sample length each fold. Out-of-sample windows are adjacent and
 * never overlap, so together they cover the timeline after the first in-sample window exactly once; the
 * last one may be shorter (it is kept when it holds at least two times, one return).
 *
 * Lengths are bar counts (`{ bars }`: distinct times of the merged data) or durations (`{ ms }` or
 * `{ days }`: calendar time, each window [start, end) in epoch milliseconds).
 */
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';

/**
 * Walk-forward modes.
 *
 * @example
 * ```ts
 * walkForward({ ...config, mode: WalkForwardMode.ANCHORED });
 * ```
 */
export const WalkForwardMode = { ROLLING: 'rolling', ANCHORED: 'anchored' } as const;
export type WalkForwardMode = (typeof WalkForwardMode)[keyof typeof WalkForwardMode];

/**
 * Schema of a window length: a number of bars, or a duration in ms or days.
 *
 * @example
 * ```ts
 * WindowLengthSchema.parse({ bars: 250 }); WindowLengthSchema.parse({ days: 365 });
 * ```
 */
export const WindowLengthSchema = z.union([
  z.object({ bars: z.number().int().min(1) }).strict(),
  z.object({ ms: z.number().positive() }).strict(),
  z.object({ days: z.number().positive() }).strict(),
]);
/** A window length. */
export type WindowLength = z.input<typeof WindowLengthSchema>;

/**
 * Schema of {@link FoldWindowsConfig}.
 *
 * @example
 * ```ts
 * parseWith(FoldWindowsConfigSchema, { mode: 'rolling', inSample: { bars: 500 }, outOfSample: { bars: 125 } });
 * ```
 */
export const FoldWindowsConfigSchema = z.strictObject({
  mode: z.enum([WalkForwardMode.ROLLING, WalkForwardMode.ANCHORED]).default(WalkForwardMode.ROLLING),
  inSample: WindowLengthSchema,
  outOfSample: WindowLengthSchema,
});
/** Configuration of {@link foldWindows}. */
export type FoldWindowsConfig = z.input<typeof FoldWindowsConfigSchema>;

/** A half-open time window [start, end) in epoch milliseconds. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** One fold: where to optimize and where to test. */
export interface FoldWindow {
  readonly index: number;
  readonly inSample: TimeWindow;
  readonly outOfSample: TimeWindow;
}

const DAY = 86_400_000;

/**
 * Computes the folds of a walk-forward over a sorted timeline of distinct times.
 *
 * @example
 * ```ts
 * foldWindows(times, { mode: 'rolling', inSample: { bars: 250 }, outOfSample: { bars: 60 } });
 * // [{ index: 0, inSample: { start: times[0], end: times[250] }, outOfSample: { start: times[250], end: times[310] } }, …]
 * ```
 */
export function foldWindows(timeline: ArrayLike<number>, config: FoldWindowsConfig): FoldWindow[] {
  const c = parseWith(FoldWindowsConfigSchema, config, 'walkForward');
  const n = timeline.length;
  if (n < 2) return [];
  const last = timeline[n - 1]!;
  // Index of the first time >= t (n when none).
  const at = (t: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (timeline[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const end = (i: number): number => (i < n ? timeline[i]! : last + 1);
  const folds: FoldWindow[] = [];
  const anchored = c.mode === WalkForwardMode.ANCHORED;
  if ('bars' in c.inSample !== 'bars' in c.outOfSample)
    throw new ValidationError([{ path: ['walkForward', 'outOfSample'], message: 'must be given in the same unit as inSample (bars, or a duration)' }]);
  if ('bars' in c.inSample && 'bars' in c.outOfSample) {
    const is = c.inSample.bars;
    const oos = c.outOfSample.bars;
    for (let k = 0; ; k++) {
      const oosStart = is + k * oos;
      if (n - oosStart < 2) break;
      const isStart = anchored ? 0 : k * oos;
      folds.push({ index: k, inSample: { start: timeline[isStart]!, end: timeline[oosStart]! }, outOfSample: { start: timeline[oosStart]!, end: end(oosStart + oos) } });
    }
    return folds;
  }
  const ms = (w: z.output<typeof WindowLengthSchema>): number => ('ms' in w ? w.ms : 'days' in w ? w.days * DAY : 0);
  const isMs = ms(c.inSample);
  const oosMs = ms(c.outOfSample);
  const t0 = timeline[0]!;
  for (let k = 0; ; k++) {
    const oosStart = t0 + isMs + k * oosMs;
    const oosEnd = oosStart + oosMs;
    const i = at(oosStart);
    if (n - i < 2) break;
    const held = Math.min(at(oosEnd), n) - i;
    if (held < 2) continue; // a gap in the data: nothing to test in this window
    const isStart = anchored ? t0 : t0 + k * oosMs;
    folds.push({ index: folds.length, inSample: { start: isStart, end: oosStart }, outOfSample: { start: oosStart, end: oosEnd } });
  }
  return folds;
}
