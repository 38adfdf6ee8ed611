/**
 * `rxtrade data inspect --instrument <id>`: one series of the catalog: its size, first and last times,
 * the spacing of its events, the range of its prices and sizes, and its first and last rows.
 */
import { MARKET_DATA_CHUNKS, type Bar, type MarketData, type OrderBookSnapshot, type Quote, type Trade } from '@rxtrade/core';
import { CatalogDataType } from '../catalog/catalog-layout';
import { defineDataCommand, type DataCliArgv, type DataCliOptions } from './data-command';
import { commonFlags, count, dataTypeOf, fileStats, instrumentOf, iso, parseRange, rangeFlags, withCatalog } from './data-flags';
import { DataUsageError, println, type DataCliIo } from './data-io';
import { DataProgress } from './data-progress';
import { eventRow, formatTable, num, ROW_HEADERS } from './data-rows';

const options = {
  instrument: { alias: 'i', type: 'string', requiresArg: true, describe: 'the instrument id' },
  type: { type: 'string', requiresArg: true, choices: Object.values(CatalogDataType) as string[], default: 'bars', describe: 'the data type' },
  ...rangeFlags,
  rows: { alias: 'n', type: 'string', requiresArg: true, default: '5', describe: 'rows shown at the head and at the tail (0 for none)' },
  ...commonFlags,
} as const satisfies DataCliOptions;

/** Distinct spacings counted before the most common one is given up (irregular data, such as trades). */
const MAX_SPACINGS = 10_000;

/** Minimum, maximum and sum of a field. */
class FieldStats {
  min = Infinity;
  max = -Infinity;
  sum = 0;
  add(v: number): void {
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
  }
  json(n: number): { min: number; max: number; mean: number } | undefined {
    return n === 0 ? undefined : { min: this.min, max: this.max, mean: this.sum / n };
  }
}

/** What `inspect` computes over a series, in one pass. */
class SeriesStats {
  rows = 0;
  first: number | undefined;
  last: number | undefined;
  sameTime = 0;
  minStep = Infinity;
  maxStep = -Infinity;
  private spacings: Map<number, number> | undefined = new Map();
  readonly fields = new Map<string, FieldStats>();
  firstPrice: number | undefined;
  lastPrice: number | undefined;
  buys = 0;
  sells = 0;

  add(e: MarketData): void {
    if (this.last !== undefined) {
      const step = e.ts - this.last;
      if (step === 0) this.sameTime++;
      else {
        if (step < this.minStep) this.minStep = step;
        if (step > this.maxStep) this.maxStep = step;
        if (this.spacings) {
          this.spacings.set(step, (this.spacings.get(step) ?? 0) + 1);
          if (this.spacings.size > MAX_SPACINGS) this.spacings = undefined;
        }
      }
    } else this.first = e.ts;
    this.last = e.ts;
    this.rows++;
    switch (e.type) {
      case 'Bar': {
        const b = e as Bar;
        this.field('open').add(b.open);
        this.field('high').add(b.high);
        this.field('low').add(b.low);
        this.field('close').add(b.close);
        this.field('volume').add(b.volume);
        this.firstPrice ??= b.open;
        this.lastPrice = b.close;
        break;
      }
      case 'Quote': {
        const q = e as Quote;
        this.field('bid').add(q.bid);
        this.field('ask').add(q.ask);
        this.field('spread').add(q.ask - q.bid);
        this.field('bid_size').add(q.bidSize);
        this.field('ask_size').add(q.askSize);
        break;
      }
      case 'Trade': {
        const t = e as Trade;
        this.field('price').add(t.price);
        this.field('size').add(t.size);
        this.firstPrice ??= t.price;
        this.lastPrice = t.price;
        if (t.aggressor === 'BUYER') this.buys++;
        else if (t.aggressor === 'SELLER') this.sells++;
        break;
      }
      default: {
        const b = e as OrderBookSnapshot;
        this.field('bid_levels').add(b.bids.length);
        this.field('ask_levels').add(b.asks.length);
      }
    }
  }

