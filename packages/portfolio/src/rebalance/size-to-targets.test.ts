import {
  BacktestClock,
  clientOrderId,
  Decimal,
  defineInstrument,
  instrumentRegistry,
  OrderFactory,
  strategyId,
  tradeId,
  ValidationError,
  venueOrderId,
  type SubmitOrder,
} from '@rxtrade/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../ledger';
import { sizeToTargets } from './size-to-targets';
import type { TargetWeights } from './target-weights';

const spy = defineInstrument({ symbol: 'SPY', venue: 'ARCA', assetClass: 'stock', base: 'SPY', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const tlt = defineInstrument({ symbol: 'TLT', venue: 'NASDAQ', assetClass: 'stock', base: 'TLT', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const gld = defineInstrument({ symbol: 'GLD', venue: 'ARCA', assetClass: 'stock', base: 'GLD', quote: 'USD', tickSize: '0.01', lotSize: '0.001', minNotional: 50 });
const instruments = instrumentRegistry([spy, tlt, gld]);

function setup(cash = 100_000): { ledger: Ledger; factory: OrderFactory } {
  const clock = new BacktestClock(0);
  return { ledger: new Ledger({ baseCurrency: 'USD', startingCash: cash, instruments }), factory: new OrderFactory(clock, instruments, strategyId('rb')) };
}
const size = (ledger: Ledger, factory: OrderFactory, target: TargetWeights, extra: { minTradeWeight?: number; closeUnlisted?: boolean } = {}): Promise<SubmitOrder[]> =>
  lastValueFrom(from([target]).pipe(sizeToTargets({ ledger, orderFactory: factory, instruments, ...extra }), toArray()));
const brief = (orders: SubmitOrder[]): string[] => orders.map((o) => `${o.side} ${o.quantity.toString()} ${o.instrumentId}`);
function fillOrder(ledger: Ledger, o: SubmitOrder, price: number): void {
  ledger.applyFill({
    tradeId: tradeId(`T-${o.clientOrderId}`), clientOrderId: o.clientOrderId, venueOrderId: venueOrderId(`V-${o.clientOrderId}`), instrumentId: o.instrumentId,
    side: o.side, quantity: o.quantity, price: new Decimal(price), commission: new Decimal(0), commissionCurrency: 'USD', liquiditySide: 'TAKER', ts: 0,
  });
}

describe('sizeToTargets', () => {
  it('sizes weight x equity / price, rounded down to the lot, at the ledger last prices', async () => {
    const { ledger, factory } = setup();
    ledger.mark(spy.id, 450.1);
    ledger.mark(tlt.id, 91.37);
    ledger.mark(gld.id, 185.5);
    const orders = await size(ledger, factory, { ts: 0, weights: { [spy.id]: 0.5, [tlt.id]: 0.3, [gld.id]: 0.2 } });
    expect(brief(orders)).toEqual(['BUY 111 SPY.ARCA', 'BUY 328 TLT.NASDAQ', 'BUY 107.816 GLD.ARCA']); // 50000/450.1 = 111.08; 30000/91.37 = 328.33; 20000/185.5 = 107.8167
    expect(orders.every((o) => o.orderType === 'MARKET' && o.strategyId === 'rb')).toBe(true);
  });

  it('trades only the difference from what is held, sells first, and closes unlisted positions', async () => {
    const { ledger, factory } = setup();
    for (const [i, p] of [[spy, 100], [tlt, 100], [gld, 100]] as const) ledger.mark(i.id, p);
    const first = await size(ledger, factory, { ts: 0, weights: { [spy.id]: 0.4, [tlt.id]: 0.3, [gld.id]: 0.3 } });
    for (const o of first) fillOrder(ledger, o, 100);
    ledger.mark(spy.id, 150); // equity 120000
    const second = await size(ledger, factory, { ts: 1, weights: { [spy.id]: 0.4, [tlt.id]: 0.6 } });
    expect(brief(second)).toEqual(['SELL 80 SPY.ARCA', 'SELL 300 GLD.ARCA', 'BUY 420 TLT.NASDAQ']); // SPY 48000/150 = 320 of 400; TLT 720 of 300
    const kept = await size(ledger, factory, { ts: 2, weights: { [spy.id]: 0.4 } }, { closeUnlisted: false });
    expect(brief(kept)).toEqual(['SELL 80 SPY.ARCA']);
  });

  it('skips trades below one lot, the minimum notional or minTradeWeight of equity', async () => {
    const { ledger, factory } = setup();
    ledger.mark(spy.id, 100);
    ledger.mark(gld.id, 100);
    expect(brief(await size(ledger, factory, { ts: 0, weights: { [spy.id]: 0.0009, [gld.id]: 0.0004 } }))).toEqual([]); // 0.9 share; 40 < 50 min notional
    expect(brief(await size(ledger, factory, { ts: 0, weights: { [spy.id]: 0.005 } }, { minTradeWeight: 0.01 }))).toEqual([]);
    expect(brief(await size(ledger, factory, { ts: 0, weights: { [spy.id]: -0.01 } }))).toEqual(['SELL 10 SPY.ARCA']);
  });

  it('never spends more than equity on long-only weights that sum to at most 1 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        async (raw, cents, cash) => {
          const total = raw.reduce((a, b) => a + b, 0) || 1;
          const { ledger, factory } = setup(cash);
          const list = [spy, tlt, gld];
          list.forEach((i, k) => ledger.mark(i.id, cents[k]! / 100));
          const orders = await size(ledger, factory, { ts: 0, weights: Object.fromEntries(list.map((i, k) => [i.id, raw[k]! / total])) });
          for (const o of orders) fillOrder(ledger, o, ledger.lastPrice(o.instrumentId)!);
          expect(ledger.cash().gte(0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fails the stream with a ValidationError naming the weight of an instrument without a price', async () => {
    const { ledger, factory } = setup();
    await expect(size(ledger, factory, { ts: 0, weights: { [spy.id]: 0.5 } })).rejects.toMatchObject({ field: `weights.${spy.id}` });
    await expect(size(ledger, factory, { ts: 0, weights: { [spy.id]: NaN } })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('sizeToTargets with a multi-currency ledger', () => {
  const sap = defineInstrument({ symbol: 'SAP', venue: 'XETRA', assetClass: 'stock', base: 'SAP', quote: 'EUR', tickSize: '0.01', lotSize: '1' });
  const registry = instrumentRegistry([spy, sap]);
  const sizeFx = (ledger: Ledger, target: TargetWeights): Promise<SubmitOrder[]> =>
    lastValueFrom(from([target]).pipe(sizeToTargets({ ledger, orderFactory: new OrderFactory(new BacktestClock(0), registry, strategyId('fx')), instruments: registry }), toArray()));

  it('converts the quote currency into the base currency at the ledger rate', async () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments: registry, fxRates: { EURUSD: 1.25 } });
    ledger.mark(sap.id, 100);
    ledger.mark(spy.id, 500);
    const orders = await sizeFx(ledger, { ts: 0, weights: { [sap.id]: 0.5, [spy.id]: 0.5 } });
    expect(brief(orders)).toEqual(['BUY 400 SAP.XETRA', 'BUY 100 SPY.ARCA']); // 50000 USD = 40000 EUR = 400 x 100 EUR
  });

  it('fails the stream, naming currency, when the ledger has no rate for the quote currency', async () => {
    const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments: registry, fxRates: {} });
    ledger.mark(sap.id, 100);
    await expect(sizeFx(ledger, { ts: 0, weights: { [sap.id]: 0.5 } })).rejects.toMatchObject({ field: 'currency' });
  });
});
