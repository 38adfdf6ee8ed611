/**
 * The recorder's spool: one append-only text file per rotation in a folder, holding every event until
 * the catalog write that contains it has succeeded. A line is `E <seq> <event as JSON>` (an event, with
 * the recorder's sequence number) or `D <seq>` (that event was dropped to make room). An event kept
 * back for the next rotation is written again to the next file under the same number, so recovery
 * reads every file, keeps each number once and leaves out the dropped ones. `-0` is written as `"-0"`
 * (JSON has no negative zero), so numbers come back bit for bit. A folder holds a `LOCK` file with the
 * process id of the recorder using it.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { marketDataIssue, StateError, type MarketData } from '@rxtrade/core';
import { SpoolCorruptionError } from './recorder-errors';
import type { SpoolFsync } from './recorder-config';

const FILE = /^(\d{12})\.spool$/;
const STRING_KEYS: ReadonlySet<string> = new Set(['type', 'instrumentId', 'aggressor', 'tradeId']);

/** An event as it is written to the spool (and compared to recognize one sent again). */
export function encodeEvent(event: MarketData): string {
  return JSON.stringify(event, (_key, v: unknown) => (Object.is(v, -0) ? '-0' : v));
}

/** The event of {@link encodeEvent}'s text. */
export function decodeEvent(text: string): unknown {
  return JSON.parse(text, (key, v: unknown) => (v === '-0' && !STRING_KEYS.has(key) ? -0 : v));
}

/** One event read back from the spool. */
export interface SpooledEvent {
  readonly seq: number;
  readonly event: MarketData;
}

/** What a crashed recorder left in its spool. */
export interface SpoolLeftovers {
  /** The files, oldest first, absolute paths. */
  readonly files: readonly string[];
  /** Their events, each sequence number once, dropped ones left out, in sequence order. */
  readonly events: readonly SpooledEvent[];
  /** Last lines cut short by the crash (ignored). */
  readonly torn: number;
  /** The highest sequence number and file number seen (-1 when none). */
  readonly maxSeq: number;
  readonly maxFile: number;
}

/** Makes a folder's entries (created and removed files) durable. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The spool folder of one recorder: its lock, the file being appended to, and recovery. */
export class RecorderSpool {
  private fd: number | undefined;
  private dirty = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  /** Syncs made, for tests and stats. */
  syncs = 0;

  private constructor(
    readonly dir: string,
    private readonly fsync: SpoolFsync,
    private readonly intervalMs: number,
  ) {}

  /**
   * Opens (creates) the folder and takes its lock: a `LOCK` file naming this process. A lock left by a
   * process that no longer runs is taken over; one held by a running process is a `StateError`.
   */
  static open(dir: string, fsync: SpoolFsync, intervalMs: number): RecorderSpool {
    const root = resolve(dir);
    mkdirSync(root, { recursive: true });
    const lock = join(root, 'LOCK');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new StateError(`spool ${root} is in use by process ${pid}${pid === process.pid ? ' (this one: stop the other recorder first)' : ''}`);
    }
    writeFileSync(lock, `${process.pid}\n`);
    return new RecorderSpool(root, fsync, intervalMs);
  }

  /** Reads what earlier recorders left: every `*.spool` file, oldest first. */
  leftovers(): SpoolLeftovers {
    const names = readdirSync(this.dir)
      .filter((n) => FILE.test(n))
      .sort();
    const events = new Map<number, MarketData>();
    const dropped = new Set<number>();
    let torn = 0;
    let maxSeq = -1;
    for (const name of names) {
      const file = join(this.dir, name);
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      // A file that does not end with a newline ends with a line the crash cut short.
      const last = lines.pop()!;
      if (last.length > 0) torn++;
      lines.forEach((line, i) => {
        const bad = (reason: string): never => {
          throw new SpoolCorruptionError(file, i + 1, reason);
        };
        const m = /^([ED]) (\d+)(?: (.*))?$/.exec(line);
        if (m === null) bad('expected "E <seq> <event>" or "D <seq>"');
        const seq = Number(m![2]);
        if (!Number.isSafeInteger(seq)) bad(`sequence ${m![2]} is not a safe integer`);
        maxSeq = Math.max(maxSeq, seq);
        if (m![1] === 'D') {
          dropped.add(seq);
          return;
        }
        let event: unknown;
        try {
          event = decodeEvent(m![3] ?? '');
        } catch (error) {
          bad(`the event is not JSON (${(error as Error).message})`);
        }
        const issue = marketDataIssue(event);
        if (issue !== undefined) bad(`the event is not valid market data: ${[...issue.path].join('.')}${issue.path.length > 0 ? ': ' : ''}${issue.message}`);
        events.set(seq, event as MarketData);
      });
    }
    const out: SpooledEvent[] = [];
    for (const [seq, event] of events) if (!dropped.has(seq)) out.push({ seq, event });
    out.sort((a, b) => a.seq - b.seq);
    const maxFile = names.length === 0 ? -1 : Number(FILE.exec(names.at(-1)!)![1]);
    return { files: names.map((n) => join(this.dir, n)), events: out, torn, maxSeq, maxFile };
  }

  /** Starts file `n` (the previous one must have been ended): later appends go there. */
  begin(n: number): string {
    if (this.closed) throw new StateError(`spool ${this.dir} is closed`);
    const file = join(this.dir, `${String(n).padStart(12, '0')}.spool`);
    this.fd = openSync(file, 'a');
    if (this.fsync !== 'never') fsyncDir(this.dir);
    if (this.fsync === 'interval' && this.timer === undefined) {
      this.timer = setInterval(() => this.sync(), this.intervalMs);
      this.timer.unref();
    }
    return file;
  }

  /** Appends an event (its {@link encodeEvent} text) under its sequence number. */
  append(seq: number, encoded: string): void {
    this.write(`E ${seq} ${encoded}\n`);
  }

  /** Records that event `seq` was dropped. */
  drop(seq: number): void {
    this.write(`D ${seq}\n`);
  }

  /** Syncs the current file when anything was appended since the last sync. */
  sync(): void {
    if (this.fd === undefined || !this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
    this.syncs++;
  }

  /** Ends the current file: synced (unless `fsync: 'never'`) and closed. */
  end(): void {
    if (this.fd === undefined) return;
    if (this.fsync !== 'never') this.sync();
    closeSync(this.fd);
    this.fd = undefined;
    this.dirty = false;
  }

  /** Removes files whose events are all in the catalog. */
  remove(files: readonly string[]): void {
    if (files.length === 0) return;
    for (const f of files) unlinkSync(f);
    if (this.fsync !== 'never') fsyncDir(this.dir);
  }

  /** Ends the current file, stops the sync timer and releases the lock. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.end();
    const lock = join(this.dir, 'LOCK');
    if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(process.pid)) unlinkSync(lock);
  }

  private write(line: string): void {
    if (this.fd === undefined) throw new StateError(`spool ${this.dir}: no file is open`);
    const bytes = Buffer.from(line);
    for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off);
    this.dirty = true;
    if (this.fsync === 'always') this.sync();
  }
}
