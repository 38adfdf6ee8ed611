/**
 * Parses OHLCV bars from CSV text: the edge where market data is validated once. No file system access
 * here (core runs anywhere); `@rxtrade/connectors` reads files and calls this.
 *
 * Columns are found by header name, case-insensitively: a time column (`date`, `datetime`, `time`,
 * `timestamp` or `ts`), `open`, `high`, `low`, `close` and optionally `volume` (0 when absent); other
 * columns are ignored. Fields are separated by commas and may be quoted (RFC 4180, `""` for a quote
 * inside a quoted field; a quoted field cannot span lines). Times may be `YYYY-MM-DD` (midnight UTC),
 * `YYYY-MM-DD HH:MM[:SS[.sss]]` (UTC), ISO 8601 with `T` and an optional `Z` or offset, or an integer
 * epoch time in seconds, milliseconds, microseconds or nanoseconds (see {@link TimestampUnit}).
 *
 * Numbers follow one strict decimal grammar, `[+-]digits[.digits][e[+-]digits]`, with blanks around them
 * ignored. Everything else is an error naming the row and column, never a guess: thousands separators
 * (`1,234.5`, `1 234`), hexadecimal, binary or octal (`0x1F`, which `Number()` would read as 31),
 * `Infinity`, `NaN` and empty cells (which `Number()` would read as 0). Scientific notation (`1.5e-4`)
 * is accepted: it is how many tools write small floats, and it cannot be read two ways.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { InstrumentId } from '../domain/ids';
import { barIssue, type Bar } from '../domain/market-data';
import { parseWith } from '../validation';

/** What to do with a bad row. */
export const InvalidRowPolicy = { ERROR: 'error', SKIP: 'skip' } as const;
export type InvalidRowPolicy = (typeof InvalidRowPolicy)[keyof typeof InvalidRowPolicy];

/**
 * Unit of an integer epoch time column. `'auto'` (the default) reads the unit from the values' size:
 * within 1973-03-03 to 2286-11-20 seconds have 9 or 10 digits, milliseconds 12 or 13, microseconds 15
 * or 16 and nanoseconds 18 or 19, so a value of any other length (such as `0` or `60000`, seconds or
 * milliseconds alike) fails and asks for the unit. The first epoch time fixes the unit for the whole
 * file: a later value of another unit is an error, whatever the invalid-row policy.
 */
export const TimestampUnit = { AUTO: 'auto', SECONDS: 's', MILLISECONDS: 'ms', MICROSECONDS: 'us', NANOSECONDS: 'ns' } as const;
export type TimestampUnit = (typeof TimestampUnit)[keyof typeof TimestampUnit];

/** Options of {@link parseBarsCsv} and {@link parseBarsCsvChunks}. */
export interface ParseBarsCsvOptions {
  readonly instrumentId: InstrumentId;
  /** Name used in error messages, such as the file name. */
  readonly source?: string;
  /**
   * `'error'` (default): the first bad row throws a `ValidationError` naming the row and column.
   * `'skip'`: bad rows (malformed, a number outside the grammar, non-positive prices, high < low, a time
   * out of order) are left out and reported in `skipped` and to `onSkip`; every valid row is kept. A
   * row whose time lies after the rows that follow it (a typo such as 2042 for 2024) is the one left
   * out, not the rows after it: each row is weighed against the 16 valid rows that follow it.
   */
  readonly onInvalid?: InvalidRowPolicy;
  /** Unit of an integer epoch time column; `'auto'` by default. See {@link TimestampUnit}. */
  readonly timestampUnit?: TimestampUnit;
  /** Called with each row left out under the `'skip'` policy, as it is found. */
  readonly onSkip?: (row: SkippedRow) => void;
}

/**
 * Schema of {@link ParseBarsCsvOptions}; unknown keys are rejected.
 *
 * @example
 * ```ts
 * const options = parseWith(ParseBarsCsvOptionsSchema, { instrumentId: 'GOOG.NASDAQ', timestampUnit: 's' }, 'options');
 * ```
 */
