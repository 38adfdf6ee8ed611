import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EMPTY, filter, firstValueFrom, ignoreElements, map, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BarColumns, defineInstrument, LiveClock, MarketDataValidator, parseBarsCsv, parseBarsCsvColumns, ValidationError, type Bar, type Instrument, type MarketData, type Pipeline } from '@rxtrade/core';
import { smaCrossover } from '../../../examples/sma-crossover/src/strategy';
import { syntheticBars } from '../bench/synthetic-bars';
import { mergeByTime } from './merge-by-time';
import { replayFeed } from './replay-feed';
import { resultToJson, type RunResult } from './result';
import { runBacktest } from './run-backtest';

const stock = (symbol: string, venue = 'SIM'): Instrument =>
  defineInstrument({ symbol, venue, assetClass: 'stock', base: symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' });

const goog = stock('GOOG', 'NASDAQ');
const text = readFileSync(fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url)), 'utf8');
const { bars } = parseBarsCsv(text, { instrumentId: goog.id });
const golden = { instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 }, strategyId: 'golden' };
const crossover = (inst: Instrument): Pipeline => smaCrossover({ instrumentId: inst.id, fast: 10, slow: 30, size: 100 });

/** Every fill, order, equity point, round trip and the summary, as exact text. */
const exact = (r: RunResult): string => JSON.stringify(resultToJson(r));

async function errorOf(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (e instanceof ValidationError) return e;
  throw new Error(`expected a ValidationError, got ${String(e)}`);
}

