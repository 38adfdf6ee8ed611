/**
 * Parses CSV text of bars straight into {@link BarColumns}: the rules, options and errors of
 * `parseBarsCsv`, but each row's values go into typed arrays as it is read, so no `Bar` object outlives
 * its row and the result holds 48 bytes a bar instead of an object a bar.
 */
import { BarColumnsBuilder, type BarColumns } from './bar-columns';
import { BarsCsvParser, type ParseBarsCsvOptions, type SkippedRow } from './bars-csv';

/** Result of {@link parseBarsCsvColumns}. */
export interface ParsedBarColumns {
  readonly columns: BarColumns;
  /** Rows left out under the `'skip'` policy, by row number. */
  readonly skipped: readonly SkippedRow[];
  /** Most decimal places seen in a price (see `ParsedBars.pricePrecision`). */
  readonly pricePrecision: number;
}

/**
 * Parses CSV text into the columns of its bars, in time order, by the rules of `parseBarsCsv` (same
 * options, same errors naming the row and column). The columns are sized once from the number of lines,
 * so a file is read without growing copies.
 *
 * @example
 * ```ts
 * import { instrumentId, parseBarsCsvColumns } from '@rxtrade/core';
 *
 * const { columns } = parseBarsCsvColumns('Date,Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n', {
 *   instrumentId: instrumentId('GOOG.NASDAQ'),
 * });
 * console.log(columns.length, columns.close[0]); // 1 100.34
 * ```
 */
export function parseBarsCsvColumns(text: string, options: ParseBarsCsvOptions): ParsedBarColumns {
  const skipped: SkippedRow[] = [];
  const onSkip = options.onSkip;
  const parser = new BarsCsvParser(options, (s) => {
    skipped.push(s);
    onSkip?.(s);
  });
  // Every bar is on a line of its own: the line count bounds the bars (a header, blank lines and
  // skipped rows make it a little more; build() keeps views when the excess is under a sixteenth).
  let lines = 1;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lines++;
  const builder = new BarColumnsBuilder(options.instrumentId, { capacity: lines });
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    parser.line(text.slice(start, nl), builder);
    start = nl + 1;
  }
  if (start < text.length) parser.line(text.slice(start), builder);
  parser.end(builder);
  skipped.sort((a, b) => a.row - b.row);
  return { columns: builder.build({ label: options.source ?? 'csv' }), skipped, pricePrecision: parser.pricePrecision };
}
