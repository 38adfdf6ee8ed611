/**
 * Records a data client's market data (bars, trades, quotes, book snapshots and deltas) into a
 * {@link MarketDataCatalog} as it arrives, so that a live or paper session can be replayed from the
 * catalog. Events wait in a bounded buffer and are written one rotation at a time (a rotation is one
 * catalog write, all or nothing), by count or by age; the feed never waits for a write. Out-of-order
 * events are put in time order within `latenessMs`, repeats are recognized and dropped, and an optional
 * spool (an append-only file per rotation) lets a recorder restarted after a crash write what the
 * crashed one held before recording on. The rules are in docs/recording-market-data.md.
 */
import { EventEmitter } from 'eventemitter3';
import type { Observable, Subscription } from 'rxjs';
import { LiveClock, marketDataIssue, parseWith, silentLogger, StateError, type Clock, type DataClient, type Logger, type MarketData, type TimerHandle } from '@rxtrade/core';
import { dataTypeOf, MAX_TS, type CatalogDataType } from '../catalog-layout';
import type { MarketDataCatalog } from '../market-data-catalog';
import { CatalogRecorderConfigSchema, type CatalogRecorderConfig } from './recorder-config';
import { RecorderBufferFullError } from './recorder-errors';
import { encodeEvent, RecorderSpool } from './recorder-spool';

