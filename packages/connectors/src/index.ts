/**
 * `@rxtrade/connectors`: where data and orders enter and leave rxtrade. This version reads bar files;
 * it has no exchange or broker venues yet.
 *
 * @packageDocumentation
 */

// Files
export { readBarsCsv, streamBarsCsv, ReadBarsCsvOptionsSchema } from './read-bars-csv';
export type { ReadBarsCsvOptions } from './read-bars-csv';
export type { BarsCsvColumns, BarsCsvFormat, CsvColumn, CsvDelimiter, DecimalSeparator, ThousandsSeparator } from '@rxtrade/core';
