/**
 * `@rxtrade/connectors`: where data and orders enter and leave rxtrade. This version reads bar files;
 * exchange and broker venues come with the connectors issue.
 *
 * @packageDocumentation
 */

// Files
export { readBarsCsv, streamBarsCsv, ReadBarsCsvOptionsSchema } from './read-bars-csv';
export type { ReadBarsCsvOptions } from './read-bars-csv';
