/**
 * `resample`: aggregates a finer bar stream into a coarser timeframe (1m to 1h, 1h to 1d) on the
 * pipeline's clock.
 *
 * Periods are `[start, start + timeframe)` with `start = offset + k * timeframe` for a whole `k`, so they
 * are aligned to the UTC epoch (a day starts at 00:00 UTC) unless an `offset` moves them. The coarse bar
 * of a period is the standard OHLCV aggregate of the finer bars whose `ts` lies in it: open of the first,
 * highest high, lowest low, close of the last, summed volume. Its `ts` is the period START, the same
 * convention as every {@link Bar} (`ts` is the open time): the coarse bar is only final at
 * `ts + timeframe`, so reading its close at time `ts` would be look-ahead.
 *
 * Each finer bar emits the FORMING coarse bar (`closed: false`); the period's bar is emitted with
 * `closed: true` exactly once, at the first of: a finer bar of a later period arrives, or the clock
 * reaches `start + timeframe + grace` (a timer on the clock, so a backtest on a `BacktestClock` closes
 * the bar on virtual time even when no further bar comes), or the source completes (with `flush`). A
 * period without finer bars yields no coarse bar. The finer timeframe must divide the coarser one.
 */
import { Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import type { Clock } from '../clock/clock';
import { ValidationError } from '../errors';
import type { Bar } from '../domain/market-data';
import { parseWith } from '../validation';
import { requireFinite } from './bar-field';
import { operate } from './operate';

/**
 * What {@link resample} does with a finer bar that arrives after its period has closed.
 *
 * @example
 * ```ts
 * resample({ timeframe: Timeframe.HOUR, clock: ctx.clock, grace: 2_000, onLate: LateBarPolicy.DROP });
 * ```
 */
export const LateBarPolicy = {
  /** Error the stream with a ValidationError naming `bar.ts` (the default: no silent data loss). */
  ERROR: 'error',
  /** Leave the bar out. */
  DROP: 'drop',
} as const;
export type LateBarPolicy = (typeof LateBarPolicy)[keyof typeof LateBarPolicy];

/**
 * A coarse bar from {@link resample}: forming (`closed: false`, revised by each finer bar) or final.
 *
 * @example
 * ```ts
 * hourly$.subscribe(({ bar, closed }) => closed && console.log('final hour', bar.ts, bar.close));
 * ```
 */
export interface ResampledBar {
  readonly bar: Bar;
  readonly closed: boolean;
}

const isScheduler = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as SchedulerLike).schedule === 'function' && typeof (v as SchedulerLike).now === 'function';
const isClock = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as Clock).setTimer === 'function' && typeof (v as Clock).now === 'function';

/**
 * Schema of {@link resample}'s options.
 *
 * @example
 * ```ts
 * parseWith(ResampleConfigSchema, { timeframe: Timeframe.DAY, offset: 22 * Timeframe.HOUR, clock }, 'resample');
 * ```
 */
export const ResampleConfigSchema = z
  .strictObject({
    /** Coarse timeframe in ms (see {@link Timeframe}). */
    timeframe: z.number().int().positive(),
    /** Shift of the period boundaries from the UTC epoch, in ms (for example `4 * DAY` for Monday weeks). */
    offset: z.number().int().default(0),
    /**
     * How long after a period's end the clock timer waits before closing it, in ms: 0 in a backtest;
     * in live trading, how late the venue's last finer bar of a period may arrive.
     */
    grace: z.number().int().nonnegative().default(0),
    /** The pipeline's clock (`ctx.clock`); give this or `scheduler`. */
    clock: z.custom<Clock>(isClock, { message: 'must be a Clock' }).optional(),
    /** An RxJS scheduler (`ctx.scheduler`, or a TestScheduler); give this or `clock`. */
    scheduler: z.custom<SchedulerLike>(isScheduler, { message: 'must be an RxJS SchedulerLike' }).optional(),
    /** Emit the open period as closed when the source completes (default true), as pandas does. */
    flush: z.boolean().default(true),
    /** What to do with a finer bar whose period already closed. */
    onLate: z.enum([LateBarPolicy.ERROR, LateBarPolicy.DROP]).default(LateBarPolicy.ERROR),
  })
  .refine((c) => (c.clock === undefined) !== (c.scheduler === undefined), { message: 'give exactly one of clock or scheduler', path: ['clock'] });
