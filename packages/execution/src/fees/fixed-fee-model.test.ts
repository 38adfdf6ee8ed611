import { Decimal, ValidationError, ZERO, clientOrderId } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { goog } from '../__fixtures__/setup';
import { FixedFeeModel } from './fixed-fee-model';

const id = clientOrderId('O-1');

describe('FixedFeeModel', () => {
  it('charges the fixed fee on the first fill and nothing on later fills of the same order', () => {
    const fees = new FixedFeeModel({ perOrder: '4.95' });
    const first = fees.commission(goog, 'BUY', new Decimal(40), new Decimal(180), 'TAKER', { ts: 0, clientOrderId: id, orderFilledQuantity: ZERO, orderCommission: ZERO });
    const second = fees.commission(goog, 'BUY', new Decimal(60), new Decimal(181), 'TAKER', { ts: 1, clientOrderId: id, orderFilledQuantity: new Decimal(40), orderCommission: new Decimal('4.95') });
    expect(first.toString()).toBe('4.95');
    expect(second.toString()).toBe('0');
    // The order's total is the fixed fee, whatever the number of fills.
    expect(first.add(second).toString()).toBe('4.95');
  });

  it('treats a fill without context as an order first fill', () => {
    expect(new FixedFeeModel({ perOrder: 1 }).commission(goog, 'SELL', new Decimal(1), new Decimal(10), 'MAKER').toString()).toBe('1');
  });

  it('refuses a negative fee, naming the field', () => {
    expect(() => new FixedFeeModel({ perOrder: -1 })).toThrow(ValidationError);
    expect(() => new FixedFeeModel({ perOrder: -1 })).toThrow(/FixedFeeModel\.perOrder: must be >= 0, got -1/);
  });
});
