/**
 * Parses OHLCV bars from CSV text: the edge where market data is validated once. No file system access
 * here (core runs anywhere); `@rxtrade/connectors` reads files and calls this.
 *
 * By default columns are found by header name, case-insensitively: a time column (`date`, `datetime`,
 * `time`, `timestamp` or `ts`), `open`, `high`, `low`, `close` and optionally `volume` (0 when absent);
 * other columns are ignored. The `columns` option names them otherwise, by header name or 0-based index
 * (for files without a header), and `format` selects the options of a common export (Yahoo, Binance,
 * MetaTrader). Fields are separated by `delimiter` (`,` by default) and may be quoted as RFC 4180
 * says (`""` for a quote, line breaks inside quotes). Times may be `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM[:SS[.sss]]`, ISO 8601 with `T` and an optional `Z` or offset, an integer epoch time
 * in seconds, milliseconds, microseconds or nanoseconds (see {@link TimestampUnit}), or whatever
 * `timestampFormat` describes; times without an offset are read in `timeZone` (UTC by default).
 *
 * Numbers follow one strict decimal grammar, `[+-]digits[.digits][e[+-]digits]` (with `,` as the decimal
 * separator under `decimal: ','`), blanks around them ignored. Everything else is an error naming the
 * row and column, never a guess: thousands separators unless `thousands` names one (`1,234.5`,
 * `1 234`), hexadecimal, binary or octal (`0x1F`, which `Number()` would read as 31), `Infinity`, `NaN`
 * and empty cells (which `Number()` would read as 0). Scientific notation (`1.5e-4`) is accepted: it is
 * how many tools write small floats, and it cannot be read two ways.
 */
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors';
import type { InstrumentId } from '../domain/ids';
import { barIssue, type Bar } from '../domain/market-data';
import { parseWith } from '../validation';
import { BarsCsvPresets, type BarsCsvColumns, type BarsCsvFormat, type BarsCsvPreset, type CsvColumn } from './bars-csv-presets';
import { CSV_DELIMITERS, OPEN_QUOTE, sniffDelimiter, splitCsvRecord, type CsvDelimiter } from './csv-line';
import { decimalPlaces, numberReader, type DecimalSeparator, type NumberReader, type ThousandsSeparator } from './csv-number';
import { compileTimestampFormat, daysInMonth, wallTimeMillis, type TimestampParser } from './timestamp-format';
import { formatOffset, isKnownTimeZone, ZoneClock } from './zone-clock';

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

/**
 * Which close the bars carry. `'close'` (the default): the prices as written. `'adjClose'`: every price
 * of a row scaled by `adjClose / close`, the standard back-adjustment for splits and dividends that
 * Yahoo's `Adj Close` column encodes: `open' = open * f`, `high' = high * f`, `low' = low * f`,
 * `close' = close * f` with `f = adjClose / close` (so `close'` is `adjClose` to within one rounding).
 * Volume is kept as written (see `docs/bars-from-csv.md` for why).
 *
 * @example
 * ```ts
 * parseBarsCsv(text, { instrumentId: instrumentId('SPY.ARCA'), format: 'yahoo', price: BarsCsvPrice.ADJ_CLOSE });
 * ```
 */
