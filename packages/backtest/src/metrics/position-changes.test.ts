import { describe, expect, it } from 'vitest';
import { Decimal, type Fill, type InstrumentId } from '@rxtrade/core';
import { positionChanges } from './position-changes';

const A = 'A.SIM' as InstrumentId;
const B = 'B.SIM' as InstrumentId;
const fill = (instrumentId: InstrumentId, side: 'BUY' | 'SELL', quantity: number, ts: number): Fill => ({
  tradeId: `T${ts}` as Fill['tradeId'],
  clientOrderId: `C${ts}` as Fill['clientOrderId'],
  venueOrderId: `V${ts}` as Fill['venueOrderId'],
  instrumentId,
  side,
  quantity: new Decimal(quantity),
  price: new Decimal(1),
  commission: new Decimal(0),
  commissionCurrency: 'USD',
  liquiditySide: 'TAKER',
  ts,
});

describe('positionChanges', () => {
  it('logs the signed position after each fill', () => {
    const log = positionChanges([fill(A, 'BUY', 3, 1), fill(B, 'SELL', 2, 1), fill(A, 'SELL', 5, 2)]);
    expect(log.map((p) => [p.ts, p.instrumentId, p.quantity.toNumber()])).toEqual([
      [1, A, 3],
      [1, B, -2],
      [2, A, -2],
    ]);
  });
});
