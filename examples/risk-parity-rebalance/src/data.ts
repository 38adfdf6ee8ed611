/**
 * The example's market data: EDHEC hedge-fund style index returns (monthly, 1997-01..2021-05) turned
 * into index levels that start at 100, and into one monthly bar per index per month.
 *
 * A bar's close is the level at the end of its month, rounded to 4 decimals (the instruments' tick); its
 * open is the previous bar's close (100 for the first month), so an order placed at a month's end fills
 * at that month's closing level when the next bar opens. High and low are the larger and smaller of the
 * two; volume is 0.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineInstrument, type Bar, type Instrument } from '@rxtrade/core';

/** The index data: one instrument, one bar series and one return series per index. */
export interface IndexData {
  /** Month-end dates, `YYYY-MM-DD`. */
  readonly dates: readonly string[];
  /** Index names as in the file (`Convertible Arbitrage`, …). */
  readonly names: readonly string[];
  readonly instruments: readonly Instrument[];
  /** `bars[k][t]`: index k, month t. */
  readonly bars: readonly (readonly Bar[])[];
  /** `returns[k][t]`: the file's return of index k in month t. */
  readonly returns: readonly Float64Array[];
}

/** Where the bundled copy of the data lies. */
export const EDHEC_CSV = fileURLToPath(new URL('../data/edhec.csv', import.meta.url));

/** Level of every index before its first return. */
export const START_LEVEL = 100;

/**
 * Parses the EDHEC CSV (a `Date` column, then one column of simple monthly returns per index) into
 * instruments, bars and returns.
 *
 * @example
 * ```ts
 * const data = loadIndexData(readFileSync(EDHEC_CSV, 'utf8'));
 * data.bars[0]![0]!.close; // 101.19: Convertible Arbitrage after January 1997
 * ```
 */
export function loadIndexData(csv: string): IndexData {
  const lines = csv.trim().split(/\r?\n/);
  const names = lines[0]!.split(',').slice(1).map(unquote);
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== names.length + 1) throw new Error(`edhec.csv row ${i + 2}: expected ${names.length + 1} cells, got ${cells.length}`);
    return cells;
  });
  const dates = rows.map((r) => unquote(r[0]!));
  const instruments = names.map((name) =>
    defineInstrument({
      symbol: name.replace(/[^A-Za-z]+/g, '_').toUpperCase(),
      venue: 'EDHEC',
      assetClass: 'cfd',
      base: 'IDX',
      quote: 'USD',
      tickSize: '0.0001',
      lotSize: '0.0001',
    }),
  );
  const returns = names.map((name, k) =>
    Float64Array.from(rows, (r, t) => {
      const v = Number(r[k + 1]);
      if (!Number.isFinite(v) || v <= -1) throw new Error(`edhec.csv row ${t + 2}, ${name}: bad return ${JSON.stringify(r[k + 1])}`);
      return v;
    }),
  );
  const bars = instruments.map((instrument, k) => {
    let level = START_LEVEL;
    let open = START_LEVEL;
    return dates.map((date, t): Bar => {
      level *= 1 + returns[k]![t]!;
      const close = round4(level);
      const bar: Bar = { type: 'Bar', instrumentId: instrument.id, ts: utc(date), open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 0 };
      open = close;
      return bar;
    });
  });
  return { dates, names, instruments, bars, returns };
}

/**
 * Reads the bundled EDHEC file.
 *
 * @example
 * ```ts
 * const { instruments, bars } = readIndexData();
 * ```
 */
export function readIndexData(path: string = EDHEC_CSV): IndexData {
  return loadIndexData(readFileSync(path, 'utf8'));
}

function round4(x: number): number {
  return Number(x.toFixed(4));
}

function unquote(s: string): string {
  return s.trim().replace(/^"|"$/g, '');
}

function utc(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`edhec.csv: bad date ${JSON.stringify(date)}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}
