import { describe, expect, it } from 'vitest';
import { missingSpans, tradePaging } from './history-paging';

describe('missingSpans', () => {
  it('is the whole range when nothing is stored in it', () => {
    expect(missingSpans([], 0, 100, 1, false)).toEqual([{ start: 0, end: 100 }]);
    expect(missingSpans([{ first: 200, last: 300 }], 0, 100, 1, false)).toEqual([{ start: 0, end: 100 }]);
  });

  it('is the time before the first and after the last stored event, a step after it', () => {
    expect(missingSpans([{ first: 40, last: 60 }, { first: 10, last: 20 }], 0, 100, 10, false)).toEqual([
      { start: 0, end: 10 },
      { start: 70, end: 100 },
    ]);
    expect(missingSpans([{ first: 0, last: 90 }], 0, 100, 10, false)).toEqual([]);
    expect(missingSpans([{ first: 0, last: 99 }], 0, 100, 1, false)).toEqual([]);
  });

  it('with fillGaps, adds the holes wider than a step between stored ranges', () => {
    const ranges = [{ first: 10, last: 20 }, { first: 30, last: 40 }, { first: 80, last: 90 }];
    expect(missingSpans(ranges, 0, 100, 10, true)).toEqual([
      { start: 0, end: 10 },
      { start: 50, end: 80 },
    ]);
    expect(missingSpans(ranges, 25, 100, 1, true)).toEqual([
      { start: 25, end: 30 },
      { start: 41, end: 80 },
      { start: 91, end: 100 },
    ]);
  });
});

describe('tradePaging', () => {
  it('knows the windows and limits of the venues it names, and defaults to time paging', () => {
    expect(tradePaging('binance')).toMatchObject({ maxWindowMs: 3_599_999, history: 'time' });
    expect(tradePaging('coinbase')).toMatchObject({ timeUnitMs: 1000, history: 'time' });
    expect(tradePaging('bybit').limit('spot')).toBe(60);
    expect(tradePaging('bybit').limit('swap')).toBe(1000);
    expect(tradePaging('kraken')).toMatchObject({ known: false, history: 'time' });
  });
});
