/**
 * Errors of the catalog recorder: a buffer that the catalog's writes could not drain in time, and a
 * spool file that is not what a recorder writes.
 */
import { ErrorCode, RxTradeError } from '@rxtrade/core';

/**
 * An event arrived when `bufferLimit` events already waited for their write and `onBufferFull` is
 * `'error'`: the event was refused and recording stopped (what was held is still written by `stop()`).
 *
 * @example
 * ```ts
 * recorder.on('error', (e) => { if (e instanceof RecorderBufferFullError) console.log(e.limit) });
 * ```
 */
export class RecorderBufferFullError extends RxTradeError {
  /** @param limit the configured `bufferLimit`. */
  constructor(readonly limit: number) {
    super(
      ErrorCode.STATE,
      `recorder: ${limit} events already wait for the catalog (bufferLimit) and another arrived: recording stopped; ` +
        `raise bufferLimit, rotate more often, or pass onBufferFull: 'drop-oldest'`,
    );
  }
}

/**
 * A spool file holds a line that a recorder does not write (other than a last line cut short by a
 * crash, which is ignored). The message names the file and the line; nothing was recovered.
 *
 * @example
 * ```ts
 * try { await recorder.start() } catch (e) { if (e instanceof SpoolCorruptionError) console.log(e.file, e.line) }
 * ```
 */
export class SpoolCorruptionError extends RxTradeError {
  /**
   * @param file the spool file, absolute.
   * @param line its 1-based line number.
   * @param reason what is wrong with it.
   */
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(ErrorCode.STATE, `spool file ${file}, line ${line}: ${reason}; nothing was recovered (move the file away to start without it)`);
  }
}