describe('runBacktest on BarColumns', () => {
  it('reproduces the golden crossover on GOOG exactly: every fill, order, equity point and the summary', async () => {
    const fromObjects = await runBacktest(crossover(goog), { ...golden, data: bars });
    const fromColumns = await runBacktest(crossover(goog), { ...golden, data: parseBarsCsvColumns(text, { instrumentId: goog.id }).columns });
    // The reference figures (backtrader 1.9.78 and backtesting.py 0.6.6, see examples/sma-crossover).
    expect(fromColumns.summary.fills).toBe(31);
    expect(fromColumns.summary.finalEquity.toString()).toBe('176251.036');
    expect(fromColumns.fills).toEqual(fromObjects.fills);
    expect(fromColumns.equityCurve.ts).toEqual(fromObjects.equityCurve.ts);
    expect(fromColumns.equityCurve.equity).toEqual(fromObjects.equityCurve.equity);
    expect(exact(fromColumns)).toBe(exact(fromObjects));
  });

  it('gives the array-of-objects result on 100,000 synthetic minute bars, with history and without', async () => {
    const syn = stock('SYN');
    const objects = Array.from(syntheticBars(100_000, syn.id));
    const columns = BarColumns.fromBars(objects);
    const config = { instruments: [syn], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 } };
    const a = await runBacktest(crossover(syn), { ...config, data: objects });
    const b = await runBacktest(crossover(syn), { ...config, data: columns });
    expect(a.summary.fills).toBeGreaterThan(2000);
    expect(exact(b)).toBe(exact(a));
    const lean = { ...config, keepHistory: false, equityEvery: 50 };
    const c = await runBacktest(crossover(syn), { ...lean, data: objects });
    const d = await runBacktest(crossover(syn), { ...lean, data: columns });
    expect(d.summary).toEqual(c.summary);
    expect(d.equityCurve.equity).toEqual(c.equityCurve.equity);
    expect(d.equityCurve.ts).toEqual(c.equityCurve.ts);
    expect(d.equityCurve.ts.length).toBeGreaterThan(1000);
  });

  it('merges columns with other series by (time, series order), exactly as arrays', async () => {
    const a = stock('A');
    const b = stock('B');
    // B's bars fall on A's times every third bar and between them otherwise: ties and interleaving.
    const barsA = Array.from(syntheticBars(3000, a.id, 1));
    const barsB = Array.from(syntheticBars(2000, b.id, 2)).map((x, i) => ({ ...x, ts: barsA[0]!.ts + i * 90_000 }));
    const seen = (log: string[]): Pipeline => (ctx) =>
      ctx.market.bars().pipe(
        tap((x) => log.push(`${x.instrumentId}@${x.ts}`)),
        filter((x, i) => i % 97 === 0),
        map((x) => ctx.orderFactory.market({ instrumentId: x.instrumentId, side: x.ts % 2 === 0 ? 'BUY' : 'SELL', quantity: 1 })),
      );
    const config = { instruments: [a, b], ledger: { startingCash: 100_000 }, venue: { commission: 0.001 } };
    const logObjects: string[] = [];
    const objects = await runBacktest(seen(logObjects), { ...config, data: [barsA, barsB] });
    for (const data of [
      [BarColumns.fromBars(barsA), BarColumns.fromBars(barsB)],
      [BarColumns.fromBars(barsA), barsB],
      [barsA, BarColumns.fromBars(barsB)],
    ]) {
      const log: string[] = [];
      const r = await runBacktest(seen(log), { ...config, data });
      expect(log).toEqual(logObjects);
      expect(exact(r)).toBe(exact(objects));
    }
    expect(logObjects).toHaveLength(5000);
    expect(objects.summary.fills).toBeGreaterThan(40);
    // The order given decides ties: B first when it is given first.
    const swapped: string[] = [];
    await runBacktest(seen(swapped), { ...config, data: [BarColumns.fromBars(barsB), BarColumns.fromBars(barsA)] });
    expect(swapped[0]).toBe(`${b.id}@${barsA[0]!.ts}`);
    expect(swapped[1]).toBe(`${a.id}@${barsA[0]!.ts}`);
  });

  it('hands the pipeline a fresh bar per row, which it may keep', async () => {
    const syn = stock('SYN');
    const columns = BarColumns.fromBars(Array.from(syntheticBars(50, syn.id)));
    const kept: Bar[] = [];
    await runBacktest((ctx) => ctx.market.bars().pipe(tap((x) => kept.push(x)), ignoreElements()), { instruments: [syn], ledger: { startingCash: 1 }, data: columns });
    expect(kept).toEqual([...columns]);
    expect(new Set(kept).size).toBe(50);
  });

  it('names the row and field of a bar changed to a bad value after the columns were checked', async () => {
    const syn = stock('SYN');
    const columns = BarColumns.fromBars(Array.from(syntheticBars(10, syn.id)));
    const config = { instruments: [syn], ledger: { startingCash: 1 } };
    columns.low[4] = columns.high[4]! + 1;
    expect((await errorOf(runBacktest(() => EMPTY, { ...config, data: columns }))).field).toBe('data[4].low');
    expect((await errorOf(runBacktest(() => EMPTY, { ...config, data: [bars.slice(0, 0), columns] }))).field).toBe('data[1][4].low');
    columns.low[4] = columns.low[3]!;
    columns.ts[6] = columns.ts[5]!;
    expect((await errorOf(runBacktest(() => EMPTY, { ...config, data: columns }))).message).toMatch(/^data\[6\]\.ts: .* is not after the previous bar of SYN\.SIM/);
    expect((await errorOf(runBacktest(() => EMPTY, { ...config, data: [columns] }))).field).toBe('data[0][6].ts');
  });

  it('checks the columns before the first bar, with the message and path a check of every row gives', async () => {
    const syn = stock('SYN');
    const config = { instruments: [syn], ledger: { startingCash: 1 } };
    const fields = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
    const odd = [Number.NaN, Infinity, -Infinity, 0, -1, 1e-300];
    let seed = 7;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    for (let k = 0; k < 300; k++) {
      const columns = BarColumns.fromBars(Array.from(syntheticBars(12, syn.id, k + 1)));
      // One to three changes anywhere: odd values, values of another column or row, times out of order.
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
        const field = pick(fields);
        const row = Math.floor(next() * 12);
        const source = columns[pick(fields)];
        columns[field][row] = next() < 0.5 ? pick(odd) : field === 'ts' ? columns.ts[Math.floor(next() * 12)]! : source[Math.floor(next() * 12)]!;
      }
      // What checking each row as it is delivered finds, the rule the run held to before.
      const validator = new MarketDataValidator('data');
      let expected: ValidationError | undefined;
      try {
        for (let i = 0; i < columns.length; i++) validator.check(columns.barAt(i), i);
      } catch (e) {
        expected = e as ValidationError;
      }
      let seen = 0;
      const counting: Pipeline = (ctx) => ctx.market.bars().pipe(tap(() => seen++), ignoreElements());
      const run = runBacktest(counting, { ...config, data: columns });
      if (expected === undefined) {
        await run;
        expect(seen).toBe(12);
        continue;
      }
      const e = await errorOf(run);
      expect(e.message).toBe(expected.message);
      expect(e.field).toBe(expected.field);
      expect(seen).toBe(0);
    }
  });

  it('finds a bad value in columns whose arrays were replaced by plain arrays, before the first bar too', async () => {
    const syn = stock('SYN');
    const columns = BarColumns.fromBars(Array.from(syntheticBars(10, syn.id)));
    const open = Array.from(columns.open) as unknown[];
    open[3] = String(open[3]);
    (columns as unknown as { open: unknown[] }).open = open;
    let seen = 0;
    const e = await errorOf(runBacktest((ctx) => ctx.market.bars().pipe(tap(() => seen++), ignoreElements()), { instruments: [syn], ledger: { startingCash: 1 }, data: columns }));
    expect(e.field).toBe('data[3].open');
    expect(seen).toBe(0);
  });

  it('refuses two series of the same instrument whose bars share a time', async () => {
    const syn = stock('SYN');
    const one = BarColumns.fromBars(Array.from(syntheticBars(5, syn.id)));
    const e = await errorOf(runBacktest(() => EMPTY, { instruments: [syn], ledger: { startingCash: 1 }, data: [one, one] }));
    expect(e.field).toBe('data[1][0].ts');
  });

  it('runs empty columns to an empty result', async () => {
    const syn = stock('SYN');
    const empty = new Float64Array(0);
    const columns = BarColumns.from({ instrumentId: syn.id, ts: empty, open: empty, high: empty, low: empty, close: empty, volume: empty });
    const r = await runBacktest(() => EMPTY, { instruments: [syn], ledger: { startingCash: 1 }, data: columns });
    expect(r.summary.events).toBe(0);
  });
});

describe('mergeByTime and replayFeed on BarColumns', () => {
  it('yield the same events as from arrays', async () => {
    const a = stock('A');
    const b = stock('B');
    const barsA = Array.from(syntheticBars(40, a.id, 1));
    const barsB = Array.from(syntheticBars(30, b.id, 2));
    const fromArrays: MarketData[] = [...mergeByTime([barsA, barsB])];
    expect([...mergeByTime([BarColumns.fromBars(barsA), barsB])]).toEqual(fromArrays);
    const fed = await firstValueFrom(replayFeed([BarColumns.fromBars(barsA), BarColumns.fromBars(barsB)], { clock: new LiveClock(), intervalMs: 0 }).pipe(toArray()));
    expect(fed).toEqual(fromArrays);
  });
});
