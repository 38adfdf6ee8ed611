/**
 * The live node's journal in PostgreSQL: the same records, guarantees and replay as `FileJournal`, in
 * two tables a team can share and back up. Records are the execution journal's wire form (the payload
 * as its JSON, every Decimal an exact string) and go back through the same `decodeJournalRecord`.
 *
 * - Durable: an append resolves once the INSERT that holds it has committed with
 *   `synchronous_commit` on (raised to `on` for the session when the server's default is `off`).
 * - Group commit: appends queued while a commit is in flight are stored by one multi-row INSERT, which
 *   is one transaction: all of them or none. `{ durable: false }` appends (recorded market data) that
 *   are alone in a group are committed asynchronously: stored in their place, durable with the next
 *   synchronous commit, never waiting for a WAL flush of their own.
 * - One writer per journal name: a session advisory lock, held as long as the connection lives.
 * - A failed commit fails that group, every pending append and the journal (the outcome of an
 *   interrupted commit is unknown: open the journal again and reconcile, as after a crash).
 *
 * The rules are in docs/journal.md, "PostgreSQL".
 */
import type pg from 'pg';
import { z } from 'zod';
import { StateError, ValidationError, parseWith } from '@rxtrade/core';
import { JournalEntryWireSchema, JournalWriteError, decodeJournalRecord, type Journal, type JournalEntry, type JournalRecord, type JournalSnapshot } from '@rxtrade/execution';
import { errorText, redactor, urlPassword } from '../../postgres/pg-redaction';
import { PostgresJournalCorruptionError, PostgresJournalLockedError } from './postgres-journal-errors';

const identifier = (what: string, max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[a-z_][a-z0-9_]*$/, `must be a lower-case SQL identifier (letters, digits, _; not starting with a digit) for the ${what}`);

/**
 * Connection settings given field by field (the subset of node-postgres' `ClientConfig` a journal
 * needs). Strict: a misspelled option is an error.
 *
 * @example
 * ```ts
 * const client: PostgresClientConfig = { host: 'db.internal', port: 5432, user: 'rxtrade', password: process.env.PGPASSWORD, database: 'trading' };
 * ```
 */
export const PostgresClientConfigSchema = z.strictObject({
  /** Host name, IP address, or the directory of a unix socket. */
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  database: z.string().min(1).optional(),
  /** TLS: true, or node's `tls.connect` options. */
  ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  connectionTimeoutMillis: z.number().int().min(0).optional(),
  application_name: z.string().optional(),
  /** TCP keepalive, so that a dead server or network is noticed (default true). */
  keepAlive: z.boolean().optional(),
});
/** Connection settings of a {@link PostgresJournal}, field by field. @example `{ host: 'localhost', user: 'rxtrade', database: 'trading' }` */
export type PostgresClientConfig = z.input<typeof PostgresClientConfigSchema>;

/**
 * Schema of {@link PostgresJournalConfig}: strict (an unknown key is an error naming it), exactly one
 * of `connectionString` and `client`.
 *
 * @example
 * ```ts
 * parseWith(PostgresJournalConfigSchema, { connectionString: 'postgres://rxtrade@db/trading', name: 'node-1' }, 'journal.postgres');
 * ```
 */