  /** The most common spacing between events of different times and its share of those steps. */
  typicalStep(): { ms: number; share: number } | undefined {
    if (!this.spacings || this.spacings.size === 0) return undefined;
    let best = 0;
    let n = 0;
    let all = 0;
    for (const [step, k] of this.spacings) {
      all += k;
      if (k > n || (k === n && step < best)) [best, n] = [step, k];
    }
    return { ms: best, share: n / all };
  }

  private field(name: string): FieldStats {
    let f = this.fields.get(name);
    if (!f) this.fields.set(name, (f = new FieldStats()));
    return f;
  }
}

/**
 * `rxtrade data inspect`: summary statistics and the first and last rows of one series.
 *
 * @example
 * ```ts
 * await dataMain(['inspect', '--instrument', 'GOOG.NASDAQ', '--catalog', 'data/catalog', '--start', '2006-01-01'], dataProcessIo());
 * ```
 */
export const inspectCommand = defineDataCommand({
  name: 'inspect',
  summary: 'summary statistics and the first and last rows of one instrument',
  usage: `Usage: $0 inspect --instrument <id> [--type <type>] [--start <time>] [--end <time>] [--rows <n>] [--catalog <folder>] [--json]

Reads one series of the catalog (an instrument's data of one type, bars by default) from --start (included) to --end (excluded) and prints its rows and files, first and last times, the spacing of its events (the most common one, the smallest and the largest), the minimum, maximum and mean of each field, and its first and last rows.`,
  options,
  run: inspect,
});

