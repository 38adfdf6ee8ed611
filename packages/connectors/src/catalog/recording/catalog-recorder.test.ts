import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BacktestClock, ValidationError, type Logger, type MarketData, type Trade } from '@rxtrade/core';
import { FaultyDataClient } from '../../live/watchdog/faulty-data-client';
import { ParquetCatalog } from '../parquet-catalog';
import { CatalogRecorder, type RecorderDropped, type RecorderRotated } from './catalog-recorder';
import { RecorderBufferFullError, SpoolCorruptionError } from './recorder-errors';
import { encodeEvent } from './recorder-spool';
import { BTC, ETH, GatedCatalog, next, readAll, removeTempDirs, replayOrder, session, tempDir } from './__fixtures__/recorder-kit';

afterAll(removeTempDirs);

const T0 = Date.UTC(2024, 2, 1);
const trade = (ts: number, id: string, price = 100, instrumentId = BTC): Trade => ({ type: 'Trade', instrumentId, ts, price, size: 1, aggressor: 'BUYER', tradeId: id });
const logger = (): Logger & { warns: string[] } => {
  const warns: string[] = [];
  return { warns, debug() {}, info() {}, warn: (m: string) => void warns.push(m), error: (m: string) => void warns.push(m) };
};
const open = (): Promise<ParquetCatalog> => ParquetCatalog.open(join(tempDir(), 'catalog'), { threads: 1 });

describe('CatalogRecorder options', () => {
  it('refuses an unknown option and a bad value, naming the field', async () => {
    const catalog = await open();
    expect(() => new CatalogRecorder(catalog, { rotation: { maxEvent: 10 } } as never)).toThrow(/config\.rotation\.maxEvent: unknown option; did you mean "maxEvents"\?/);
    expect(() => new CatalogRecorder(catalog, { rotation: { maxEvents: 0 } })).toThrow(/config\.rotation\.maxEvents/);
    expect(() => new CatalogRecorder(catalog, { rotation: { maxEvents: 100 }, bufferLimit: 50 })).toThrow(/config\.bufferLimit: must be at least rotation\.maxEvents \(100\), got 50/);
    expect(() => new CatalogRecorder(catalog, { onBufferFull: 'drop' as never })).toThrow(/config\.onBufferFull/);
    expect(() => new CatalogRecorder(catalog, { spool: { dir: 'x', fsync: 'always', fsyncIntervalMs: 10 } })).toThrow(/config\.spool\.fsyncIntervalMs: only applies to fsync 'interval', not 'always'/);
    expect(() => new CatalogRecorder(catalog, { latenessMs: -1 })).toThrow(ValidationError);
    catalog.close();
  });

  it('refuses events before start() and after stop()', async () => {
    const catalog = await open();
    const recorder = new CatalogRecorder(catalog);
    expect(() => recorder.record(trade(T0, '1'))).toThrow(/call start\(\) and wait for it first/);
    await recorder.start();
    await recorder.stop();
    expect(() => recorder.record(trade(T0, '1'))).toThrow(/recorder: stopped/);
    catalog.close();
  });
});