export const BarsCsvPrice = { CLOSE: 'close', ADJ_CLOSE: 'adjClose' } as const;
export type BarsCsvPrice = (typeof BarsCsvPrice)[keyof typeof BarsCsvPrice];

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
  /**
   * The options of a common export (see {@link BarsCsvPresets}); options given beside it win.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('EURUSD.FX'), format: 'metatrader4', timeZone: 'Europe/Athens' });
   * ```
   */
  readonly format?: BarsCsvFormat;
  /**
   * Whether the first line names the columns (`true`, the default). A file without a header
   * (Binance klines, MetaTrader 4) needs `false` and every column of `columns` given as an index.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('BTCUSDT.BINANCE'), header: false, columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } });
   * ```
   */
  readonly header?: boolean;
  /**
   * Where each bar field is read from, by header name or 0-based index. See {@link BarsCsvColumns}.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('SAP.XETRA'), columns: { time: 'Datum', open: 'Eröffnung', high: 'Hoch', low: 'Tief', close: 'Schluss' } });
   * ```
   */
  readonly columns?: BarsCsvColumns;
  /**
   * The field separator: `','` (the default), `';'`, `'\t'`, `'|'`, or `'auto'` to choose, from the
   * first line, the one that occurs most often outside quotes (a tie is an error, never a guess).
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('SAP.XETRA'), delimiter: ';', decimal: ',' });
   * ```
   */
  readonly delimiter?: CsvDelimiter | 'auto';
  /**
   * The decimal separator of prices and volumes: `'.'` (the default) or `','` (`1234,5`, as European
   * exports write). With `','` the delimiter cannot be `','`.
   *
   * @example
   * ```ts
   * parseBarsCsv('Datum;Schluss\n02.01.2024;101,25\n', { instrumentId: instrumentId('X.XETRA'), delimiter: ';', decimal: ',', columns: { time: 'Datum', open: 'Schluss', high: 'Schluss', low: 'Schluss', close: 'Schluss' }, timestampFormat: 'DD.MM.YYYY' });
   * ```
   */
  readonly decimal?: DecimalSeparator;
  /**
   * A thousands separator to accept (`','`, `'.'`, `' '` or `"'"`), only in groups of three digits
   * (`1.234.567,5`). Without it every thousands separator is an error, since `1,234` means 1.234 in
   * half the world.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('DAX.XETRA'), delimiter: ';', decimal: ',', thousands: '.' });
   * ```
   */
  readonly thousands?: ThousandsSeparator;
  /**
   * The pattern of the time column, such as `'YYYY-MM-DD'`, `'YYYY.MM.DD HH:mm'`, `'DD.MM.YYYY
   * HH:mm:ss'` or `'YYYYMMDD'` (see `compileTimestampFormat` for the tokens). Without it, ISO dates and
   * integer epoch times are read (see {@link TimestampUnit}); it cannot be combined with a
   * `timestampUnit` other than `'auto'`.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('EURUSD.FX'), timestampFormat: 'DD.MM.YYYY HH:mm:ss', timeZone: 'Europe/Berlin' });
   * ```
   */
  readonly timestampFormat?: string;
  /**
   * The IANA time zone in which times without an offset are written (`'America/New_York'`,
   * `'Europe/Berlin'`); `'UTC'` by default. Epoch times and ISO times with an offset are instants and
   * ignore it. Across daylight saving time: a time that does not exist (in the hour the clocks skip) is
   * an error, except a date without a time of day, which means the first instant of that day; a time
   * that exists twice (the hour the clocks repeat) is the earlier instant unless that is not after the
   * previous row's time, then the later one, so a file that runs through the repeated hour in order is
   * read in order.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('SPY.ARCA'), format: 'yahoo', timeZone: 'America/New_York' });
   * ```
   */
  readonly timeZone?: string;
  /**
   * `'close'` (the default) or `'adjClose'`, prices scaled by `adjClose / close`. See {@link BarsCsvPrice}.
   *
   * @example
   * ```ts
   * parseBarsCsv(text, { instrumentId: instrumentId('SPY.ARCA'), format: 'yahoo', price: 'adjClose' });
   * ```
   */
  readonly price?: BarsCsvPrice;
}

const columnSchema = z.union([z.string().min(1), z.number().int().nonnegative()]);
const COLUMN_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume', 'adjClose'] as const;
const REQUIRED_FIELDS = ['time', 'open', 'high', 'low', 'close'] as const;
type ColumnField = (typeof COLUMN_FIELDS)[number];

/**
 * Schema of {@link BarsCsvColumns}; unknown keys are rejected.
 *
 * @example
 * ```ts
 * BarsCsvColumnsSchema.parse({ time: ['<DATE>', '<TIME>'], open: '<OPEN>', high: '<HIGH>', low: '<LOW>', close: '<CLOSE>' });
 * ```
 */
