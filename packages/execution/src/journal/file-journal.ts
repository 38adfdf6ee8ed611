/**
 * The live node's local journal: an append-only log of records in segment files, one directory per
 * journal, with atomic snapshots and a single-writer lock. Everything the node does is appended (and,
 * with `fsync: 'always'` or `'batch'`, made durable) before it acts, so that after a crash its state is
 * rebuilt by replaying the journal through the same order manager and ledger. The byte layout is in
 * `frame.ts` and `snapshot-file.ts`; the rules are in docs/journal.md.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { StateError, ValidationError, parseWith } from '@rxtrade/core';
import { decodeJournalRecord, journalEntryJson, type JournalEntry, type JournalRecord } from './journal-codec';
import { JournalCorruptionError, JournalWriteError } from './journal-errors';
import type { Journal } from './journal';
import { nodeJournalFs, type JournalFs } from './journal-fs';
import { acquireJournalLock, type JournalLock } from './journal-lock';
import { decodeSegmentHeader, encodeSegmentHeader, FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, writeFrame } from './frame';
import { SegmentReader, validFrameAfter } from './segment-reader';
import { fsyncDir, readSnapshotFile, snapshotName, snapshotSeqOf, SNAPSHOT_TEMP_SUFFIX, writeFileAtomically, encodeSnapshot } from './snapshot-file';

/**
 * When an append counts as done.
 *
 * - `always`: each record is written and `fdatasync`ed on its own before its `append` resolves. A
 *   resolved append survives a process crash, a kernel crash and a power cut (on storage that honours
 *   flushes). One fsync per record.
 * - `batch`: group commit. Appends that arrive while a write is being synced, or within
 *   `batchWindowMs` of the first of a group, are written together and synced once; each resolves after
 *   that sync. The same guarantee as `always` for every resolved append, far fewer fsyncs under
 *   concurrent appends; a lone append waits up to `batchWindowMs` longer.
 * - `never`: an append resolves once the bytes are handed to the operating system (`write(2)`
 *   returned). A resolved append survives a crash of the process (SIGKILL, an exception) but not a
 *   kernel crash or a power cut; the journal syncs only when it rolls a segment, writes a snapshot,
 *   on `flush()` and on `close()`.
 *
 * @example
 * ```ts
 * const journal = await FileJournal.open({ dir, fsync: FsyncPolicy.BATCH, batchWindowMs: 2 });
 * ```
 */
export const FsyncPolicy = { ALWAYS: 'always', BATCH: 'batch', NEVER: 'never' } as const;
export type FsyncPolicy = (typeof FsyncPolicy)[keyof typeof FsyncPolicy];

/**
 * Schema of {@link FileJournalConfig}: strict, so a misspelled option is an error.
 *
 * @example
 * ```ts
 * parseWith(FileJournalConfigSchema, { dir: '/var/lib/node/journal', fsync: 'batch', batchWindowMs: 2 }, 'journal');
 * ```
 */
export const FileJournalConfigSchema = z
  .strictObject({
    /** Directory of the journal (created when missing, unless `readOnly`). */
    dir: z.string().min(1),
    /** Durability of each append; see {@link FsyncPolicy}. */
    fsync: z.enum(FsyncPolicy).default('always'),
    /** `batch` only: how long the first append of a group waits for others, in ms (default 0: only appends that arrive during a sync, or in the same tick, are grouped). */
    batchWindowMs: z.number().min(0).max(1000).optional(),
    /** A segment is closed and a new one started when the next record would take it past this size (default 64 MiB). */
    segmentBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
    /** Largest record body accepted, in bytes (default 16 MiB). */
    maxRecordBytes: z.number().int().min(64).max(0xffffffff).default(16 * 1024 * 1024),
    /** Open for reading only: no lock, no repair (a torn tail is reported and left as it is), no appends. */
    readOnly: z.boolean().default(false),
    /** The file system calls (tests count fsyncs or cut writes short through it); Node's `fs` by default. */
    fs: z.custom<JournalFs>((v) => typeof v === 'object' && v !== null && typeof (v as JournalFs).fdatasync === 'function', 'must be a JournalFs').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.batchWindowMs !== undefined && c.fsync !== 'batch') ctx.addIssue({ code: 'custom', path: ['batchWindowMs'], message: `only applies to fsync 'batch', not '${c.fsync}'` });
  });
