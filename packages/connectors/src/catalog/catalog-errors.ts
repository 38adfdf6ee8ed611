/**
 * Errors of the Parquet catalog: data that overlaps what is stored, and files in its folders that are
 * not its own (foreign, renamed or corrupt).
 */
import { ErrorCode, RxTradeError } from '@rxtrade/core';

/**
 * A write would store data over a time range the catalog already holds for the same instrument and
 * data type, and the write did not say how to merge (`onOverlap: 'replace'` or `'skip'`). Nothing was
 * written.
 *
 * @example
 * ```ts
 * try { await catalog.write(bars) } catch (e) { if (e instanceof CatalogOverlapError) console.log(e.instrumentId, e.from, e.to) }
 * ```
 */
export class CatalogOverlapError extends RxTradeError {
  /**
   * @param instrumentId the instrument whose data overlaps.
   * @param dataType the data type (`bars`, `trades`, ...).
   * @param from start of the overlapping range, epoch milliseconds UTC.
   * @param to end of the overlapping range (inclusive), epoch milliseconds UTC.
   */
  constructor(
    readonly instrumentId: string,
    readonly dataType: string,
    readonly from: number,
    readonly to: number,
  ) {
    super(
      ErrorCode.STATE,
      `${dataType} of ${instrumentId} from ${new Date(from).toISOString()} to ${new Date(to).toISOString()} are already in the catalog: ` +
        `pass onOverlap: 'replace' to overwrite them or 'skip' to keep them`,
    );
  }
}

/**
 * A file or folder in the catalog's layout is not one the catalog can read: a name outside the layout, a
 * Parquet file with other columns, or a file that is not Parquet at all. The message names the file.
 *
 * @example
 * ```ts
 * try { for await (const bar of catalog.query(q)) void bar } catch (e) { if (e instanceof CatalogFileError) console.log(e.file) }
 * ```
 */
export class CatalogFileError extends RxTradeError {
  /**
   * @param file the path of the file or folder.
   * @param reason what is wrong with it.
   */
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.VALIDATION, `${file}: ${reason}`, options);
  }
}

/**
 * A database under a catalog failed (a `PostgresCatalog` could not connect, or a statement failed): the
 * message names the server and tables, never the password. A write that fails so changed nothing: it
 * was one transaction.
 *
 * @example
 * ```ts
 * try { await catalog.write(bars) } catch (e) { if (e instanceof CatalogDatabaseError) console.log(e.message) }
 * ```
 */
export class CatalogDatabaseError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.NETWORK, message, options);
  }
}