export const ParseBarsCsvOptionsSchema = z.strictObject({
  instrumentId: z.string().min(1),
  source: z.string().optional(),
  onInvalid: z.enum(['error', 'skip']).optional(),
  timestampUnit: z.enum(['auto', 's', 'ms', 'us', 'ns']).optional(),
  onSkip: z.custom<(row: SkippedRow) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});

/** A row left out under the `'skip'` policy. */
export interface SkippedRow {
  /** 1-based line number (the header is line 1). */
  readonly row: number;
  /** The column at fault (its header name, lower case), or `'row'`. */
  readonly field: string;
  readonly message: string;
}

/** Result of {@link parseBarsCsv}. */
export interface ParsedBars {
  readonly bars: Bar[];
  /** Rows left out under the `'skip'` policy, by row number. */
  readonly skipped: readonly SkippedRow[];
  /** Most decimal places seen in a price, a good default tick size (10^-precision). */
  readonly pricePrecision: number;
}

/**
 * Parses CSV text into bars in time order.
 *
 * @example
 * ```ts
 * const { bars } = parseBarsCsv('Date,Open,High,Low,Close,Volume\n2004-08-19,100,104.06,95.96,100.34,22351900\n', {
 *   instrumentId: instrumentId('GOOG.NASDAQ'),
 * });
 * bars[0].close // 100.34
 * ```
 */
export function parseBarsCsv(text: string, options: ParseBarsCsvOptions): ParsedBars {
  const skipped: SkippedRow[] = [];
  const onSkip = options.onSkip;
  const parser = new BarsCsvParser(options, (s) => {
    skipped.push(s);
    onSkip?.(s);
  });
  const bars: Bar[] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    parser.line(text.slice(start, nl), bars);
    start = nl + 1;
  }
  if (start < text.length) parser.line(text.slice(start), bars);
  parser.end(bars);
  // Rows out of time order are reported when the rows after them have been seen.
  skipped.sort((a, b) => a.row - b.row);
  return { bars, skipped, pricePrecision: parser.pricePrecision };
}

/** Longest line {@link parseBarsCsvChunks} holds while it waits for the line's end. */
const MAX_LINE_LENGTH = 1 << 20;

/**
 * Parses CSV text that arrives in chunks (a file read stream, an HTTP body) into bars, yielding each
 * bar as soon as its row is validated: memory stays bounded by the longest line, whatever the size of
 * the input. Rows, rules and errors are those of {@link parseBarsCsv}; lines may span chunks and end
 * in `\n` or `\r\n`. Skipped rows go to `options.onSkip`. A line longer than 1 MiB is an error.
 *
 * @example
 * ```ts
 * const chunks = ['Date,Open,High,Low,Close\n2024-01-02,10,11,9,10.5\n2024-01-', '03,10.5,12,10,12\n'];
 * for await (const bar of parseBarsCsvChunks(chunks, { instrumentId: instrumentId('X.SIM') })) console.log(bar.close);
 * ```
 */
export async function* parseBarsCsvChunks(chunks: AsyncIterable<string> | Iterable<string>, options: ParseBarsCsvOptions): AsyncGenerator<Bar, void, undefined> {
  const parser = new BarsCsvParser(options, options.onSkip);
  const ready: Bar[] = [];
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest.length === 0 ? chunk : rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      parser.line(text.slice(start, nl), ready);
      start = nl + 1;
    }
    rest = start === 0 ? text : text.slice(start);
    if (rest.length > MAX_LINE_LENGTH)
      throw new ValidationError([{ path: ['row'], message: `line is longer than ${MAX_LINE_LENGTH} characters: is this a CSV file with \\n line ends?` }], {
        row: parser.lineNumber + 1,
        ...(options.source ? { source: options.source } : {}),
      });
    for (let i = 0; i < ready.length; i++) yield ready[i]!;
    ready.length = 0;
  }
  if (rest.length > 0) parser.line(rest, ready);
  parser.end(ready);
  for (let i = 0; i < ready.length; i++) yield ready[i]!;
}

