/**
 * Parses OHLCV bars from CSV text: the edge where market data is validated once. No file system access
 * here (core runs anywhere); `@rxtrade/connectors` reads files and calls this.
 *
 * Columns are found by header name, case-insensitively: a time column (`date`, `datetime`, `time`,
 * `timestamp` or `ts`), `open`, `high`, `low`, `close` and optionally `volume` (0 when absent); other
 * columns are ignored. Times may be `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DD HH:MM[:SS[.sss]]` (UTC),
 * ISO 8601 with `T` and an optional `Z` or offset, or integer epoch milliseconds.
 */
import { ValidationError } from '../errors';
import type { InstrumentId } from '../domain/ids';
import { barIssue, type Bar } from '../domain/market-data';

/** What to do with a bad row. */
export const InvalidRowPolicy = { ERROR: 'error', SKIP: 'skip' } as const;
export type InvalidRowPolicy = (typeof InvalidRowPolicy)[keyof typeof InvalidRowPolicy];

/** Options of {@link parseBarsCsv}. */
export interface ParseBarsCsvOptions {
  readonly instrumentId: InstrumentId;
  /** Name used in error messages, such as the file name. */
  readonly source?: string;
  /**
   * `'error'` (default): the first bad row throws a `ValidationError` naming the row and field.
   * `'skip'`: bad rows (malformed, non-finite or non-positive prices, high < low, time not after the
   * previous row) are left out and reported in `skipped`.
   */
  readonly onInvalid?: InvalidRowPolicy;
}

/** A row left out under the `'skip'` policy. */
export interface SkippedRow {
  /** 1-based line number (the header is line 1). */
  readonly row: number;
  readonly field: string;
  readonly message: string;
}

/** Result of {@link parseBarsCsv}. */
export interface ParsedBars {
  readonly bars: Bar[];
  readonly skipped: readonly SkippedRow[];
  /** Most decimal places seen in a price, a good default tick size (10^-precision). */
  readonly pricePrecision: number;
}

const TIME_COLUMNS = ['date', 'datetime', 'time', 'timestamp', 'ts'];

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
  const { instrumentId, source } = options;
  const skip = (options.onInvalid ?? 'error') === 'skip';
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const iTime = header.findIndex((h) => TIME_COLUMNS.includes(h));
  const iOpen = col('open');
  const iHigh = col('high');
  const iLow = col('low');
  const iClose = col('close');
  const iVolume = col('volume');
  const missing = [
    iTime < 0 ? 'date' : undefined,
    iOpen < 0 ? 'open' : undefined,
    iHigh < 0 ? 'high' : undefined,
    iLow < 0 ? 'low' : undefined,
    iClose < 0 ? 'close' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0)
    throw new ValidationError(
      missing.map((m) => ({ path: [m], message: `column is missing from the header (${JSON.stringify(lines[0] ?? '')})` })),
      { row: 1, ...(source ? { source } : {}) },
    );

  const bars: Bar[] = [];
  const skipped: SkippedRow[] = [];
  let precision = 0;
  let lastTs = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const row = i + 1;
    const cells = line.split(',');
    const fail = (field: string, message: string): void => {
      if (!skip) throw new ValidationError([{ path: [field], message }], { row, ...(source ? { source } : {}) });
      skipped.push({ row, field, message });
    };
    if (cells.length < header.length) {
      fail(header[cells.length] ?? 'row', `row has ${cells.length} columns, the header has ${header.length}`);
      continue;
    }
    const timeText = cells[iTime]!.trim().replace(/^"|"$/g, '');
    const ts = parseTime(timeText);
    if (ts === undefined) {
      fail(header[iTime]!, `is not a recognised time: ${JSON.stringify(timeText)}`);
      continue;
    }
    if (ts <= lastTs) {
      fail(header[iTime]!, `time ${timeText} is not after the previous row's (${new Date(lastTs).toISOString()}): rows must be in strictly increasing time order`);
      continue;
    }
    const open = parseNumber(cells[iOpen]!);
    const high = parseNumber(cells[iHigh]!);
    const low = parseNumber(cells[iLow]!);
    const close = parseNumber(cells[iClose]!);
    const volume = iVolume < 0 ? 0 : parseNumber(cells[iVolume]!);
    const values = { open, high, low, close, volume };
    const issue = barIssue(values);
    if (issue) {
      const rawIndex = { open: iOpen, high: iHigh, low: iLow, close: iClose, volume: iVolume }[issue.field];
      const raw = JSON.stringify((cells[rawIndex] ?? '').trim());
      fail(issue.field, Number.isNaN(values[issue.field]) ? `is not a number: ${raw}` : issue.message);
      continue;
    }
    for (const j of [iOpen, iHigh, iLow, iClose]) precision = Math.max(precision, decimals(cells[j]!));
    lastTs = ts;
    bars.push({ type: 'Bar', instrumentId, ts, open, high, low, close, volume });
  }
  return { bars, skipped, pricePrecision: precision };
}

function parseNumber(text: string): number {
  const t = text.trim().replace(/^"|"$/g, '');
  return t === '' ? NaN : Number(t);
}

function decimals(text: string): number {
  const t = text.trim();
  const dot = t.indexOf('.');
  if (dot < 0 || /e/i.test(t)) return 0;
  return t.length - dot - 1;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function parseTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
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