/**
 * Configuration of {@link FileJournal.open}.
 *
 * @example
 * ```ts
 * const config: FileJournalConfig = { dir: '/var/lib/node/journal', fsync: 'always', segmentBytes: 64 * 1024 * 1024 };
 * ```
 */
export type FileJournalConfig = z.input<typeof FileJournalConfigSchema>;

/**
 * A tail cut off by recovery: the bytes an interrupted write left behind.
 *
 * @example
 * ```ts
 * const torn = journal.recovery.tornTail; // { file, offset: 4120, bytes: 57, reason: 'incomplete frame (…)', truncated: true }
 * ```
 */
export interface TornTail {
  readonly file: string;
  /** Offset where the incomplete frame began (the file's new length). */
  readonly offset: number;
  /** Bytes removed (or, read-only, ignored). */
  readonly bytes: number;
  readonly reason: string;
  /** False when the journal was opened read-only: the bytes were left in place. */
  readonly truncated: boolean;
}

/**
 * What {@link FileJournal.open} found and repaired.
 *
 * @example
 * ```ts
 * const { lastSeq, tornTail, lockTakenOverFrom } = journal.recovery;
 * ```
 */
export interface JournalRecovery {
  /** Sequence number of the last complete record (0 for an empty journal). */
  readonly lastSeq: number;
  /** Sequence number of the first record still stored (records before it were pruned). */
  readonly firstSeq: number;
  readonly segments: number;
  /** Sequence number of the newest snapshot file, if any. */
  readonly snapshotSeq: number | undefined;
  /** The torn tail found at the end of the last segment, if any. */
  readonly tornTail: TornTail | undefined;
  /** Temporary snapshot files of an interrupted `writeSnapshot`, deleted. */
  readonly removedTempFiles: readonly string[];
  /** PID of a dead process whose lock was taken over. */
  readonly lockTakenOverFrom: number | undefined;
}

/**
 * A snapshot read back: the state as JSON (parse it with your own schema) and the last record it includes.
 *
 * @example
 * ```ts
 * const snapshot = await journal.latestSnapshot(); // { seq: 150, state: { … } }
 * ```
 */
export interface JournalSnapshot {
  readonly seq: number;
  readonly state: unknown;
}

/**
 * What {@link FileJournal.prune} deleted.
 *
 * @example
 * ```ts
 * const { removedSegments, firstSeq } = await journal.prune();
 * ```
 */
export interface PruneResult {
  readonly removedSegments: readonly string[];
  readonly removedSnapshots: readonly string[];
  /** The first sequence number still stored. */
  readonly firstSeq: number;
}

interface Segment {
  readonly firstSeq: number;
  readonly file: string;
}

interface Pending {
  readonly seq: number;
  /** Where the frame is in the staging buffer it was appended to, and its length. */
  readonly start: number;
  readonly length: number;
  /** Whether the append waits for the policy's sync (false: written, made durable by the next sync). */
  readonly durable: boolean;
  readonly resolve: (seq: number) => void;
  readonly reject: (e: unknown) => void;
}

const SEGMENT_NAME = /^seg-(\d{20})\.rxj$/;
const segmentName = (firstSeq: number): string => `seg-${String(firstSeq).padStart(20, '0')}.rxj`;

/**
 * An append-only journal of {@link JournalRecord}s in a directory: length-prefixed, checksummed frames
 * in segment files, snapshots written atomically, one writer at a time.
 *
 * @example
 * ```ts
 * const journal = await FileJournal.open({ dir: '/var/lib/mynode/journal', fsync: 'always' });
 * const seq = await journal.append({ ts: Date.now(), kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'n1' } });
 * for await (const record of journal.replay()) console.log(record.seq, record.kind);
 * await journal.close();
 * ```
 */
/** Initial size of a staging buffer; one that grew past {@link STAGE_KEEP_BYTES} in a burst is not kept. */
const STAGE_BYTES = 64 * 1024;
const STAGE_KEEP_BYTES = 4 * 2 ** 20;

