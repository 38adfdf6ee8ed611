/**
 * Bars of one instrument held as columns: a `Float64Array` per field (ts, open, high, low, close,
 * volume), 48 bytes a bar. Ten million `Bar` objects are ten million things for the garbage collector
 * to trace on every full collection (about a gigabyte of live objects); six typed arrays are six, their
 * numbers outside the traced heap. A backtest reads one bar at a time with {@link BarColumns.barAt},
 * which makes a fresh, short-lived `Bar` (young-generation garbage, which is cheap to collect).
 *
 * Columns are validated when they are made, by the rules the runners apply to every event
 * (`marketDataIssue`, `MarketDataValidator`): prices finite and > 0, low <= open, close <= high, volume
 * finite and >= 0, times finite and strictly increasing (bars of one instrument). A fault names the
 * column and the row: `columns.low[1523]: must be <= open and close (low 101.2, open 100.9)`.
 */
import { ValidationError } from '../errors';
import type { InstrumentId } from '../domain/ids';
import type { Bar } from '../domain/market-data';
import { marketDataIssue } from '../domain/validate-market-data';

/** The six columns of {@link BarColumns}, in the order of a `Bar`'s fields. */
export const BAR_COLUMN_FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
/** One of {@link BAR_COLUMN_FIELDS}. */
export type BarColumnField = (typeof BAR_COLUMN_FIELDS)[number];

/**
 * What {@link BarColumns.from} takes: an instrument and a `Float64Array` per field, all of one length
 * (and that length, optionally: a `BarColumns` copied by `structuredClone` or sent to a worker fits).
 */
export interface BarColumnsInput {
  readonly instrumentId: InstrumentId | string;
  readonly length?: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Options of {@link BarColumns.from}. */
export interface BarColumnsOptions {
  /** The name of the columns in error paths (`columns` by default): `columns.low[12]`. */
  readonly label?: string;
}

/** Registered brand, so that copies of this package recognise each other's columns. */
const BAR_COLUMNS = Symbol.for('rxtrade.barColumns');

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Validated bars of one instrument, a `Float64Array` per field. Iterating it yields the bars in order
 * (a fresh `Bar` each), so it goes wherever a series of market data goes; `runBacktest` reads it by
 * index without an iterator.
 *
 * @example
 * ```ts
 * import { BarColumns, instrumentId } from '@rxtrade/core';
 *
 * const columns = BarColumns.from({
 *   instrumentId: instrumentId('AAA.SIM'),
 *   ts: Float64Array.of(0, 60_000),
 *   open: Float64Array.of(10, 10.5),
 *   high: Float64Array.of(11, 11),
 *   low: Float64Array.of(9.5, 10.2),
 *   close: Float64Array.of(10.5, 10.8),
 *   volume: Float64Array.of(100, 80),
 * });
 * console.log(columns.length, columns.barAt(1).close); // 2 10.8
 * ```
 */
export class BarColumns implements Iterable<Bar> {
  static {
    Object.defineProperty(this.prototype, BAR_COLUMNS, { value: true });
  }