export const PostgresJournalConfigSchema = z
  .strictObject({
    /** `postgres://user:password@host:port/database?…`; the password never appears in an error or log. */
    connectionString: z.string().min(1).optional(),
    /** Or the connection settings field by field. */
    client: PostgresClientConfigSchema.optional(),
    /** The journal's name: one node's journal. Many journals share the tables. */
    name: z.string().min(1).max(200),
    /** Schema of the tables (created when missing; default `rxtrade`). */
    schema: identifier('schema', 63).default('rxtrade'),
    /** Prefix of the table names: `<prefix>records` and `<prefix>snapshots` (default `journal_`). */
    tablePrefix: identifier('table prefix', 50).default('journal_'),
    /** Open for reading only: no lock, no tables created, no appends (replaying a session a node may still be writing). */
    readOnly: z.boolean().default(false),
    /** How long `open` waits for another session's lock before `JournalLockedError` (default 0: fail at once). */
    lockWaitMs: z.number().int().min(0).max(600_000).default(0),
    /** Records read per query during replay (default 1,000): memory is bounded by one page. */
    replayPageSize: z.number().int().min(1).max(100_000).default(1000),
    /** Most records stored by one INSERT (default 5,000); more queued appends take several commits. */
    maxBatchRecords: z.number().int().min(1).max(100_000).default(5000),
    /** Largest record payload accepted, in bytes of JSON (default 16 MiB). */
    maxRecordBytes: z.number().int().min(64).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    if ((c.connectionString === undefined) === (c.client === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.connectionString === undefined ? 'connectionString' : 'client'], message: 'give exactly one of connectionString and client' });
    }
  });
/**
 * Configuration of {@link PostgresJournal.open}.
 *
 * @example
 * ```ts
 * const config: PostgresJournalConfig = { connectionString: process.env.RXTRADE_JOURNAL_URL!, name: 'node-1', schema: 'trading' };
 * ```
 */
export type PostgresJournalConfig = z.input<typeof PostgresJournalConfigSchema>;
type Config = z.output<typeof PostgresJournalConfigSchema>;

/**
 * What {@link PostgresJournal.prune} deleted.
 *
 * @example
 * ```ts
 * const { removedRecords, firstSeq } = await journal.prune();
 * ```
 */
export interface PostgresPruneResult {
  readonly removedRecords: number;
  readonly removedSnapshots: number;
  /** The first sequence number still stored. */
  readonly firstSeq: number;
}

interface Pending {
  readonly seq: number;
  readonly ts: number;
  readonly kind: string;
  readonly payload: string;
  readonly durable: boolean;
  readonly resolve: (seq: number) => void;
  readonly reject: (e: unknown) => void;
}

const quote = (id: string): string => `"${id}"`;

/**
 * A {@link Journal} in a PostgreSQL database: one row per record, one per snapshot, one writer per
 * journal name (a session advisory lock), group commit.
 *
 * @example
 * ```ts
 * const journal = await PostgresJournal.open({ connectionString: 'postgres://rxtrade@localhost/trading', name: 'node-1' });
 * const seq = await journal.append({ ts: Date.now(), kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'node-1' } });
 * for await (const record of journal.replay()) console.log(record.seq, record.kind);
 * await journal.close();
 * ```
 */
