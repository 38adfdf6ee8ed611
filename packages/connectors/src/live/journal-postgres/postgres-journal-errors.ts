/**
 * The journal's errors as a PostgreSQL journal raises them: the same classes as `FileJournal`'s (code
 * that catches `JournalLockedError` or `JournalCorruptionError` works with either journal), with
 * messages that name the journal and its table instead of a file. No message ever holds the password.
 */
import { JournalCorruptionError, JournalLockedError } from '@rxtrade/execution';

/**
 * Another session holds the journal's advisory lock: only one writer may open a journal name.
 * `lockFile` is the journal's location (server, table and name, never the password), `pid` the
 * holding backend's process id on the server (0 when it could not be read) and `hostname` its client
 * address.
 *
 * @example
 * ```ts
 * try { await PostgresJournal.open(config) }
 * catch (e) { if (e instanceof JournalLockedError) console.error(e.message) } // journal "node-1" … is locked by …
 * ```
 */
export class PostgresJournalLockedError extends JournalLockedError {
  constructor(
    /** The journal's name. */
    readonly journal: string,
    location: string,
    pid: number,
    hostname: string,
  ) {
    super(location, pid, hostname);
    this.message =
      `journal "${journal}" (${location}) is locked by the database session of backend process ${pid === 0 ? '(unknown)' : pid} ` +
      `(client ${hostname}); only one writer may open a journal. The lock is released when that session ends: stop the node that holds it, ` +
      'or end its session on the server (pg_terminate_backend).';
  }
}

/**
 * The journal's table holds something that is not a valid record where a record must be: a gap in
 * the sequence numbers, a record that does not decode, records missing before a snapshot.
 * `file` is the journal's location and `offset` the sequence number where the damage is.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof JournalCorruptionError) console.error(e.offset, e.reason) } // the record's seq
 * ```
 */
export class PostgresJournalCorruptionError extends JournalCorruptionError {
  constructor(
    /** The journal's name. */
    readonly journal: string,
    location: string,
    seq: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(location, seq, reason, options);
    this.message = `journal "${journal}" (${location}) is corrupt at record ${seq}: ${reason}`;
  }
}
