/**
 * `@rxtrade/connectors`: where data and orders enter and leave rxtrade. This version reads bar files;
 * exchange and broker venues come with the connectors issue.
 *
 * @packageDocumentation
 */

// Files
export { readBarsCsv } from './read-bars-csv';
