import fc from 'fast-check';
import { from, lastValueFrom, map, Subject, toArray, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { BacktestClock } from '../clock/backtest-clock';
import { ValidationError } from '../errors';
import { instrumentId } from '../domain/ids';
import type { Trade } from '../domain/market-data';
import { TradeBarAggregator, type TradeBar } from './trade-bars-aggregator';
import { tickBars, timeBars, valueBars, volumeBars } from './trade-bars';

const ID = instrumentId('XYZ.TEST');
const trade = (ts: number, price: number, size: number, id = ID): Trade => ({ type: 'Trade', instrumentId: id, ts, price, size, aggressor: 'NONE', tradeId: String(ts) });
const run = (trades: Trade[], op: OperatorFunction<Trade, TradeBar>): Promise<TradeBar[]> => lastValueFrom(from(trades).pipe(op, toArray()));
/** The fields a hand-computed row gives: ts, open, high, low, close, volume, value, trades, closeTs. */
const row = (b: TradeBar) => [b.ts, b.open, b.high, b.low, b.close, b.volume, b.value, b.trades, b.closeTs];

// The tape the hand-computed tables below are worked out from.
const TAPE = [trade(1000, 10, 1), trade(1500, 12, 2), trade(2000, 9, 1), trade(2000, 11, 3), trade(3000, 13, 1), trade(3500, 12, 2), trade(4000, 14, 1)];

describe('tickBars', () => {
  it("closes on every 3rd trade with closeAt: 'trade', ts = the first trade's time, dropping the short last bar", async () => {
    const bars = await run(TAPE, tickBars({ trades: 3, closeAt: 'trade' }));
    expect(bars.map(row)).toEqual([
      [1000, 10, 12, 9, 9, 4, 10 + 24 + 9, 3, 2000],
      [2000, 11, 13, 11, 12, 6, 33 + 13 + 24, 3, 3500],
    ]);
    expect(bars[0]).toMatchObject({ type: 'Bar', instrumentId: ID });
  });

  it("emits the short last bar with partial: 'emit'", async () => {
    const bars = await run(TAPE, tickBars({ trades: 3, closeAt: 'trade', partial: 'emit' }));
    expect(bars.map(row).at(-1)).toEqual([4000, 14, 14, 14, 14, 1, 14, 1, 4000]);
  });

  it('by default takes the trades of the closing millisecond into the bar, so bar times strictly increase', async () => {
    // The 3rd trade (ts 2000) reaches 3; the 4th shares its millisecond and joins. The second bar reaches 3 at the last trade: complete, emitted on completion.
    const bars = await run(TAPE, tickBars({ trades: 3 }));
    expect(bars.map(row)).toEqual([
      [1000, 10, 12, 9, 11, 7, 43 + 33, 4, 2000],
      [3000, 13, 14, 12, 14, 4, 13 + 24 + 14, 3, 4000],
    ]);
  });

  it("emits a bar that waits for the end of its millisecond when a later trade arrives, not before", () => {
    const input = new Subject<Trade>();
    const out: TradeBar[] = [];
    input.pipe(tickBars({ trades: 2 })).subscribe((b) => out.push(b));
    input.next(trade(1, 10, 1));
    input.next(trade(2, 10, 1));
    expect(out).toHaveLength(0); // 2 trades, but more may come at ts 2
    input.next(trade(2, 11, 1));
    expect(out).toHaveLength(0);
    input.next(trade(3, 12, 1));
    expect(out.map(row)).toEqual([[1, 10, 11, 10, 11, 3, 31, 3, 2]]);
  });

  it('keeps a burst of one millisecond in one bar with the default, and splits it with closeAt: trade (bars then share a time)', async () => {
    const burst = [trade(5, 1, 1), trade(5, 2, 1), trade(5, 3, 1), trade(5, 4, 1), trade(6, 5, 1)];
    expect((await run(burst, tickBars({ trades: 2, partial: 'emit' }))).map((b) => [b.ts, b.trades])).toEqual([
      [5, 4],
      [6, 1],
    ]);
    expect((await run(burst, tickBars({ trades: 2, closeAt: 'trade', partial: 'emit' }))).map((b) => [b.ts, b.trades])).toEqual([
      [5, 2],
      [5, 2],
      [6, 1],
    ]);
  });
});

describe('volumeBars', () => {
  it('puts the trade that crosses the threshold whole into the bar it completes', async () => {
    const bars = await run(TAPE, volumeBars({ volume: 4, closeAt: 'trade', partial: 'emit' }));
    expect(bars.map(row)).toEqual([
      [1000, 10, 12, 9, 9, 4, 43, 3, 2000],
      [2000, 11, 13, 11, 13, 4, 33 + 13, 2, 3000],
      [3500, 12, 14, 12, 14, 3, 24 + 14, 2, 4000], // partial: 3 < 4
    ]);
    const overshoot = await run([trade(1, 10, 3), trade(2, 10, 5), trade(3, 10, 1)], volumeBars({ volume: 4 }));
    expect(overshoot.map((b) => b.volume)).toEqual([8]); // 3 + 5: the crossing trade is not cut; 1 left over is dropped
  });

  it('splits the crossing trade with split: true, so that every bar holds exactly the threshold', async () => {
    const bars = await run(TAPE, volumeBars({ volume: 2.5, split: true, closeAt: 'trade', partial: 'emit' }));
    expect(bars.map(row)).toEqual([
      [1000, 10, 12, 10, 12, 2.5, 10 + 1.5 * 12, 2, 1500],
      [1500, 12, 12, 9, 11, 2.5, 0.5 * 12 + 9 + 11, 3, 2000],
      [2000, 11, 13, 11, 13, 2.5, 2 * 11 + 0.5 * 13, 2, 3000],
      [3000, 13, 13, 12, 12, 2.5, 0.5 * 13 + 24, 2, 3500],
      [4000, 14, 14, 14, 14, 1, 14, 1, 4000],
    ]);
    // A trade of several thresholds makes several bars of one time.
    const big = await run([trade(7, 100, 10)], volumeBars({ volume: 4, split: true, closeAt: 'trade', partial: 'emit' }));
    expect(big.map((b) => [b.ts, b.volume])).toEqual([
      [7, 4],
      [7, 4],
      [7, 2],
    ]);
  });

  it('reaches a threshold that decimal sizes sum to, within the tolerance (0.3 + 0.6 in doubles is 0.8999999999999999)', async () => {
    const tape = [trade(1, 10, 0.3), trade(2, 10, 0.6), trade(3, 10, 0.5)];
    expect((await run(tape, volumeBars({ volume: 0.9 }))).map((b) => [b.volume, b.trades])).toEqual([[0.8999999999999999, 2]]);
    expect((await run(tape, volumeBars({ volume: 0.9, tolerance: 0 }))).map((b) => b.trades)).toEqual([3]);
    // Compensated sums: ten trades of 0.1 make a volume of exactly 1.
    const tenths = Array.from({ length: 10 }, (_, i) => trade(i, 10, 0.1));
    expect((await run(tenths, volumeBars({ volume: 1, tolerance: 0 }))).map((b) => b.volume)).toEqual([1]);
  });
});

describe('valueBars', () => {
  it('closes each bar once price x size reaches the threshold', async () => {
    const bars = await run(TAPE, valueBars({ value: 50, closeAt: 'trade' }));
    expect(bars.map(row)).toEqual([
      [1000, 10, 12, 9, 11, 7, 76, 4, 2000],
      [3000, 13, 14, 12, 14, 4, 51, 3, 4000],
    ]);
  });

  it('splits by value with split: true: the part of the crossing trade is the value left over its price', async () => {
    const bars = await run([trade(1, 10, 3), trade(2, 20, 4)], valueBars({ value: 50, split: true, closeAt: 'trade', partial: 'emit' }));
    // 30 + 20 of the 80 of the second trade (size 1) -> 50; then 50 (size 2.5); then 10 (size 0.5).
    expect(bars.map((b) => [b.ts, b.volume, b.value, b.trades])).toEqual([
      [1, 4, 50, 2],
      [2, 2.5, 50, 1],
      [2, 0.5, 10, 1],
    ]);
  });
});

describe('timeBars', () => {
  const tape = [trade(100, 10, 1), trade(900, 11, 1), trade(1000, 12, 2), trade(3500, 9, 1), trade(3600, 10, 1)];

  it('makes one bar per period with ts = the period start, no bar for an empty period, and emits the last period on completion', async () => {
    const bars = await run(tape, timeBars({ timeframe: 1000 }));
    expect(bars.map(row)).toEqual([
      [0, 10, 11, 10, 11, 2, 21, 2, 900],
      [1000, 12, 12, 12, 12, 2, 24, 1, 1000],
      [3000, 9, 10, 9, 10, 2, 19, 2, 3600],
    ]);
  });

  it("makes a flat bar at the last close for an empty period with empty: 'flat', and drops the last period with partial: 'drop'", async () => {
    const bars = await run(tape, timeBars({ timeframe: 1000, empty: 'flat', partial: 'drop' }));
    expect(bars.map(row)).toEqual([
      [0, 10, 11, 10, 11, 2, 21, 2, 900],
      [1000, 12, 12, 12, 12, 2, 24, 1, 1000],
      [2000, 12, 12, 12, 12, 0, 0, 0, 2000],
    ]);
  });

  it('moves period boundaries by the offset', async () => {
    const bars = await run(tape, timeBars({ timeframe: 1000, offset: 500 }));
    expect(bars.map((b) => [b.ts, b.trades])).toEqual([
      [-500, 1],
      [500, 2],
      [3500, 2],
    ]);
  });

  it('closes a period on the BacktestClock at its end plus grace, with flat bars for the empty periods after it', () => {
    const clock = new BacktestClock(0);
    const input = new Subject<Trade>();
    const out: Array<[number, number, number]> = [];
    input.pipe(timeBars({ timeframe: 1000, empty: 'flat', grace: 50, clock })).subscribe((b) => out.push([b.ts, b.trades, clock.now()]));
    clock.advanceTo(100);
    input.next(trade(100, 10, 1));
    clock.advanceTo(1049);
    expect(out).toEqual([]);
    clock.advanceTo(3200);
    expect(out).toEqual([
      [0, 1, 1050],
      [1000, 0, 2050],
      [2000, 0, 3050],
    ]);
    input.next(trade(3200, 11, 1));
    input.complete();
    expect(out.at(-1)).toEqual([3000, 1, 3200]);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it("errors on a trade whose period closed on the clock, naming trade.ts, or drops it with onLate: 'drop'", () => {
    for (const onLate of ['error', 'drop'] as const) {
      const clock = new BacktestClock(0);
      const input = new Subject<Trade>();
      const out: TradeBar[] = [];
      const errors: unknown[] = [];
      input.pipe(timeBars({ timeframe: 1000, clock, onLate })).subscribe({ next: (b) => out.push(b), error: (e: unknown) => errors.push(e) });
      input.next(trade(900, 10, 1));
      clock.advanceTo(1000);
      input.next(trade(950, 11, 1)); // a venue's late print of the closed period
      input.complete();
      if (onLate === 'error') {
        expect((errors[0] as ValidationError).field).toBe('trade.ts');
        expect((errors[0] as ValidationError).message).toMatch(/after its period closed/);
      } else expect(out.map((b) => [b.ts, b.trades])).toEqual([[0, 1]]);
    }
  });

  it('closes on the scheduler in virtual time under the RxJS TestScheduler (marbles)', () => {
    const ts = new TestScheduler((a, e) => expect(a).toEqual(e));
    ts.run(({ hot, expectObservable }) => {
      const values = { a: trade(0, 1, 1), b: trade(2, 3, 1), c: trade(7, 2, 1) };
      const out = hot('a-b----c---|', values).pipe(
        timeBars({ timeframe: 5, scheduler: ts }),
        map((b) => `${b.ts}:${b.open}-${b.close}`),
      );
      expectObservable(out).toBe('-----x----y|', { x: '0:1-3', y: '5:2-2' });
    });
  });
});

describe('trade checks and options', () => {
  const fieldOf = async (trades: Trade[], op: OperatorFunction<Trade, TradeBar>) => {
    try {
      await run(trades, op);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).field;
    }
    return 'no error';
  };

  it('errors on trades out of time order, naming trade.ts', async () => {
    expect(await fieldOf([trade(2, 1, 1), trade(1, 1, 1)], tickBars({ trades: 5 }))).toBe('trade.ts');
    expect(await fieldOf([trade(2000, 1, 1), trade(1999, 1, 1)], timeBars({ timeframe: 1000 }))).toBe('trade.ts');
  });

  it('errors on a bad price or size, and on a second instrument, naming the field', async () => {
    expect(await fieldOf([trade(1, Number.NaN, 1)], volumeBars({ volume: 1 }))).toBe('trade.price');
    expect(await fieldOf([trade(1, 0, 1)], valueBars({ value: 1 }))).toBe('trade.price');
    expect(await fieldOf([trade(1, 1, -1)], tickBars({ trades: 1 }))).toBe('trade.size');
    expect(await fieldOf([trade(1, 1, 1), trade(2, 1, 1, instrumentId('ABC.TEST'))], tickBars({ trades: 5 }))).toBe('trade.instrumentId');
  });

  it('rejects bad options naming the field, unknown keys with a suggestion', () => {
    expect(() => tickBars({ trades: 0 })).toThrow(/tickBars\.trades/);
    expect(() => tickBars({ trade: 5 } as never)).toThrow(/tickBars\.trade: unknown option; did you mean "trades"\?/);
    expect(() => volumeBars({ volume: 5, split: true })).toThrow(/volumeBars\.split: split: true needs closeAt: 'trade'/);
    expect(() => valueBars({ value: -1 })).toThrow(/valueBars\.value/);
    expect(() => timeBars({ timeframe: 1000, offset: 1000 })).toThrow(/timeBars\.offset: must be below the timeframe/);
    expect(() => timeBars({ timeframe: 1000, clock: new BacktestClock(0), scheduler: new TestScheduler(() => {}) })).toThrow(/timeBars\.clock/);
  });

  it('keeps one state per subscription', async () => {
    const op = tickBars({ trades: 2, closeAt: 'trade' });
    const a = await run(TAPE.slice(0, 3), op);
    const b = await run(TAPE.slice(0, 3), op);
    expect(b).toEqual(a);
  });
});

describe('invariants (property)', () => {
  const tapes = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 150 })
    .map((steps) => {
      let ts = 0;
      return steps.map(([gap, cents, lots], i) => {
        ts += gap;
        return { ...trade(ts, cents / 100, lots / 100), tradeId: String(i) };
      });
    });

  it('every trade lands in exactly one bar (volume and count conserved), bars in strictly increasing time, each complete bar at its threshold', () => {
    fc.assert(
      fc.property(tapes, fc.constantFrom<'tick' | 'volume' | 'value'>('tick', 'volume', 'value'), (tape, kind) => {
        const spec = kind === 'tick' ? ({ type: 'tick', trades: 7, partial: 'emit' } as const) : kind === 'volume' ? ({ type: 'volume', volume: 5, partial: 'emit' } as const) : ({ type: 'value', value: 4, partial: 'emit' } as const);
        const agg = new TradeBarAggregator(spec);
        const bars: TradeBar[] = [];
        for (const t of tape) agg.push(t, (b) => bars.push(b));
        agg.finish((b) => bars.push(b));
        expect(bars.reduce((s, b) => s + b.trades, 0)).toBe(tape.length);
        const volume = tape.reduce((s, t) => s + t.size, 0);
        expect(bars.reduce((s, b) => s + b.volume, 0)).toBeCloseTo(volume, 9);
        for (let i = 1; i < bars.length; i++) expect(bars[i]!.ts).toBeGreaterThan(bars[i - 1]!.closeTs);
        const reached = (b: TradeBar) => (kind === 'tick' ? b.trades >= 7 : kind === 'volume' ? b.volume >= 5 * (1 - 1e-9) : b.value >= 4 * (1 - 1e-9));
        expect(bars.slice(0, -1).every(reached)).toBe(true);
        for (const b of bars) expect(b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
