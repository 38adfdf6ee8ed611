/**
 * Errors of the journal. Each names the file (and, for corruption, the byte offset) so that an operator
 * can look at the damage; none is ever swallowed, because a journal that silently skips a record could
 * place an order twice.
 */
import { ErrorCode, RxTradeError } from '@rxtrade/core';

/**
 * A journal file holds bytes that are not a valid record where a record must be: a checksum that does
 * not match, a sequence gap, a bad header. Raised on open (the last segment) and during replay (every
 * segment); never raised for a torn tail, which recovery truncates and reports.
 *
 * @example
 * ```ts
 * try { await FileJournal.open({ dir }) }
 * catch (e) { if (e instanceof JournalCorruptionError) console.error(e.file, e.offset, e.reason) }
 * ```
 */
export class JournalCorruptionError extends RxTradeError {
  constructor(
    /** Path of the damaged file. */
    readonly file: string,
    /** Byte offset of the first bad byte range (a frame or header start). */
    readonly offset: number,
    /** What is wrong there. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.STATE, `journal file ${file} is corrupt at byte offset ${offset}: ${reason}`, options);
  }
}

/**
 * Another live process holds the journal's lock: two writers would interleave frames and corrupt it.
 *
 * @example
 * ```ts
 * try { await FileJournal.open({ dir }) }
 * catch (e) { if (e instanceof JournalLockedError) console.error(`journal in use by pid ${e.pid}`) }
 * ```
 */
export class JournalLockedError extends RxTradeError {
  constructor(
    /** The lock file. */
    readonly lockFile: string,
    /** PID recorded in the lock file. */
    readonly pid: number,
    /** Host recorded in the lock file. */
    readonly hostname: string,
  ) {
    super(
      ErrorCode.STATE,
      `journal is locked by process ${pid} on ${hostname} (${lockFile}); only one writer may open a journal. ` +
        'If that process is not a journal writer (its PID was reused), stop every node using this journal and delete the lock file.',
    );
  }
}

/**
 * A write or fsync of the journal failed. The journal refuses every later append (the bytes on disk
 * after a failed fsync are unknown); close it and open it again to recover.
 *
 * @example
 * ```ts
 * journal.append(entry).catch((e) => { if (e instanceof JournalWriteError) stopTheNode(e) });
 * ```
 */
export class JournalWriteError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.STATE, message, options);
  }
}