export const BarsCsvColumnsSchema = z.strictObject({
  time: z.union([columnSchema, z.tuple([columnSchema, columnSchema])]).optional(),
  open: columnSchema.optional(),
  high: columnSchema.optional(),
  low: columnSchema.optional(),
  close: columnSchema.optional(),
  volume: columnSchema.optional(),
  adjClose: columnSchema.optional(),
});

const OptionsObjectSchema = z.strictObject({
  instrumentId: z.string().min(1),
  source: z.string().optional(),
  onInvalid: z.enum(['error', 'skip']).optional(),
  timestampUnit: z.enum(['auto', 's', 'ms', 'us', 'ns']).optional(),
  onSkip: z.custom<(row: SkippedRow) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  format: z.enum(Object.keys(BarsCsvPresets) as [BarsCsvFormat, ...BarsCsvFormat[]]).optional(),
  header: z.boolean().optional(),
  columns: BarsCsvColumnsSchema.optional(),
  delimiter: z.enum([...CSV_DELIMITERS, 'auto']).optional(),
  decimal: z.enum(['.', ',']).optional(),
  thousands: z.enum([',', '.', ' ', "'"]).optional(),
  timestampFormat: z.string().optional(),
  timeZone: z.string().min(1).optional(),
  price: z.enum(['close', 'adjClose']).optional(),
});
type OptionsObject = z.output<typeof OptionsObjectSchema>;

/**
 * Schema of {@link ParseBarsCsvOptions}; unknown keys are rejected, and options that contradict each
 * other (the decimal separator equal to the delimiter, a header name in a header-less file, a pattern
 * that is not one, an unknown time zone) are errors naming the option.
 *
 * @example
 * ```ts
 * const options = parseWith(ParseBarsCsvOptionsSchema, { instrumentId: 'GOOG.NASDAQ', timestampUnit: 's' }, 'options');
 * ```
 */