describe('rotation', () => {
  it('writes one catalog file per rotation of maxEvents, the newest millisecond kept for the next, and stop() writes the rest', async () => {
    const catalog = await open();
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 10, maxAgeMs: 60_000 } });
    const rotated: RecorderRotated[] = [];
    recorder.on('rotated', (r) => rotated.push(r));
    await recorder.start();
    for (let i = 0; i < 10; i++) recorder.record(trade(T0 + i, String(i)));
    await next(recorder, 'rotated');
    for (let i = 10; i < 20; i++) recorder.record(trade(T0 + i, String(i)));
    await next(recorder, 'rotated');
    for (let i = 20; i < 25; i++) recorder.record(trade(T0 + i, String(i)));
    // Each rotation writes up to the newest millisecond, which may still get more events.
    expect(rotated.map((r) => [r.rows, r.held, r.first - T0, r.last - T0])).toEqual([
      [9, 1, 0, 8],
      [10, 1, 9, 18],
    ]);
    expect(recorder.stats().buffered).toBe(6);
    const stats = await recorder.stop();
    expect(stats).toMatchObject({ received: 25, written: 25, rotations: 3, buffered: 0, inFlight: 0 });
    expect(catalog.files({ dataType: 'trades' }).map((f) => [f.first - T0, f.last - T0])).toEqual([
      [0, 8],
      [9, 18],
      [19, 24],
    ]);
    catalog.close();
  });

  it('rotates by age on its clock: maxAgeMs after the first event since the last rotation, not before', async () => {
    const catalog = await open();
    const clock = new BacktestClock(T0);
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 1_000, maxAgeMs: 40 }, clock });
    await recorder.start();
    const rotations: RecorderRotated[] = [];
    recorder.on('rotated', (r) => rotations.push(r));
    recorder.record(trade(T0, '1'));
    recorder.record(trade(T0 + 1, '2'));
    clock.advanceTo(T0 + 39);
    await new Promise((r) => setTimeout(r, 20));
    expect(rotations).toEqual([]);
    const rotated = next(recorder, 'rotated');
    clock.advanceTo(T0 + 40);
    const r = await rotated;
    expect(r).toMatchObject({ rotation: 1, rows: 1, held: 1 });
    await recorder.stop();
    expect(catalog.files().length).toBe(2);
    catalog.close();
  });

  it('keeps events of one millisecond that straddle a rotation together, with no overlap error', async () => {
    const catalog = await open();
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 3, maxAgeMs: 60_000 } });
    const errors: Error[] = [];
    recorder.on('error', (e) => errors.push(e));
    await recorder.start();
    const events = [trade(T0, 'a'), trade(T0, 'b'), trade(T0, 'c'), trade(T0, 'd'), trade(T0 + 1, 'e'), trade(T0 + 1, 'f'), trade(T0 + 2, 'g')];
    for (const e of events) recorder.record(e);
    await recorder.stop();
    expect(errors).toEqual([]);
    expect((await readAll(catalog)).map((e) => (e as Trade).tradeId).join('')).toBe('abcdefg');
    catalog.close();
  });
});