  readonly instrumentId: InstrumentId;
  /** Number of bars. */
  readonly length: number;
  /** Bar open times, epoch milliseconds UTC, strictly increasing. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;

  private constructor(input: BarColumnsInput) {
    this.instrumentId = input.instrumentId as InstrumentId;
    this.length = input.ts.length;
    this.ts = input.ts;
    this.open = input.open;
    this.high = input.high;
    this.low = input.low;
    this.close = input.close;
    this.volume = input.volume;
  }

  /**
   * Checks `input` and wraps its arrays (they are not copied: change them afterwards and the bars
   * change, unchecked). Throws a `ValidationError` naming the column and row of the first fault.
   *
   * @example
   * ```ts
   * import { BarColumns } from '@rxtrade/core';
   *
   * const one = Float64Array.of(1);
   * try {
   *   BarColumns.from({ instrumentId: 'AAA.SIM', ts: Float64Array.of(0), open: one, high: one, low: Float64Array.of(2), close: one, volume: one });
   * } catch (e) {
   *   console.log((e as Error).message); // columns.low[0]: must be <= open and close (low 2, open 1)
   * }
   * ```
   */
  static from(input: BarColumnsInput, options: BarColumnsOptions = {}): BarColumns {
    const label = options.label ?? 'columns';
    const fail = (path: (string | number)[], message: string): never => {
      throw new ValidationError([{ path: [label, ...path], message }]);
    };
    if (typeof input !== 'object' || input === null) return fail([], `must be an object with instrumentId and the columns ${BAR_COLUMN_FIELDS.join(', ')}, got ${show(input)}`);
    const known = new Set<string>(['instrumentId', 'length', ...BAR_COLUMN_FIELDS]);
    for (const key of Object.keys(input)) if (!known.has(key)) fail([key], `unknown key (the columns are ${BAR_COLUMN_FIELDS.join(', ')})`);
    const id: unknown = input.instrumentId;
    if (typeof id !== 'string' || id.length === 0) fail(['instrumentId'], `must be a non-empty string, got ${show(id)}`);
    for (const field of BAR_COLUMN_FIELDS) {
      const column: unknown = input[field];
      if (!(column instanceof Float64Array)) fail([field], `must be a Float64Array, got ${column === null ? 'null' : typeof column === 'object' ? (column.constructor?.name ?? 'an object') : show(column)}`);
    }
    const n = input.ts.length;
    for (const field of BAR_COLUMN_FIELDS)
      if (input[field].length !== n) fail([field], `has ${input[field].length} values but ts has ${n}: every column must have one value per bar`);
    if (input.length !== undefined && input.length !== n) fail(['length'], `is ${show(input.length)} but the columns have ${n} values`);
    const columns = new BarColumns(input);
    const bad = columns.firstInvalidRow();
    if (bad >= 0) columns.explain(bad, label);
    return columns;
  }

  /**
   * Columns of `bars`, which must all be bars of one instrument (the first one's), validated as
   * {@link BarColumns.from} does; errors name the bar: `bars[12].low`.
   *
   * @example
   * ```ts
   * import { BarColumns, instrumentId, type Bar } from '@rxtrade/core';
   *
   * const id = instrumentId('AAA.SIM');
   * const bars: Bar[] = [{ type: 'Bar', instrumentId: id, ts: 0, open: 10, high: 11, low: 9, close: 10.5, volume: 100 }];
   * console.log(BarColumns.fromBars(bars).close[0]); // 10.5
   * ```
   */
  static fromBars(bars: readonly Bar[], options: BarColumnsOptions = {}): BarColumns {
    const label = options.label ?? 'bars';
    const first = bars[0];
    if (first === undefined) throw new ValidationError([{ path: [label], message: 'is empty: give at least one bar (its instrument names the columns)' }]);
    const n = bars.length;
    const columns = new BarColumns({
      instrumentId: first.instrumentId,
      ts: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    });
    for (let i = 0; i < n; i++) {
      const bar = bars[i] as Bar | null | undefined;
      if (typeof bar !== 'object' || bar === null || bar.type !== 'Bar') {
        const issue = marketDataIssue(bar) ?? { path: ['type'], message: `must be a Bar, got ${show((bar as { type?: unknown }).type)}` };
        throw new ValidationError([{ path: [label, i, ...issue.path], message: issue.message }]);
      }
      if (bar!.instrumentId !== first.instrumentId)
        throw new ValidationError([{ path: [label, i, 'instrumentId'], message: `is ${show(bar!.instrumentId)} but bars[0] is of ${show(first.instrumentId)}: columns hold one instrument` }]);
      const b = bar!;
      columns.ts[i] = b.ts;
      columns.open[i] = b.open;
      columns.high[i] = b.high;
      columns.low[i] = b.low;
      columns.close[i] = b.close;
      columns.volume[i] = b.volume;
    }
    const bad = columns.firstInvalidRow();
    if (bad >= 0) {
      const issue = columns.issueAt(bad)!;
      throw new ValidationError([{ path: [label, bad, issue.field], message: issue.message }]);
    }
    return columns;
  }

