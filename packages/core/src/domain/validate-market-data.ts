/**
 * Checks market data at the edge of a runner or a connector, one event at a time, without allocating
 * on a sound event: hand-written comparisons on numbers, and the message built only when a check fails
 * (a zod parse per bar would cost more than the rest of a backtest).
 *
 * Rules per event type:
 * - every event: an object with a known `type`, a non-empty string `instrumentId`, a finite number `ts`;
 * - Bar: open, high, low, close finite and > 0; low <= open, close <= high; volume finite and >= 0;
 * - Quote: bid and ask finite and > 0, bid <= ask; bidSize and askSize finite and >= 0;
 * - Trade: price finite and > 0; size finite and >= 0 (some index feeds print size 0);
 * - OrderBookSnapshot / OrderBookDelta: a finite `sequence`; `bids` and `asks` arrays whose levels have a
 *   finite price > 0 and a finite size >= 0; a snapshot's bids sorted by descending price, asks by
 *   ascending price.
 *
 * Time per instrument ({@link MarketDataValidator}): bars of one instrument have strictly increasing
 * times (two bars of the same time are a duplicate); quotes, trades and book updates of one instrument
 * never go back in time but may share a timestamp (several prints in one millisecond are normal). Each
 * type is ordered on its own, so a bar stamped with its open time may follow trades inside that bar.
 */
import { ValidationError, type ValidationIssue } from '../errors';
import type { BookLevel, MarketData } from './market-data';

/** Where a problem is inside one event (such as `['low']` or `['bids', 2, 'size']`) and what it is. */
export interface MarketDataIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const TYPES = 'Bar, Quote, Trade, OrderBookSnapshot, OrderBookDelta';

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function positive(event: Record<string, unknown>, field: string): MarketDataIssue | undefined {
  const v = event[field];
  if (!isNum(v)) return { path: [field], message: `must be a finite number, got ${show(v)}` };
  if (v <= 0) return { path: [field], message: `must be > 0, got ${v}` };
  return undefined;
}

function nonNegative(event: Record<string, unknown>, field: string): MarketDataIssue | undefined {
  const v = event[field];
  if (!isNum(v) || v < 0) return { path: [field], message: `must be a finite number >= 0, got ${show(v)}` };
  return undefined;
}

function levelsIssue(levels: unknown, side: 'bids' | 'asks', sorted: boolean): MarketDataIssue | undefined {
  if (!Array.isArray(levels)) return { path: [side], message: `must be an array of { price, size } levels, got ${show(levels)}` };
  let previous = NaN;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as BookLevel | null | undefined;
    const price: unknown = level?.price;
    const size: unknown = level?.size;
    if (!isNum(price) || price <= 0) return { path: [side, i, 'price'], message: `must be a finite number > 0, got ${show(price)}` };
    if (!isNum(size) || size < 0) return { path: [side, i, 'size'], message: `must be a finite number >= 0, got ${show(size)}` };
    if (sorted && i > 0 && (side === 'bids' ? price >= previous : price <= previous))
      return { path: [side, i, 'price'], message: `${side} of a snapshot must be sorted by ${side === 'bids' ? 'descending' : 'ascending'} price (${price} after ${previous})` };
    previous = price;
  }
  return undefined;
}

/**
 * The first problem with one market event's fields, or undefined when it is sound (see the rules at the
 * top of this file). It does not know the events before this one: {@link MarketDataValidator} adds the
 * order of time per instrument.
 *
 * @example
 * ```ts
 * marketDataIssue({ type: 'Bar', instrumentId: 'AAA.SIM', ts: 0, open: 100.9, high: 102, low: 101.2, close: 101.5, volume: 10 });
 * // { path: ['low'], message: 'must be <= open and close (low 101.2, open 100.9)' }
 * ```
 */
export function marketDataIssue(event: unknown): MarketDataIssue | undefined {
  if (typeof event !== 'object' || event === null) return { path: [], message: `must be a market data event (an object with a type), got ${show(event)}` };
  const e = event as Record<string, unknown>;
  const type = e['type'];
  if (type !== 'Bar' && type !== 'Quote' && type !== 'Trade' && type !== 'OrderBookSnapshot' && type !== 'OrderBookDelta')
    return { path: ['type'], message: `unknown market data type ${show(type)} (one of ${TYPES})` };
  const id = e['instrumentId'];
  if (typeof id !== 'string' || id.length === 0) return { path: ['instrumentId'], message: `must be a non-empty string, got ${show(id)}` };
  if (!isNum(e['ts'])) return { path: ['ts'], message: `must be a finite number, got ${show(e['ts'])}` };
  switch (type) {
    case 'Bar': {
      const issue = positive(e, 'open') ?? positive(e, 'high') ?? positive(e, 'low') ?? positive(e, 'close') ?? nonNegative(e, 'volume');
      if (issue !== undefined) return issue;
      const { open, high, low, close } = e as { open: number; high: number; low: number; close: number };
      if (low > open || low > close) {
        const other = low > open ? `open ${open}` : `close ${close}`;
        return { path: ['low'], message: `must be <= open and close (low ${low}, ${other})` };
      }
      if (high < open || high < close) {
        const other = high < open ? `open ${open}` : `close ${close}`;
        return { path: ['high'], message: `must be >= open and close (high ${high}, ${other})` };
      }
      return undefined;
    }
    case 'Quote': {
      const issue = positive(e, 'bid') ?? positive(e, 'ask') ?? nonNegative(e, 'bidSize') ?? nonNegative(e, 'askSize');
      if (issue !== undefined) return issue;
      const { bid, ask } = e as { bid: number; ask: number };
      if (bid > ask) return { path: ['bid'], message: `must be <= ask (bid ${bid}, ask ${ask})` };
      return undefined;
    }
    case 'Trade':
      return positive(e, 'price') ?? nonNegative(e, 'size');
    default: {
      if (!isNum(e['sequence'])) return { path: ['sequence'], message: `must be a finite number, got ${show(e['sequence'])}` };
      const snapshot = type === 'OrderBookSnapshot';
      return levelsIssue(e['bids'], 'bids', snapshot) ?? levelsIssue(e['asks'], 'asks', snapshot);
    }
  }
}

