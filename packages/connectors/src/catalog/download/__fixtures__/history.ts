/**
 * Test helpers of the history download: a scripted tape of public trades on a fake venue, the bars and
 * trades it stands for computed here (independently of the fakes' own candle code), a clock at a chosen
 * "now", and the fake's requests with the times they arrived.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveClock, type Bar, type Clock, type InstrumentId, type Trade } from '@rxtrade/core';
import type { PublicTrade } from '../../../ccxt/__fixtures__/fake-exchange/types';
import type { FakeVenue } from '../../../ccxt/__fixtures__/fake-exchange/venue';
import { ParquetCatalog } from '../../parquet-catalog';

/** 2024-01-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 0, 1);
export const MINUTE = 60_000;

/**
 * Prints other participants' trades on an empty book (each prints whole, at its price) over `minutes`
 * minutes from `t0`: every seventh minute is empty, some minutes have bursts of trades at one
 * millisecond. Prices are integers and sizes multiples of 0.25, so sums are exact.
 */
export function scriptTape(venue: FakeVenue, symbol: string, options: { t0?: number; minutes: number; perMinute?: number }): PublicTrade[] {
  const t0 = options.t0 ?? T0;
  const per = options.perMinute ?? 3;
  const prints: PublicTrade[] = [];
  for (let m = 0; m < options.minutes; m++) {
    if (m % 7 === 3) continue;
    for (let k = 0; k < per; k++) {
      // a burst: minutes divisible by 5 print all their trades at one millisecond
      const time = t0 + m * MINUTE + (m % 5 === 0 ? 1_234 : k * 997 + 13);
      const price = 30_000 + ((m * 37 + k * 11) % 200);
      const qty = 0.25 * (1 + ((m + k) % 4));
      prints.push(...venue.trade(symbol, { side: (m + k) % 2 === 0 ? 'buy' : 'sell', price, qty, time }));
    }
  }
  return prints;
}

/**
 * The bars of a tape: one per `tf` bucket that has trades; with `fillEmpty` also the empty buckets
 * between two traded ones, flat at the previous close with no volume (as Binance and Bybit serve them).
 */
export function barsOfTape(instrumentId: InstrumentId, tape: readonly PublicTrade[], tf: number, fillEmpty: boolean): Bar[] {
  const out: Bar[] = [];
  for (const t of tape) {
    const ts = Math.floor(t.time / tf) * tf;
    let last = out.at(-1);
    while (fillEmpty && last !== undefined && last.ts + tf < ts) {
      last = { type: 'Bar', instrumentId, ts: last.ts + tf, open: last.close, high: last.close, low: last.close, close: last.close, volume: 0 };
      out.push(last);
    }
    if (last === undefined || last.ts !== ts) out.push({ type: 'Bar', instrumentId, ts, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty });
    else out[out.length - 1] = { ...last, high: Math.max(last.high, t.price), low: Math.min(last.low, t.price), close: t.price, volume: last.volume + t.qty };
  }
  return out;
}

/** The tape as rxtrade trades (ids as the venue numbers them). */
export function tradesOfTape(instrumentId: InstrumentId, tape: readonly PublicTrade[], id: (t: PublicTrade) => string = (t) => String(t.id)): Trade[] {
  return tape.map((t) => ({ type: 'Trade', instrumentId, ts: t.time, price: t.price, size: t.qty, aggressor: t.aggressor === 'buy' ? 'BUYER' : 'SELLER', tradeId: id(t) }));
}

/** A wall clock moved to `at`: its time runs on from there, its timers wait real time. */
export function clockAt(at: number): Clock {
  const live = new LiveClock();
  const offset = at - live.now();
  return {
    now: () => live.now() + offset,
    scheduler: live.scheduler,
    setTimer: (t, cb) => live.setTimer(t - offset, cb),
    setRepeatingTimer: (o, cb) => live.setRepeatingTimer(o, cb),
  };
}

/** A fresh Parquet catalog in a temporary folder. */
export function tempCatalog(): Promise<ParquetCatalog> {
  return ParquetCatalog.open(mkdtempSync(join(tmpdir(), 'download-')));
}

/** Every event of one instrument and type in the catalog. */
export async function stored<T>(catalog: ParquetCatalog, dataType: 'bars' | 'trades', id: InstrumentId): Promise<T[]> {
  const out: T[] = [];
  for await (const e of catalog.query({ dataType, instruments: [id] })) out.push(e as T);
  return out;
}

/** Records the arrival time of every request the fake serves (`performance.now()`, ms). */
export function timeRequests(requests: string[]): { at: number; request: string }[] {
  const log: { at: number; request: string }[] = [];
  const push = requests.push.bind(requests);
  requests.push = (...items: string[]): number => {
    for (const request of items) log.push({ at: performance.now(), request });
    return push(...items);
  };
  return log;
}

/** A query parameter of a logged request (`GET /api/v3/klines?symbol=...`). */
export function param(request: string, name: string): string | null {
  const q = request.indexOf('?');
  return q < 0 ? null : new URLSearchParams(request.slice(q + 1)).get(name);
}
