/**
 * Reads OHLCV bars from a CSV file: the file edge of rxtrade, where market data is validated once.
 * Parsing and validation rules are core's `parseBarsCsv` (columns, delimiters, decimal commas,
 * timestamp patterns and time zones, adjusted prices, presets for Yahoo, Binance and MetaTrader
 * exports); errors name the file, row and column. `readBarsCsv` reads the whole file; `streamBarsCsv`
 * reads it chunk by chunk, for files larger than memory. Files are UTF-8, or UTF-16 when they start
 * with a UTF-16 byte order mark.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import {
  parseBarsCsv,
  parseBarsCsvChunks,
  parseBarsCsvColumns,
  ParseBarsCsvOptionsSchema,
  parseWith,
  ValidationError,
  type Bar,
  type ParseBarsCsvOptions,
  type ParsedBarColumns,
  type ParsedBars,
} from '@rxtrade/core';

/**
 * Schema of {@link ReadBarsCsvOptions}; unknown keys are rejected, and contradicting options (such as
 * `decimal: ','` with the `','` delimiter, or an unknown `timeZone`) are errors naming the option.
 *
 * @example
 * ```ts
 * ReadBarsCsvOptionsSchema.parse({ instrumentId: 'BTCUSDT.BINANCE', format: 'binance', onInvalid: 'skip' });
 * ```
 */
export const ReadBarsCsvOptionsSchema = ParseBarsCsvOptionsSchema;

/**
 * Options of {@link readBarsCsv} and {@link streamBarsCsv}: those of core's `parseBarsCsv`
 * (`instrumentId`, `format`, `header`, `columns`, `delimiter`, `decimal`, `thousands`,
 * `timestampUnit`, `timestampFormat`, `timeZone`, `price`, `onInvalid`, `onSkip`), with `source`
 * defaulting to the file name. The rules in full: `docs/bars-from-csv.md`.
 *
 * @example
 * ```ts
 * const options: ReadBarsCsvOptions = { instrumentId: instrumentId('SPY.ARCA'), format: 'yahoo', price: 'adjClose', timeZone: 'America/New_York' };
 * ```
 */
export type ReadBarsCsvOptions = ParseBarsCsvOptions;

/**
 * Reads and validates a CSV file of bars, holding the whole file in memory.
 *
 * @example
 * ```ts
 * const { bars, skipped, pricePrecision } = readBarsCsv('data/goog.csv', { instrumentId: instrumentId('GOOG.NASDAQ') });
 * ```
 */
export function readBarsCsv(path: string, options: ReadBarsCsvOptions): ParsedBars {
  const parseOptions = toParseOptions(path, options);
  const bytes = readFileSync(path);
  return parseBarsCsv(bytes.toString(encodingOf(bytes.subarray(0, 2), parseOptions.source!)), parseOptions);
}

/**
 * Reads and validates a CSV file of bars into `BarColumns` (a `Float64Array` per field, 48 bytes a bar)
 * instead of `Bar` objects: the rules and errors of {@link readBarsCsv}, for files of millions of bars
 * that a backtest holds in memory.
 *
 * @example
 * ```ts
 * const { columns } = readBarsCsvColumns('data/goog-1min.csv', { instrumentId: instrumentId('GOOG.NASDAQ') });
 * const result = await runBacktest(pipeline, { data: columns, instruments: [goog], ledger: { startingCash: 100_000 } });
 * ```
 */
export function readBarsCsvColumns(path: string, options: ReadBarsCsvOptions): ParsedBarColumns {
  const parseOptions = toParseOptions(path, options);
  const bytes = readFileSync(path);
  return parseBarsCsvColumns(bytes.toString(encodingOf(bytes.subarray(0, 2), parseOptions.source!)), parseOptions);
}

/**
 * Streams the bars of a CSV file: the file is read chunk by chunk and each row validated as in
 * {@link readBarsCsv}, so memory does not grow with the file (a 1 GB file peaks at 195 MB of resident
 * memory, a 1 MB file at 118 MB). The file is opened when iteration starts and closed when it ends,
 * fails or is broken off; each iteration reads it anew. Options are checked at the call. Under `onInvalid: 'skip'`, skipped rows go to `onSkip`.
 *
 * @example
 * ```ts
 * const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
 * const result = await runBacktest(pipeline, {
 *   data: streamBarsCsv('goog-1min.csv', { instrumentId: goog.id, timestampUnit: 's' }),
 *   instruments: [goog],
 *   ledger: { startingCash: 100_000 },
 * });
 * ```
 */
export function streamBarsCsv(path: string, options: ReadBarsCsvOptions): AsyncIterable<Bar> {
  const parseOptions = toParseOptions(path, options);
  return {
    [Symbol.asyncIterator]: () => {
      const encoding = encodingOf(firstBytes(path), parseOptions.source!);
      return parseBarsCsvChunks(createReadStream(path, { encoding, highWaterMark: 256 * 1024 }), parseOptions)[Symbol.asyncIterator]();
    },
  };
}

/** Checks the options (unknown keys, contradictions) and names the source after the file. */
function toParseOptions(path: string, options: ReadBarsCsvOptions): ParseBarsCsvOptions {
  const o = parseWith(ReadBarsCsvOptionsSchema, options, 'options');
  return { ...options, source: o.source ?? basename(path) };
}

/** The first two bytes of a file (fewer when it is shorter). */
function firstBytes(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(2);
    return head.subarray(0, readSync(fd, head, 0, 2, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * UTF-16 little-endian when the file starts with its byte order mark (as some Windows tools write),
 * else UTF-8 (whose byte order mark core skips). Big-endian UTF-16 is refused rather than misread.
 */
function encodingOf(head: Uint8Array, source: string): 'utf8' | 'utf16le' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  if (head[0] === 0xfe && head[1] === 0xff)
    throw new ValidationError([{ path: ['file'], message: 'is UTF-16 big-endian: save it as UTF-8 (or UTF-16 little-endian)' }], { source });
  return 'utf8';
}
