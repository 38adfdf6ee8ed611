import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal';
import { ValidationError } from '../errors';
import { defineInstrument, roundPrice, roundQuantity } from './instrument';

const base = { symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' } as const;

describe('defineInstrument', () => {
  it('turns every increment, default included, into a Decimal', () => {
    const i = defineInstrument(base);
    expect(i.id).toBe('GOOG.NASDAQ');
    for (const d of [i.tickSize, i.lotSize, i.minNotional, i.multiplier, i.fees.maker, i.fees.taker]) expect(d).toBeInstanceOf(Decimal);
    expect([i.multiplier.toString(), i.minNotional.toString(), i.pricePrecision, i.sizePrecision]).toEqual(['1', '0', 2, 0]);
  });

  it('names the bad field', () => {
    expect(() => defineInstrument({ ...base, tickSize: '-0.01' })).toThrow(ValidationError);
    expect(() => defineInstrument({ ...base, tickSize: 'abc' })).toThrow(/instrument\.tickSize: must be a positive number/);
    expect(() => defineInstrument({ ...base, assetClass: 'bond' as never })).toThrow(/instrument\.assetClass/);
  });
});

describe('rounding to the instrument', () => {
  const i = defineInstrument({ ...base, tickSize: '0.05', lotSize: '0.001' });
  it('rounds prices to the nearest tick, half to even', () => {
    expect(roundPrice(i, 100.037).toString()).toBe('100.05');
    expect(roundPrice(i, '100.025').toString()).toBe('100');
    expect(roundPrice(i, '100.075').toString()).toBe('100.1');
  });
  it('rounds quantities down to the lot, as venues do', () => {
    expect(roundQuantity(i, '1.2349').toString()).toBe('1.234');
    expect(roundQuantity(i, -1.2349).toString()).toBe('-1.234');
  });
  it('refuses non-finite values, naming them', () => {
    expect(() => roundPrice(i, NaN)).toThrow(/price: must be a finite number/);
    expect(() => roundQuantity(i, Infinity)).toThrow(/quantity: must be a finite number/);
  });
});

describe('rounding to increments that are not powers of ten', () => {
  const i = defineInstrument({ ...base, tickSize: '0.25', lotSize: '100' });
  it('rounds to the nearest tick and down to the lot', () => {
    expect(roundPrice(i, '10.13').toString()).toBe('10.25');
    expect(roundPrice(i, '10.12').toString()).toBe('10');
    expect(roundQuantity(i, '1999').toString()).toBe('1900');
  });
});
