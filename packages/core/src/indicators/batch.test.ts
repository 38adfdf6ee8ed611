import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { loadBars, loadReference } from './__fixtures__/load';
import { Atr, Macd, Rsi, Sma, Vwap, batch } from './index';

const bars = loadBars('goog');
const talib = loadReference('talib', 'goog');
const col = (f: 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume') => Float64Array.from(bars, (b) => b[f]);

function expectSameSeries(actual: Float64Array, expected: Float64Array) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]!)) expect(actual[i]).toBeNaN();
    else expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(1e-9 * Math.abs(expected[i]!));
  }
}

describe('batch', () => {
  it('runs a number-valued indicator over a Float64Array, NaN during warm-up', () => {
    const rsi = batch(() => new Rsi(14), col('close'));
    expect(rsi).toBeInstanceOf(Float64Array);
    expectSameSeries(rsi, talib.get('RSI_14')!);
  });

  it('returns one column per field for multi-output indicators', () => {
    const macd = batch(new Macd({ fast: 12, slow: 26, signal: 9 }), col('close'));
    expect(Object.keys(macd).sort()).toEqual(['histogram', 'macd', 'signal']);
    expectSameSeries(macd.macd, talib.get('MACD_12_26_9_macd')!);
    expectSameSeries(macd.signal, talib.get('MACD_12_26_9_signal')!);
    expectSameSeries(macd.histogram, talib.get('MACD_12_26_9_hist')!);
  });

  it('feeds bar-based indicators from columns', () => {
    const atr = batch(() => new Atr(14), { high: col('high'), low: col('low'), close: col('close') });
    expectSameSeries(atr, talib.get('ATR_14')!);
    const vwap = batch(() => new Vwap({ mode: 'session' }), { ts: col('ts'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') });
    // Daily sessions on daily bars: every bar is its own session, so VWAP is the typical price.
    bars.forEach((b, i) => expect(vwap[i]).toBeCloseTo((b.high + b.low + b.close) / 3, 9));
  });

  it('accepts plain arrays and gives all-NaN columns when the series is shorter than the warm-up', () => {
    expect(Array.from(batch(() => new Sma(3), [1, 2, 3, 4]))).toEqual([NaN, NaN, 2, 3]);
    expect(Array.from(batch(() => new Sma(10), [1, 2, 3]))).toEqual([NaN, NaN, NaN]);
    const short = batch(() => new Macd(), [1, 2, 3]);
    expect(Object.keys(short).sort()).toEqual(['histogram', 'macd', 'signal']);
    expect(Array.from(short.macd)).toEqual([NaN, NaN, NaN]);
  });

  it('continues an indicator instance rather than resetting it', () => {
    const sma = new Sma(2);
    sma.update(10);
    expect(Array.from(batch(sma, [20, 30]))).toEqual([15, 25]);
  });

  it('rejects columns of different lengths and a missing column the indicator needs', () => {
    expect(() => batch(() => new Atr(3), { high: [1, 2], low: [1], close: [1, 2] })).toThrow(ValidationError);
    expect(() => batch(() => new Atr(3), { high: [2, 2], low: [1, 1] })).toThrow(/Atr\(3\) input\.close: must be a finite number, got NaN/);
  });
});
