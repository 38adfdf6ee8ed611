/**
 * Runs an indicator over a whole series for research: columns in, columns out, NaN where the
 * indicator is still warming up.
 */
import { ValidationError } from '../errors';
import type { Indicator } from './indicator';

/**
 * Columns of bars for {@link batch}; give the columns the indicator reads.
 *
 * @example
 * ```ts
 * const columns: BarColumns = { high: highs, low: lows, close: closes };
 * ```
 */
export interface BarColumns {
  readonly ts?: Float64Array | readonly number[];
  readonly open?: Float64Array | readonly number[];
  readonly high?: Float64Array | readonly number[];
  readonly low?: Float64Array | readonly number[];
  readonly close?: Float64Array | readonly number[];
  readonly volume?: Float64Array | readonly number[];
}

/**
 * What {@link batch} returns: one column for a number-valued indicator, one column per field otherwise.
 *
 * @example
 * ```ts
 * const out: BatchOutput<MacdValue> = batch(() => new Macd(), closes); // { macd, signal, histogram }
 * ```
 */
export type BatchOutput<O> = O extends number ? Float64Array : { [K in keyof O]: Float64Array };

/** The row {@link batch} passes to bar-based indicators: one object, rewritten for every row. */
interface Row {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Feeds `inputs` through an indicator (or a fresh one from a factory) and collects every value: a
 * `Float64Array` for number-valued indicators, a record of `Float64Array`s (one per field, such as
 * `macd`, `signal`, `histogram`) for the others, NaN during warm-up. Bar-based indicators take columns;
 * `batch` hands them one row object that it rewrites in place (indicators never keep their inputs), and
 * a column that is missing reads as NaN, which the indicator rejects with a `ValidationError`.
 * An indicator instance is used as it is (not reset). Multi-output indicators name their fields in
 * `fields`, so their columns exist (all NaN) even when no value appears.
 *
 * @example
 * ```ts
 * const rsi = batch(() => new Rsi(14), closes);                          // Float64Array
 * const macd = batch(new Macd(), closes);                                // { macd, signal, histogram }
 * const atr = batch(() => new Atr(14), { high, low, close });            // Float64Array
 * ```
 */
export function batch<O>(source: Indicator<number, O> | (() => Indicator<number, O>), inputs: Float64Array | readonly number[]): BatchOutput<O>;
export function batch<I, O>(source: Indicator<I, O> | (() => Indicator<I, O>), inputs: BarColumns): BatchOutput<O>;
export function batch(source: Indicator<unknown, unknown> | (() => Indicator<unknown, unknown>), inputs: Float64Array | readonly number[] | BarColumns): unknown {
  const indicator = typeof source === 'function' ? source() : source;
  const series = ArrayBuffer.isView(inputs) || Array.isArray(inputs);
  let n: number;
  let row: Row | undefined;
  let columns: Required<BarColumns> | undefined;
  if (series) {
    n = (inputs as Float64Array).length;
  } else {
    const c = inputs as BarColumns;
    const lengths = [c.ts, c.open, c.high, c.low, c.close, c.volume].filter((x) => x !== undefined).map((x) => x.length);
    if (lengths.length === 0) throw new ValidationError([{ path: ['inputs'], message: 'give at least one column' }]);
    n = lengths[0]!;
    if (lengths.some((l) => l !== n)) throw new ValidationError([{ path: ['inputs'], message: `columns differ in length: ${lengths.join(', ')}` }]);
    const nan = new Float64Array(n).fill(NaN);
    columns = { ts: c.ts ?? nan, open: c.open ?? nan, high: c.high ?? nan, low: c.low ?? nan, close: c.close ?? nan, volume: c.volume ?? nan };
    row = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  }
  let single: Float64Array | undefined;
  let record: Record<string, Float64Array> | undefined;
  // The record's keys and columns side by side, so that each row is copied with indexed loops.
  let keys: string[] = [];
  let cols: Float64Array[] = [];
  const fields = (indicator as { fields?: readonly string[] }).fields;
  // Multi-output indicators write each value into one scratch object (their `into` argument) instead
  // of allocating one per row; an indicator that ignores the argument returns a fresh one, which works too.
  let scratch: Record<string, number> | undefined;
  if (fields) {
    record = {};
    scratch = {};
    for (const k of fields) {
      record[k] = new Float64Array(n).fill(NaN);
      scratch[k] = NaN;
    }
    keys = [...fields];
    cols = keys.map((k) => record![k]!);
  }
  const target = indicator as { update(input: unknown, into?: object): unknown };
  for (let i = 0; i < n; i++) {
    let value: unknown;
    if (row && columns) {
      row.ts = columns.ts[i]!;
      row.open = columns.open[i]!;
      row.high = columns.high[i]!;
      row.low = columns.low[i]!;
      row.close = columns.close[i]!;
      row.volume = columns.volume[i]!;
      value = target.update(row, scratch);
    } else {
      value = target.update((inputs as Float64Array)[i]!, scratch);
    }
    if (value === undefined) continue;
    if (typeof value === 'number') {
      single ??= new Float64Array(n).fill(NaN);
      single[i] = value;
    } else {
      if (!record) {
        record = {};
        keys = Object.keys(value as object);
        for (const k of keys) record[k] = new Float64Array(n).fill(NaN);
        cols = keys.map((k) => record![k]!);
      }
      const v = value as Record<string, number>;
      const m = keys.length;
      // One to three fields (every multi-output indicator here): one read site per field, so that each
      // site sees a single name (a loop over the names makes every read a megamorphic lookup).
      if (m === 0 || m > 3) for (let j = 0; j < m; j++) cols[j]![i] = v[keys[j]!]!;
      else {
        cols[0]![i] = v[keys[0]!]!;
        if (m > 1) cols[1]![i] = v[keys[1]!]!;
        if (m > 2) cols[2]![i] = v[keys[2]!]!;
      }
    }
  }
  return record ?? single ?? new Float64Array(n).fill(NaN);
}