export class FileJournal implements Journal {
  private readonly queue: Pending[] = [];
  /**
   * Appends encode their frames into `stage`, one after the other; the writer takes the whole buffer
   * (and the queue) and hands back the other one, which it wrote before. Two buffers, reused: no
   * allocation per record, so a long session does not churn the allocator with millions of small
   * buffers (and their native memory) that V8 frees only at its next collection.
   */
  private stage: Buffer = Buffer.allocUnsafe(STAGE_BYTES);
  private stageLength = 0;
  private spare: Buffer | undefined = Buffer.allocUnsafe(STAGE_BYTES);
  private pumping = false;
  private idleWaiters: (() => void)[] = [];
  private failed: Error | undefined;
  private closed = false;
  private replays = 0;
  /** Last sequence number handed out by `append`. */
  private assignedSeq: number;
  /** Last sequence number whose bytes are written (readable, and durable per the policy). */
  private writtenSeq: number;
  private activeFd: number | undefined;
  private activeSize: number;
  private syncs = 0;

  private constructor(
    private readonly config: z.output<typeof FileJournalConfigSchema>,
    private readonly fs: JournalFs,
    private readonly segments: Segment[],
    lastSeq: number,
    activeFd: number | undefined,
    activeSize: number,
    private readonly lock: JournalLock | undefined,
    /** What open found and repaired. */
    readonly recovery: JournalRecovery,
  ) {
    this.assignedSeq = lastSeq;
    this.writtenSeq = lastSeq;
    this.activeFd = activeFd;
    this.activeSize = activeSize;
  }

  /**
   * Opens (creating when needed) the journal in `config.dir` and recovers it: takes the lock, deletes
   * temporary files of an interrupted snapshot, checks every segment header and every frame of the last
   * segment, and truncates a torn tail (reported in {@link FileJournal.recovery}). Damage anywhere else
   * is a {@link JournalCorruptionError} naming the file and byte offset.
   *
   * @example
   * ```ts
   * const journal = await FileJournal.open({ dir });
   * if (journal.recovery.tornTail) console.warn('cut off an interrupted write', journal.recovery.tornTail);
   * ```
   */
  static async open(config: FileJournalConfig): Promise<FileJournal> {
    const c = parseWith(FileJournalConfigSchema, config, 'journal');
    const fs = c.fs ?? nodeJournalFs;
    const dir = c.dir;
    if (!c.readOnly) await fs.mkdir(dir);
    const lock = c.readOnly ? undefined : acquireJournalLock(dir);
    for (let attempt = 1; ; attempt++) {
      try {
        return await FileJournal.recover(c, fs, lock);
      } catch (e) {
        // A reader racing a live writer can catch a frame half copied while the frame after it is
        // already complete: look again before calling it corruption.
        if (c.readOnly && e instanceof JournalCorruptionError && attempt < 3) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        lock?.release();
        throw e;
      }
    }
  }