export const ParseBarsCsvOptionsSchema = OptionsObjectSchema.superRefine((o, ctx) => {
  for (const issue of optionConflicts(o)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
});

/** A row left out under the `'skip'` policy. */
export interface SkippedRow {
  /** 1-based line number (the header is line 1); for a record with quoted line breaks, its first line. */
  readonly row: number;
  /** The column at fault (its header name, lower case, or the bar field in a file without header), or `'row'`. */
  readonly field: string;
  readonly message: string;
}

/** Result of {@link parseBarsCsv}. */
export interface ParsedBars {
  readonly bars: Bar[];
  /** Rows left out under the `'skip'` policy, by row number. */
  readonly skipped: readonly SkippedRow[];
  /**
   * Most decimal places seen in a price, a good default tick size (10^-precision). With
   * `price: 'adjClose'`, those of the adjusted close column, as the adjusted prices are computed.
   */
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

/** Longest line (or quoted record) {@link parseBarsCsvChunks} holds while it waits for its end. */
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
const ADJ_CLOSE_COLUMNS = ['adj close', 'adj_close', 'adjclose', 'adjusted close', 'adjusted_close', 'adj. close'];
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
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DELIMITER_NAMES: Record<string, string> = { ',': "','", ';': "';'", '\t': "'\\t'", '|': "'|'" };

/** The options with the preset applied, as the parser uses them. */
interface Settings {
  readonly header: boolean;
  readonly columns: BarsCsvColumns;
  readonly delimiter: CsvDelimiter | 'auto';
  readonly decimal: DecimalSeparator;
  readonly thousands: ThousandsSeparator | undefined;
  readonly timestampFormat: string | undefined;
  readonly timeZone: string;
  readonly adjust: boolean;
}

function settingsOf(o: OptionsObject): Settings {
  const preset: BarsCsvPreset | undefined = o.format === undefined ? undefined : BarsCsvPresets[o.format];
  const columns: BarsCsvColumns = { ...(preset?.columns ?? {}), ...(o.columns ?? {}) };
  return {
    header: o.header ?? preset?.header ?? true,
    columns,
    delimiter: o.delimiter ?? preset?.delimiter ?? ',',
    decimal: o.decimal ?? '.',
    thousands: o.thousands,
    timestampFormat: o.timestampFormat ?? (o.timestampUnit !== undefined && o.timestampUnit !== 'auto' ? undefined : preset?.timestampFormat),
    timeZone: o.timeZone ?? 'UTC',
    adjust: o.price === 'adjClose',
  };
}

/** Options that contradict each other or name what does not exist, as issues on the option. */
function optionConflicts(o: OptionsObject): ValidationIssue[] {
  const s = settingsOf(o);
  const issues: ValidationIssue[] = [];
  if (s.decimal === ',' && s.delimiter === ',')
    issues.push({ path: ['decimal'], message: "decimal ',' needs a delimiter other than ',' (set delimiter: ';', '\\t' or 'auto')" });
  if (s.thousands !== undefined && s.thousands === s.decimal) issues.push({ path: ['thousands'], message: `thousands ${JSON.stringify(s.thousands)} is also the decimal separator` });
  if (s.thousands !== undefined && s.thousands === s.delimiter) issues.push({ path: ['thousands'], message: `thousands ${JSON.stringify(s.thousands)} is also the delimiter` });
  if (o.timestampFormat !== undefined && o.timestampUnit !== undefined && o.timestampUnit !== 'auto')
    issues.push({ path: ['timestampFormat'], message: `a timestampFormat and timestampUnit '${o.timestampUnit}' exclude each other: the unit is for epoch numbers` });
  if (s.timestampFormat !== undefined) {
    const compiled = compileTimestampFormat(s.timestampFormat);
    if (typeof compiled === 'string') issues.push({ path: ['timestampFormat'], message: compiled });
  }
  if (!isKnownTimeZone(s.timeZone))
    issues.push({ path: ['timeZone'], message: `unknown time zone ${JSON.stringify(s.timeZone)}: use an IANA name such as "America/New_York", "Europe/Berlin" or "UTC"` });
  if (!s.header) {
    for (const field of COLUMN_FIELDS) {
      const ref = s.columns[field];
      const refs = ref === undefined ? [] : Array.isArray(ref) ? ref : [ref];
      if (refs.some((r) => typeof r === 'string'))
        issues.push({ path: ['columns', field], message: `${JSON.stringify(ref)} is a header name, but header is false: give the 0-based column index` });
    }
    for (const field of REQUIRED_FIELDS)
      if (s.columns[field] === undefined) issues.push({ path: ['columns', field], message: 'is required when header is false (a 0-based column index)' });
  }
  if (s.adjust && !s.header && s.columns.adjClose === undefined)
    issues.push({ path: ['columns', 'adjClose'], message: "is required by price: 'adjClose' when header is false" });
  return issues;
}

/** @internal Where {@link BarsCsvParser} hands out its bars: an array, or columns being built. */
export interface BarSink {
  push(bar: Bar): unknown;
}

interface Held {
  readonly bar: Bar;
  readonly row: number;
  readonly timeText: string;
}

/**
 * Validates a CSV of bars record by record. One instance per input; {@link parseBarsCsv} and
 * {@link parseBarsCsvChunks} feed it lines, so both apply the same rules.
 *
 * @internal Exported for the tokenizer benchmark, which feeds it records split by another parser.
 */
export class BarsCsvParser {
  /** Lines seen so far (the header is line 1). */
  lineNumber = 0;
  pricePrecision = 0;
  private readonly instrumentId: InstrumentId;
  private readonly source: string | undefined;
  private readonly skip: boolean;
  private readonly forcedUnit: Exclude<TimestampUnit, 'auto'> | undefined;
  private readonly settings: Settings;
  private readonly readNumber: NumberReader;
  private readonly timestamp: TimestampParser | undefined;
  private readonly zone: ZoneClock | undefined;
  private delimiter: string | undefined;
  /** A record whose quoted field runs on past the line end, and the row it started on. */
  private pending: { lines: string[]; row: number; length: number; quotes: number } | undefined;
  /** Fields per row (the header's, or the first row's in a file without header); 0 before the first record. */
  private width = 0;
  /** The name of each column in messages. */
  private labels: string[] = [];
  private timeLabel = '';
  private iTime = -1;
  private iTimeOfDay = -1;
  private iOpen = -1;
  private iHigh = -1;
  private iLow = -1;
  private iClose = -1;
  private iVolume = -1;
  private iAdjClose = -1;
  /** Unit of the epoch times, fixed by the first one in auto mode, and the row that fixed it. */
  private unit: Exclude<TimestampUnit, 'auto'> | undefined;
  private unitRow = 0;
  /** Time of the last bar handed out. */
  private lastTs = -Infinity;
  /** Time of the last valid row read (handed out or held), which decides a repeated wall time. */
  private prevTs = -Infinity;
  /** Row of the first data record, for the hint that a header-less file may have a header. */
  private firstDataRow = 0;
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
    this.settings = settingsOf(o);
    this.readNumber = numberReader(this.settings.decimal, this.settings.thousands);
    const compiled = this.settings.timestampFormat === undefined ? undefined : compileTimestampFormat(this.settings.timestampFormat);
    this.timestamp = typeof compiled === 'function' ? compiled : undefined;
    this.zone = this.settings.timeZone === 'UTC' ? undefined : new ZoneClock(this.settings.timeZone);
    if (this.settings.delimiter !== 'auto') this.delimiter = this.settings.delimiter;
  }

  /** Validates one line (without its `\n`), appending to `out` the bars that are ready. */
  line(raw: string, out: BarSink): void {
    const row = ++this.lineNumber;
    let text = raw.length > 0 && raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (row === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.physical(text, row, out);
  }

  /** Validates one physical line: a record, or part of a record whose quoted field spans lines. */
  private physical(text: string, row: number, out: BarSink): void {
    const pending = this.pending;
    if (pending !== undefined) {
      pending.lines.push(text);
      pending.length += text.length + 1;
      pending.quotes += countQuotes(text);
      // A record of well-formed quoted fields holds an even number of quotes: split it only then.
      if (pending.quotes % 2 === 0) {
        const cells = splitCsvRecord(pending.lines.join('\n'), this.delimiter!);
        if (cells !== OPEN_QUOTE) {
          this.pending = undefined;
          return this.fields(cells, pending.row, out);
        }
      }
      if (pending.length > MAX_LINE_LENGTH) this.abandon(`a quoted field opened on this row is still open after ${MAX_LINE_LENGTH} characters: a stray quote?`, out);
      return;
    }
    if (!(this.width === 0 && this.settings.header) && text.trim() === '') return;
    this.delimiter ??= this.sniff(text, row);
    const cells = splitCsvRecord(text, this.delimiter);
    if (cells === OPEN_QUOTE) {
      this.pending = { lines: [text], row, length: text.length, quotes: countQuotes(text) };
      return;
    }
    this.fields(cells, row, out);
  }

  private fields(cells: string[] | string, row: number, out: BarSink): void {
    if (typeof cells === 'string') {
      if (this.width === 0 && this.settings.header) throw new ValidationError([{ path: ['row'], message: `the header cannot be read: ${cells}` }], this.where(row));
      return this.fail(row, 'row', cells);
    }
    this.record(cells, row, out);
  }

  /**
   * Gives up a record whose quoted field never closes: its first row is bad (an error, or skipped), and
   * the lines it swallowed are read again as rows of their own, so that one stray quote costs one row.
   */
  private abandon(message: string, out: BarSink): void {
    const { lines, row } = this.pending!;
    this.pending = undefined;
    if (this.width === 0 && this.settings.header) throw new ValidationError([{ path: ['row'], message: `the header cannot be read: ${message}` }], this.where(row));
    this.fail(row, 'row', message);
    for (let i = 1; i < lines.length; i++) this.physical(lines[i]!, row + i, out);
  }

  /**
   * Validates one record already split into fields (the header first, when the file has one),
   * appending to `out` the bars that are ready.
   */
  record(cells: readonly string[], row: number, out: BarSink): void {
    if (this.width === 0) {
      if (this.settings.header) return this.readHeader(cells, row);
      this.locateByIndex(cells, row);
    }
    if (cells.length !== this.width) {
      const hint = cells.length > this.width ? ` (an unquoted ${DELIMITER_NAMES[this.delimiter ?? ','] ?? 'delimiter'}, such as a thousands separator in 1,234.5?)` : '';
      return this.fail(
        row,
        cells.length < this.width && this.settings.header ? this.labels[cells.length]! : 'row',
        `row has ${cells.length} columns, ${this.settings.header ? 'the header has' : `row ${this.firstDataRow} has`} ${this.width}${hint}`,
      );
    }
    const timeText = this.iTimeOfDay < 0 ? cells[this.iTime]!.trim() : `${cells[this.iTime]!.trim()} ${cells[this.iTimeOfDay]!.trim()}`;
    const ts = this.parseTime(timeText, row);
    if (typeof ts === 'string') {
      const hint = !this.settings.header && row === this.firstDataRow ? ' (is the first line a header? set header: true)' : '';
      return this.fail(row, this.timeLabel, ts + hint);
    }
    if (!this.skip && ts <= this.lastTs)
      return this.fail(row, this.timeLabel, `time ${timeText} is not after the previous row's (${new Date(this.lastTs).toISOString()}): rows must be in strictly increasing time order`);
    let open = this.number(cells, this.iOpen, row);
    if (open === undefined) return;
    let high = this.number(cells, this.iHigh, row);
    if (high === undefined) return;
    let low = this.number(cells, this.iLow, row);
    if (low === undefined) return;
    let close = this.number(cells, this.iClose, row);
    if (close === undefined) return;
    const volume = this.iVolume < 0 ? 0 : this.number(cells, this.iVolume, row);
    if (volume === undefined) return;
    const issue = barIssue({ open, high, low, close, volume });
    if (issue) return this.fail(row, issue.field, issue.message);
    const decimal = this.settings.decimal;
    if (this.settings.adjust) {
      const adjClose = this.number(cells, this.iAdjClose, row);
      if (adjClose === undefined) return;
      if (!(adjClose > 0)) return this.fail(row, this.labels[this.iAdjClose]!, `adjusted close must be positive, got ${adjClose}`);
      // One factor per row, the same multiplication for every price: rounding is monotonic, so
      // low <= open, close <= high still holds exactly after scaling.
      const f = adjClose / close;
      open *= f;
      high *= f;
      low *= f;
      close *= f;
      this.pricePrecision = Math.max(this.pricePrecision, decimalPlaces(cells[this.iAdjClose]!.trim(), decimal));
    } else {
      this.pricePrecision = Math.max(
        this.pricePrecision,
        decimalPlaces(cells[this.iOpen]!.trim(), decimal),
        decimalPlaces(cells[this.iHigh]!.trim(), decimal),
        decimalPlaces(cells[this.iLow]!.trim(), decimal),
        decimalPlaces(cells[this.iClose]!.trim(), decimal),
      );
    }
    const bar: Bar = { type: 'Bar', instrumentId: this.instrumentId, ts, open, high, low, close, volume };
    this.prevTs = ts;
    if (!this.skip) {
      this.lastTs = ts;
      out.push(bar);
      return;
    }
    this.held.push({ bar, row, timeText });
    if (this.held.length > LOOKAHEAD) this.release(out);
  }

  /** Ends the input, appending the bars still held. */
  end(out: BarSink): void {
    while (this.pending !== undefined) this.abandon('a quoted field opened on this row is not closed by the end of the input', out);
    if (this.width === 0 && this.settings.header) this.readHeader([''], 1);
    while (this.held.length > 0) this.release(out);
  }

  private sniff(text: string, row: number): string {
    const candidates = CSV_DELIMITERS.filter((c) => c !== this.settings.decimal && c !== this.settings.thousands);
    const found = sniffDelimiter(text, candidates);
    if (found === undefined)
      throw new ValidationError(
        [{ path: ['options', 'delimiter'], message: `'auto' cannot tell the delimiter from ${JSON.stringify(text.slice(0, 80))}: none or several of ${candidates.map((c) => DELIMITER_NAMES[c]).join(', ')} occur equally often; set delimiter` }],
        this.where(row),
      );
    return found;
  }

  private readHeader(cells: readonly string[], row: number): void {
    const names = cells.map((h) => h.trim());
    const lower = names.map((h) => h.toLowerCase());
    const { columns, adjust } = this.settings;
    const issues: ValidationIssue[] = [];
    const listed = names.join(', ');
    /** Said once, after the first missing column: the header, and what it suggests. */
    const context = (): string => {
      if (issues.length > 0) return '';
      let hint = '';
      const other = names.length === 1 ? CSV_DELIMITERS.find((c) => c !== this.delimiter && names[0]!.includes(c)) : undefined;
      if (other !== undefined) hint = ` (it has no ${DELIMITER_NAMES[this.delimiter!]} but has ${DELIMITER_NAMES[other]}: set delimiter: ${DELIMITER_NAMES[other]} or 'auto')`;
      else if (names.some((n) => /^[+-]?\d/.test(n))) hint = ' (it starts with a number: a file without header? set header: false and give columns as indices)';
      return ` in the header: ${listed}${hint}`;
    };
    const named = (ref: CsvColumn, path: (string | number)[]): number => {
      let i: number;
      if (typeof ref === 'number') i = ref < names.length ? ref : -1;
      else {
        const want = ref.trim();
        i = names.indexOf(want);
        if (i < 0) i = lower.indexOf(want.toLowerCase());
      }
      if (i < 0)
        issues.push({
          path: ['options', 'columns', ...path],
          message: typeof ref === 'number' ? `column ${ref} is beyond the ${names.length} columns of the header (${listed})` : `no column ${JSON.stringify(ref)}${context()}`,
        });
      return i;
    };
    const byDefault = (field: ColumnField, candidates: readonly string[], required: boolean): number => {
      const i = lower.findIndex((h) => candidates.includes(h));
      if (i < 0 && required) {
        const first = issues.length === 0;
        issues.push({ path: [field], message: `no column named ${candidates.join(', ')}${context()}${first ? '; the columns option names columns otherwise' : ''}` });
      }
      return i;
    };
    const locate = (field: Exclude<ColumnField, 'time'>, defaults: readonly string[], required: boolean): number => {
      const ref = columns[field];
      return ref === undefined ? byDefault(field, defaults, required) : named(ref, [field]);
    };
    const time = columns.time;
    if (time === undefined) this.iTime = byDefault('time', TIME_COLUMNS, true);
    else if (Array.isArray(time)) {
      this.iTime = named(time[0], ['time', 0]);
      this.iTimeOfDay = named(time[1], ['time', 1]);
    } else this.iTime = named(time as CsvColumn, ['time']);
    this.iOpen = locate('open', ['open'], true);
    this.iHigh = locate('high', ['high'], true);
    this.iLow = locate('low', ['low'], true);
    this.iClose = locate('close', ['close'], true);
    this.iVolume = locate('volume', ['volume'], false);
    this.iAdjClose = locate('adjClose', ADJ_CLOSE_COLUMNS, adjust);
    if (issues.length > 0) throw new ValidationError(issues, this.where(row));
    this.width = names.length;
    this.labels = lower;
    this.timeLabel = this.iTimeOfDay < 0 ? lower[this.iTime]! : `${lower[this.iTime]}+${lower[this.iTimeOfDay]}`;
  }

  /** Places the columns of a file without header by index, checking them against its first row. */
  private locateByIndex(cells: readonly string[], row: number): void {
    const { columns } = this.settings;
    const issues: ValidationIssue[] = [];
    const labels = cells.map((_, i) => `column ${i}`);
    const at = (ref: CsvColumn | undefined, path: (string | number)[], label: string): number => {
      if (ref === undefined) return -1;
      const i = ref as number;
      if (i >= cells.length) {
        issues.push({ path: ['options', 'columns', ...path], message: `column ${i} is beyond the ${cells.length} columns of row ${row}` });
        return -1;
      }
      labels[i] = label;
      return i;
    };
    const time = columns.time;
    if (Array.isArray(time)) {
      this.iTime = at(time[0], ['time', 0], 'date');
      this.iTimeOfDay = at(time[1], ['time', 1], 'time');
      this.timeLabel = 'date+time';
    } else {
      this.iTime = at(time as CsvColumn | undefined, ['time'], 'time');
      this.timeLabel = 'time';
    }
    this.iOpen = at(columns.open, ['open'], 'open');
    this.iHigh = at(columns.high, ['high'], 'high');
    this.iLow = at(columns.low, ['low'], 'low');
    this.iClose = at(columns.close, ['close'], 'close');
    this.iVolume = at(columns.volume, ['volume'], 'volume');
    this.iAdjClose = at(columns.adjClose, ['adjClose'], 'adjClose');
    if (issues.length > 0) throw new ValidationError(issues, this.where(row));
    this.width = cells.length;
    this.labels = labels;
    this.firstDataRow = row;
  }

  /**
   * Hands out (or, out of place in time, leaves out) the oldest held row. It is kept when keeping it
   * costs none of the held rows after it: the longest run of rows in increasing time that can follow
   * it is at least as long, plus itself, as the longest run that can follow the last row handed out.
   */
  private release(out: BarSink): void {
    const { bar, row, timeText } = this.held.shift()!;
    const field = this.timeLabel;
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
    const value = this.readNumber(cells[i]!.trim());
    if (typeof value === 'number') return value;
    this.fail(row, this.labels[i]!, value);
    return undefined;
  }

  /** Epoch milliseconds of a time cell, or why it is not a time. Unit errors throw whatever the policy. */
  private parseTime(text: string, row: number): number | string {
    if (this.timestamp !== undefined) {
      const wall = this.timestamp(text);
      if (typeof wall === 'string') return wall;
      return this.instant(wallTimeMillis(wall), wall.hasTime, text);
    }
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
    const m = DATE_RE.exec(text);
    if (!m) return `is not a recognised time: ${JSON.stringify(text)} (dates such as 2024-01-02 or 2024-01-02 09:30, ISO 8601, epoch numbers; set timestampFormat for other layouts)`;
    const [, y, mo, d, h, mi, s, ms, zone] = m;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h ?? 0);
    const minute = Number(mi ?? 0);
    const second = Number(s ?? 0);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
      return `is not a recognised time: ${JSON.stringify(text)} (no such date or time of day)`;
    const millisecond = ms === undefined ? 0 : Number(ms.padEnd(3, '0'));
    const wall = year >= 100 ? Date.UTC(year, month - 1, day, hour, minute, second, millisecond) : wallTimeMillis({ year, month, day, hour, minute, second, millisecond, hasTime: true });
    if (zone === undefined) return this.instant(wall, h !== undefined, text);
    if (zone === 'Z') return wall;
    const sign = zone[0] === '-' ? -1 : 1;
    const offset = zone.slice(1).replace(':', '');
    return wall - sign * (Number(offset.slice(0, 2)) * 60 + Number(offset.slice(2))) * 60_000;
  }

  /** The instant of a wall time in the time zone (see `timeZone` for the daylight-saving rules). */
  private instant(wall: number, hasTime: boolean, text: string): number | string {
    if (this.zone === undefined) return wall;
    const m = this.zone.resolve(wall);
    if (m.kind === 'unique') return m.ts;
    if (m.kind === 'overlap') return m.earlier > this.prevTs ? m.earlier : m.later;
    if (!hasTime) return m.after;
    return `${text} does not exist in ${this.zone.timeZone}: the clocks moved forward from ${formatOffset(m.offsetBefore)} to ${formatOffset(m.offsetAfter)} over it (is timeZone right?)`;
  }

  private unitError(row: number, message: string): ValidationError {
    return new ValidationError([{ path: [this.timeLabel], message }], this.where(row));
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

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
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