async function inspect(argv: DataCliArgv<typeof options>, io: DataCliIo): Promise<number> {
  const id = instrumentOf(argv.instrument);
  const dataType = dataTypeOf(argv.type);
  const { start, end } = parseRange(argv);
  const n = Number(argv.rows);
  if (!/^\d+$/.test(String(argv.rows)) || !Number.isSafeInteger(n)) throw new DataUsageError(`--rows: ${JSON.stringify(argv.rows)} is not a whole number of rows`);

  const stats = new SeriesStats();
  const head: MarketData[] = [];
  const tail: MarketData[] = [];
  const { files, bytes } = await withCatalog(io, argv.catalog, { mustExist: true }, async (catalog) => {
    const listed = catalog.files({ dataType, instruments: [id] });
    if (listed.length === 0) throw new DataUsageError(`--instrument: the catalog holds no ${dataType} of ${id}${others(catalog.files({ dataType }).map((f) => f.instrumentId))}`);
    const inRange = listed.filter((f) => (start === undefined || f.last >= start) && (end === undefined || f.first < end));
    const footers = await fileStats(inRange);
    const whole = start === undefined && end === undefined;
    const progress = new DataProgress({ label: `inspect ${id}`, unit: 'rows', sink: io.stderr, ...(whole ? { total: footers.reduce((s, f) => s + f.rows, 0) } : {}) });
    try {
      const chunks = catalog.query({ dataType, instruments: [id], ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) })[MARKET_DATA_CHUNKS]();
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
        for (const e of r.value) {
          stats.add(e);
          if (head.length < n) head.push(e);
          else if (n > 0) {
            tail.push(e);
            if (tail.length > n) tail.shift();
          }
        }
        progress.tick(r.value.length);
      }
    } finally {
      progress.done();
    }
    return { files: inRange.length, bytes: footers.reduce((s, f) => s + f.bytes, 0) };
  });

  const typical = stats.typicalStep();
  const fields = Object.fromEntries([...stats.fields].map(([name, f]) => [name, f.json(stats.rows)]));
  const change = stats.firstPrice !== undefined && stats.lastPrice !== undefined && stats.firstPrice !== 0 ? stats.lastPrice / stats.firstPrice - 1 : undefined;
  if (argv.json) {
    println(
      io.stdout,
      JSON.stringify({
        command: 'inspect',
        instrumentId: id,
        dataType,
        ...(start !== undefined ? { start: iso(start) } : {}),
        ...(end !== undefined ? { end: iso(end) } : {}),
        rows: stats.rows,
        files,
        bytes,
        first: stats.first === undefined ? null : iso(stats.first),
        last: stats.last === undefined ? null : iso(stats.last),
        spacing: stats.rows < 2 ? null : { typicalMs: typical?.ms ?? null, typicalShare: typical?.share ?? null, minMs: finite(stats.minStep), maxMs: finite(stats.maxStep), sameTime: stats.sameTime },
        fields,
        ...(change !== undefined ? { change } : {}),
        ...(dataType === 'trades' ? { buys: stats.buys, sells: stats.sells } : {}),
        head: head.map((e) => rowObject(dataType, e)),
        tail: tail.map((e) => rowObject(dataType, e)),
      }),
    );
    return 0;
  }
  const range = start !== undefined || end !== undefined ? ` from ${start !== undefined ? iso(start) : 'the start'} to ${end !== undefined ? iso(end) : 'the end'}` : '';
  println(io.stdout, `${id} ${dataType}${range}`);
  if (stats.rows === 0) {
    println(io.stdout, '  no rows in this range');
    return 0;
  }
  const lines: [string, string][] = [
    ['rows', `${count(stats.rows)} in ${count(files)} file${files === 1 ? '' : 's'}`],
    ['first', iso(stats.first!)],
    ['last', iso(stats.last!)],
  ];
  if (stats.rows > 1) {
    const spacing = [typical ? `${duration(typical.ms)} typical (${(typical.share * 100).toFixed(1)}% of steps)` : 'irregular'];
    if (Number.isFinite(stats.minStep)) spacing.push(`${duration(stats.minStep)} smallest`, `${duration(stats.maxStep)} largest`);
    if (stats.sameTime > 0) spacing.push(`${count(stats.sameTime)} at the time of the one before`);
    lines.push(['spacing', spacing.join(', ')]);
  }
  for (const [name, f] of stats.fields) lines.push([name, `min ${num(f.min)}  max ${num(f.max)}  mean ${round(f.sum / stats.rows)}`]);
  if (change !== undefined) lines.push(['change', `${num(stats.firstPrice!)} -> ${num(stats.lastPrice!)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(2)}%)`]);
  if (dataType === 'trades') lines.push(['aggressor', `${count(stats.buys)} buyer, ${count(stats.sells)} seller, ${count(stats.rows - stats.buys - stats.sells)} none`]);
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) println(io.stdout, `  ${k.padEnd(width)}  ${v}`);
  if (head.length > 0) {
    println(io.stdout, '');
    for (const line of formatTable(ROW_HEADERS[dataType], head.map(eventRow), '  ')) println(io.stdout, line);
    if (tail.length > 0) {
      const hidden = stats.rows - head.length - tail.length;
      if (hidden > 0) println(io.stdout, `  ... ${count(hidden)} more rows`);
      for (const line of formatTable(ROW_HEADERS[dataType], tail.map(eventRow), '  ').slice(1)) println(io.stdout, line);
    }
  }
  return 0;
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** A mean to 6 significant digits: readable, where min and max are exact. */
const round = (v: number): string => String(Number(v.toPrecision(6)));

/** Milliseconds as the largest units that divide them: `1m`, `1h30m`, `1d`, `250ms`. */
export function duration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  const parts: string[] = [];
  let left = ms;
  for (const [u, size] of units) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${u}`);
      left %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0ms' : parts.join('');
}

/** The instruments that do hold the data type, for the message of an unknown one. */
function others(ids: readonly string[]): string {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return '';
  return ` (it holds ${distinct.slice(0, 5).join(', ')}${distinct.length > 5 ? `, and ${distinct.length - 5} more` : ''})`;
}

function rowObject(dataType: CatalogDataType, e: MarketData): Record<string, string | number> {
  const header = ROW_HEADERS[dataType];
  const row = eventRow(e);
  return Object.fromEntries(header.map((h, i) => [h, i === 0 || h === 'aggressor' || h === 'trade_id' || h === 'bids' || h === 'asks' ? row[i]! : Number(row[i])]));
}