  private static async recover(c: z.output<typeof FileJournalConfigSchema>, fs: JournalFs, lock: JournalLock | undefined): Promise<FileJournal> {
    const dir = c.dir;
    const names = await fs.readdir(dir);
    const removedTempFiles: string[] = [];
    if (!c.readOnly) {
      for (const name of names.filter((n) => n.endsWith(SNAPSHOT_TEMP_SUFFIX))) {
        await fs.unlink(path.join(dir, name));
        removedTempFiles.push(name);
      }
    }
    const snapshotSeqs = names.map(snapshotSeqOf).filter((s): s is number => s !== undefined);
    const snapshotSeq = snapshotSeqs.length ? Math.max(...snapshotSeqs) : undefined;
    const segments: Segment[] = names
      .map((n) => ({ m: SEGMENT_NAME.exec(n), n }))
      .filter((x): x is { m: RegExpExecArray; n: string } => x.m !== null)
      .map((x) => ({ firstSeq: Number(x.m[1]), file: path.join(dir, x.n) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);

    const base = { segments: 0, snapshotSeq, removedTempFiles, lockTakenOverFrom: lock?.takenOverFrom };
    if (segments.length === 0) {
      const firstSeq = (snapshotSeq ?? 0) + 1;
      if (c.readOnly) return new FileJournal(c, fs, segments, firstSeq - 1, undefined, 0, lock, { ...base, lastSeq: firstSeq - 1, firstSeq, tornTail: undefined });
      const seg = { firstSeq, file: path.join(dir, segmentName(firstSeq)) };
      const fd = await FileJournal.createSegment(fs, dir, seg.file, firstSeq);
      segments.push(seg);
      return new FileJournal(c, fs, segments, firstSeq - 1, fd, SEGMENT_HEADER_BYTES, lock, { ...base, segments: 1, lastSeq: firstSeq - 1, firstSeq, tornTail: undefined });
    }

    const first = segments[0]!;
    if (first.firstSeq > (snapshotSeq ?? 0) + 1) {
      throw new JournalCorruptionError(first.file, 0, `the journal starts at record ${first.firstSeq} but ${snapshotSeq === undefined ? 'there is no snapshot' : `the newest snapshot ends at ${snapshotSeq}`}: records are missing`);
    }
    // Sealed segments: header checks only (their frames are checked as they are replayed).
    for (let i = 0; i < segments.length - 1; i++) await FileJournal.checkHeader(fs, segments[i]!);

    const last = segments[segments.length - 1]!;
    const fd = await fs.open(last.file, c.readOnly ? 'r' : 'r+');
    try {
      let size = await fs.fileSize(fd);
      let tornTail: TornTail | undefined;
      const headerBytes = Buffer.alloc(SEGMENT_HEADER_BYTES);
      const got = size >= SEGMENT_HEADER_BYTES ? await fs.read(fd, headerBytes, 0, SEGMENT_HEADER_BYTES, 0) : 0;
      const header = got === SEGMENT_HEADER_BYTES ? decodeSegmentHeader(headerBytes) : undefined;
      if (header === undefined || 'problem' in header) {
        // A segment is created with its header written and synced before any frame: a short or zeroed
        // header with nothing after it is a crash during creation, anything else is damage.
        const allZero = header !== undefined && headerBytes.every((b) => b === 0) && size === SEGMENT_HEADER_BYTES;
        if (header !== undefined && !allZero) throw new JournalCorruptionError(last.file, 0, header.problem);
        tornTail = { file: last.file, offset: 0, bytes: size, reason: 'incomplete segment header', truncated: !c.readOnly };
        if (!c.readOnly) {
          await fs.ftruncate(fd, 0);
          await fs.write(fd, encodeSegmentHeader(last.firstSeq), 0, SEGMENT_HEADER_BYTES, 0);
          await fs.fsync(fd);
        }
        size = SEGMENT_HEADER_BYTES;
      } else if (header.firstSeq !== last.firstSeq) {
        throw new JournalCorruptionError(last.file, 12, `header says the first record is ${header.firstSeq}, the file name says ${last.firstSeq}`);
      }

      let expected = last.firstSeq;
      let end = size;
      if (tornTail === undefined) {
        const reader = new SegmentReader(fs, fd, SEGMENT_HEADER_BYTES, size, c.maxRecordBytes);
        for (;;) {
          const item = await reader.next();
          if (item.type === 'end') break;
          if (item.type === 'frame') {
            if (item.seq !== expected) throw new JournalCorruptionError(last.file, item.offset, `record ${item.seq} where ${expected} was expected`);
            expected++;
            continue;
          }
          if (await validFrameAfter(fs, fd, item.offset, size, c.maxRecordBytes)) throw new JournalCorruptionError(last.file, item.offset, `${item.reason}, followed by valid records`);
          tornTail = { file: last.file, offset: item.offset, bytes: size - item.offset, reason: item.reason, truncated: !c.readOnly };
          end = item.offset;
          if (!c.readOnly) {
            await fs.ftruncate(fd, item.offset);
            await fs.fdatasync(fd);
          }
          break;
        }
      }
      const lastSeq = expected - 1;
      if (lastSeq < (snapshotSeq ?? 0)) {
        throw new JournalCorruptionError(last.file, end, `the journal ends at record ${lastSeq} but a snapshot includes records up to ${snapshotSeq}`);
      }
      const recovery: JournalRecovery = { ...base, segments: segments.length, lastSeq, firstSeq: first.firstSeq, tornTail };
      if (c.readOnly) {
        await fs.close(fd);
        return new FileJournal(c, fs, segments, lastSeq, undefined, end, lock, recovery);
      }
      return new FileJournal(c, fs, segments, lastSeq, fd, end, lock, recovery);
    } catch (e) {
      await fs.close(fd).catch(() => undefined);
      throw e;
    }
  }

  private static async checkHeader(fs: JournalFs, seg: Segment): Promise<void> {
    const fd = await fs.open(seg.file, 'r');
    try {
      const b = Buffer.alloc(SEGMENT_HEADER_BYTES);
      const got = await fs.read(fd, b, 0, SEGMENT_HEADER_BYTES, 0);
      const header = decodeSegmentHeader(b.subarray(0, got));
      if ('problem' in header) throw new JournalCorruptionError(seg.file, 0, header.problem);
      if (header.firstSeq !== seg.firstSeq) throw new JournalCorruptionError(seg.file, 12, `header says the first record is ${header.firstSeq}, the file name says ${seg.firstSeq}`);
    } finally {
      await fs.close(fd);
    }
  }

  private static async createSegment(fs: JournalFs, dir: string, file: string, firstSeq: number): Promise<number> {
    const fd = await fs.open(file, 'wx');
    try {
      const header = encodeSegmentHeader(firstSeq);
      await fs.write(fd, header, 0, header.length, 0);
      await fs.fsync(fd);
      await fsyncDir(fs, dir);
      return fd;
    } catch (e) {
      await fs.close(fd).catch(() => undefined);
      throw e;
    }
  }

  /** Sequence number of the last record appended (handed out; it may still be on its way to disk). */
  get lastSeq(): number {
    return this.assignedSeq;
  }

  /** Sequence number of the first record still stored (1 unless segments were pruned). */
  get firstSeq(): number {
    return this.segments[0]?.firstSeq ?? this.recovery.firstSeq;
  }

  /** How many fsync/fdatasync calls appends have made so far (segment rolls included). */
  get syncCount(): number {
    return this.syncs;
  }

  /**
   * Appends a record and resolves with its sequence number once it is written as the `fsync` policy
   * says. Records are stored in the order of the calls, numbered 1, 2, 3, … without gaps. An entry that
   * fails validation is refused with a `ValidationError` (nothing is written); after a failed write
   * or sync every append fails with {@link JournalWriteError}.
   *
   * With `{ durable: false }` the record is written in its place in the order but not synced on its
   * own: it resolves once written, and becomes durable with the next sync (of a durable append, a
   * segment roll or {@link flush}). For records that may be lost in a power cut but must keep their
   * place among the others, such as recorded market data between commands.
   *
   * @example
   * ```ts
   * const seq = await journal.append({ ts: clock.now(), kind: 'command', payload: submitOrder });
   * venue.submit(submitOrder); // only now: the command is on disk
   * void journal.append({ ts: clock.now(), kind: 'marketData', payload: bar }, { durable: false });
   * ```
   */
  append(entry: JournalEntry, options: { readonly durable?: boolean } = {}): Promise<number> {
    if (this.config.readOnly) return Promise.reject(new StateError(`journal ${this.config.dir} was opened read-only`));
    if (this.closed) return Promise.reject(new StateError(`journal ${this.config.dir} is closed`));
    if (this.failed) return Promise.reject(this.failed);
    let json: string;
    try {
      json = journalEntryJson(entry);
    } catch (e) {
      return Promise.reject(e);
    }
    const bodyBytes = Buffer.byteLength(json, 'utf8');
    if (bodyBytes > this.config.maxRecordBytes) {
      return Promise.reject(new ValidationError([{ path: ['entry'], message: `encodes to ${bodyBytes} bytes, above maxRecordBytes ${this.config.maxRecordBytes}` }]));
    }
    const seq = ++this.assignedSeq;
    const start = this.stageLength;
    const needed = start + FRAME_HEADER_BYTES + bodyBytes;
    if (needed > this.stage.length) {
      // Only the buffer appends write into grows: the one being written is never touched.
      const grown = Buffer.allocUnsafe(Math.max(2 * this.stage.length, needed));
      this.stage.copy(grown, 0, 0, start);
      this.stage = grown;
    }
    const length = writeFrame(this.stage, start, seq, json, bodyBytes);
    this.stageLength = start + length;
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ seq, start, length, durable: options.durable !== false, resolve, reject });
      if (!this.pumping) {
        this.pumping = true;
        const wait = this.config.fsync === 'batch' ? (this.config.batchWindowMs ?? 0) : 0;
        // Start on a later turn so that appends made in the same tick join the first group.
        if (wait > 0) setTimeout(() => void this.pump(), wait);
        else setImmediate(() => void this.pump());
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Take every frame staged so far; appends made while it is written go to the other buffer.
        const buf = this.stage;
        const taken = this.queue.splice(0);
        this.stage = this.spare ?? Buffer.allocUnsafe(STAGE_BYTES);
        this.spare = undefined;
        this.stageLength = 0;
        let failed = false;
        while (taken.length > 0) {
          // 'always': one sync per durable record, so a group ends at the first durable one (the records
          // before it ride along on its sync); 'batch' and 'never': everything queued.
          const firstDurable = this.config.fsync === 'always' ? taken.findIndex((p) => p.durable) : -1;
          const items = taken.splice(0, firstDurable >= 0 ? firstDurable + 1 : taken.length);
          try {
            await this.writeItems(buf, items);
          } catch (e) {
            this.failed = new JournalWriteError(`journal ${this.config.dir}: writing records ${items[0]!.seq}..${items[items.length - 1]!.seq} failed; the journal accepts no more appends (close and reopen it)`, { cause: e });
            for (const p of [...items, ...taken.splice(0), ...this.queue.splice(0)]) p.reject(this.failed);
            failed = true;
            break;
          }
          for (const p of items) p.resolve(p.seq);
        }
        if (failed) break;
        // Written: the buffer is the next spare, unless a burst grew it far past the usual size.
        if (buf.length <= STAGE_KEEP_BYTES) this.spare = buf;
      }
    } finally {
      this.pumping = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Writes `items`, whose frames lie one after the other in `stage`. */
  private async writeItems(stage: Buffer, items: Pending[]): Promise<void> {
    let i = 0;
    while (i < items.length) {
      if (this.activeSize > SEGMENT_HEADER_BYTES && this.activeSize + items[i]!.length > this.config.segmentBytes) await this.roll(items[i]!.seq);
      let j = i;
      let bytes = 0;
      while (j < items.length && (j === i || this.activeSize + bytes + items[j]!.length <= this.config.segmentBytes)) bytes += items[j++]!.length;
      // Frames appended one after the other are contiguous: the group is one slice of the buffer.
      const from = items[i]!.start;
      const fd = this.activeFd!;
      let done = 0;
      while (done < bytes) done += await this.fs.write(fd, stage, from + done, bytes - done, this.activeSize + done);
      this.activeSize += bytes;
      // A sync makes every byte written before it durable, so one sync after the last durable record
      // of the group covers the group; a group of records that need none is only written.
      if (this.config.fsync !== 'never' && hasDurable(items, i, j)) {
        await this.fs.fdatasync(fd);
        this.syncs++;
      }
      this.writtenSeq = items[j - 1]!.seq;
      i = j;
    }
  }

  /** Seals the active segment (synced in every mode, so only the last segment can have a torn tail) and starts the next. */
  private async roll(firstSeq: number): Promise<void> {
    const fd = this.activeFd!;
    await this.fs.fdatasync(fd);
    this.syncs++;
    await this.fs.close(fd);
    this.activeFd = undefined;
    const seg = { firstSeq, file: path.join(this.config.dir, segmentName(firstSeq)) };
    this.activeFd = await FileJournal.createSegment(this.fs, this.config.dir, seg.file, firstSeq);
    this.syncs += 2;
    this.segments.push(seg);
    this.activeSize = SEGMENT_HEADER_BYTES;
  }

  private drain(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Waits for every append made so far to be written, then syncs the active segment: afterwards all of
   * them are durable whatever the policy (the way to make `fsync: 'never'` durable at a point you choose).
   *
   * @example
   * ```ts
   * await journal.flush();
   * ```
   */
  async flush(): Promise<void> {
    await this.drain();
    if (this.failed) throw this.failed;
    if (this.activeFd !== undefined && !this.config.readOnly) {
      await this.fs.fdatasync(this.activeFd);
      this.syncs++;
    }
  }

  /**
   * The records from `fromSeq` (default: the first stored) up to the last one written when the call
   * was made, in order, as an async iterable that reads the segments through a bounded buffer (memory
   * does not grow with the journal). Every frame's checksum and sequence number is checked; damage is a
   * {@link JournalCorruptionError} naming the file and byte offset.
   *
   * @example
   * ```ts
   * const snapshot = await journal.latestSnapshot();
   * for await (const record of journal.replay((snapshot?.seq ?? 0) + 1)) apply(record);
   * ```
   */
  async *replay(fromSeq: number = this.firstSeq): AsyncGenerator<JournalRecord, void, undefined> {
    if (!Number.isInteger(fromSeq) || fromSeq < 1) throw new ValidationError([{ path: ['fromSeq'], message: `must be an integer >= 1, got ${fromSeq}` }]);
    if (fromSeq < this.firstSeq) throw new StateError(`journal ${this.config.dir}: records before ${this.firstSeq} were pruned; replay from a snapshot (asked for ${fromSeq})`);
    const endSeq = this.writtenSeq;
    if (fromSeq > endSeq) return;
    const segments = this.segments.slice();
    const lastIndex = segments.length - 1;
    const lastEnd = this.activeSize;
    let index = 0;
    while (index < lastIndex && segments[index + 1]!.firstSeq <= fromSeq) index++;
    let expected = segments[index]!.firstSeq;
    this.replays++;
    try {
      for (let s = index; s <= lastIndex; s++) {
        const seg = segments[s]!;
        if (s === lastIndex && lastEnd <= SEGMENT_HEADER_BYTES) break; // a last segment with no record yet
        if (seg.firstSeq !== expected) throw new JournalCorruptionError(seg.file, 0, `segment starts at record ${seg.firstSeq} but the previous one ended at ${expected - 1}`);
        const fd = await this.fs.open(seg.file, 'r');
        try {
          const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
          const header = decodeSegmentHeader(head.subarray(0, await this.fs.read(fd, head, 0, SEGMENT_HEADER_BYTES, 0)));
          if ('problem' in header) throw new JournalCorruptionError(seg.file, 0, header.problem);
          const end = s === lastIndex ? lastEnd : await this.fs.fileSize(fd);
          const reader = new SegmentReader(this.fs, fd, SEGMENT_HEADER_BYTES, end, this.config.maxRecordBytes);
          for (;;) {
            const item = await reader.next();
            if (item.type === 'end') break;
            if (item.type === 'bad') throw new JournalCorruptionError(seg.file, item.offset, item.reason);
            if (item.seq !== expected) throw new JournalCorruptionError(seg.file, item.offset, `record ${item.seq} where ${expected} was expected`);
            expected++;
            if (item.seq < fromSeq) continue;
            let record: JournalRecord;
            try {
              record = decodeJournalRecord(item.seq, item.body);
            } catch (e) {
              throw new JournalCorruptionError(seg.file, item.offset, `record ${item.seq} does not decode: ${(e as Error).message}`, { cause: e });
            }
            yield record;
            if (item.seq >= endSeq) return;
          }
        } finally {
          await this.fs.close(fd);
        }
      }
      if (expected - 1 < endSeq) throw new JournalCorruptionError(segments[lastIndex]!.file, lastEnd, `the journal ends at record ${expected - 1}, expected ${endSeq}`);
    } finally {
      this.replays--;
    }
  }

  /**
   * Writes a snapshot of the state after record `seq` atomically (temporary file, fsync, rename, fsync
   * of the directory): a crash leaves the previous snapshot in place, never half of a new one. The
   * records up to `seq` are made durable first, so a snapshot never gets ahead of the journal. `state`
   * is stored as JSON (Decimals become their exact strings).
   *
   * @example
   * ```ts
   * await journal.writeSnapshot(journal.lastSeq, { positions, cash: cash.toString() });
   * ```
   */
  async writeSnapshot(seq: number, state: unknown): Promise<void> {
    if (this.config.readOnly) throw new StateError(`journal ${this.config.dir} was opened read-only`);
    if (this.closed) throw new StateError(`journal ${this.config.dir} is closed`);
    if (!Number.isInteger(seq) || seq < 1 || seq > this.assignedSeq) throw new ValidationError([{ path: ['seq'], message: `must be an integer in [1, ${this.assignedSeq}] (records appended so far), got ${seq}` }]);
    const json = JSON.stringify(state);
    if (json === undefined) throw new ValidationError([{ path: ['state'], message: 'must be JSON-serializable' }]);
    await this.flush();
    await writeFileAtomically(this.fs, this.config.dir, snapshotName(seq), encodeSnapshot(seq, Buffer.from(json, 'utf8')));
  }

  /**
   * The newest snapshot, checked (a damaged one is a {@link JournalCorruptionError}, never replaced by
   * an older one silently), or undefined when there is none.
   *
   * @example
   * ```ts
   * const snapshot = await journal.latestSnapshot(); // { seq, state } | undefined
   * ```
   */
  async latestSnapshot(): Promise<JournalSnapshot | undefined> {
    const seqs = (await this.fs.readdir(this.config.dir)).map(snapshotSeqOf).filter((s): s is number => s !== undefined);
    if (seqs.length === 0) return undefined;
    const seq = Math.max(...seqs);
    return readSnapshotFile(this.fs, path.join(this.config.dir, snapshotName(seq)), seq);
  }

  /**
   * Deletes the segments whose records are all included in the newest snapshot (never the segment
   * being written) and the older snapshots. The snapshot is read and checked first. Not allowed while a
   * replay is running.
   *
   * @example
   * ```ts
   * await journal.writeSnapshot(journal.lastSeq, state);
   * const { removedSegments } = await journal.prune();
   * ```
   */
  async prune(): Promise<PruneResult> {
    if (this.config.readOnly) throw new StateError(`journal ${this.config.dir} was opened read-only`);
    if (this.replays > 0) throw new StateError(`journal ${this.config.dir}: cannot prune while a replay is running`);
    const snapshot = await this.latestSnapshot();
    const removedSegments: string[] = [];
    const removedSnapshots: string[] = [];
    if (snapshot === undefined) return { removedSegments, removedSnapshots, firstSeq: this.firstSeq };
    while (this.segments.length > 1 && this.segments[1]!.firstSeq - 1 <= snapshot.seq) {
      const seg = this.segments.shift()!;
      await this.fs.unlink(seg.file);
      removedSegments.push(path.basename(seg.file));
    }
    for (const name of await this.fs.readdir(this.config.dir)) {
      const s = snapshotSeqOf(name);
      if (s !== undefined && s < snapshot.seq) {
        await this.fs.unlink(path.join(this.config.dir, name));
        removedSnapshots.push(name);
      }
    }
    if (removedSegments.length + removedSnapshots.length > 0) await fsyncDir(this.fs, this.config.dir);
    return { removedSegments, removedSnapshots, firstSeq: this.firstSeq };
  }

  /**
   * Waits for pending appends, syncs, closes the active segment and releases the lock. Appends after
   * `close` are refused. Calling it again does nothing.
   *
   * @example
   * ```ts
   * await journal.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    try {
      if (this.activeFd !== undefined) {
        const fd = this.activeFd;
        this.activeFd = undefined;
        try {
          if (!this.failed) await this.fs.fdatasync(fd);
        } finally {
          await this.fs.close(fd);
        }
      }
    } finally {
      this.lock?.release();
    }
  }
}

/** Whether any of `items[from..to)` waits for a sync. */
function hasDurable(items: readonly Pending[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (items[k]!.durable) return true;
  return false;
}