/** Fast check of the fields: true when sound. Any NaN fails a comparison, so it needs no isFinite. */
function sound(e: MarketData): boolean {
  switch (e.type) {
    case 'Bar': {
      const { open, high, low, close, volume } = e;
      return (
        typeof open === 'number' &&
        typeof high === 'number' &&
        typeof low === 'number' &&
        typeof close === 'number' &&
        typeof volume === 'number' &&
        low > 0 &&
        low <= open &&
        low <= close &&
        open <= high &&
        close <= high &&
        high < Infinity &&
        volume >= 0 &&
        volume < Infinity
      );
    }
    case 'Quote': {
      const { bid, ask, bidSize, askSize } = e;
      return (
        typeof bid === 'number' &&
        typeof ask === 'number' &&
        typeof bidSize === 'number' &&
        typeof askSize === 'number' &&
        bid > 0 &&
        bid <= ask &&
        ask < Infinity &&
        bidSize >= 0 &&
        bidSize < Infinity &&
        askSize >= 0 &&
        askSize < Infinity
      );
    }
    case 'Trade': {
      const { price, size } = e;
      return typeof price === 'number' && typeof size === 'number' && price > 0 && price < Infinity && size >= 0 && size < Infinity;
    }
    case 'OrderBookSnapshot':
    case 'OrderBookDelta':
      // Book updates carry arrays of levels; the full check is cheap next to applying them.
      return marketDataIssue(e) === undefined;
    default:
      return false;
  }
}

/** Slot of each event type in an instrument's last-time record. */
const BAR = 0;
const QUOTE = 1;
const TRADE = 2;
const BOOK = 3;

/**
 * Checks a stream of market events as a runner receives them: each event's fields, and time per
 * instrument (bars strictly increasing; quotes, trades and book updates non-decreasing, each type on
 * its own). A bad event throws a {@link ValidationError} naming its position and field, such as
 * `data[1523].low: must be <= open and close (low 101.2, open 100.9)`, or with a source index when
 * several sources are merged: `data[1][1523].low`. Sound events allocate nothing.
 *
 * @example
 * ```ts
 * const validator = new MarketDataValidator('feed');
 * let i = 0;
 * feed.subscribe((event) => {
 *   validator.check(event, i++); // throws ValidationError "feed[12].ts: …" on the first bad event
 * });
 * ```
 */
export class MarketDataValidator {
  private readonly last = new Map<string, Float64Array>();
  private lastId: string | undefined;
  private lastTimes: Float64Array = new Float64Array(4);

  /** @param label the name of the input in error paths (`data` for a backtest's data, `feed` for a paper feed). */
  constructor(private readonly label = 'data') {}

  /**
   * Checks `event`, the `index`-th of its input (0-based) or, with `source` >= 0, the `index`-th of
   * source `source`; throws a {@link ValidationError} naming it and the field when it is not sound.
   */
  check(event: unknown, index: number, source = -1): void {
    const e = event as MarketData;
    if (typeof e !== 'object' || e === null || !sound(e)) this.fail(event, index, source);
    const id = e.instrumentId;
    const ts = e.ts;
    if (typeof ts !== 'number' || typeof id !== 'string' || id.length === 0) this.fail(event, index, source);
    let times = this.lastTimes;
    if (id !== this.lastId) {
      times = this.last.get(id) ?? this.add(id);
      this.lastId = id;
      this.lastTimes = times;
    }
    const slot = e.type === 'Bar' ? BAR : e.type === 'Quote' ? QUOTE : e.type === 'Trade' ? TRADE : BOOK;
    const previous = times[slot]!;
    // Bars: strictly after the previous bar; other types: not before. NaN and ±Infinity fail here too.
    if (!(slot === BAR ? ts > previous : ts >= previous) || ts === Infinity) this.failTime(e, index, source, previous);
    times[slot] = ts;
  }

  /** Forgets the times seen, so that the next event of each instrument starts afresh. */
  reset(): void {
    this.last.clear();
    this.lastId = undefined;
    this.lastTimes = new Float64Array(4);
  }

  private add(id: string): Float64Array {
    const times = new Float64Array(4).fill(-Infinity);
    this.last.set(id, times);
    return times;
  }

  private fail(event: unknown, index: number, source: number): never {
    const issue = marketDataIssue(event) ?? { path: [], message: 'is not a valid market data event' };
    throw this.error(index, source, issue);
  }

  private failTime(e: MarketData, index: number, source: number, previous: number): never {
    if (!Number.isFinite(e.ts)) this.fail(e, index, source);
    const message =
      e.type === 'Bar'
        ? `${e.ts} is not after the previous bar of ${e.instrumentId} at ${previous}: bars of an instrument must have strictly increasing times`
        : `${e.ts} is before the previous ${e.type === 'OrderBookSnapshot' || e.type === 'OrderBookDelta' ? 'book update' : e.type} of ${e.instrumentId} at ${previous}: events of an instrument must not go back in time`;
    throw this.error(index, source, { path: ['ts'], message });
  }

  private error(index: number, source: number, issue: MarketDataIssue): ValidationError {
    const at = source >= 0 ? [this.label, source, index] : [this.label, index];
    const full: ValidationIssue = { path: [...at, ...issue.path], message: issue.message };
    return new ValidationError([full]);
  }
}