describe('out of order and repeated events', () => {
  it('puts events in time order within latenessMs and drops later ones as late, counted and logged', async () => {
    const catalog = await open();
    const log = logger();
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 4, maxAgeMs: 60_000 }, latenessMs: 5, logger: log });
    const drops: RecorderDropped[] = [];
    recorder.on('dropped', (d) => drops.push(d));
    await recorder.start();
    // Arrival order; times in ms after T0.
    for (const [ms, id] of [[3, 'c'], [1, 'a'], [2, 'b'], [10, 'e']] as const) recorder.record(trade(T0 + ms, id));
    // The rotation wrote up to 10 - 5: 'c' 'a' 'b' at 1..3; 4 is now late, 7 is not.
    await next(recorder, 'rotated');
    recorder.record(trade(T0 + 4, 'late'));
    recorder.record(trade(T0 + 7, 'd'));
    await recorder.stop();
    expect((await readAll(catalog)).map((e) => (e as Trade).tradeId).join('')).toBe('abcde');
    expect(drops.map((d) => [d.reason, (d.event as Trade).tradeId, d.count])).toEqual([['late', 'late', 1]]);
    expect(log.warns[0]).toMatch(/dropped an event \(late\): Trade of BTC\/USDT\.BINANCE at 2024-03-01T00:00:00\.004Z is older than what was written \(up to 2024-03-01T00:00:00\.004Z\)/);
    catalog.close();
  });

  it('drops repeats: a trade id again, a bar time again, the same quote again; a different quote of the same time is kept', async () => {
    const catalog = await open();
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 100, maxAgeMs: 60_000 } });
    await recorder.start();
    const bar = { type: 'Bar', instrumentId: ETH, ts: T0, open: 10, high: 11, low: 9, close: 10.5, volume: 3 } as const;
    const quote = { type: 'Quote', instrumentId: BTC, ts: T0 + 1, bid: 99, ask: 101, bidSize: 1, askSize: 2 } as const;
    for (const e of [trade(T0, '1'), bar, quote, trade(T0, '1', 100.5), { ...bar, close: 10.75 }, quote, { ...quote, askSize: 3 }, trade(T0 + 2, '2')] as MarketData[]) recorder.record(e);
    const stats = await recorder.stop();
    expect(stats.dropped).toEqual({ late: 0, duplicate: 3, invalid: 0, overflow: 0 });
    expect(await readAll(catalog)).toEqual([quote, { ...quote, askSize: 3 }, trade(T0, '1'), trade(T0 + 2, '2'), bar].sort((a, b) => a.ts - b.ts));
    catalog.close();
  });

  it('drops invalid events with the field named', async () => {
    const catalog = await open();
    const recorder = new CatalogRecorder(catalog);
    const drops: RecorderDropped[] = [];
    recorder.on('dropped', (d) => drops.push(d));
    const log = logger();
    const r2 = new CatalogRecorder(catalog, { logger: log });
    await recorder.start();
    recorder.record({ ...trade(T0, '1'), price: -1 });
    recorder.record({ ...trade(T0, '2'), ts: T0 + 0.5 });
    expect(drops.map((d) => d.reason)).toEqual(['invalid', 'invalid']);
    await recorder.stop();
    await r2.start();
    r2.record({ ...trade(T0, '1'), price: -1 });
    await r2.stop();
    expect(log.warns[0]).toMatch(/\(invalid\): price: must be > 0, got -1/);
    catalog.close();
  });

  it('records a feed that repeats and reorders messages (FaultyDataClient) as the clean session', async () => {
    const catalog = await open();
    const clean = session(2_000, 3);
    const market = new Subject<MarketData>();
    const client = new FaultyDataClient({ source: market, clock: new BacktestClock(T0) });
    client.faults.duplicateEvery = 7;
    client.faults.reorderWindow = 5;
    client.faults.reorder = 'shuffle';
    for (const instrumentId of [BTC, ETH]) for (const kind of ['BARS', 'TRADES', 'QUOTES', 'BOOKS'] as const) client.subscribe({ kind, instrumentId });
    const received: MarketData[] = [];
    client.events.subscribe((e) => received.push(e));
    await client.connect();
    // Five messages span at most 5 * 40 ms of event time.
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 300, maxAgeMs: 60_000 }, latenessMs: 250 });
    await recorder.start(client);
    // A rotation (every 300 events) happens within each chunk of 400, while the feed goes on.
    for (let i = 0; i < clean.length; i += 400) {
      const rotated = next(recorder, 'rotated');
      for (const e of clean.slice(i, i + 400)) market.next(e);
      await rotated;
    }
    client.faults.reorderWindow = 0;
    market.next(trade(clean.at(-1)!.ts + 1_000, 'flush'));
    const stats = await recorder.stop();
    expect(stats.dropped.late).toBe(0);
    expect(stats.dropped.duplicate).toBeGreaterThan(250);
    expect(stats.rotations).toBeGreaterThan(5);
    // What arrived, each event once (the first time), in replay order: the shuffle changed the order of
    // some events of one millisecond, which the recording keeps as they arrived.
    const once = new Set<string>();
    const expected = received.filter((e) => {
      const key = e.type === 'Trade' ? e.tradeId : e.type === 'Bar' ? `${e.instrumentId} ${e.ts}` : JSON.stringify(e);
      return !once.has(key) && once.add(key) !== undefined;
    });
    expect(expected.length).toBe(clean.length + 1);
    expect(received.length - expected.length).toBe(stats.dropped.duplicate);
    expect(await readAll(catalog)).toEqual(replayOrder(expected));
    catalog.close();
  });

  it('after a restart, counts an event at or before the last stored time of its series as late', async () => {
    const catalog = await open();
    const first = new CatalogRecorder(catalog);
    await first.start();
    for (let i = 0; i < 5; i++) first.record(trade(T0 + i, String(i)));
    await first.stop();
    const second = new CatalogRecorder(catalog);
    await second.start();
    // The venue resends the last two trades after the reconnect, then goes on; ETH has no history.
    for (const e of [trade(T0 + 3, '3'), trade(T0 + 4, '4'), trade(T0 + 5, '5'), trade(T0 + 1, 'x', 100, ETH)]) second.record(e);
    const stats = await second.stop();
    expect(stats.dropped).toMatchObject({ late: 2, duplicate: 0 });
    expect((await readAll(catalog)).map((e) => `${e.instrumentId[0]}${(e as Trade).tradeId}`)).toEqual(['B0', 'B1', 'Ex', 'B2', 'B3', 'B4', 'B5']);
    catalog.close();
  });
});

