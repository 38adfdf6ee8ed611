/**
 * Events of the catalog as rows of text: the columns of each data type, used by `inspect`'s head and
 * tail and by `export --to csv`. Numbers are written as the shortest text that reads back as the same
 * double (`-0` spelled out), times as ISO 8601 UTC with milliseconds.
 */
import type { Bar, MarketData, OrderBookDelta, OrderBookSnapshot, Quote, Trade } from '@rxtrade/core';
import type { CatalogDataType } from '../catalog/catalog-layout';

/** A double as the shortest text that reads back as it, `-0` included. */
export const num = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

const time = (ts: number): string => new Date(ts).toISOString();
const levels = (l: OrderBookSnapshot['bids']): string => l.map((x) => `${num(x.size)}@${num(x.price)}`).join(' ');

/** The header of each data type's rows. */
export const ROW_HEADERS: Readonly<Record<CatalogDataType, readonly string[]>> = {
  bars: ['time', 'open', 'high', 'low', 'close', 'volume'],
  quotes: ['time', 'bid', 'ask', 'bid_size', 'ask_size'],
  trades: ['time', 'price', 'size', 'aggressor', 'trade_id'],
  'book-deltas': ['time', 'sequence', 'bids', 'asks'],
  'book-snapshots': ['time', 'sequence', 'bids', 'asks'],
};

/** One event as the fields of {@link ROW_HEADERS}; book levels as `size@price` words. */
export function eventRow(e: MarketData): string[] {
  switch (e.type) {
    case 'Bar': {
      const b = e as Bar;
      return [time(b.ts), num(b.open), num(b.high), num(b.low), num(b.close), num(b.volume)];
    }
    case 'Quote': {
      const q = e as Quote;
      return [time(q.ts), num(q.bid), num(q.ask), num(q.bidSize), num(q.askSize)];
    }
    case 'Trade': {
      const t = e as Trade;
      return [time(t.ts), num(t.price), num(t.size), t.aggressor, t.tradeId];
    }
    default: {
      const b = e as OrderBookSnapshot | OrderBookDelta;
      return [time(b.ts), String(b.sequence), levels(b.bids), levels(b.asks)];
    }
  }
}

/** Rows as a table: columns padded to their widest cell, numbers aligned right. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+(e[+-]?\d+)?%?$/i.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A field as CSV writes it: quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
