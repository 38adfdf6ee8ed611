/**
 * Reads OHLCV bars from a CSV file: the file edge of rxtrade, where market data is validated once.
 * Parsing and validation rules are core's `parseBarsCsv`; errors name the file, row and field.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseBarsCsv, type ParseBarsCsvOptions, type ParsedBars } from '@rxtrade/core';

/**
 * Reads and validates a CSV file of bars.
 *
 * @example
 * ```ts
 * const { bars, pricePrecision } = readBarsCsv('data/goog.csv', { instrumentId: instrumentId('GOOG.NASDAQ') });
 * ```
 */
export function readBarsCsv(path: string, options: Omit<ParseBarsCsvOptions, 'source'> & { readonly source?: string }): ParsedBars {
  const text = readFileSync(path, 'utf8');
  return parseBarsCsv(text, { ...options, source: options.source ?? basename(path) });
}
