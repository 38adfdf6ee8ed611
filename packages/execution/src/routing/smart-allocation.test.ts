import { Decimal, defineInstrument, type BookLevel, type Instrument } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZERO_FEE_MODEL, type FeeModel } from '../fee-model';
import { PercentFeeModel } from '../percent-fee-model';
import { allocateSmart, type SmartAllocation, type SmartTarget } from './smart-allocation';

const btcA = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_A', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const btcB = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_B', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });

/**
 * The two books of every test below (asks, best first):
 *
 *   VENUE_A, taker fee 0.1 %:   100.00 × 4,  100.10 × 5
 *   VENUE_B, taker fee 0.05 %:  100.04 × 3,  100.12 × 10
 *
 * Effective prices of a BUY, price × (1 + rate):
 *   A1 100.00 × 1.001  = 100.1
 *   A2 100.10 × 1.001  = 100.2001
 *   B1 100.04 × 1.0005 = 100.09002
 *   B2 100.12 × 1.0005 = 100.17006
 * Ranked: B1 100.09002 < A1 100.1 < B2 100.17006 < A2 100.2001.
 */
const ASKS_A: BookLevel[] = [
  { price: 100, size: 4 },
  { price: 100.1, size: 5 },
];
const ASKS_B: BookLevel[] = [
  { price: 100.04, size: 3 },
  { price: 100.12, size: 10 },
];
const BIDS_A: BookLevel[] = [
  { price: 99.9, size: 2 },
  { price: 99.8, size: 5 },
];
const BIDS_B: BookLevel[] = [
  { price: 99.95, size: 1 },
  { price: 99.85, size: 6 },
];

const target = (instrument: Instrument, feeModel: FeeModel, levels: BookLevel[]): SmartTarget => ({ instrument, feeModel, levels });
const feeA = new PercentFeeModel(0.001);
const feeB = new PercentFeeModel(0.0005);

function split(a: SmartAllocation): Record<string, string> {
  return Object.fromEntries(a.children.map((c) => [c.instrument.venue, c.quantity.toString()]));
}
function takes(a: SmartAllocation): string[] {
  return a.children.flatMap((c) =>
    c.takes.map((t) => `${c.instrument.venue} ${t.quantity.toString()} @ ${t.price?.toString()} (${t.effectivePrice?.toString()})${t.visible ? '' : ' beyond depth'}`),
  );
}