const TIME_COLUMNS = ['date', 'datetime', 'time', 'timestamp', 'ts'];
/** How many valid rows after a row decide, under `'skip'`, whether its time is out of place. */
const LOOKAHEAD = 16;
const UNIT_NAMES: Record<Exclude<TimestampUnit, 'auto'>, string> = { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' };
/** Unit of an epoch time by its digit count (leading zeros aside), in auto mode. */
const UNIT_BY_DIGITS: readonly (Exclude<TimestampUnit, 'auto'> | undefined)[] = [
  undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
  's', 's', undefined, 'ms', 'ms', undefined, 'us', 'us', undefined, 'ns', 'ns',
];
/** Largest epoch milliseconds a JavaScript `Date` holds. */
const MAX_TS = 8.64e15;
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const THOUSANDS_RE = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

interface Held {
  readonly bar: Bar;
  readonly row: number;
  readonly timeText: string;
}

/**
 * Validates a CSV of bars line by line. One instance per input; {@link parseBarsCsv} and
 * {@link parseBarsCsvChunks} feed it lines, so both apply the same rules.
 */
class BarsCsvParser {
  /** Lines seen so far (the header is line 1). */
  lineNumber = 0;
  pricePrecision = 0;
  private readonly instrumentId: InstrumentId;
  private readonly source: string | undefined;
  private readonly skip: boolean;
  private readonly forcedUnit: Exclude<TimestampUnit, 'auto'> | undefined;
  private header: string[] | undefined;
  private iTime = -1;
  private iOpen = -1;
  private iHigh = -1;
  private iLow = -1;
  private iClose = -1;
  private iVolume = -1;
  /** Unit of the epoch times, fixed by the first one in auto mode, and the row that fixed it. */
  private unit: Exclude<TimestampUnit, 'auto'> | undefined;
  private unitRow = 0;
  /** Time of the last bar handed out. */
  private lastTs = -Infinity;
  /** Under `'skip'`: valid rows whose place in time the rows after them have yet to confirm. */
  private readonly held: Held[] = [];

  constructor(
    options: ParseBarsCsvOptions,
    private readonly onSkip: ((row: SkippedRow) => void) | undefined,
  ) {
    const o = parseWith(ParseBarsCsvOptionsSchema, options, 'options');
    this.instrumentId = o.instrumentId as InstrumentId;
    this.source = o.source;
    this.skip = (o.onInvalid ?? 'error') === 'skip';
    const unit = o.timestampUnit ?? 'auto';
    this.forcedUnit = unit === 'auto' ? undefined : unit;
    this.unit = this.forcedUnit;
  }

  /** Validates one line (without its `\n`), appending to `out` the bars that are ready. */
  line(raw: string, out: Bar[]): void {
    const row = ++this.lineNumber;
    const line = raw.length > 0 && raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (this.header === undefined) return this.readHeader(row === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    if (line.trim() === '') return;
    const header = this.header;
    const cells = splitCells(line);
    if (typeof cells === 'string') return this.fail(row, 'row', cells);
    if (cells.length !== header.length)
      return this.fail(
        row,
        cells.length < header.length ? header[cells.length]! : 'row',
        `row has ${cells.length} columns, the header has ${header.length}` +
          (cells.length > header.length ? ' (an unquoted comma, such as a thousands separator in 1,234.5?)' : ''),
      );
    const timeText = cells[this.iTime]!.trim();
    const ts = this.parseTime(timeText, row);
    if (typeof ts === 'string') return this.fail(row, header[this.iTime]!, ts);
    if (!this.skip && ts <= this.lastTs)
      return this.fail(row, header[this.iTime]!, `time ${timeText} is not after the previous row's (${new Date(this.lastTs).toISOString()}): rows must be in strictly increasing time order`);
    const open = this.number(cells, this.iOpen, row);
    if (open === undefined) return;
    const high = this.number(cells, this.iHigh, row);
    if (high === undefined) return;
    const low = this.number(cells, this.iLow, row);
    if (low === undefined) return;
    const close = this.number(cells, this.iClose, row);
    if (close === undefined) return;
    const volume = this.iVolume < 0 ? 0 : this.number(cells, this.iVolume, row);
    if (volume === undefined) return;
    const issue = barIssue({ open, high, low, close, volume });
    if (issue) return this.fail(row, issue.field, issue.message);
    this.pricePrecision = Math.max(this.pricePrecision, decimals(cells[this.iOpen]!), decimals(cells[this.iHigh]!), decimals(cells[this.iLow]!), decimals(cells[this.iClose]!));
    const bar: Bar = { type: 'Bar', instrumentId: this.instrumentId, ts, open, high, low, close, volume };
    if (!this.skip) {
      this.lastTs = ts;
      out.push(bar);
      return;
    }
    this.held.push({ bar, row, timeText });
    if (this.held.length > LOOKAHEAD) this.release(out);
  }

  /** Ends the input, appending the bars still held. */
  end(out: Bar[]): void {
    if (this.header === undefined) this.readHeader('');
    while (this.held.length > 0) this.release(out);
  }

  private readHeader(line: string): void {
    const cells = splitCells(line);
    const header = typeof cells === 'string' ? line.split(',') : cells;
    const names = header.map((h) => h.trim().toLowerCase());
    const col = (name: string): number => names.indexOf(name);
    this.iTime = names.findIndex((h) => TIME_COLUMNS.includes(h));
    this.iOpen = col('open');
    this.iHigh = col('high');
    this.iLow = col('low');
    this.iClose = col('close');
    this.iVolume = col('volume');
    const missing = [
      this.iTime < 0 ? 'date' : undefined,
      this.iOpen < 0 ? 'open' : undefined,
      this.iHigh < 0 ? 'high' : undefined,
      this.iLow < 0 ? 'low' : undefined,
      this.iClose < 0 ? 'close' : undefined,
    ].filter((m): m is string => m !== undefined);
    if (missing.length > 0)
      throw new ValidationError(
        missing.map((m) => ({ path: [m], message: `column is missing from the header (${JSON.stringify(line)})` })),
        this.where(1),
      );
    this.header = names;
  }

  /**
   * Hands out (or, out of place in time, leaves out) the oldest held row. It is kept when keeping it
   * costs none of the held rows after it: the longest run of rows in increasing time that can follow
   * it is at least as long, plus itself, as the longest run that can follow the last row handed out.
   */
  private release(out: Bar[]): void {
    const { bar, row, timeText } = this.held.shift()!;
    const field = this.header![this.iTime]!;
    if (bar.ts <= this.lastTs) {
      this.report(row, field, `time ${timeText} is not after the previous row's (${new Date(this.lastTs).toISOString()}): rows must be in strictly increasing time order`);
      return;
    }
    let min = Infinity;
    for (const h of this.held) if (h.bar.ts < min) min = h.bar.ts;
    if (min <= bar.ts && 1 + increasingRun(this.held, bar.ts) < increasingRun(this.held, this.lastTs)) {
      const next = this.held.find((h) => h.bar.ts <= bar.ts)!;
      this.report(row, field, `time ${timeText} is after the rows that follow it (row ${next.row}: ${next.timeText}): rows must be in strictly increasing time order`);
      return;
    }
    this.lastTs = bar.ts;
    out.push(bar);
  }

  /** Parses a number cell, or reports it and returns undefined. */
  private number(cells: readonly string[], i: number, row: number): number | undefined {
    const text = cells[i]!.trim();
    if (DECIMAL_RE.test(text)) return Number(text);
    const field = this.header![i]!;
    if (text === '') this.fail(row, field, 'is empty');
    else if (THOUSANDS_RE.test(text)) this.fail(row, field, `is not a decimal number: ${JSON.stringify(text)}: thousands separators are not accepted, write ${text.replace(/,/g, '')}`);
    else this.fail(row, field, `is not a decimal number: ${JSON.stringify(text)} (expected digits with an optional sign, decimal point and exponent, such as 1234.5 or 1.2e-4)`);
    return undefined;
  }

  /** Epoch milliseconds of a time cell, or why it is not a time. Unit errors throw whatever the policy. */
  private parseTime(text: string, row: number): number | string {
    if (text.length > 0 && isDigits(text)) {
      const digits = text.charCodeAt(0) === 48 ? text.replace(/^0+(?=\d)/, '') : text;
      let unit = this.unit;
      if (this.forcedUnit === undefined) {
        const found = UNIT_BY_DIGITS[digits === '0' ? 0 : digits.length];
        if (found === undefined)
          throw this.unitError(
            row,
            `epoch time ${text} does not tell its unit (from 1973 to 2286, seconds have 9-10 digits, milliseconds 12-13, microseconds 15-16, nanoseconds 18-19): set the timestampUnit option to 's', 'ms', 'us' or 'ns'`,
          );
        if (unit === undefined) {
          unit = this.unit = found;
          this.unitRow = row;
        } else if (found !== unit)
          throw this.unitError(
            row,
            `epoch time ${text} is in ${UNIT_NAMES[found]} but row ${this.unitRow}'s is in ${UNIT_NAMES[unit]}: a file must use one unit (set the timestampUnit option to read every value in one unit)`,
          );
      }
      const ts = epochMillis(digits, unit!);
      return Number.isSafeInteger(ts) && ts <= MAX_TS ? ts : `epoch time ${text} in ${UNIT_NAMES[unit!]} is out of range`;
    }
    return parseDate(text) ?? `is not a recognised time: ${JSON.stringify(text)}`;
  }

  private unitError(row: number, message: string): ValidationError {
    return new ValidationError([{ path: [this.header![this.iTime]!], message }], this.where(row));
  }

  private fail(row: number, field: string, message: string): void {
    if (!this.skip) throw new ValidationError([{ path: [field], message }], this.where(row));
    this.report(row, field, message);
  }

  private report(row: number, field: string, message: string): void {
    this.onSkip?.({ row, field, message });
  }

  private where(row: number): { row: number; source?: string } {
    return this.source ? { row, source: this.source } : { row };
  }
}

/** Length of the longest run of held rows in strictly increasing time, all after `after`. */
function increasingRun(held: readonly Held[], after: number): number {
  // Patience sorting: tails[k] is the smallest last time of a run of length k + 1.
  const tails: number[] = [];
  for (const h of held) {
    const t = h.bar.ts;
    if (t <= after) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = t;
  }
  return tails.length;
}

/**
 * Splits a line into cells: a plain split when it has no quote, else RFC 4180 quoting (blanks around a
 * quoted field are allowed). Returns why the line cannot be split.
 */
function splitCells(line: string): string[] | string {
  if (line.indexOf('"') < 0) return line.split(',');
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let cell = '';
      let from = ++i;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return `quoted field in column ${cells.length + 1} is not closed on this line`;
        if (line[q + 1] === '"') {
          cell += line.slice(i, q + 1);
          i = from = q + 2;
          continue;
        }
        cell += line.slice(i, q);
        i = q + 1;
        break;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      cells.push(cell);
      if (i >= line.length) return cells;
      if (line[i] !== ',') return `unexpected text after the quoted field in column ${cells.length}`;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const cell = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (cell.indexOf('"') >= 0) return `stray quote in column ${cells.length + 1}: ${JSON.stringify(cell)}`;
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    }
  }
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Epoch milliseconds of an integer in `unit`; sub-millisecond digits are dropped (floor), exactly. */
function epochMillis(digits: string, unit: Exclude<TimestampUnit, 'auto'>): number {
  switch (unit) {
    case 's':
      return Number(digits) * 1000;
    case 'ms':
      return Number(digits);
    case 'us':
      return digits.length > 3 ? Number(digits.slice(0, -3)) : 0;
    case 'ns':
      return digits.length > 6 ? Number(digits.slice(0, -6)) : 0;
  }
}

/** Decimal places of a number in the decimal grammar, exponent included (`1.5e-4` has 5). */
function decimals(cell: string): number {
  const text = cell.trim();
  let e = text.indexOf('e');
  if (e < 0) e = text.indexOf('E');
  const end = e < 0 ? text.length : e;
  const dot = text.indexOf('.');
  const places = dot < 0 || dot > end ? 0 : end - dot - 1;
  return e < 0 ? places : Math.max(0, places - Number(text.slice(e + 1)));
}

function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const month = Number(mo) - 1;
  const day = Number(d);
  let ts = Date.UTC(Number(y), month, day, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0')));
  const check = new Date(ts);
  if (check.getUTCMonth() !== month || check.getUTCDate() !== day || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return undefined;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ts -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ts;
}
