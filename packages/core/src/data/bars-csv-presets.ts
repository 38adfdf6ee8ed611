/**
 * Option sets for the bar files that common sources export, so that `format: 'yahoo'` stands for the
 * options spelled out here. Each is plain options of `parseBarsCsv`; options given beside `format` win,
 * and `columns` given beside it are merged into the preset's, field by field.
 */

/** A column of a CSV file: its header name (matched exactly, else case-insensitively) or its 0-based index. */
export type CsvColumn = string | number;

/**
 * Where each bar field is read from. Fields left out are found by their usual header names (see
 * `docs/bars-from-csv.md`); a header-less file (`header: false`) must give `time`, `open`, `high`, `low`
 * and `close` as 0-based indices. `time` may be two columns, a date and a time of day, which are joined
 * with a space before the time is parsed (MetaTrader's `<DATE>` and `<TIME>`).
 *
 * @example
 * ```ts
 * const columns: BarsCsvColumns = { time: ['<DATE>', '<TIME>'], open: '<OPEN>', high: '<HIGH>', low: '<LOW>', close: '<CLOSE>', volume: '<TICKVOL>' };
 * ```
 */
export interface BarsCsvColumns {
  readonly time?: CsvColumn | readonly [date: CsvColumn, timeOfDay: CsvColumn];
  readonly open?: CsvColumn;
  readonly high?: CsvColumn;
  readonly low?: CsvColumn;
  readonly close?: CsvColumn;
  /** Volume; 0 for every bar when no column is named and none is called `volume`. */
  readonly volume?: CsvColumn;
  /** The dividend- and split-adjusted close (Yahoo's `Adj Close`), read when `price` is `'adjClose'`. */
  readonly adjClose?: CsvColumn;
}

/** The options a preset sets. */
export interface BarsCsvPreset {
  readonly header: boolean;
  readonly delimiter: ',' | ';' | '\t' | '|';
  readonly columns: BarsCsvColumns;
  readonly timestampFormat?: string;
}

/**
 * The presets, by name:
 *
 * - `yahoo`: Yahoo Finance's daily download, `Date,Open,High,Low,Close,Adj Close,Volume`.
 * - `binance`: data.binance.vision klines: no header, 12 columns, open time (column 0) in epoch
 *   milliseconds, or microseconds in spot files from 2025 on (read by `timestampUnit: 'auto'`). USDⓈ-M
 *   futures files start with a header line: add `header: true`.
 * - `metatrader4`: MetaTrader 4 History Center export: no header, `2020.01.02,00:00,open,high,low,close,volume`.
 * - `metatrader5`: MetaTrader 5 bar export: tab-separated, `<DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE>
 *   <TICKVOL> <VOL> <SPREAD>`, time `HH:mm:ss` (or `HH:mm`); the volume is `<TICKVOL>`.
 *
 * MetaTrader writes the broker's server time: give its zone with `timeZone`.
 *
 * @example
 * ```ts
 * const { bars } = parseBarsCsv(text, { instrumentId: instrumentId('SPY.ARCA'), format: 'yahoo', price: 'adjClose' });
 * ```
 */
export const BarsCsvPresets = {
  yahoo: {
    header: true,
    delimiter: ',',
    columns: { time: 'Date', open: 'Open', high: 'High', low: 'Low', close: 'Close', adjClose: 'Adj Close', volume: 'Volume' },
    timestampFormat: 'YYYY-MM-DD',
  },
  binance: {
    header: false,
    delimiter: ',',
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
  },
  metatrader4: {
    header: false,
    delimiter: ',',
    columns: { time: [0, 1], open: 2, high: 3, low: 4, close: 5, volume: 6 },
    timestampFormat: 'YYYY.MM.DD HH:mm',
  },
  metatrader5: {
    header: true,
    delimiter: '\t',
    columns: { time: ['<DATE>', '<TIME>'], open: '<OPEN>', high: '<HIGH>', low: '<LOW>', close: '<CLOSE>', volume: '<TICKVOL>' },
    timestampFormat: 'YYYY.MM.DD HH:mm[:ss]',
  },
} as const satisfies Record<string, BarsCsvPreset>;

/** A preset's name. */
export type BarsCsvFormat = keyof typeof BarsCsvPresets;