describe('allocateSmart', () => {
  it('splits a BUY of 10 by effective price, fees included: 4 to VENUE_A, 6 to VENUE_B', () => {
    // B1 3 (7 left) -> A1 4 (3 left) -> B2 3 (0 left). VENUE_B gets 3 + 3 = 6 although its top of book
    // (100.04) is worse than VENUE_A's (100.00): its lower fee makes it cheaper.
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(10), targets: [target(btcA, feeA, ASKS_A), target(btcB, feeB, ASKS_B)] });
    expect(split(a)).toEqual({ VENUE_A: '4', VENUE_B: '6' });
    expect(takes(a)).toEqual(['VENUE_A 4 @ 100 (100.1)', 'VENUE_B 3 @ 100.04 (100.09002)', 'VENUE_B 3 @ 100.12 (100.17006)']);
    expect(a.unallocated.toString()).toBe('0');
  });

  it('flips the preference when fees change: without fees VENUE_A gets 7 and VENUE_B 3', () => {
    // Raw prices rank A1 100.00 < B1 100.04 < A2 100.10 < B2 100.12: A1 4, B1 3, A2 3.
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(10), targets: [target(btcA, ZERO_FEE_MODEL, ASKS_A), target(btcB, ZERO_FEE_MODEL, ASKS_B)] });
    expect(split(a)).toEqual({ VENUE_A: '7', VENUE_B: '3' });
    expect(takes(a)).toEqual(['VENUE_A 4 @ 100 (100)', 'VENUE_A 3 @ 100.1 (100.1)', 'VENUE_B 3 @ 100.04 (100.04)']);

    // VENUE_A at 0.01 % and VENUE_B at 0.1 %: A1 100.01, A2 100.11001, B1 100.14004, B2 100.22012.
    // A1 4, A2 5, B1 1: the whole of VENUE_A's depth comes first.
    const b = allocateSmart({
      side: 'BUY',
      quantity: new Decimal(10),
      targets: [target(btcA, new PercentFeeModel(0.0001), ASKS_A), target(btcB, new PercentFeeModel(0.001), ASKS_B)],
    });
    expect(split(b)).toEqual({ VENUE_A: '9', VENUE_B: '1' });
    expect(takes(b)).toEqual(['VENUE_A 4 @ 100 (100.01)', 'VENUE_A 5 @ 100.1 (100.11001)', 'VENUE_B 1 @ 100.04 (100.14004)']);
  });

  it('leaves out levels beyond a limit price: a BUY limited at 100.10 takes B1, A1, A2 and never B2', () => {
    // Eligible: A1 100.00, A2 100.10, B1 100.04 (B2 100.12 > 100.10). Ranked B1 3, A1 4, A2 3.
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(10), limitPrice: new Decimal('100.10'), targets: [target(btcA, feeA, ASKS_A), target(btcB, feeB, ASKS_B)] });
    expect(split(a)).toEqual({ VENUE_A: '7', VENUE_B: '3' });
    expect(takes(a)).toEqual(['VENUE_A 4 @ 100 (100.1)', 'VENUE_A 3 @ 100.1 (100.2001)', 'VENUE_B 3 @ 100.04 (100.09002)']);
  });

  it('sends what visible depth within the limit cannot cover to the best effective top of book', () => {
    // Limit 100.05: only B1 (3) and A1 (4) qualify: 7. The other 3 go to the best effective top,
    // VENUE_B (100.09002 < 100.1), where a limit child rests: VENUE_B 3 + 3 = 6, VENUE_A 4.
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(10), limitPrice: new Decimal('100.05'), targets: [target(btcA, feeA, ASKS_A), target(btcB, feeB, ASKS_B)] });
    expect(split(a)).toEqual({ VENUE_A: '4', VENUE_B: '6' });
    expect(takes(a)).toEqual(['VENUE_A 4 @ 100 (100.1)', 'VENUE_B 3 @ 100.04 (100.09002)', 'VENUE_B 3 @ 100.04 (100.09002) beyond depth']);

    // A market order bigger than both books (9 + 13 = 22): the 8 beyond sit on VENUE_B as well.
    const big = allocateSmart({ side: 'BUY', quantity: new Decimal(30), targets: [target(btcA, feeA, ASKS_A), target(btcB, feeB, ASKS_B)] });
    expect(split(big)).toEqual({ VENUE_A: '9', VENUE_B: '21' });
  });

  it('ranks bids highest effective price first for a SELL: price × (1 − rate)', () => {
    // A1 99.90 × 0.999 = 99.8001, A2 99.80 × 0.999 = 99.7002, B1 99.95 × 0.9995 = 99.900025,
    // B2 99.85 × 0.9995 = 99.800075. Ranked highest first: B1 99.900025 > A1 99.8001 > B2 99.800075
    // > A2 99.7002. A SELL of 8: B1 1 (7 left), A1 2 (5 left), B2 5 of its 6 -> A 2, B 6.
    const a = allocateSmart({ side: 'SELL', quantity: new Decimal(8), targets: [target(btcA, feeA, BIDS_A), target(btcB, feeB, BIDS_B)] });
    expect(takes(a)).toEqual(['VENUE_A 2 @ 99.9 (99.8001)', 'VENUE_B 1 @ 99.95 (99.900025)', 'VENUE_B 5 @ 99.85 (99.800075)']);
    expect(split(a)).toEqual({ VENUE_A: '2', VENUE_B: '6' });
    // A SELL limited at 99.90 sees A1 and B1 only: 3 visible, 5 beyond depth on VENUE_B (best effective top).
    const limited = allocateSmart({ side: 'SELL', quantity: new Decimal(8), limitPrice: new Decimal('99.9'), targets: [target(btcA, feeA, BIDS_A), target(btcB, feeB, BIDS_B)] });
    expect(split(limited)).toEqual({ VENUE_A: '2', VENUE_B: '6' });
    expect(takes(limited)[2]).toBe('VENUE_B 5 @ 99.95 (99.900025) beyond depth');
  });

  it("rounds each take down to its instrument's lot and gives the rest to the next level", () => {
    // VENUE_B trades whole units: of B1's 3, a BUY of 2.5 can take only 2 there; A1 takes the 0.5.
    const wholeB = defineInstrument({ symbol: 'BTCUSDT', venue: 'VENUE_B', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '1' });
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal('2.5'), targets: [target(btcA, feeA, ASKS_A), target(wholeB, feeB, ASKS_B)] });
    expect(split(a)).toEqual({ VENUE_A: '0.5', VENUE_B: '2' });
    // Only VENUE_B, nothing fits: 0.5 of a BUY of 2.5 is left unallocated, reported, not sent.
    const onlyB = allocateSmart({ side: 'BUY', quantity: new Decimal('2.5'), targets: [target(wholeB, feeB, ASKS_B)] });
    expect(split(onlyB)).toEqual({ VENUE_B: '2' });
    expect(onlyB.unallocated.toString()).toBe('0.5');
  });

  it('sends the whole order to the first target when no book shows any level', () => {
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(3), targets: [target(btcA, feeA, []), target(btcB, feeB, [])] });
    expect(split(a)).toEqual({ VENUE_A: '3' });
    expect(a.children[0]!.takes[0]!.visible).toBe(false);
  });

  it('breaks ties in effective price by target order', () => {
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(1), targets: [target(btcB, ZERO_FEE_MODEL, [{ price: 100, size: 1 }]), target(btcA, ZERO_FEE_MODEL, [{ price: 100, size: 1 }])] });
    expect(split(a)).toEqual({ VENUE_B: '1' });
  });

  it('compares fees per price unit for instruments with a multiplier', () => {
    // A contract of multiplier 10 whose fee model charges 0.1 % of notional: 1 unit at 100 costs
    // 100 × 10 × 0.001 = 1 in fees, i.e. 0.1 per price unit: effective 100.1, not 101.
    const contract = defineInstrument({ symbol: 'BTC-C', venue: 'VENUE_A', assetClass: 'future', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '1', multiplier: 10 });
    const a = allocateSmart({ side: 'BUY', quantity: new Decimal(1), targets: [target(contract, feeA, [{ price: 100, size: 1 }])] });
    expect(a.children[0]!.takes[0]!.effectivePrice?.toString()).toBe('100.1');
  });

  it('gives the lowest all-in cost of every possible split between two venues (brute force over splits)', () => {
    // An independent check of the greedy rule: walking a book costs a convex amount, so taking levels
    // best effective price first is optimal. For random books and fees, the all-in cost (fills plus
    // fees) of the greedy split equals the best over every whole-unit split a + b = quantity.
    const units = ['V0', 'V1'].map((venue) => defineInstrument({ symbol: 'X', venue, assetClass: 'spot', base: 'X', quote: 'USD', tickSize: '0.01', lotSize: '1' }));
    const levelsArb = fc
      .uniqueArray(fc.integer({ min: 9_900, max: 10_100 }), { minLength: 1, maxLength: 4 })
      .chain((ticks) => fc.tuple(fc.constant(ticks), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: ticks.length, maxLength: ticks.length })));
    const rateArb = fc.constantFrom('0', '0.0001', '0.0005', '0.001', '0.002', '0.0075');
    fc.assert(
      fc.property(levelsArb, levelsArb, rateArb, rateArb, fc.constantFrom('BUY' as const, 'SELL' as const), fc.integer({ min: 1, max: 30 }), (la, lb, ra, rb, side, want) => {
        const book = ([ticks, sizes]: [number[], number[]]): BookLevel[] =>
          ticks
            .map((t, i) => ({ price: t / 100, size: sizes[i]! }))
            .sort((x, y) => (side === 'BUY' ? x.price - y.price : y.price - x.price));
        const books = [book(la), book(lb)];
        const rates = [new Decimal(ra), new Decimal(rb)];
        const depth = books.map((b) => b.reduce((n, l) => n + l.size, 0));
        const quantity = Math.min(want, depth[0]! + depth[1]!);
        /** Signed all-in cash of taking q from book i: paid (BUY) or received (SELL), fees included. */
        const cash = (i: number, q: number): Decimal => {
          let left = q;
          let total = new Decimal(0);
          for (const l of books[i]!) {
            const take = Math.min(left, l.size);
            const notional = new Decimal(l.price).mul(take);
            total = total.plus(side === 'BUY' ? notional.mul(rates[i]!.plus(1)) : notional.mul(new Decimal(1).minus(rates[i]!)));
            left -= take;
          }
          return total;
        };
        let best: Decimal | undefined;
        for (let a = Math.max(0, quantity - depth[1]!); a <= Math.min(quantity, depth[0]!); a++) {
          const c = cash(0, a).plus(cash(1, quantity - a));
          if (best === undefined || (side === 'BUY' ? c.lt(best) : c.gt(best))) best = c;
        }
        const allocation = allocateSmart({
          side,
          quantity: new Decimal(quantity),
          targets: [0, 1].map((i) => ({ instrument: units[i]!, feeModel: new PercentFeeModel(rates[i]!), levels: books[i]! })),
        });
        expect(allocation.unallocated.toString()).toBe('0');
        const got = allocation.children.reduce((sum, child) => sum.plus(cash(units.indexOf(child.instrument), child.quantity.toNumber())), new Decimal(0));
        expect(got.toString()).toBe(best!.toString());
      }),
      { numRuns: 300, seed: 4242 },
    );
  });
});
