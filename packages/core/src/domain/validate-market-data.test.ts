import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '../errors';
import { instrumentId } from './ids';
import type { Bar, MarketData } from './market-data';
import { MarketDataValidator, marketDataIssue } from './validate-market-data';

const AAA = instrumentId('AAA.SIM');
const BBB = instrumentId('BBB.SIM');
const bar = (ts: number, open: number, high: number, low: number, close: number, volume = 10, id = AAA): Bar => ({ type: 'Bar', instrumentId: id, ts, open, high, low, close, volume });

/** The message the validator throws for `events`, or undefined when they all pass. */
function firstError(events: readonly unknown[], label = 'data'): string | undefined {
  const v = new MarketDataValidator(label);
  try {
    events.forEach((e, i) => v.check(e, i));
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  return undefined;
}

describe('MarketDataValidator', () => {
  it('names the index and field of a bar whose low is above its open', () => {
    const events = [bar(0, 100, 102, 99, 101), bar(60_000, 100.9, 102, 101.2, 101.5)];
    expect(firstError(events)).toBe('data[1].low: must be <= open and close (low 101.2, open 100.9)');
  });

  it.each([
    [bar(0, NaN, 102, 99, 101), 'data[0].open: must be a finite number, got NaN'],
    [bar(0, 100, Infinity, 99, 101), 'data[0].high: must be a finite number, got Infinity'],
    [bar(0, 100, 102, 0, 101), 'data[0].low: must be > 0, got 0'],
    [bar(0, 100, 102, 99, -1), 'data[0].close: must be > 0, got -1'],
    [{ ...bar(0, 100, 102, 99, 101), close: '101' }, 'data[0].close: must be a finite number, got "101"'],
    [bar(0, 100, 102, 99, 101, -5), 'data[0].volume: must be a finite number >= 0, got -5'],
    [bar(0, 100, 100.5, 99, 101), 'data[0].high: must be >= open and close (high 100.5, close 101)'],
    [bar(0, 100, 102, 100.5, 101), 'data[0].low: must be <= open and close (low 100.5, open 100)'],
    [{ ...bar(0, 100, 102, 99, 101), ts: NaN }, 'data[0].ts: must be a finite number, got NaN'],
    [{ ...bar(0, 100, 102, 99, 101), instrumentId: '' }, 'data[0].instrumentId: must be a non-empty string, got ""'],
    [{ ...bar(0, 100, 102, 99, 101), type: 'Candle' }, 'data[0].type: unknown market data type "Candle" (one of Bar, Quote, Trade, OrderBookSnapshot, OrderBookDelta)'],
    [null, 'data[0]: must be a market data event (an object with a type), got null'],
    [{ type: 'Quote', instrumentId: AAA, ts: 0, bid: 101, ask: 100, bidSize: 1, askSize: 1 }, 'data[0].bid: must be <= ask (bid 101, ask 100)'],
    [{ type: 'Quote', instrumentId: AAA, ts: 0, bid: 99, ask: 100, bidSize: -1, askSize: 1 }, 'data[0].bidSize: must be a finite number >= 0, got -1'],
    [{ type: 'Trade', instrumentId: AAA, ts: 0, price: -3, size: 1, aggressor: 'NONE', tradeId: 't' }, 'data[0].price: must be > 0, got -3'],
    [
      { type: 'OrderBookDelta', instrumentId: AAA, ts: 0, sequence: 1, bids: [{ price: 99, size: 1 }], asks: [{ price: 100, size: NaN }] },
      'data[0].asks[0].size: must be a finite number >= 0, got NaN',
    ],
    [
      { type: 'OrderBookSnapshot', instrumentId: AAA, ts: 0, sequence: 1, bids: [{ price: 99, size: 1 }, { price: 99.5, size: 1 }], asks: [] },
      'data[0].bids[1].price: bids of a snapshot must be sorted by descending price (99.5 after 99)',
    ],
  ])('refuses %j', (event, message) => {
    expect(firstError([event])).toBe(message);
  });

  it('accepts sound events of every type, zero sizes and volumes included', () => {
    const events: MarketData[] = [
      bar(0, 100, 100, 100, 100, 0),
      { type: 'Quote', instrumentId: AAA, ts: 1, bid: 100, ask: 100, bidSize: 0, askSize: 0 },
      { type: 'Trade', instrumentId: AAA, ts: 1, price: 100, size: 0, aggressor: 'NONE', tradeId: 't1' },
      { type: 'OrderBookSnapshot', instrumentId: AAA, ts: 1, sequence: 1, bids: [{ price: 99, size: 1 }], asks: [{ price: 100, size: 2 }] },
      { type: 'OrderBookDelta', instrumentId: AAA, ts: 1, sequence: 2, bids: [{ price: 99, size: 0 }], asks: [] },
    ];
    expect(firstError(events)).toBeUndefined();
  });

  it('wants strictly increasing bar times per instrument, and non-decreasing times for other types', () => {
    expect(firstError([bar(0, 1, 1, 1, 1), bar(0, 1, 1, 1, 1, 10, BBB), bar(0, 1, 1, 1, 1)])).toBe(
      'data[2].ts: 0 is not after the previous bar of AAA.SIM at 0: bars of an instrument must have strictly increasing times',
    );
    const trade = (ts: number) => ({ type: 'Trade', instrumentId: AAA, ts, price: 1, size: 1, aggressor: 'NONE', tradeId: `t${ts}` });
    expect(firstError([trade(5), trade(5), trade(6)])).toBeUndefined();
    expect(firstError([trade(5), trade(4)], 'feed')).toBe('feed[1].ts: 4 is before the previous Trade of AAA.SIM at 5: events of an instrument must not go back in time');
    // Each type is ordered on its own: a bar stamped with its open time may follow trades inside it.
    expect(firstError([trade(30), bar(0, 1, 1, 1, 1)])).toBeUndefined();
  });

  it('names the source as well as the row when given one', () => {
    const v = new MarketDataValidator();
    v.check(bar(0, 1, 1, 1, 1), 0, 1);
    expect(() => v.check(bar(1, 1, 1, 2, 1), 7, 1)).toThrow('data[1][7].low: must be <= open and close (low 2, open 1)');
  });

  it('agrees with marketDataIssue on random bars: the fast check refuses exactly the unsound ones', () => {
    const value = fc.oneof(fc.double({ min: -10, max: 200 }), fc.constantFrom(NaN, Infinity, 0, 100));
    fc.assert(
      fc.property(value, value, value, value, value, (open, high, low, close, volume) => {
        const v = new MarketDataValidator();
        const b = bar(0, open, high, low, close, volume);
        let threw = false;
        try {
          v.check(b, 0);
        } catch {
          threw = true;
        }
        expect(threw).toBe(marketDataIssue(b) !== undefined);
      }),
    );
  });
});
