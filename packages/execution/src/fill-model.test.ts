import fc from 'fast-check';
import { Decimal, defineInstrument, roundPrice } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { bar, btc, goog } from './__fixtures__/setup';
import { BarOpenFillModel } from './fill-model';

const model = new BarOpenFillModel();
const price = (instrument: typeof goog, open: number, high: number, low: number) => model.marketFillPrice(instrument, 'BUY', bar(instrument.id, 0, open, high, low, open)).toString();

describe('BarOpenFillModel', () => {
  it('fills at the open, from the shortest decimal form of the number', () => {
    expect(price(goog, 180.36, 181, 180)).toBe('180.36');
    expect(price(goog, 0.1 + 0.2, 1, 0.1)).toBe('0.3');
  });

  it('rounds the open to the nearest tick, half to even', () => {
    expect(price(goog, 100.004, 101, 99)).toBe('100');
    expect(price(goog, 100.006, 101, 99)).toBe('100.01');
    expect(price(goog, 100.005, 101, 99)).toBe('100');
    expect(price(goog, 100.015, 101, 99)).toBe('100.02');
    expect(price(btc, 65000.06, 65100, 64900)).toBe('65000.1');
  });

  it('rounds toward the inside of the bar when the nearest tick lies outside it', () => {
    expect(price(goog, 10.006, 10.007, 9.99)).toBe('10'); // 10.01 > high
    expect(price(goog, 10.004, 10.02, 10.003)).toBe('10.01'); // 10.00 < low
  });
});

describe('BarOpenFillModel with a tick that is not a power of ten', () => {
  it('rounds to the nearest multiple of the tick', () => {
    const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
    expect(price(es, 5000.3, 5010, 4990)).toBe('5000.25');
    expect(price(es, 5000.5, 5010, 4990)).toBe('5000.5');
    expect(price(es, 5000.13, 5010, 4990)).toBe('5000.25');
    expect(price(es, 5000.12, 5010, 4990)).toBe('5000');
  });
});

describe('BarOpenFillModel off the tick grid', () => {
  /** The price as rounding the Decimal of the open gives it: the reference of the test below. */
  const reference = (instrument: typeof goog, open: number, high: number, low: number): string => {
    const d = new Decimal(open);
    const p = roundPrice(instrument, d);
    if (p.toNumber() > high) return roundPrice(instrument, d, 'down').toString();
    if (p.toNumber() < low) return roundPrice(instrument, d, 'up').toString();
    return p.toString();
  };

  it('gives the price of rounding new Decimal(open), on six-decimal opens, half ticks and bar edges', () => {
    const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
    const open = fc.oneof(
      fc.integer({ min: 1, max: 5_000_000_000 }).map((n) => n / 1e6), // 1455.219971
      fc.integer({ min: 1, max: 500_000 }).map((n) => n / 100 + 0.005), // half a cent
      fc.integer({ min: 1, max: 500_000 }).map((n) => n / 100 + 0.125), // half an ES tick
      fc.double({ min: 0.001, max: 1e7, noNaN: true }),
    );
    fc.assert(
      fc.property(open, fc.double({ min: 0, max: 0.02, noNaN: true }), fc.double({ min: 0, max: 0.02, noNaN: true }), fc.constantFrom(goog, btc, es), (o, up, down, instrument) => {
        const high = o + up;
        const low = Math.max(o - down, 0);
        expect(price(instrument, o, high, low)).toBe(reference(instrument, o, high, low));
      }),
      { numRuns: 3000 },
    );
  });
});