describe('backpressure', () => {
  it('a slow write blocks no event: they wait for the next rotation, which takes them all', async () => {
    const catalog = new GatedCatalog(await open());
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 10, maxAgeMs: 60_000 } });
    await recorder.start();
    catalog.gated = true;
    const t = performance.now();
    for (let i = 0; i < 1_000; i++) recorder.record(trade(T0 + i, String(i)));
    expect(performance.now() - t).toBeLessThan(1_000);
    expect(catalog.blocked).toBe(1);
    expect(recorder.stats()).toMatchObject({ inFlight: 9, buffered: 991, received: 1_000 });
    const rotated = next(recorder, 'rotated');
    catalog.release();
    expect(await rotated).toMatchObject({ rows: 9 });
    // The rotation due meanwhile took everything that was waiting in one write.
    expect(await next(recorder, 'rotated')).toMatchObject({ rows: 990, held: 1 });
    await recorder.stop();
    expect(catalog.writes).toBe(3);
    expect((await readAll(catalog)).length).toBe(1_000);
    catalog.close();
  });

  it("with onBufferFull 'drop-oldest' drops the oldest waiting events, counted, emitted and logged, and records on", async () => {
    const catalog = new GatedCatalog(await open());
    const log = logger();
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 10, maxAgeMs: 60_000 }, bufferLimit: 50, onBufferFull: 'drop-oldest', logger: log });
    const drops: RecorderDropped[] = [];
    recorder.on('dropped', (d) => drops.push(d));
    await recorder.start();
    catalog.gated = true;
    for (let i = 0; i < 100; i++) recorder.record(trade(T0 + i, String(i)));
    // 9 in the write; 91 arrived for 50 places: the 41 oldest of them dropped.
    expect(recorder.stats()).toMatchObject({ inFlight: 9, buffered: 50, dropped: { overflow: 41 } });
    expect(drops.map((d) => (d.event as Trade).tradeId)).toEqual(Array.from({ length: 41 }, (_, i) => String(9 + i)));
    expect(drops.at(-1)!.count).toBe(41);
    catalog.release();
    await recorder.stop();
    expect((await readAll(catalog)).map((e) => Number((e as Trade).tradeId))).toEqual([...Array.from({ length: 9 }, (_, i) => i), ...Array.from({ length: 50 }, (_, i) => 50 + i)]);
    expect(log.warns[0]).toMatch(/dropped an event \(overflow\): the buffer is full \(50 events wait for the catalog\): dropped the oldest/);
    expect(log.warns.some((w) => /dropped events since the last rotation: overflow 40/.test(w))).toBe(true);
    catalog.close();
  });

  it("with onBufferFull 'error' stops recording, emits the error, writes what it held, and stop() rejects", async () => {
    const catalog = new GatedCatalog(await open());
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 10, maxAgeMs: 60_000 }, bufferLimit: 20 });
    const errors: Error[] = [];
    recorder.on('error', (e) => errors.push(e));
    const feed = new Subject<MarketData>();
    await recorder.start(feed);
    catalog.gated = true;
    for (let i = 0; i < 40; i++) feed.next(trade(T0 + i, String(i)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RecorderBufferFullError);
    expect(errors[0]!.message).toMatch(/20 events already wait for the catalog \(bufferLimit\)/);
    expect(feed.observed).toBe(false);
    expect(() => recorder.record(trade(T0 + 50, 'x'))).toThrow(/recording stopped/);
    catalog.release();
    await expect(recorder.stop()).rejects.toBeInstanceOf(RecorderBufferFullError);
    expect((await readAll(catalog)).length).toBe(29);
    catalog.close();
  });

  it('a failed write is emitted and retried with the next rotation; nothing is lost', async () => {
    const catalog = new GatedCatalog(await open());
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 10, maxAgeMs: 60_000 } });
    await recorder.start();
    catalog.failNext = 1;
    const error = next(recorder, 'error');
    for (let i = 0; i < 10; i++) recorder.record(trade(T0 + i, String(i)));
    expect((await error).message).toBe('disk full (simulated)');
    expect(recorder.stats()).toMatchObject({ failedWrites: 1, buffered: 10 });
    for (let i = 10; i < 20; i++) recorder.record(trade(T0 + i, String(i)));
    expect(await next(recorder, 'rotated')).toMatchObject({ rows: 19 });
    await recorder.stop();
    expect((await readAll(catalog)).length).toBe(20);
    catalog.close();
  });
});

