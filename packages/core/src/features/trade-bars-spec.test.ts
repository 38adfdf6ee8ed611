import { describe, expect, it } from 'vitest';
import { instrumentId } from '../domain/ids';
import { barSeriesId, parseBarSeriesId, type TradeBarSpec } from './trade-bars-spec';
import { Timeframe } from './timeframe';

describe('barSeriesId', () => {
  const id = instrumentId('BTC/USDT.BINANCE');
  const cases: Array<[TradeBarSpec, string]> = [
    [{ type: 'tick', trades: 100 }, 'BTC/USDT.BINANCE-100-TICK-LAST'],
    [{ type: 'volume', volume: 2.5 }, 'BTC/USDT.BINANCE-2.5-VOLUME-LAST'],
    [{ type: 'value', value: 1_000_000 }, 'BTC/USDT.BINANCE-1000000-VALUE-LAST'],
    [{ type: 'time', timeframe: Timeframe.MINUTE }, 'BTC/USDT.BINANCE-1-MINUTE-LAST'],
    [{ type: 'time', timeframe: 90_000 }, 'BTC/USDT.BINANCE-90-SECOND-LAST'],
    [{ type: 'time', timeframe: 1_500 }, 'BTC/USDT.BINANCE-1500-MILLISECOND-LAST'],
    [{ type: 'time', timeframe: Timeframe.WEEK, offset: 4 * Timeframe.DAY }, 'BTC/USDT.BINANCE-1-WEEK-LAST-OFFSET345600000'],
    [{ type: 'time', timeframe: 4 * Timeframe.HOUR }, 'BTC/USDT.BINANCE-4-HOUR-LAST'],
  ];

  it('names the series NautilusTrader-style, and parses the name back into the instrument and spec', () => {
    for (const [spec, name] of cases) {
      expect(barSeriesId(id, spec)).toBe(name);
      expect(parseBarSeriesId(name)).toEqual({ instrumentId: id, spec });
    }
  });

  it('leaves the options outside the name out of it, and parses a plain instrument id as no series', () => {
    expect(barSeriesId(id, { type: 'tick', trades: 5, closeAt: 'trade', partial: 'emit' })).toBe('BTC/USDT.BINANCE-5-TICK-LAST');
    expect(parseBarSeriesId('GOOG.NASDAQ')).toBeUndefined();
    expect(parseBarSeriesId('X-0-TICK-LAST')).toBeUndefined(); // 0 trades is no spec
  });

  it('rejects a bad spec naming the field', () => {
    expect(() => barSeriesId(id, { type: 'tick', trades: 1.5 })).toThrow(/spec\.trades/);
    expect(() => barSeriesId(id, { type: 'range' } as never)).toThrow(/spec\.type/);
  });
});
