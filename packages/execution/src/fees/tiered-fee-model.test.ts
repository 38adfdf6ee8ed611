import { ClockError, Decimal, ValidationError, ZERO, clientOrderId } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { btc } from '../__fixtures__/setup';
import type { FeeContext } from '../fee-model';
import { TieredFeeModel } from './tiered-fee-model';

const DAY = 86_400_000;
const at = (ts: number, id = 'O-1'): FeeContext => ({ ts, clientOrderId: clientOrderId(id), orderFilledQuantity: ZERO, orderCommission: ZERO });
// VIP 0: 10/10 bp; VIP 1 from 100,000: 9/10 bp; VIP 2 from 500,000: 8/9 bp.
const vip = () =>
  new TieredFeeModel({
    tiers: [
      { minVolume: 0, maker: '0.001', taker: '0.001' },
      { minVolume: 100_000, maker: '0.0009', taker: '0.001' },
      { minVolume: 500_000, maker: '0.0008', taker: '0.0009' },
    ],
  });

describe('TieredFeeModel', () => {
  it('chooses the tier by the volume traded before the fill, not including it', () => {
    const fees = vip();
    // Fill 1: 2 BTC at 50000 = 100000 notional; volume before = 0 -> VIP 0 maker 10 bp = 100.
    expect(fees.commission(btc, 'BUY', new Decimal(2), new Decimal(50000), 'MAKER', at(0)).toString()).toBe('100');
    // Fill 2: volume before = 100000 -> VIP 1 maker 9 bp of 1 * 50000 = 45.
    expect(fees.commission(btc, 'SELL', new Decimal(1), new Decimal(50000), 'MAKER', at(DAY)).toString()).toBe('45');
    // Fill 3: before = 150000 (VIP 1), taker 10 bp of 8 * 50000 = 400000 -> 400.
    expect(fees.commission(btc, 'BUY', new Decimal(8), new Decimal(50000), 'TAKER', at(2 * DAY)).toString()).toBe('400');
    // Fill 4: before = 550000 -> VIP 2 taker 9 bp of 0.1 * 50000 = 5000 -> 4.5.
    expect(fees.commission(btc, 'BUY', new Decimal('0.1'), new Decimal(50000), 'TAKER', at(3 * DAY)).toString()).toBe('4.5');
    expect(fees.volume(3 * DAY).toString()).toBe('555000');
  });

  it('forgets fills that left the trailing window, bounding memory', () => {
    const fees = vip();
    fees.commission(btc, 'BUY', new Decimal(2), new Decimal(50000), 'MAKER', at(0)); // 100000 at day 0
    fees.commission(btc, 'BUY', new Decimal(1), new Decimal(50000), 'MAKER', at(10 * DAY)); // 50000 at day 10
    // At day 30 exactly, the day-0 fill is out of the window (ts <= now - 30 days): volume 50000 -> VIP 0.
    expect(fees.commission(btc, 'BUY', new Decimal(1), new Decimal(50000), 'MAKER', at(30 * DAY)).toString()).toBe('50');
    expect(fees.heldFills).toBe(2);
    // Just before day 40, day 10 and day 30 fills remain: 100000 -> VIP 1.
    expect(fees.tierAt(40 * DAY - 1).maker.toString()).toBe('0.0009');
    // At day 61 nothing remains.
    expect(fees.volume(61 * DAY).toString()).toBe('0');
    expect(fees.heldFills).toBe(0);
  });

  it('keeps memory bounded by the window over many fills', () => {
    const fees = new TieredFeeModel({ tiers: [{ minVolume: 0, maker: 0.001, taker: 0.001 }], windowMs: 1000 });
    for (let i = 0; i < 5000; i++) fees.commission(btc, 'BUY', new Decimal(1), new Decimal(10), 'TAKER', at(i * 100));
    // Window (now - 1000, now]: fills at now-900 ... now: 10 fills.
    expect(fees.heldFills).toBe(10);
    expect(fees.volume(499_900).toString()).toBe('100');
  });

  it('refuses fills out of time order', () => {
    const fees = vip();
    fees.commission(btc, 'BUY', new Decimal(1), new Decimal(100), 'TAKER', at(1000));
    expect(() => fees.commission(btc, 'BUY', new Decimal(1), new Decimal(100), 'TAKER', at(999))).toThrow(ClockError);
  });

  it('validates tiers: first at 0, increasing minVolume, naming the field', () => {
    expect(() => new TieredFeeModel({ tiers: [] })).toThrow(ValidationError);
    expect(() => new TieredFeeModel({ tiers: [{ minVolume: 10, maker: 0, taker: 0 }] })).toThrow(/TieredFeeModel\.tiers\[0\]\.minVolume: the first tier must start at 0/);
    expect(() =>
      new TieredFeeModel({ tiers: [{ minVolume: 0, maker: 0, taker: 0 }, { minVolume: 5, maker: 0, taker: 0 }, { minVolume: 5, maker: 0, taker: 0 }] }),
    ).toThrow(/TieredFeeModel\.tiers\[2\]\.minVolume: must be greater than the previous tier's 5/);
    expect(() => new TieredFeeModel({ tiers: [{ minVolume: 0, maker: 0, taker: 0 }], windowMs: 0 })).toThrow(/TieredFeeModel\.windowMs/);
  });

  it('matches a brute-force sum over all earlier fills in the window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 20 * DAY }), qty: fc.integer({ min: 1, max: 40 }), maker: fc.boolean() }), { maxLength: 40 }),
        (steps) => {
          const fees = vip();
          const history: { ts: number; notional: Decimal }[] = [];
          let ts = 0;
          for (const step of steps) {
            ts += step.gap;
            const quantity = new Decimal(step.qty);
            const price = new Decimal(5000);
            // Brute force: every earlier fill with ts > now - 30 days, tier thresholds 100000 / 500000.
            const volume = history.filter((h) => h.ts > ts - 30 * DAY).reduce((a, h) => a.add(h.notional), new Decimal(0));
            const rate = volume.gte(500_000) ? (step.maker ? '0.0008' : '0.0009') : volume.gte(100_000) ? (step.maker ? '0.0009' : '0.001') : '0.001';
            const expected = quantity.mul(price).mul(rate);
            const got = fees.commission(btc, 'BUY', quantity, price, step.maker ? 'MAKER' : 'TAKER', at(ts));
            if (!got.eq(expected)) return false;
            history.push({ ts, notional: quantity.mul(price) });
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });
});