export class PostgresJournal implements Journal {
  private readonly queue: Pending[] = [];
  private pumping = false;
  private idleWaiters: (() => void)[] = [];
  private failed: Error | undefined;
  private closed = false;
  private replays = 0;
  private assignedSeq: number;
  private committedSeq: number;
  private first: number;
  private commits = 0;
  /** Whether an asynchronous commit (of non-durable records only) happened since the last synchronous one. */
  private asyncCommits = false;
  /** Every use of the connection goes through this chain, so that a transaction never interleaves with another statement. */
  private serial: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly c: Config,
    private readonly client: pg.Client,
    private readonly redact: (text: string) => string,
    /** Where the journal is: server, table and name, never the password. */
    readonly location: string,
    lastSeq: number,
    firstSeq: number,
  ) {
    this.assignedSeq = lastSeq;
    this.committedSeq = lastSeq;
    this.first = firstSeq;
  }

  /**
   * Connects, creates the schema and tables when missing (not when `readOnly`), takes the journal's
   * advisory lock (a {@link PostgresJournalLockedError}, a `JournalLockedError`, when another session
   * holds it), and reads where the records begin and end. Records missing between the newest snapshot
   * and the first record, or a snapshot past the last record, are a `JournalCorruptionError`.
   *
   * @example
   * ```ts
   * const journal = await PostgresJournal.open({ client: { host: '/var/run/postgresql', database: 'trading' }, name: 'node-1', lockWaitMs: 5_000 });
   * ```
   */
  static async open(config: PostgresJournalConfig): Promise<PostgresJournal> {
    const c = parseWith(PostgresJournalConfigSchema, config, 'journal.postgres');
    const secrets: string[] = [];
    if (c.client?.password) secrets.push(c.client.password);
    const passwordInUrl = c.connectionString === undefined ? undefined : urlPassword(c.connectionString);
    if (passwordInUrl) secrets.push(passwordInUrl);
    let redact = redactor(secrets, c.connectionString);
    // Loaded here rather than when the package is imported: most nodes journal to files.
    const { default: postgres } = await import('pg');
    let client: pg.Client;
    try {
      client = new postgres.Client({ keepAlive: true, application_name: 'rxtrade-journal', ...(c.connectionString !== undefined ? { connectionString: c.connectionString } : c.client) });
    } catch (e) {
      throw new ValidationError([{ path: ['journal', 'postgres', 'connectionString'], message: `is not a valid connection string: ${redact(errorText(e))}` }]);
    }
    // The password may also come from PGPASSWORD or the URL's query: whatever the client resolved is never shown.
    const resolved = (client as unknown as { password?: unknown }).password;
    if (typeof resolved === 'string' && resolved.length > 0) redact = redactor([...secrets, resolved], c.connectionString);
    const records = `${quote(c.schema)}.${quote(`${c.tablePrefix}records`)}`;
    const location = `postgres://${client.user ?? ''}@${client.host ?? ''}:${client.port ?? ''}/${client.database ?? ''} ${c.schema}.${c.tablePrefix}records`;
    // An idle connection that drops is reported here; the journal is failed below once open.
    let journal: PostgresJournal | undefined;
    let lostBeforeOpen: Error | undefined;
    client.on('error', (e: Error) => {
      if (journal !== undefined) journal.lose(e);
      else lostBeforeOpen = e;
    });
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new JournalWriteError(`journal "${c.name}" (${location}): could not connect: ${redact(errorText(e))}`);
    }
    try {
      if ((await client.query<{ s: string }>(`SELECT current_setting('synchronous_commit') AS s`)).rows[0]!.s === 'off') await client.query('SET synchronous_commit = on');
      if (!c.readOnly) {
        await createTables(client, c);
        await lock(client, c, location);
      } else {
        const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [records]);
        if (exists.rows[0]!.t === null) throw new StateError(`journal "${c.name}" (${location}): the table does not exist (nothing was ever journaled here)`);
      }
      const bounds = await client.query<{ first: string | null; last: string | null }>(`SELECT min(seq) AS first, max(seq) AS last FROM ${records} WHERE journal = $1`, [c.name]);
      const snap = await client.query<{ seq: string | null }>(`SELECT max(seq) AS seq FROM ${quote(c.schema)}.${quote(`${c.tablePrefix}snapshots`)} WHERE journal = $1`, [c.name]);
      const snapshotSeq = snap.rows[0]!.seq === null ? 0 : Number(snap.rows[0]!.seq);
      const firstRow = bounds.rows[0]!.first === null ? undefined : Number(bounds.rows[0]!.first);
      const lastRow = bounds.rows[0]!.last === null ? undefined : Number(bounds.rows[0]!.last);
      if (firstRow !== undefined && firstRow > snapshotSeq + 1) {
        throw new PostgresJournalCorruptionError(c.name, location, snapshotSeq + 1, `the records start at ${firstRow} but ${snapshotSeq === 0 ? 'there is no snapshot' : `the newest snapshot ends at ${snapshotSeq}`}: records are missing`);
      }
      if (lastRow !== undefined && lastRow < snapshotSeq) {
        throw new PostgresJournalCorruptionError(c.name, location, lastRow ?? 0, `the records end at ${lastRow} but a snapshot includes records up to ${snapshotSeq}`);
      }
      const lastSeq = lastRow ?? snapshotSeq;
      journal = new PostgresJournal(c, client, redact, location, lastSeq, firstRow ?? lastSeq + 1);
      if (lostBeforeOpen !== undefined) journal.lose(lostBeforeOpen);
      return journal;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (e instanceof PostgresJournalLockedError || e instanceof PostgresJournalCorruptionError || e instanceof StateError) throw e;
      throw new JournalWriteError(`journal "${c.name}" (${location}): could not open: ${redact(errorText(e))}`);
    }
  }

  private get records(): string {
    return `${quote(this.c.schema)}.${quote(`${this.c.tablePrefix}records`)}`;
  }

  private get snapshots(): string {
    return `${quote(this.c.schema)}.${quote(`${this.c.tablePrefix}snapshots`)}`;
  }

  /** The journal's name. */
  get name(): string {
    return this.c.name;
  }

  /** Sequence number of the last record appended (handed out; it may still be on its way to the server). */
  get lastSeq(): number {
    return this.assignedSeq;
  }

  /** Sequence number of the first record still stored (1 unless records were pruned). */
  get firstSeq(): number {
    return this.first;
  }

  /** How many INSERT commits appends have made so far (a group of appends is one). */
  get commitCount(): number {
    return this.commits;
  }

  /** The connection dropped: the lock is gone with it, so nothing more may be written. */
  private lose(e: Error): void {
    this.failed ??= new JournalWriteError(`journal "${this.c.name}" (${this.location}): the connection was lost (${this.redact(errorText(e))}); the journal accepts no more appends (open it again)`);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  /**
   * Appends a record and resolves with its sequence number once the INSERT holding it has committed
   * (synchronously: durable on the server's storage). With `{ durable: false }` the record is stored
   * by the next commit, in its place among the others; a group of such records alone is committed
   * asynchronously and resolves without waiting for a WAL flush of its own (it becomes durable with
   * the next synchronous commit). An entry that fails validation is refused with a `ValidationError`;
   * after a failed commit every append fails with `JournalWriteError`.
   *
   * @example
   * ```ts
   * await journal.append({ ts: clock.now(), kind: 'command', payload: submitOrder });
   * void journal.append({ ts: clock.now(), kind: 'marketData', payload: bar }, { durable: false });
   * ```
   */
  append(entry: JournalEntry, options: { readonly durable?: boolean } = {}): Promise<number> {
    if (this.c.readOnly) return Promise.reject(new StateError(`journal "${this.c.name}" was opened read-only`));
    if (this.closed) return Promise.reject(new StateError(`journal "${this.c.name}" is closed`));
    if (this.failed) return Promise.reject(this.failed);
    let payload: string;
    try {
      parseWith(JournalEntryWireSchema, entry, 'entry');
      payload = JSON.stringify(entry.payload);
    } catch (e) {
      return Promise.reject(e);
    }
    if (Buffer.byteLength(payload) > this.c.maxRecordBytes) {
      return Promise.reject(new ValidationError([{ path: ['entry', 'payload'], message: `encodes to ${Buffer.byteLength(payload)} bytes, above maxRecordBytes ${this.c.maxRecordBytes}` }]));
    }
    const seq = ++this.assignedSeq;
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ seq, ts: entry.ts, kind: entry.kind, payload, durable: options.durable !== false, resolve, reject });
      if (!this.pumping) {
        this.pumping = true;
        // A later turn, so that appends made in the same tick join the first group.
        setImmediate(() => void this.pump());
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const items = this.queue.splice(0, this.c.maxBatchRecords);
        if (this.failed) {
          for (const p of [...items, ...this.queue.splice(0)]) p.reject(this.failed);
          break;
        }
        try {
          await this.exclusive(() => this.insert(items));
        } catch (e) {
          const from = items[0]!.seq;
          const to = items[items.length - 1]!.seq;
          const error = new JournalWriteError(
            `journal "${this.c.name}" (${this.location}): storing records ${from}..${to} failed (${this.redact(errorText(e))}); whether that commit happened is unknown: ` +
              'after the journal is opened again those records are either all there or none. The journal accepts no more appends (close it and open it again).',
          );
          this.failed = error;
          for (const p of [...items, ...this.queue.splice(0)]) p.reject(error);
          break;
        }
        this.committedSeq = items[items.length - 1]!.seq;
        for (const p of items) p.resolve(p.seq);
      }
    } finally {
      this.pumping = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** One multi-row INSERT, one transaction: all of `items` or none. */
  private async insert(items: readonly Pending[]): Promise<void> {
    const sql = `INSERT INTO ${this.records} (journal, seq, ts, kind, payload) SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::json[])`;
    const values = [this.c.name, items.map((p) => p.seq), items.map((p) => p.ts), items.map((p) => p.kind), items.map((p) => p.payload)];
    if (items.some((p) => p.durable)) {
      // A statement outside a transaction block is a transaction of its own, committed (with the
      // session's synchronous_commit on: the WAL flushed, earlier asynchronous commits with it) before
      // the server answers.
      await this.client.query({ name: 'rxtrade-journal-insert', text: sql, values });
      this.asyncCommits = false;
    } else {
      this.asyncCommits = true;
      await this.client.query('BEGIN; SET LOCAL synchronous_commit = off');
      try {
        await this.client.query({ name: 'rxtrade-journal-insert', text: sql, values });
        await this.client.query('COMMIT');
      } catch (e) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }
    this.commits++;
  }

  private drain(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Waits until every append made so far is committed, then makes them durable (an asynchronous commit
   * of `{ durable: false }` records is followed by a synchronous one). Rejects when the journal failed.
   *
   * @example
   * ```ts
   * await journal.flush();
   * ```
   */
  async flush(): Promise<void> {
    await this.drain();
    if (this.failed) throw this.failed;
    if (this.c.readOnly || this.closed || !this.asyncCommits) return;
    // A transaction that gets an id commits with a commit record, synchronously: the WAL up to it (the
    // asynchronous commits before it included) is flushed before the server answers.
    await this.exclusive(async () => {
      await this.client.query('SELECT txid_current()');
      this.asyncCommits = false;
    });
  }

  /**
   * The records from `fromSeq` (default: the first stored) up to the last one committed when the call
   * was made, in order, read a page at a time (`replayPageSize` rows by keyset pagination: memory does
   * not grow with the journal). A missing sequence number is a `JournalCorruptionError`, a record
   * that does not decode too.
   *
   * @example
   * ```ts
   * const snapshot = await journal.latestSnapshot();
   * for await (const record of journal.replay((snapshot?.seq ?? 0) + 1)) apply(record);
   * ```
   */
  async *replay(fromSeq: number = this.first): AsyncGenerator<JournalRecord, void, undefined> {
    if (!Number.isInteger(fromSeq) || fromSeq < 1) throw new ValidationError([{ path: ['fromSeq'], message: `must be an integer >= 1, got ${fromSeq}` }]);
    if (fromSeq < this.first) throw new StateError(`journal "${this.c.name}": records before ${this.first} were pruned; replay from a snapshot (asked for ${fromSeq})`);
    if (this.closed) throw new StateError(`journal "${this.c.name}" is closed`);
    const endSeq = this.committedSeq;
    let next = fromSeq;
    const sql = `SELECT seq, ts, kind, payload::text FROM ${this.records} WHERE journal = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq LIMIT $4`;
    this.replays++;
    try {
      while (next <= endSeq) {
        const from = next;
        const page = await this.exclusive(() => this.client.query<[string, string, string, string]>({ text: sql, values: [this.c.name, from, endSeq, this.c.replayPageSize], rowMode: 'array' }));
        if (page.rows.length === 0) throw new PostgresJournalCorruptionError(this.c.name, this.location, next, `records ${next}..${endSeq} are missing`);
        for (const [seqText, tsText, kind, payload] of page.rows) {
          const seq = Number(seqText);
          if (seq !== next) throw new PostgresJournalCorruptionError(this.c.name, this.location, next, `record ${seq} where ${next} was expected`);
          let record: JournalRecord;
          try {
            record = decodeJournalRecord(seq, Buffer.from(`{"ts":${tsText},"kind":${JSON.stringify(kind)},"payload":${payload}}`, 'utf8'));
          } catch (e) {
            throw new PostgresJournalCorruptionError(this.c.name, this.location, seq, `record ${seq} does not decode: ${(e as Error).message}`, { cause: e });
          }
          next++;
          yield record;
        }
      }
    } finally {
      this.replays--;
    }
  }

  /**
   * Stores a snapshot of the state after record `seq` in one transaction, once every record up to
   * `seq` is committed and durable (checked inside that transaction): a snapshot never gets ahead of the
   * records. `state` is stored as JSON.
   *
   * @example
   * ```ts
   * await journal.writeSnapshot(journal.lastSeq, { positions, cash: cash.toString() });
   * ```
   */
  async writeSnapshot(seq: number, state: unknown): Promise<void> {
    if (this.c.readOnly) throw new StateError(`journal "${this.c.name}" was opened read-only`);
    if (this.closed) throw new StateError(`journal "${this.c.name}" is closed`);
    if (!Number.isInteger(seq) || seq < 1 || seq > this.assignedSeq) throw new ValidationError([{ path: ['seq'], message: `must be an integer in [1, ${this.assignedSeq}] (records appended so far), got ${seq}` }]);
    const json = JSON.stringify(state);
    if (json === undefined) throw new ValidationError([{ path: ['state'], message: 'must be JSON-serializable' }]);
    await this.drain();
    if (this.failed) throw this.failed;
    await this.transaction(async () => {
      const last = await this.client.query<{ last: string | null }>(`SELECT max(seq) AS last FROM ${this.records} WHERE journal = $1`, [this.c.name]);
      const stored = last.rows[0]!.last === null ? 0 : Number(last.rows[0]!.last);
      if (stored < seq) throw new StateError(`journal "${this.c.name}": a snapshot after record ${seq} but the records end at ${stored}`);
      await this.client.query(
        `INSERT INTO ${this.snapshots} (journal, seq, state) VALUES ($1, $2, $3::json) ON CONFLICT (journal, seq) DO UPDATE SET state = EXCLUDED.state, written_at = now()`,
        [this.c.name, seq, json],
      );
    });
  }

  private transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.client.query('BEGIN');
      try {
        const result = await fn();
        await this.client.query('COMMIT');
        return result;
      } catch (e) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }).catch((e: unknown) => {
      if (e instanceof StateError || e instanceof ValidationError) throw e;
      throw new JournalWriteError(`journal "${this.c.name}" (${this.location}): ${this.redact(errorText(e))}`);
    });
  }

  /**
   * The newest snapshot, or undefined when there is none. A snapshot whose state is not JSON is a
   * `JournalCorruptionError`, never replaced by an older one silently.
   *
   * @example
   * ```ts
   * const snapshot = await journal.latestSnapshot(); // { seq, state } | undefined
   * ```
   */
  async latestSnapshot(): Promise<JournalSnapshot | undefined> {
    if (this.closed) throw new StateError(`journal "${this.c.name}" is closed`);
    const { rows } = await this.exclusive(() => this.client.query<{ seq: string; state: string }>(`SELECT seq, state::text AS state FROM ${this.snapshots} WHERE journal = $1 ORDER BY seq DESC LIMIT 1`, [this.c.name]));
    if (rows.length === 0) return undefined;
    const seq = Number(rows[0]!.seq);
    try {
      return { seq, state: JSON.parse(rows[0]!.state) as unknown };
    } catch (e) {
      throw new PostgresJournalCorruptionError(this.c.name, this.location, seq, `the snapshot after record ${seq} is not JSON`, { cause: e });
    }
  }

  /**
   * Deletes, in one transaction, the records included in the newest snapshot and the older snapshots.
   * Not allowed while a replay is running. Nothing is pruned unless you call it.
   *
   * @example
   * ```ts
   * await journal.writeSnapshot(journal.lastSeq, state);
   * const { removedRecords } = await journal.prune();
   * ```
   */
  async prune(): Promise<PostgresPruneResult> {
    if (this.c.readOnly) throw new StateError(`journal "${this.c.name}" was opened read-only`);
    if (this.replays > 0) throw new StateError(`journal "${this.c.name}": cannot prune while a replay is running`);
    const snapshot = await this.latestSnapshot();
    if (snapshot === undefined) return { removedRecords: 0, removedSnapshots: 0, firstSeq: this.first };
    const result = await this.transaction(async () => {
      const r = await this.client.query(`DELETE FROM ${this.records} WHERE journal = $1 AND seq <= $2`, [this.c.name, snapshot.seq]);
      const s = await this.client.query(`DELETE FROM ${this.snapshots} WHERE journal = $1 AND seq < $2`, [this.c.name, snapshot.seq]);
      return { removedRecords: r.rowCount ?? 0, removedSnapshots: s.rowCount ?? 0 };
    });
    this.first = Math.max(this.first, snapshot.seq + 1);
    return { ...result, firstSeq: this.first };
  }

  /**
   * Waits for pending appends, then ends the connection, which releases the lock. Appends after `close`
   * are refused. Calling it again does nothing.
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
    await this.serial;
    await this.client.end().catch(() => undefined);
  }
}

/** Creates the schema and tables when missing; a transaction-scoped lock keeps two first openers from racing. */
async function createTables(client: pg.Client, c: Config): Promise<void> {
  const schema = quote(c.schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`rxtrade-journal-tables:${c.schema}.${c.tablePrefix}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.${quote(`${c.tablePrefix}records`)} (
        journal text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        ts bigint NOT NULL,
        kind text NOT NULL,
        payload json NOT NULL,
        PRIMARY KEY (journal, seq)
      )`,
    );
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.${quote(`${c.tablePrefix}snapshots`)} (
        journal text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        state json NOT NULL,
        written_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (journal, seq)
      )`,
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Takes the journal's session advisory lock (waiting up to lockWaitMs), or throws PostgresJournalLockedError naming the holder. */
async function lock(client: pg.Client, c: Config, location: string): Promise<void> {
  const key = `rxtrade-journal:${c.schema}.${c.tablePrefix}records:${c.name}`;
  let got: boolean;
  if (c.lockWaitMs === 0) {
    got = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key])).rows[0]!.ok;
  } else {
    await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${c.lockWaitMs}ms`]);
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      got = true;
    } catch (e) {
      if ((e as { code?: string }).code !== '55P03') throw e; // lock_not_available: the wait timed out
      got = false;
    } finally {
      await client.query('RESET lock_timeout');
    }
  }
  if (got) return;
  const holder = await client.query<{ pid: number; addr: string | null }>(
    `SELECT l.pid, coalesce(a.client_hostname, host(a.client_addr), 'a local socket') AS addr
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid, (SELECT hashtextextended($1, 0) AS k) key
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ((key.k >> 32) & 4294967295)::oid AND l.objid = (key.k & 4294967295)::oid`,
    [key],
  );
  const row = holder.rows[0];
  throw new PostgresJournalLockedError(c.name, `${location} journal "${c.name}"`, row?.pid ?? 0, row?.addr ?? 'unknown');
}