  /**
   * The bar at row `i`, a fresh object with the fields in a `Bar`'s order (one shape for V8).
   *
   * @example
   * ```ts
   * const last = columns.barAt(columns.length - 1);
   * ```
   */
  barAt(i: number): Bar {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) throw new ValidationError([{ path: ['index'], message: `must be an integer in [0, ${this.length}), got ${i}` }]);
    return { type: 'Bar', instrumentId: this.instrumentId, ts: this.ts[i]!, open: this.open[i]!, high: this.high[i]!, low: this.low[i]!, close: this.close[i]!, volume: this.volume[i]! };
  }

  /**
   * The rows `[start, end)` as columns of their own, sharing these arrays (no copy).
   *
   * @example
   * ```ts
   * const lastYear = columns.slice(columns.length - 252);
   * ```
   */
  slice(start = 0, end = this.length): BarColumns {
    const s = clampIndex(start, this.length);
    const e = Math.max(s, clampIndex(end, this.length));
    return new BarColumns({
      instrumentId: this.instrumentId,
      ts: this.ts.subarray(s, e),
      open: this.open.subarray(s, e),
      high: this.high.subarray(s, e),
      low: this.low.subarray(s, e),
      close: this.close.subarray(s, e),
      volume: this.volume.subarray(s, e),
    });
  }

  /** The bars in order, a fresh object each. */
  *[Symbol.iterator](): Iterator<Bar> {
    for (let i = 0; i < this.length; i++) yield this.barAt(i);
  }

  /**
   * Row of the first bar that breaks the rules the columns were checked by when they were made (see
   * {@link BarColumns.from}), or -1. The arrays are the caller's: a change made to them since is checked
   * only when this is asked (a backtest asks before its first bar). One pass over the arrays, a few
   * nanoseconds a row; columns whose arrays were replaced by other kinds of array are read bar by bar.
   *
   * @example
   * ```ts
   * columns.low[3] = 0;
   * columns.firstInvalidRow(); // 3
   * ```
   */
  firstInvalidRow(): number {
    const { instrumentId, ts, open, high, low, close, volume, length } = this;
    if (
      !(ts instanceof Float64Array && open instanceof Float64Array && high instanceof Float64Array && low instanceof Float64Array && close instanceof Float64Array && volume instanceof Float64Array) ||
      !(length <= ts.length && length <= open.length && length <= high.length && length <= low.length && length <= close.length && length <= volume.length) ||
      typeof instrumentId !== 'string' ||
      instrumentId.length === 0
    ) {
      for (let i = 0; i < length; i++) if (this.issueAt(i) !== undefined) return i;
      return -1;
    }
    // Comparisons on numbers only: any NaN fails one, so no isFinite is needed but on the upper bounds.
    let previous = -Infinity;
    for (let i = 0; i < length; i++) {
      const o = open[i]!;
      const h = high[i]!;
      const l = low[i]!;
      const c = close[i]!;
      const v = volume[i]!;
      const t = ts[i]!;
      if (!(l > 0 && l <= o && l <= c && o <= h && c <= h && h < Infinity && v >= 0 && v < Infinity && t > previous && t < Infinity)) return i;
      previous = t;
    }
    return -1;
  }

  /** The fault of row `i` with the runners' message, naming the column. */
  private issueAt(i: number): { field: BarColumnField; message: string } | undefined {
    const issue = marketDataIssue(this.barAtUnchecked(i));
    if (issue !== undefined) return { field: issue.path[0] as BarColumnField, message: issue.message };
    const t = this.ts[i]!;
    const previous = i > 0 ? this.ts[i - 1]! : -Infinity;
    if (!(t > previous))
      return { field: 'ts', message: `${t} is not after the previous bar of ${this.instrumentId} at ${previous}: bars of an instrument must have strictly increasing times` };
    return undefined;
  }

  private explain(i: number, label: string): never {
    const issue = this.issueAt(i) ?? { field: 'ts' as const, message: 'is not a valid bar' };
    throw new ValidationError([{ path: [label, issue.field, i], message: issue.message }]);
  }

  private barAtUnchecked(i: number): Bar {
    return { type: 'Bar', instrumentId: this.instrumentId, ts: this.ts[i]!, open: this.open[i]!, high: this.high[i]!, low: this.low[i]!, close: this.close[i]!, volume: this.volume[i]! };
  }
}

