/**
 * Splits one CSV record into fields, as RFC 4180 defines them (section 2): fields separated by a
 * delimiter, a field that starts with a double quote runs to the matching closing quote and may hold
 * the delimiter, line breaks and doubled quotes (`""` for one `"`). Blanks around a quoted field are
 * allowed, as many writers pad them.
 *
 * Hand-written rather than `csv-parse` (the maintained streaming CSV parser for Node), because: core
 * runs in browsers and stays free of Node stream dependencies, and one tokenizer serves text and files
 * alike; a record without a quote (nearly every row of a bar file) is one `String.prototype.split`,
 * about six times faster than `csv-parse` at splitting and 1.35 times faster over a whole parse with
 * validation (`packages/connectors/bench/csv-tokenizer.bench.ts`, figures in `docs/bars-from-csv.md`);
 * and the bar parser already reads line by line with a bounded buffer, which is where a streaming
 * tokenizer's value would lie.
 */

/** Field delimiters that a file may use, and that `'auto'` chooses among. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** The record ends inside a quoted field: the caller appends the next line (after a `\n`) and splits again. */
export const OPEN_QUOTE = Symbol('open quote');

/**
 * Splits a record into fields. Returns the fields, {@link OPEN_QUOTE} when a quoted field is still open
 * at the end of the text (its line break belongs to the field), or why the text is not a record.
 */
export function splitCsvRecord(text: string, delimiter: string): string[] | typeof OPEN_QUOTE | string {
  if (text.indexOf('"') < 0) return text.split(delimiter);
  const padTabs = delimiter !== '\t';
  const isPad = (c: string | undefined): boolean => c === ' ' || (padTabs && c === '\t');
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let j = i;
    while (isPad(text[j])) j++;
    if (text[j] === '"') {
      let cell = '';
      let from = j + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return OPEN_QUOTE;
        if (text[q + 1] === '"') {
          cell += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        cell += text.slice(from, q);
        i = q + 1;
        break;
      }
      while (isPad(text[i])) i++;
      cells.push(cell);
      if (i >= text.length) return cells;
      if (!text.startsWith(delimiter, i)) return `unexpected text after the quoted field in column ${cells.length}: ${JSON.stringify(text.slice(i, i + 20))}`;
      i += delimiter.length;
    } else {
      const end = text.indexOf(delimiter, i);
      const cell = end < 0 ? text.slice(i) : text.slice(i, end);
      if (cell.indexOf('"') >= 0) return `stray quote in column ${cells.length + 1}: ${JSON.stringify(cell)} (a quote may only open a field)`;
      cells.push(cell);
      if (end < 0) return cells;
      i = end + delimiter.length;
    }
  }
}

/**
 * Counts each candidate delimiter outside quoted fields in `line` and returns the most frequent, or
 * undefined when none occurs or two occur equally often (the caller asks for the delimiter rather than
 * guess).
 */
export function sniffDelimiter(line: string, candidates: readonly string[]): string | undefined {
  const counts = new Map<string, number>(candidates.map((c) => [c, 0]));
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  let tie = false;
  for (const [c, n] of counts) {
    if (n > bestCount) {
      best = c;
      bestCount = n;
      tie = false;
    } else if (n === bestCount && n > 0) tie = true;
  }
  return tie ? undefined : best;
}
