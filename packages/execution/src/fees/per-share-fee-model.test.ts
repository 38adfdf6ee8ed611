import { Decimal, ValidationError, ZERO, clientOrderId, defineInstrument } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goog } from '../__fixtures__/setup';
import type { FeeContext } from '../fee-model';
import { PerShareFeeModel } from './per-share-fee-model';

const ibkr = () => new PerShareFeeModel({ perShare: '0.005', minimum: '1.00', maximumRate: '0.01' });
const first = (id = 'O-1'): FeeContext => ({ ts: 0, clientOrderId: clientOrderId(id), orderFilledQuantity: ZERO, orderCommission: ZERO });

describe('PerShareFeeModel', () => {
  it('charges IBKR-like fixed pricing: per share, with a minimum and a 1% cap', () => {
    const fees = ibkr();
    // 100 sh: 0.005 * 100 = 0.50 < minimum 1.00 -> 1.00 (cap 1% of 2500 = 25 does not bind).
    expect(fees.commission(goog, 'BUY', new Decimal(100), new Decimal(25), 'TAKER', first('a')).toString()).toBe('1');
    // 1000 sh at 25: 0.005 * 1000 = 5.00 (cap 250).
    expect(fees.commission(goog, 'BUY', new Decimal(1000), new Decimal(25), 'TAKER', first('b')).toString()).toBe('5');
    // 1000 sh at 0.40: 5.00 > 1% of 400 = 4.00 -> 4.00.
    expect(fees.commission(goog, 'BUY', new Decimal(1000), new Decimal('0.40'), 'TAKER', first('c')).toString()).toBe('4');
    // 50 sh at 1.00: minimum 1.00 > 1% of 50 = 0.50 -> the cap wins: 0.50.
    expect(fees.commission(goog, 'BUY', new Decimal(50), new Decimal(1), 'TAKER', first('d')).toString()).toBe('0.5');
  });

  it('makes partial fills add up to exactly the commission of the whole order', () => {
    const fees = ibkr();
    const id = clientOrderId('O-7');
    // Fills of 100, 150 and 250 shares at 30: order of 500 sh = 2.50 in one fill.
    // Fill 1: total max(1, 0.50) = 1.00 -> charge 1.00.
    const c1 = fees.commission(goog, 'BUY', new Decimal(100), new Decimal(30), 'TAKER', { ts: 0, clientOrderId: id, orderFilledQuantity: ZERO, orderCommission: ZERO });
    // Fill 2: total max(1, 0.005 * 250 = 1.25) = 1.25 -> charge 0.25.
    const c2 = fees.commission(goog, 'BUY', new Decimal(150), new Decimal(30), 'TAKER', { ts: 1, clientOrderId: id, orderFilledQuantity: new Decimal(100), orderCommission: c1 });
    // Fill 3: total 0.005 * 500 = 2.50 -> charge 1.25.
    const c3 = fees.commission(goog, 'BUY', new Decimal(250), new Decimal(30), 'TAKER', { ts: 2, clientOrderId: id, orderFilledQuantity: new Decimal(250), orderCommission: c1.add(c2) });
    expect([c1, c2, c3].map(String)).toEqual(['1', '0.25', '1.25']);
    expect(c1.add(c2).add(c3).toString()).toBe('2.5');
  });

  it('caps partial fills by the cumulative notional of the order', () => {
    const fees = ibkr();
    const id = clientOrderId('O-8');
    // 1000 sh at 0.40 then 1000 sh at 0.20. Fill 1: min(5, 4) = 4. Fill 2: cumulative 2000 sh,
    // notional 400 + 200 = 600: min(max(1, 10), 6) = 6 -> charge 6 - 4 = 2.
    const c1 = fees.commission(goog, 'BUY', new Decimal(1000), new Decimal('0.40'), 'TAKER', { ts: 0, clientOrderId: id, orderFilledQuantity: ZERO, orderCommission: ZERO });
    const c2 = fees.commission(goog, 'BUY', new Decimal(1000), new Decimal('0.20'), 'TAKER', { ts: 1, clientOrderId: id, orderFilledQuantity: new Decimal(1000), orderCommission: c1, orderFilledNotional: new Decimal(400) });
    expect(c1.toString()).toBe('4');
    expect(c2.toString()).toBe('2');
    // Without the earlier notional in the context, the earlier 1000 sh are valued at this fill's 0.20:
    // notional 200 + 200 = 400, min(10, 4) = 4, nothing more to charge.
    const c2NoNotional = fees.commission(goog, 'BUY', new Decimal(1000), new Decimal('0.20'), 'TAKER', { ts: 1, clientOrderId: id, orderFilledQuantity: new Decimal(1000), orderCommission: c1 });
    expect(c2NoNotional.toString()).toBe('0');
  });

  it('charges nothing on a later fill already covered by the minimum', () => {
    const fees = new PerShareFeeModel({ perShare: '0.005', minimum: 1 });
    const id = clientOrderId('O-9');
    // 10 sh then 10 sh: totals max(1, 0.05) = 1 and max(1, 0.10) = 1 -> 1 then 0.
    const c1 = fees.commission(goog, 'SELL', new Decimal(10), new Decimal(100), 'TAKER', { ts: 0, clientOrderId: id, orderFilledQuantity: ZERO, orderCommission: ZERO });
    const c2 = fees.commission(goog, 'SELL', new Decimal(10), new Decimal(100), 'TAKER', { ts: 1, clientOrderId: id, orderFilledQuantity: new Decimal(10), orderCommission: c1 });
    expect([c1.toString(), c2.toString()]).toEqual(['1', '0']);
  });

  it('without a context charges the fill as a whole order', () => {
    // 300 sh at 10: max(1, 1.5) = 1.5, cap 30.
    expect(ibkr().commission(goog, 'BUY', new Decimal(300), new Decimal(10), 'TAKER').toString()).toBe('1.5');
  });

  it('includes the multiplier in the capped notional', () => {
    const opt = defineInstrument({ symbol: 'X', venue: 'V', assetClass: 'option', base: 'X', quote: 'USD', tickSize: '0.01', lotSize: '1', multiplier: '100' });
    // 10 contracts at 0.01 * 100 = notional 10; 1% = 0.10 < max(1, 0.05) -> 0.1.
    expect(ibkr().commission(opt, 'BUY', new Decimal(10), new Decimal('0.01'), 'TAKER', first()).toString()).toBe('0.1');
  });

  it('refuses a bad maximumRate or a negative minimum, naming the field', () => {
    expect(() => new PerShareFeeModel({ perShare: 0.005, maximumRate: 0 })).toThrow(ValidationError);
    expect(() => new PerShareFeeModel({ perShare: 0.005, maximumRate: 1.5 })).toThrow(/PerShareFeeModel\.maximumRate: must be a fraction of notional in \(0, 1\]/);
    expect(() => new PerShareFeeModel({ perShare: 0.005, minimum: -1 })).toThrow(/PerShareFeeModel\.minimum: must be >= 0/);
  });

  it('charges partial fills that sum to the whole-order formula on cumulative quantity and notional (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ qty: fc.integer({ min: 1, max: 500 }), cents: fc.integer({ min: 1, max: 5000 }) }), { minLength: 1, maxLength: 8 }),
        (fills) => {
          const fees = ibkr();
          const id = clientOrderId('P-1');
          let filled = new Decimal(0);
          let notional = new Decimal(0);
          let charged = new Decimal(0);
          for (const f of fills) {
            const quantity = new Decimal(f.qty);
            const price = new Decimal(f.cents).div(100);
            const c = fees.commission(goog, 'BUY', quantity, price, 'TAKER', { ts: 0, clientOrderId: id, orderFilledQuantity: filled, orderCommission: charged, orderFilledNotional: notional });
            if (c.isNegative()) return false;
            filled = filled.add(quantity);
            notional = notional.add(quantity.mul(price));
            charged = charged.add(c);
          }
          // Independent formula: min(max(1, 0.005 * Q), 0.01 * N).
          const expected = Decimal.min(Decimal.max(new Decimal(1), filled.mul('0.005')), notional.mul('0.01'));
          return charged.eq(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