/** Options of a {@link BarColumnsBuilder}. */
export interface BarColumnsBuilderOptions {
  /**
   * Bars to make room for at once (default 1,024). With the exact count known, the columns are built
   * without a copy; otherwise they grow by doubling and {@link BarColumnsBuilder.build} copies them to
   * their length when more than a sixteenth is unused.
   */
  readonly capacity?: number;
}

/**
 * Collects the bars of one instrument into columns, one bar at a time, without keeping `Bar` objects.
 *
 * @example
 * ```ts
 * import { BarColumnsBuilder, instrumentId } from '@rxtrade/core';
 *
 * const builder = new BarColumnsBuilder(instrumentId('AAA.SIM'), { capacity: 3 });
 * for (let i = 0; i < 3; i++) builder.add(i * 60_000, 10, 11, 9, 10 + i / 2, 100);
 * const columns = builder.build();
 * console.log(columns.length, columns.close[2]); // 3 11
 * ```
 */
export class BarColumnsBuilder {
  private n = 0;
  private cap: number;
  private ts: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private built = false;

  constructor(
    readonly instrumentId: InstrumentId | string,
    options: BarColumnsBuilderOptions = {},
  ) {
    if (typeof instrumentId !== 'string' || instrumentId.length === 0)
      throw new ValidationError([{ path: ['instrumentId'], message: `must be a non-empty string, got ${show(instrumentId)}` }]);
    const capacity = options.capacity ?? 1024;
    if (!(Number.isInteger(capacity) && capacity >= 0 && capacity <= 2 ** 31))
      throw new ValidationError([{ path: ['capacity'], message: `must be an integer in [0, 2^31], got ${capacity}` }]);
    this.cap = capacity;
    this.ts = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** Bars added so far. */
  get length(): number {
    return this.n;
  }

  /** Adds one bar by its fields (checked by {@link BarColumnsBuilder.build}). */
  add(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.built) throw new ValidationError([{ path: ['builder'], message: 'build() was called: a builder makes one set of columns' }]);
    const i = this.n;
    if (i === this.cap) this.grow();
    this.ts[i] = ts;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
    this.n = i + 1;
  }

  /** Adds the fields of `bar`; its instrument must be the builder's. */
  push(bar: Bar): void {
    if (bar.instrumentId !== this.instrumentId)
      throw new ValidationError([{ path: ['instrumentId'], message: `is ${show(bar.instrumentId)} but the builder holds ${show(this.instrumentId)}: columns hold one instrument` }]);
    this.add(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }

  /** The validated columns (see {@link BarColumns.from}); the builder cannot be used afterwards. */
  build(options: BarColumnsOptions = {}): BarColumns {
    this.built = true;
    const n = this.n;
    // Within a sixteenth of the capacity, views of the arrays; otherwise copies, so that a doubled
    // capacity is not held for the life of the columns.
    const fit = (a: Float64Array): Float64Array => (n === this.cap ? a : (this.cap - n) * 16 <= this.cap ? a.subarray(0, n) : a.slice(0, n));
    const columns = BarColumns.from(
      { instrumentId: this.instrumentId, ts: fit(this.ts), open: fit(this.open), high: fit(this.high), low: fit(this.low), close: fit(this.close), volume: fit(this.volume) },
      options,
    );
    const empty = new Float64Array(0);
    this.ts = this.open = this.high = this.low = this.close = this.volume = empty;
    return columns;
  }

  private grow(): void {
    const cap = Math.max(16, this.cap * 2);
    const more = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.ts = more(this.ts);
    this.open = more(this.open);
    this.high = more(this.high);
    this.low = more(this.low);
    this.close = more(this.close);
    this.volume = more(this.volume);
    this.cap = cap;
  }
}

/**
 * Whether `value` is a {@link BarColumns} (of any copy of this package).
 *
 * @example
 * ```ts
 * if (isBarColumns(data)) console.log(data.length);
 * ```
 */
export function isBarColumns(value: unknown): value is BarColumns {
  return typeof value === 'object' && value !== null && (value as { [BAR_COLUMNS]?: unknown })[BAR_COLUMNS] === true;
}

function clampIndex(i: number, length: number): number {
  const k = Math.trunc(i);
  return k < 0 ? Math.max(0, length + k) : Math.min(k, length);
}