/** Why an event was not recorded. */
export const DropReason = {
  /** Older than what was already written for its instrument and data type (beyond `latenessMs`). */
  LATE: 'late',
  /** Sent again: the same trade id, the same bar time, or the same event, within `dedupeWindow`. */
  DUPLICATE: 'duplicate',
  /** Not valid market data (a field, or a time outside whole milliseconds from 1970 to 9999). */
  INVALID: 'invalid',
  /** Dropped to make room when the buffer was full (`onBufferFull`). */
  OVERFLOW: 'overflow',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/** What a rotation wrote. */
export interface RecorderRotated {
  /** The rotation's number, from 1. */
  readonly rotation: number;
  /** Events written. */
  readonly rows: number;
  /** Events kept back for the next rotation (within `latenessMs` of their series' newest). */
  readonly held: number;
  /** Time of the first and last event written, epoch ms. */
  readonly first: number;
  readonly last: number;
  /** How long the catalog write took, ms. */
  readonly ms: number;
}

/** What `start()` recovered from the spool that a crashed recorder left. */
export interface RecorderRecovered {
  /** Spool files read. */
  readonly files: number;
  /** Events they held (each once, dropped ones left out). */
  readonly events: number;
  /** Events written now. */
  readonly rows: number;
  /** Events already in the catalog (a write the crash cut off after it had stored them). */
  readonly skipped: number;
  /**
   * Events of the newest millisecond of their series, buffered (and spooled) as if they had just
   * arrived: the restarted feed may send more events of that millisecond, which the catalog could not
   * take once it was written.
   */
  readonly held: number;
  /** Last lines that the crash cut short (ignored). */
  readonly torn: number;
}

/** An event that was not recorded. */
export interface RecorderDropped {
  readonly reason: DropReason;
  readonly event: unknown;
  /** Events dropped for this reason so far, this one included. */
  readonly count: number;
}

/**
 * The recorder's lifecycle events, on its eventemitter3 emitter.
 *
 * @example
 * ```ts
 * recorder.on('rotated', (r) => console.log(`rotation ${r.rotation}: ${r.rows} events in ${r.ms} ms`));
 * recorder.on('dropped', (d) => console.warn(d.reason, d.count));
 * recorder.on('error', (e) => console.error(e.message));
 * ```
 */
export interface RecorderEvents {
  /** A rotation's write succeeded. */
  rotated: (info: RecorderRotated) => void;
  /** `start()` wrote what a crashed recorder left in the spool. */
  recovered: (info: RecorderRecovered) => void;
  /** An event was not recorded. */
  dropped: (info: RecorderDropped) => void;
  /**
   * A catalog write failed (its events are kept and retried by the next rotation), a source failed, or
   * the buffer was full with `onBufferFull: 'error'` (recording stopped).
   */
  error: (error: Error) => void;
}

/** Counts of a recorder's work. */
export interface RecorderStats {
  /** Events handed to the recorder. */
  readonly received: number;
  /** Events written to the catalog by rotations (recovery not included). */
  readonly written: number;
  /** Events waiting for a write. */
  readonly buffered: number;
  /** Events in the write being made. */
  readonly inFlight: number;
  /** Successful rotations, and failed writes (retried). */
  readonly rotations: number;
  readonly failedWrites: number;
  /** Events recovered from the spool at start. */
  readonly recovered: number;
  /** Events not recorded, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Spool syncs made (0 without a spool). */
  readonly spoolSyncs: number;
}

interface Entry {
  readonly seq: number;
  readonly event: MarketData;
  readonly key: string;
}

interface Series {
  /** Newest time received. */
  newest: number;
  /** Events older than this are late: everything before it has been written (or handed to a write). */
  watermark: number;
}

const isObservable = (v: unknown): v is Observable<MarketData> => typeof v === 'object' && v !== null && typeof (v as { subscribe?: unknown }).subscribe === 'function';

/** The key of an event's series (data type and instrument). */
const seriesKey = (type: CatalogDataType, id: string): string => `${type}\u0000${id}`;

/**
 * Sorts events by time (equal times in arrival order) and leaves out a bar at a time its instrument
 * already has (the catalog keeps one bar per time): a rotation's write and a recovery prepare their
 * events the same way.
 */
function prepare(entries: readonly Entry[]): { events: MarketData[]; duplicates: MarketData[] } {
  const sorted = [...entries].sort((a, b) => a.event.ts - b.event.ts || a.seq - b.seq);
  const events: MarketData[] = [];
  const duplicates: MarketData[] = [];
  const lastBar = new Map<string, number>();
  for (const { event } of sorted) {
    if (event.type === 'Bar') {
      if (lastBar.get(event.instrumentId) === event.ts) {
        duplicates.push(event);
        continue;
      }
      lastBar.set(event.instrumentId, event.ts);
    }
    events.push(event);
  }
  return { events, duplicates };
}

/** What recognizes an event sent again: a bar by its time, a trade by its id, anything else by all its fields. */
function fingerprint(event: MarketData, encoded: string): string {
  if (event.type === 'Bar') return `B\u0000${event.instrumentId}\u0000${event.ts}`;
  if (event.type === 'Trade' && event.tradeId !== '') return `T\u0000${event.instrumentId}\u0000${event.tradeId}`;
  return encoded;
}

/** Why an event cannot go into a catalog, or undefined. */
function invalidity(event: unknown): string | undefined {
  const issue = marketDataIssue(event);
  if (issue !== undefined) return `${issue.path.join('.')}${issue.path.length > 0 ? ': ' : ''}${issue.message}`;
  const e = event as MarketData;
  if (!Number.isInteger(e.ts) || e.ts < 0 || e.ts > MAX_TS) return `ts: must be a whole number of milliseconds from 0 (1970) to ${MAX_TS} (9999), got ${e.ts}`;
  if ((e.type === 'OrderBookDelta' || e.type === 'OrderBookSnapshot') && !Number.isSafeInteger(e.sequence)) return `sequence: must be a safe integer, got ${e.sequence}`;
  return undefined;
}

/**
 * Records market data into a catalog as it arrives: from a `DataClient`'s `events` (or any Observable
 * of market data) and from {@link record}. One catalog write per rotation, by count
 * (`rotation.maxEvents`) or by age (`rotation.maxAgeMs`); between rotations the events wait in a buffer
 * of at most `bufferLimit`, so memory does not grow with the session. A slow write never blocks the
 * feed: events arriving meanwhile wait for the next rotation. With a `spool`, every event is on disk
 * before `record` returns, and `start()` writes what a crashed recorder left before recording on.
 *
 * One recorder writes a catalog's live data at a time.
 *
 * @example
 * ```ts
 * const catalog = await ParquetCatalog.open('data/catalog');
 * const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 10_000, maxAgeMs: 60_000 }, spool: { dir: 'data/spool' } });
 * recorder.on('rotated', (r) => console.log(r.rows));
 * await recorder.start(client);               // recovers the spool, then records client.events
 * client.subscribe({ kind: 'TRADES', instrumentId: btc.id });
 * await client.connect();
 * // ...
 * await recorder.stop();                      // writes what it holds
 * ```
 */
export class CatalogRecorder extends EventEmitter<RecorderEvents> {
  private readonly config: ReturnType<typeof CatalogRecorderConfigSchema.parse>;
  private readonly logger: Logger;
  private spool: RecorderSpool | undefined;
  private readonly series = new Map<string, Series>();
  /** Events waiting for a write: pending[head..]. */
  private pending: Entry[] = [];
  private head = 0;
  /** Recent fingerprints, oldest first. */
  private readonly seen = new Map<string, true>();
  private readonly subscriptions: Subscription[] = [];
  private nextSeq = 0;
  private fileNo = 0;
  private currentFile: string | undefined;
  /** Spool files of a failed write, whose events wait in `pending` for the next one. */
  private carried: string[] = [];
  private sinceRotation = 0;
  private ageTimer: TimerHandle | undefined;
  private readonly clock: Clock;
  private writing: Promise<void> | undefined;
  private due = false;
  private inFlight = 0;
  private state: 'new' | 'starting' | 'recording' | 'stopping' | 'stopped' = 'new';
  private failure: Error | undefined;
  private stopped: Promise<RecorderStats> | undefined;
  private starting: Promise<unknown> | undefined;
  private lastWriteError: unknown;
  private counts = { received: 0, written: 0, rotations: 0, failedWrites: 0, recovered: 0 };
  private readonly dropped: Record<DropReason, number> = { late: 0, duplicate: 0, invalid: 0, overflow: 0 };
  private readonly unlogged: Record<DropReason, number> = { late: 0, duplicate: 0, invalid: 0, overflow: 0 };

  /**
   * @param catalog where the events go: a `ParquetCatalog`, a `PostgresCatalog` or any `MarketDataCatalog`.
   * @param config rotation, lateness, buffer limit and policy, duplicates, spool and logger (all optional).
   * @throws ValidationError naming the field of a bad or unknown option.
   */
  constructor(
    private readonly catalog: MarketDataCatalog,
    config: CatalogRecorderConfig = {},
  ) {
    super();
    this.config = parseWith(CatalogRecorderConfigSchema, config, 'config');
    this.logger = this.config.logger ?? silentLogger;
    this.clock = this.config.clock ?? new LiveClock();
  }

  /**
   * Starts recording: takes the spool's lock and writes what a crashed recorder left there (events
   * already in the catalog are skipped, so nothing is stored twice), reads the catalog's ranges so that
   * an event older than what is stored counts as late, then subscribes to `source` when one is given
   * (a `DataClient`'s `events`, or any Observable of market data). Resolves with what was recovered.
   *
   * @example
   * ```ts
   * const recovered = await recorder.start(client);
   * if (recovered.events > 0) console.log(`${recovered.rows} events recovered from the spool`);
   * ```
   */
  async start(source?: DataClient | Observable<MarketData>): Promise<RecorderRecovered> {
    if (this.state !== 'new') throw new StateError(`recorder: already ${this.state === 'starting' ? 'starting' : 'started'}`);
    this.state = 'starting';
    const run = this.startNow(source);
    this.starting = run.catch(() => undefined);
    return run;
  }

  private async startNow(source: DataClient | Observable<MarketData> | undefined): Promise<RecorderRecovered> {
    let recovered: RecorderRecovered = { files: 0, events: 0, rows: 0, skipped: 0, held: 0, torn: 0 };
    try {
      const s = this.config.spool;
      if (s !== undefined) {
        this.spool = RecorderSpool.open(s.dir, s.fsync, s.fsyncIntervalMs ?? 1000);
        const left = this.spool.leftovers();
        if (left.files.length > 0) {
          // As at a rotation, the newest millisecond of each series is kept back: the restarted feed may
          // still send events of it. The rest is written; what a cut-off write had stored is skipped.
          const entries = left.events.map((e) => ({ ...e, key: seriesKey(dataTypeOf(e.event), e.event.instrumentId) }));
          const newest = new Map<string, number>();
          for (const e of entries) newest.set(e.key, Math.max(newest.get(e.key) ?? -Infinity, e.event.ts));
          const ready = entries.filter((e) => e.event.ts < newest.get(e.key)!);
          const kept = entries.filter((e) => e.event.ts === newest.get(e.key)!);
          const { events } = prepare(ready);
          const counts = events.length > 0 ? await this.catalog.write(events, { onOverlap: 'skip' }) : { rows: 0, skipped: 0 };
          await this.loadWatermarks();
          this.nextSeq = left.maxSeq + 1;
          this.fileNo = left.maxFile + 1;
          this.currentFile = this.spool.begin(this.fileNo);
          let stored = 0;
          for (const e of kept) {
            // Stored already when the crash cut off the final write of a stop() after it had stored them.
            if (e.event.ts < (this.series.get(e.key)?.watermark ?? -Infinity)) {
              stored++;
              continue;
            }
            this.keep(e);
          }
          this.spool.sync();
          this.spool.remove(left.files);
          this.counts.recovered = counts.rows;
          recovered = { files: left.files.length, events: left.events.length, rows: counts.rows, skipped: counts.skipped + stored, held: kept.length - stored, torn: left.torn };
          if (left.torn > 0) this.logger.warn('recorder: ignored the last line of a spool file, cut short by a crash', { torn: left.torn });
          this.safeEmit('recovered', recovered);
        }
      }
      if (this.currentFile === undefined) {
        await this.loadWatermarks();
        if (this.spool !== undefined) this.currentFile = this.spool.begin(this.fileNo);
      }
    } catch (error) {
      this.spool?.close();
      this.state = 'stopped';
      throw error;
    }
    this.state = 'recording';
    if (source !== undefined) this.attach(source);
    return recovered;
  }

  /** Reads the catalog's ranges: an event at or before the last stored time of its series is late. */
  private async loadWatermarks(): Promise<void> {
    for (const r of await this.catalog.ranges()) {
      const key = seriesKey(r.dataType, r.instrumentId);
      const known = this.series.get(key);
      if (known === undefined) this.series.set(key, { newest: r.last, watermark: r.last + 1 });
      else {
        known.newest = Math.max(known.newest, r.last);
        known.watermark = Math.max(known.watermark, r.last + 1);
      }
    }
  }

  /** Buffers a recovered event of the newest millisecond of its series, as if it had just arrived. */
  private keep(e: Entry): void {
    const encoded = encodeEvent(e.event);
    this.spool!.append(e.seq, encoded);
    this.pending.push(e);
    if (this.config.dedupeWindow > 0) this.remember(fingerprint(e.event, encoded));
    let series = this.series.get(e.key);
    if (series === undefined) this.series.set(e.key, (series = { newest: -Infinity, watermark: -Infinity }));
    series.newest = Math.max(series.newest, e.event.ts);
  }

  private remember(fp: string): void {
    this.seen.set(fp, true);
    if (this.seen.size > this.config.dedupeWindow) this.seen.delete(this.seen.keys().next().value!);
  }

  /**
   * Records every event of `source` (a `DataClient`'s `events`, or an Observable of market data) until
   * `stop()`; an error of the source is emitted as `error` (what it sent is kept). Returns this.
   *
   * @example
   * ```ts
   * recorder.attach(binance).attach(coinbase);
   * ```
   */
  attach(source: DataClient | Observable<MarketData>): this {
    this.assertRecording();
    // A DataClient has a subscribe() of its own (to a kind of data): its events are what to record.
    const events = isObservable((source as DataClient | undefined)?.events) ? (source as DataClient).events : source;
    if (!isObservable(events)) throw new StateError('recorder: attach() takes a DataClient or an Observable of market data');
    this.subscriptions.push(
      events.subscribe({
        next: (event) => {
          if (this.state === 'recording' && this.failure === undefined) this.record(event);
        },
        error: (error: unknown) => this.safeEmit('error', error instanceof Error ? error : new Error(String(error))),
      }),
    );
    return this;
  }

  /**
   * Records one event. Returns at once: the event is validated, checked against what was written and
   * what was recently seen, appended to the spool (when there is one) and buffered; a rotation that is
   * due starts a catalog write in the background.
   *
   * @throws StateError before `start()` resolved, after `stop()`, or once recording stopped on a full buffer.
   * @example
   * ```ts
   * recorder.record({ type: 'Trade', instrumentId: btc.id, ts: Date.now(), price: 64_000.5, size: 0.01, aggressor: 'BUYER', tradeId: '1' });
   * ```
   */
  record(event: MarketData): void {
    this.assertRecording();
    this.counts.received++;
    const invalid = invalidity(event);
    if (invalid !== undefined) return this.drop('invalid', event, invalid);
    const key = seriesKey(dataTypeOf(event), event.instrumentId);
    let series = this.series.get(key);
    if (series === undefined) this.series.set(key, (series = { newest: -Infinity, watermark: -Infinity }));
    if (event.ts < series.watermark) return this.drop('late', event, `${event.type} of ${event.instrumentId} at ${new Date(event.ts).toISOString()} is older than what was written (up to ${new Date(series.watermark - 1).toISOString()})`);
    const window = this.config.dedupeWindow;
    const byKey = event.type === 'Bar' || (event.type === 'Trade' && event.tradeId !== '');
    const encoded = this.spool !== undefined || (window > 0 && !byKey) ? encodeEvent(event) : '';
    if (window > 0) {
      const fp = fingerprint(event, encoded);
      if (this.seen.has(fp)) return this.drop('duplicate', event, `${event.type} of ${event.instrumentId} at ${new Date(event.ts).toISOString()} was already received`);
      this.remember(fp);
    }
    if (this.pending.length - this.head >= this.config.bufferLimit) {
      if (this.config.onBufferFull === 'error') {
        this.drop('overflow', event, 'the buffer is full');
        this.fail(new RecorderBufferFullError(this.config.bufferLimit));
        return;
      }
      const oldest = this.pending[this.head]!;
      this.head++;
      this.spool?.drop(oldest.seq);
      this.drop('overflow', oldest.event, `the buffer is full (${this.config.bufferLimit} events wait for the catalog): dropped the oldest`);
      if (this.head > 1024 && this.head * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.head);
        this.head = 0;
      }
    }
    const seq = this.nextSeq++;
    this.spool?.append(seq, encoded);
    this.pending.push({ seq, event, key });
    if (event.ts > series.newest) series.newest = event.ts;
    if (++this.sinceRotation === 1) {
      this.ageTimer = this.clock.setTimer(this.clock.now() + this.config.rotation.maxAgeMs, () => this.rotate());
    }
    if (this.sinceRotation >= this.config.rotation.maxEvents) this.rotate();
  }

  /** The recorder's counts so far. */
  stats(): RecorderStats {
    return {
      ...this.counts,
      buffered: this.pending.length - this.head,
      inFlight: this.inFlight,
      dropped: { ...this.dropped },
      spoolSyncs: this.spool?.syncs ?? 0,
    };
  }

  /**
   * Stops recording: leaves the sources, waits for the write being made, writes every event held
   * (those kept back for lateness included), syncs and removes the spool, and resolves with the counts.
   * Rejects when that last write fails (the spool keeps its events for the next `start()`) or when
   * recording had stopped on a full buffer (after writing what was held). Calling it again returns
   * the same Promise.
   *
   * @example
   * ```ts
   * const { written, dropped } = await recorder.stop();
   * ```
   */
  stop(): Promise<RecorderStats> {
    this.stopped ??= this.stopNow();
    return this.stopped;
  }

  private async stopNow(): Promise<RecorderStats> {
    if (this.state === 'new' || this.state === 'stopped') {
      this.state = 'stopped';
      return this.stats();
    }
    if (this.state === 'starting') await this.starting;
    if ((this.state as string) === 'stopped') return this.stats();
    this.state = 'stopping';
    this.detach();
    this.clearAgeTimer();
    this.due = false;
    if (this.writing !== undefined) await this.writing;
    this.lastWriteError = undefined;
    if (this.pending.length - this.head > 0) {
      this.startWrite(true);
      await this.writing;
    }
    const error = this.lastWriteError;
    this.spool?.close();
    this.state = 'stopped';
    if (error !== undefined) throw error;
    if (this.failure !== undefined) throw this.failure;
    return this.stats();
  }

  private assertRecording(): void {
    if (this.state === 'recording') {
      if (this.failure !== undefined) throw new StateError(`recorder: recording stopped: ${this.failure.message}`);
      return;
    }
    throw new StateError(this.state === 'new' || this.state === 'starting' ? 'recorder: call start() and wait for it first' : 'recorder: stopped');
  }

  private detach(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }

  private clearAgeTimer(): void {
    this.ageTimer?.cancel();
    this.ageTimer = undefined;
  }

  private fail(error: Error): void {
    this.failure = error;
    this.detach();
    this.clearAgeTimer();
    this.logger.error(`recorder: ${error.message}`);
    this.safeEmit('error', error);
  }

  private drop(reason: DropReason, event: unknown, why: string): void {
    const count = ++this.dropped[reason];
    // The first drop of each reason is logged with its event; later ones are summed up at each rotation.
    if (count === 1) this.logger.warn(`recorder: dropped an event (${reason}): ${why}`, { reason });
    else this.unlogged[reason]++;
    this.safeEmit('dropped', { reason, event, count });
  }

  private rotate(): void {
    this.clearAgeTimer();
    this.sinceRotation = 0;
    if (this.state !== 'recording' || this.failure !== undefined) return;
    if (this.writing !== undefined) {
      this.due = true;
      return;
    }
    this.startWrite(false);
  }

  /** Hands the events that are ready (all of them when `final`) to one catalog write. */
  private startWrite(final: boolean): void {
    this.logDrops();
    const lateness = this.config.latenessMs;
    for (const s of this.series.values()) s.watermark = Math.max(s.watermark, final ? s.newest + 1 : s.newest - lateness);
    const batch: Entry[] = [];
    const keep: Entry[] = [];
    for (let i = this.head; i < this.pending.length; i++) {
      const e = this.pending[i]!;
      (e.event.ts < this.series.get(e.key)!.watermark ? batch : keep).push(e);
    }
    this.pending = keep;
    this.head = 0;
    if (batch.length === 0) return;
    let files = this.carried;
    this.carried = [];
    if (this.spool !== undefined && this.currentFile !== undefined) {
      // The events kept back go to the next file too, under the same numbers: recovery keeps each once.
      this.spool.end();
      files = [...files, this.currentFile];
      this.currentFile = undefined;
      if (!final) {
        this.currentFile = this.spool.begin(++this.fileNo);
        for (const e of keep) this.spool.append(e.seq, encodeEvent(e.event));
      }
    }
    const { events, duplicates } = prepare(batch);
    for (const d of duplicates) this.drop('duplicate', d, `a second Bar of ${d.instrumentId} at ${new Date(d.ts).toISOString()}`);
    this.inFlight = batch.length;
    const held = keep.length;
    const t0 = performance.now();
    this.writing = this.catalog.write(events).then(
      (counts) => {
        this.counts.rotations++;
        this.counts.written += counts.rows;
        try {
          this.spool?.remove(files);
        } catch (error) {
          // The events are in the catalog: a spool file left behind is skipped by the next recovery.
          this.logger.warn(`recorder: could not remove spool files: ${(error as Error).message}`);
        }
        this.afterWrite();
        this.safeEmit('rotated', { rotation: this.counts.rotations, rows: counts.rows, held, first: events[0]!.ts, last: events.at(-1)!.ts, ms: performance.now() - t0 });
      },
      (error: unknown) => {
        // The events stay (and so do their spool files) for the next rotation to write.
        this.counts.failedWrites++;
        this.lastWriteError = error;
        this.carried = [...files, ...this.carried];
        this.pending = [...batch, ...this.pending.slice(this.head)];
        this.head = 0;
        this.afterWrite();
        const e = error instanceof Error ? error : new Error(String(error));
        this.logger.warn(`recorder: a catalog write of ${batch.length} events failed; they are kept for the next rotation: ${e.message}`);
        this.safeEmit('error', e);
      },
    ).catch((error: unknown) => {
      // Only the bookkeeping after a write can get here (the spool's next file could not be made).
      this.lastWriteError = error;
      this.safeEmit('error', error instanceof Error ? error : new Error(String(error)));
    });
  }

  private afterWrite(): void {
    this.inFlight = 0;
    this.writing = undefined;
    if (this.due && this.state === 'recording') {
      this.due = false;
      this.startWrite(false);
    }
  }

  private logDrops(): void {
    const parts = (Object.keys(this.unlogged) as DropReason[]).filter((r) => this.unlogged[r] > 0).map((r) => `${r} ${this.unlogged[r]}`);
    if (parts.length === 0) return;
    this.logger.warn(`recorder: dropped events since the last rotation: ${parts.join(', ')}`, { ...this.unlogged });
    for (const r of Object.keys(this.unlogged) as DropReason[]) this.unlogged[r] = 0;
  }

  /** Emits without letting a listener's exception break the recorder's state (it is logged). */
  private safeEmit<K extends keyof RecorderEvents>(name: K, ...args: Parameters<RecorderEvents[K]>): void {
    try {
      (this.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
    } catch (error) {
      this.logger.error(`recorder: a '${name}' listener threw: ${(error as Error).message}`);
    }
  }
}
