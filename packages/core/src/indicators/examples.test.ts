/** The `@example`s in the indicators' TSDoc hold. */
import { describe, expect, it } from 'vitest';
import { BollingerBands, Ema, Macd, Momentum, Obv, RingBuffer, Roc, RollingExtreme, Sma, TrueRange, VolumeRoc, Wma, trueRange, type BandsValue, type Writable } from './index';

describe('TSDoc examples', () => {
  it('Sma: mean of the last inputs, replace revises the latest', () => {
    const sma = new Sma(3);
    expect([1, 2, 3, 4].map((x) => sma.update(x))).toEqual([undefined, undefined, 2, 3]);
    expect(sma.replace(7)).toBe(4);
  });

  it('multi-output indicators write into a caller\'s object when given one', () => {
    const macd = new Macd({ fast: 2, slow: 3, signal: 2 });
    const out = { macd: 0, signal: 0, histogram: 0 };
    const written = [1, 2, 4, 8, 16].map((x) => macd.update(x, out) && { ...out });
    const fresh = new Macd({ fast: 2, slow: 3, signal: 2 });
    expect(written).toEqual([1, 2, 4, 8, 16].map((x) => fresh.update(x)));
    expect(written.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    const bands: Writable<BandsValue> = { upper: 0, middle: 0, lower: 0 };
    const bb = new BollingerBands({ period: 2, multiplier: 1 });
    bb.update(1, bands);
    expect(bb.update(3, bands)).toBe(bands);
    expect(bands).toEqual({ upper: 3, middle: 2, lower: 1 });
  });

  it('Ema is seeded with the simple average', () => {
    const ema = new Ema(3);
    expect([1, 2, 3, 4].map((x) => ema.update(x))).toEqual([undefined, undefined, 2, 3]);
  });

  it('Wma weights the newest input most', () => {
    const wma = new Wma(3);
    expect([1, 2, 3].map((x) => wma.update(x))).toEqual([undefined, undefined, (1 + 4 + 9) / 6]);
  });

  it('TrueRange uses the previous close', () => {
    const tr = new TrueRange();
    expect(tr.update({ high: 10, low: 9, close: 9.5 })).toBeUndefined();
    expect(tr.update({ high: 11, low: 10, close: 10.5 })).toBe(1.5);
    expect(trueRange(11, 10, 9.5)).toBe(1.5);
  });

  it('Obv adds the volume on up closes', () => {
    const obv = new Obv();
    expect(obv.update({ close: 10, volume: 100 })).toBe(100);
    expect(obv.update({ close: 11, volume: 50 })).toBe(150);
    expect(obv.update({ close: 11, volume: 70 })).toBe(150);
    expect(obv.update({ close: 10, volume: 20 })).toBe(130);
  });

  it('Roc, Momentum and VolumeRoc compare with the input `period` ago', () => {
    const roc = new Roc(1);
    roc.update(100);
    expect(roc.update(110)).toBeCloseTo(10, 12);
    const mom = new Momentum(2);
    expect([1, 2, 4].map((x) => mom.update(x))).toEqual([undefined, undefined, 3]);
    const vroc = new VolumeRoc(1);
    vroc.update({ volume: 100 });
    expect(vroc.update({ volume: 150 })).toBe(50);
  });

  it('RingBuffer and RollingExtreme', () => {
    const ring = new RingBuffer(3);
    [1, 2, 3].forEach((x) => ring.push(x));
    expect(ring.push(4)).toBe(1);
    expect(ring.ago(0)).toBe(4);
    const max = new RollingExtreme(3, 'max');
    [5, 1, 4, 2].forEach((x) => max.push(x));
    expect(max.value).toBe(4);
    expect(max.age).toBe(1);
  });
});
