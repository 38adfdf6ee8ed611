import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { loadBars, loadReference } from './__fixtures__/load';
import { Atr, Macd, Rsi, Sma, Vwap, batch, type Indicator } from './index';

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

  it('takes indicators of its own making: fresh objects, no `fields`, any number of fields', () => {
    /** A user's multi-output indicator that ignores `into` and names no fields: the running min, max, sum and count. */
    class Stats implements Indicator<number, { min: number; max: number; sum: number; n: number }> {
      private s = { min: Infinity, max: -Infinity, sum: 0, n: 0 };
      readonly warmup = 2;
      get value() { return this.s.n >= 2 ? { ...this.s } : undefined; }
      get isReady() { return this.s.n >= 2; }
      update(x: number) {
        this.s = { min: Math.min(this.s.min, x), max: Math.max(this.s.max, x), sum: this.s.sum + x, n: this.s.n + 1 };
        return this.value;
      }
      replace(x: number) { return this.update(x); }
      reset() { this.s = { min: Infinity, max: -Infinity, sum: 0, n: 0 }; }
    }
    const out = batch(() => new Stats(), [3, 1, 4, 1, 5]);
    expect(Object.keys(out)).toEqual(['min', 'max', 'sum', 'n']);
    expect([...out.min]).toEqual([NaN, 1, 1, 1, 1]);
    expect([...out.max]).toEqual([NaN, 3, 4, 4, 5]);
    expect([...out.sum]).toEqual([NaN, 4, 8, 9, 14]);
    expect([...out.n]).toEqual([NaN, 2, 3, 4, 5]);
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
