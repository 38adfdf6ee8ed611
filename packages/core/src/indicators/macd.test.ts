import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { loadBars } from './__fixtures__/load';
import { Macd, type MacdValue } from './macd';

const closes = loadBars('goog').map((b) => b.close);

/**
 * TA-Lib's TA_MACD written out over a whole array (an independent restatement of ta_MACD.c, not the
 * streaming code): both EMAs start at index slow - 1, the slow one seeded with the mean of inputs
 * 0 .. slow - 1 and the fast one with the mean of inputs slow - fast .. slow - 1; the signal EMA is
 * seeded with the mean of the first `signal` macd values.
 */
function talibMacd(xs: readonly number[], fast: number, slow: number, signal: number): (MacdValue | undefined)[] {
  const out: (MacdValue | undefined)[] = xs.map(() => undefined);
  if (xs.length < slow) return out;
  let slowSum = 0;
  for (let i = 0; i < slow; i++) slowSum += xs[i]!;
  let fastSum = 0;
  for (let i = slow - fast; i < slow; i++) fastSum += xs[i]!;
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  const kg = 2 / (signal + 1);
  const macd: number[] = [];
  let f = fastSum / fast;
  let s = slowSum / slow;
  macd.push(f - s);
  for (let i = slow; i < xs.length; i++) {
    f = (xs[i]! - f) * kf + f;
    s = (xs[i]! - s) * ks + s;
    macd.push(f - s);
  }
  if (macd.length < signal) return out;
  let sum = 0;
  for (let j = 0; j < signal; j++) sum += macd[j]!;
  let g = sum / signal;
  for (let j = signal - 1; j < macd.length; j++) {
    if (j >= signal) g = (macd[j]! - g) * kg + g;
    out[slow - 1 + j] = { macd: macd[j]!, signal: g, histogram: macd[j]! - g };
  }
  return out;
}

const feed = (m: Macd, xs: readonly number[]) => xs.map((x) => m.update(x));

describe('Macd', () => {
  it.each([
    [12, 26, 9],
    [3, 6, 4],
    [2, 3, 1],
    [5, 35, 5],
  ])('equals TA-Lib MACD(%i,%i,%i) restated over the whole series, bit for bit', (fast, slow, signal) => {
    const m = new Macd({ fast, slow, signal });
    expect(feed(m, closes)).toEqual(talibMacd(closes, fast, slow, signal));
    expect(m.warmup).toBe(slow + signal - 1);
  });

  it('returns a fresh value object per update, unchanged by later updates', () => {
    const m = new Macd({ fast: 3, slow: 6, signal: 4 });
    const out = feed(m, closes.slice(0, 20));
    const first = out[9]!;
    const copy = { ...first };
    expect(out[10]).not.toBe(first);
    expect(m.value).not.toBe(out[19]);
    expect(m.value).toEqual(out[19]);
    feed(m, closes.slice(20, 40));
    expect(first).toEqual(copy);
    expect(Object.keys(first)).toEqual(['macd', 'signal', 'histogram']);
  });

  it('replace revises the latest input any number of times, before, at and after the first value', () => {
    const xs = closes.slice(0, 40);
    const revised = [xs[0]! * 1.01, xs[0]! * 0.97, xs[0]!];
    for (let n = 1; n <= xs.length; n++) {
      const m = new Macd({ fast: 3, slow: 6, signal: 4 });
      feed(m, xs.slice(0, n));
      for (const x of revised) {
        const fresh = new Macd({ fast: 3, slow: 6, signal: 4 });
        feed(fresh, [...xs.slice(0, n - 1), x]);
        expect(m.replace(x)).toEqual(fresh.value);
        expect(m.isReady).toBe(fresh.isReady);
      }
      // After the revisions, updates go on from the last revised input.
      const fresh = new Macd({ fast: 3, slow: 6, signal: 4 });
      expect(feed(m, xs.slice(n, n + 5))).toEqual(feed(fresh, [...xs.slice(0, n - 1), revised[2]!, ...xs.slice(n, n + 5)]).slice(n));
    }
  });

  it('throws a ValidationError on a non-finite input and keeps its state, in and after warm-up', () => {
    for (const n of [3, 9, 20]) {
      const m = new Macd({ fast: 3, slow: 6, signal: 4 });
      feed(m, closes.slice(0, n));
      const before = m.value;
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => m.update(bad)).toThrow(ValidationError);
        expect(() => m.replace(bad)).toThrow(/Macd\(3,6,4\) input: must be a finite number/);
      }
      expect(m.value).toEqual(before);
      const fresh = new Macd({ fast: 3, slow: 6, signal: 4 });
      expect(m.update(closes[n]!)).toEqual(feed(fresh, closes.slice(0, n + 1))[n]);
    }
  });

  it('after reset behaves as a new indicator', () => {
    const m = new Macd();
    feed(m, closes.slice(0, 100));
    m.reset();
    expect(m.isReady).toBe(false);
    expect(m.value).toBeUndefined();
    expect(feed(m, closes.slice(0, 60))).toEqual(feed(new Macd(), closes.slice(0, 60)));
  });
});