describe('spool', () => {
  it('holds every event until its write succeeded, one file per rotation, and is empty after stop()', async () => {
    const catalog = new GatedCatalog(await open());
    const dir = join(tempDir(), 'spool');
    const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 5, maxAgeMs: 60_000 }, spool: { dir, fsync: 'always' } });
    await recorder.start();
    catalog.gated = true;
    for (let i = 0; i < 7; i++) recorder.record(trade(T0 + i, String(i)));
    expect(readdirSync(dir).sort()).toEqual(['000000000000.spool', '000000000001.spool', 'LOCK']);
    // The event kept back (ms 4) is in both files under one number; 5 and 6 came after.
    expect(readFileSync(join(dir, '000000000001.spool'), 'utf8').split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['E 4', 'E 5', 'E 6', '']);
    catalog.release();
    await next(recorder, 'rotated');
    expect(readdirSync(dir).sort()).toEqual(['000000000001.spool', 'LOCK']);
    const stats = await recorder.stop();
    expect(stats.spoolSyncs).toBeGreaterThanOrEqual(8);
    expect(readdirSync(dir)).toEqual([]);
    catalog.close();
  });

  it('recovers what a crashed recorder left, skipping what its cut-off write had stored, keeping -0 and ignoring a torn last line', async () => {
    const root = tempDir();
    const catalog = await ParquetCatalog.open(join(root, 'catalog'), { threads: 1 });
    const dir = join(root, 'spool');
    // A crash after rotation 0's write stored BTC's trades and before it stored ETH's (or removed its file).
    await catalog.write([trade(T0, '0'), trade(T0 + 1, '1')]);
    const q = { type: 'Quote', instrumentId: ETH, ts: T0 + 1, bid: 1, ask: 2, bidSize: -0, askSize: 0 } as const;
    const lines = (seqs: [number, MarketData][]): string => seqs.map(([s, e]) => `E ${s} ${encodeEvent(e)}\n`).join('');
    const r = new CatalogRecorder(catalog, { spool: { dir } });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '000000000003.spool'), lines([[10, trade(T0, '0')], [11, trade(T0 + 1, '1')], [12, q], [13, trade(T0 + 2, '2')]]));
    writeFileSync(join(dir, '000000000004.spool'), lines([[13, trade(T0 + 2, '2')], [14, trade(T0 + 3, '3')], [15, trade(T0 + 4, '4')]]) + 'D 14\nE 16 {"type":"Tra');
    writeFileSync(join(dir, 'LOCK'), '999999999\n');
    const recovered = next(r, 'recovered');
    // BTC trades 0 and 1 are stored, 2 is written, 4 (the newest of BTC's trades) and the quote (the
    // newest of ETH's quotes) wait for more of their millisecond; 3 was dropped, 16 is torn.
    expect(await r.start()).toEqual({ files: 2, events: 5, rows: 1, skipped: 2, held: 2, torn: 1 });
    expect(await recovered).toMatchObject({ rows: 1, held: 2 });
    expect(readdirSync(dir).sort()).toEqual(['000000000005.spool', 'LOCK']);
    // Another trade of BTC's newest millisecond, sent after the restart, still fits; trade 4 again is a repeat.
    r.record(trade(T0 + 4, '4b'));
    r.record(trade(T0 + 4, '4'));
    r.record(trade(T0 + 5, '5'));
    await r.stop();
    const all = await readAll(catalog);
    // At one millisecond a replay gives quotes before trades.
    expect(all.map((e) => (e.type === 'Trade' ? e.tradeId : 'q'))).toEqual(['0', 'q', '1', '2', '4', '4b', '5']);
    expect(Object.is((all[1] as typeof q).bidSize, -0)).toBe(true);
    expect(Object.is((all[1] as typeof q).askSize, 0)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    catalog.close();
  });

  it('refuses a spool line it does not write, naming the file and line, and a spool in use by a live process', async () => {
    const root = tempDir();
    const catalog = await ParquetCatalog.open(join(root, 'catalog'), { threads: 1 });
    const dir = join(root, 'spool');
    const live = new CatalogRecorder(catalog, { spool: { dir } });
    await live.start();
    await expect(new CatalogRecorder(catalog, { spool: { dir } }).start()).rejects.toThrow(new RegExp(`spool .* is in use by process ${process.pid}`));
    await live.stop();
    writeFileSync(join(dir, '000000000000.spool'), `E 0 ${encodeEvent(trade(T0, '0'))}\nE 1 {"type":"Trade","price":-5}\n`);
    const bad = new CatalogRecorder(catalog, { spool: { dir } });
    const error = await bad.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpoolCorruptionError);
    expect((error as Error).message).toMatch(/000000000000\.spool, line 2: the event is not valid market data: instrumentId/);
    expect(existsSync(join(dir, '000000000000.spool'))).toBe(true);
    expect((await catalog.ranges()).length).toBe(0);
    catalog.close();
  });
});
