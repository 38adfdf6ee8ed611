/**
 * Options of {@link CatalogRecorder}, checked with zod when it is made: an unknown key is an error
 * naming it, and a bad value names its field (`config.rotation.maxEvents: ...`).
 */
import { z } from 'zod';
import type { Clock, Logger } from '@rxtrade/core';

/**
 * When the spool file is flushed to the disk (`fsync`).
 *
 * - `always`: after every event. What `record` has returned survives a crash of the machine (a power
 *   cut), at the price of a sync per event.
 * - `interval`: every `fsyncIntervalMs` (default 1,000 ms), when anything was appended, and at every
 *   rotation. A power cut loses at most the last interval.
 * - `never`: only the operating system flushes (and the spool is not synced at rotations either).
 *
 * Whatever the policy, every event is written to the spool file (`write(2)`) before `record` returns,
 * so a crash of the process alone (SIGKILL, an exception, an out-of-memory kill) loses nothing.
 *
 * @example
 * ```ts
 * const recorder = new CatalogRecorder(catalog, { spool: { dir: 'spool', fsync: SpoolFsync.INTERVAL, fsyncIntervalMs: 200 } });
 * ```
 */
export const SpoolFsync = { ALWAYS: 'always', INTERVAL: 'interval', NEVER: 'never' } as const;
export type SpoolFsync = (typeof SpoolFsync)[keyof typeof SpoolFsync];

/**
 * What the recorder does with an event that arrives when `bufferLimit` events already wait for their
 * write (the catalog is slower than the feed).
 *
 * - `error`: the event is refused and recording stops: the recorder emits `error` with a
 *   `RecorderBufferFullError`, leaves its sources, and `stop()` writes what it holds, then rejects.
 * - `drop-oldest`: the oldest waiting event is dropped to make room (counted in `stats().dropped.overflow`,
 *   emitted as `dropped`, logged at `warn`), and recording goes on.
 *
 * @example
 * ```ts
 * const recorder = new CatalogRecorder(catalog, { bufferLimit: 50_000, onBufferFull: OnBufferFull.DROP_OLDEST });
 * ```
 */
export const OnBufferFull = { ERROR: 'error', DROP_OLDEST: 'drop-oldest' } as const;
export type OnBufferFull = (typeof OnBufferFull)[keyof typeof OnBufferFull];

/**
 * Schema of {@link CatalogRecorderConfig}.
 *
 * @example
 * ```ts
 * parseWith(CatalogRecorderConfigSchema, { rotation: { maxEvents: 5_000, maxAgeMs: 10_000 }, spool: { dir: 'spool' } }, 'config');
 * ```
 */
export const CatalogRecorderConfigSchema = z
  .strictObject({
    /** When the events held are written to the catalog: one write per rotation. */
    rotation: z
      .strictObject({
        /** A rotation is due once this many events arrived since the last one (default 10,000). */
        maxEvents: z.number().int().positive().default(10_000),
        /** A rotation is due this many ms after the first event that arrived since the last one (default 60,000). */
        maxAgeMs: z.number().int().positive().max(2_147_483_647).default(60_000),
      })
      .default({ maxEvents: 10_000, maxAgeMs: 60_000 }),
    /**
     * How long to wait for events out of order, in ms of event time (default 0). At a rotation the
     * events of an instrument and data type up to `latenessMs` before the newest of them are held back
     * for the next one (always those of the newest millisecond, which may have more to come); an event
     * that arrives older than what was written is late: dropped and counted.
     */
    latenessMs: z.number().int().nonnegative().default(0),
    /**
     * The most events that wait for a write (default 100,000; at least `rotation.maxEvents`). One
     * rotation's events may be in a write at the same time, so memory holds at most twice this many.
     */
    bufferLimit: z.number().int().positive().default(100_000),
    /** What happens to an event beyond `bufferLimit`: see {@link OnBufferFull} (default `'error'`). */
    onBufferFull: z.enum(OnBufferFull).default('error'),
    /**
     * How many recent events the recorder remembers to recognize one sent again (a venue resends after a
     * reconnect): a trade by its instrument and trade id, a bar by its instrument and time, any other
     * event by all its fields. Default 10,000; 0 turns it off (a bar at a time already held is still
     * dropped: the catalog keeps one bar per time).
     */
    dedupeWindow: z.number().int().nonnegative().default(10_000),
    /**
     * A local append-only file per rotation that holds every event until its write has succeeded; a
     * recorder started on the same folder writes what a crashed one left before it records anything.
     * Without it, a crash loses the events not yet written.
     */
    spool: z
      .strictObject({
        /** The spool's folder (created when missing). One recorder uses a folder at a time. */
        dir: z.string().min(1),
        /** When the spool is synced to the disk: see {@link SpoolFsync} (default `'interval'`). */
        fsync: z.enum(SpoolFsync).default('interval'),
        /** `fsync: 'interval'` only: ms between syncs (default 1,000). */
        fsyncIntervalMs: z.number().int().positive().max(2_147_483_647).optional(),
      })
      .superRefine((s, ctx) => {
        if (s.fsyncIntervalMs !== undefined && s.fsync !== 'interval')
          ctx.addIssue({ code: 'custom', path: ['fsyncIntervalMs'], message: `only applies to fsync 'interval', not '${s.fsync}'` });
      })
      .optional(),
    /** The clock of `rotation.maxAgeMs` (a `LiveClock` by default; a `BacktestClock` in tests and replays). */
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function' && typeof (v as Clock).setTimer === 'function', 'must be a Clock').optional(),
    /** Where drops and failed writes are logged (at `warn`); silent by default. */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.bufferLimit < c.rotation.maxEvents)
      ctx.addIssue({ code: 'custom', path: ['bufferLimit'], message: `must be at least rotation.maxEvents (${c.rotation.maxEvents}), got ${c.bufferLimit}` });
  });

/**
 * Configuration of a {@link CatalogRecorder}: rotation, lateness, buffer limit, duplicates, spool.
 *
 * @example
 * ```ts
 * const config: CatalogRecorderConfig = { rotation: { maxEvents: 1_000, maxAgeMs: 5_000 }, latenessMs: 250, spool: { dir: 'spool', fsync: 'always' } };
 * ```
 */
export type CatalogRecorderConfig = z.input<typeof CatalogRecorderConfigSchema>;
