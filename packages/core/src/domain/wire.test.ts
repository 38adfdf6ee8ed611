import { describe, expect, it } from 'vitest';
import { Decimal } from '../decimal';
import { ValidationError } from '../errors';
import type { OrderFilled, Position } from './events';
import { clientOrderId, instrumentId, strategyId, tradeId, venueOrderId } from './ids';
import { parseBalance, parseOrderEvent, parsePosition } from './wire';

const fill: OrderFilled = {
  type: 'OrderFilled',
  clientOrderId: clientOrderId('s-1'),
  strategyId: strategyId('s'),
  instrumentId: instrumentId('GOOG.NASDAQ'),
  venueOrderId: venueOrderId('SIM-1'),
  tradeId: tradeId('SIM-T-1'),
  side: 'SELL',
  quantity: new Decimal('100'),
  price: new Decimal('180.36'),
  commission: new Decimal('36.072'),
  commissionCurrency: 'USD',
  liquiditySide: 'TAKER',
  ts: Date.UTC(2004, 10, 29),
  tsInit: Date.UTC(2004, 10, 29),
};

describe('wire schemas', () => {
  it('round-trips a fill through JSON with Decimals as strings, exactly', () => {
    const text = JSON.stringify(fill);
    expect(text).toContain('"commission":"36.072"');
    const back = parseOrderEvent(JSON.parse(text)) as OrderFilled;
    expect(back.price).toBeInstanceOf(Decimal);
    expect(JSON.parse(JSON.stringify(back))).toEqual(JSON.parse(text));
    expect(back.commission.eq(fill.commission)).toBe(true);
  });

  it('round-trips positions and balances', () => {
    const p: Position = { instrumentId: fill.instrumentId, quantity: new Decimal(-100), avgPrice: new Decimal('180.36'), realizedPnl: new Decimal('0.1'), unrealizedPnl: new Decimal('-2.5'), ts: 1 };
    expect(JSON.parse(JSON.stringify(parsePosition(JSON.parse(JSON.stringify(p)))))).toEqual(JSON.parse(JSON.stringify(p)));
    const b = { currency: 'USD', total: new Decimal('1e-8'), free: new Decimal(0), locked: new Decimal('1e-8') };
    expect(parseBalance(JSON.parse(JSON.stringify(b))).total.eq('0.00000001')).toBe(true);
  });

  it('refuses a JSON number for money and names the field', () => {
    const wire = { ...JSON.parse(JSON.stringify(fill)), price: 180.36 };
    expect(() => parseOrderEvent(wire)).toThrow(ValidationError);
    expect(() => parseOrderEvent(wire)).toThrow(/event\.price/);
    expect(() => parseOrderEvent({ ...wire, price: 'abc' })).toThrow(/event\.price: must be a decimal string/);
  });
});