/**
 * Options of {@link resample}: `timeframe` (ms), `clock` or `scheduler`, and optional `offset`, `grace`,
 * `flush` and `onLate`.
 *
 * @example
 * ```ts
 * const config: ResampleConfig = { timeframe: Timeframe.HOUR, clock: ctx.clock };
 * ```
 */
export type ResampleConfig = z.input<typeof ResampleConfigSchema>;

interface Cancel {
  cancel(): void;
}

/**
 * Resamples bars to a coarser timeframe, emitting the forming bar on every finer bar and the closed
 * bar once when its period ends on the clock (or a later bar arrives).
 *
 * @example
 * ```ts
 * const hourly$ = minuteBars$.pipe(
 *   resample({ timeframe: Timeframe.HOUR, clock: ctx.clock }),
 *   filter((u) => u.closed),
 *   map((u) => u.bar), // ts = the hour's start; final at ts + 1h
 * );
 * ```
 */
export function resample(config: ResampleConfig): OperatorFunction<Bar, ResampledBar> {
  const { timeframe, offset, grace, clock, scheduler, flush, onLate } = parseWith(ResampleConfigSchema, config, 'resample');
  // Set a one-shot timer at absolute time `at` on the clock, or on the scheduler by delay.
  const setTimer = (at: number, fire: () => void): Cancel => {
    if (clock) return clock.setTimer(Math.max(at, clock.now()), fire);
    const sub = scheduler!.schedule(fire, Math.max(0, at - scheduler!.now()));
    return { cancel: () => sub.unsubscribe() };
  };
  const periodStart = (ts: number): number => Math.floor((ts - offset) / timeframe) * timeframe + offset;

  return (source) =>
    new Observable<ResampledBar>((subscriber) => {
      let start = Number.NaN; // start of the open period; NaN when none is open
      let open = 0;
      let high = 0;
      let low = 0;
      let close = 0;
      let volume = 0;
      let current: Bar | undefined;
      let timer: Cancel | undefined;
      let closedUntil = -Infinity; // end of the last closed period: earlier finer bars are late
      let lastTs = -Infinity;
      let instrument: string | undefined;

      const closePeriod = (): void => {
        timer?.cancel();
        timer = undefined;
        closedUntil = start + timeframe;
        start = Number.NaN;
        const bar = current!;
        current = undefined;
        subscriber.next({ bar, closed: true });
      };
      subscriber.add(() => timer?.cancel());

      operate(
        source,
        subscriber,
        (fine) => {
          const ts = fine.ts;
          if (ts < closedUntil) {
            if (onLate === LateBarPolicy.DROP) return;
            throw new ValidationError(
              [{ path: ['bar', 'ts'], message: `bar at ${ts} arrived after its period closed (at ${closedUntil}); raise grace or set onLate: 'drop'` }],
              { source: 'resample' },
            );
          }
          if (ts < lastTs) throw new ValidationError([{ path: ['bar', 'ts'], message: `bars must be in time order: ${ts} came after ${lastTs}` }], { source: 'resample' });
          if (instrument === undefined) instrument = fine.instrumentId;
          else if (fine.instrumentId !== instrument)
            throw new ValidationError([{ path: ['bar', 'instrumentId'], message: `one instrument per stream: got ${fine.instrumentId} after ${instrument}; split the stream with groupBy` }], {
              source: 'resample',
            });
          const o = requireFinite(fine.open, ['bar', 'open'], fine, 'resample');
          const h = requireFinite(fine.high, ['bar', 'high'], fine, 'resample');
          const l = requireFinite(fine.low, ['bar', 'low'], fine, 'resample');
          const c = requireFinite(fine.close, ['bar', 'close'], fine, 'resample');
          const v = requireFinite(fine.volume, ['bar', 'volume'], fine, 'resample');
          lastTs = ts;
          // Bars are in time order, so a bar before the open period's end belongs to it.
          if (current !== undefined && ts - start >= timeframe) closePeriod();
          if (current === undefined) {
            const s = periodStart(ts);
            start = s;
            open = o;
            high = h;
            low = l;
            volume = v;
            timer = setTimer(s + timeframe + grace, () => {
              timer = undefined;
              if (start === s && !subscriber.closed) closePeriod();
            });
          } else {
            if (h > high) high = h;
            if (l < low) low = l;
            volume += v;
          }
          close = c;
          current = { type: 'Bar', instrumentId: fine.instrumentId, ts: start, open, high, low, close, volume };
          subscriber.next({ bar: current, closed: false });
        },
        () => {
          if (current !== undefined) {
            if (flush) closePeriod();
            else timer?.cancel();
          }
        },
      );
    });
}
