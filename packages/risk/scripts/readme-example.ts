// The example of packages/risk/README.md, runnable: npx tsx --conditions=@rxtrade/source packages/risk/scripts/readme-example.ts
import { BacktestClock, Decimal, defineInstrument, type ClientOrderId, type StrategyId, type SubmitOrder } from '@rxtrade/core';
import { RiskEngine, verifyAuditTrail } from '@rxtrade/risk';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const clock = new BacktestClock(Date.UTC(2024, 0, 2, 14, 30));
const engine = new RiskEngine({
  clock,
  instruments: [goog],
  limits: { maxOrderNotional: '50000', maxPosition: 1000, maxLeverage: 2, priceCollar: { maxDeviation: '0.05' }, dailyLoss: '2000' },
  breakers: { loss: { limit: '5000', action: 'REDUCING' } },
});

const buy = (id: string, quantity: number, price: string): SubmitOrder => ({
  type: 'SubmitOrder', clientOrderId: id as ClientOrderId, strategyId: 'demo' as StrategyId, instrumentId: goog.id,
  side: 'BUY', orderType: 'LIMIT', quantity: new Decimal(quantity), price: new Decimal(price), triggerPrice: undefined,
  timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: clock.now(),
});

engine.observeEquity('100000');
engine.observePrice(goog.id, 150.25);
const state = engine.snapshot({ equity: '100000', positions: [{ instrumentId: goog.id, quantity: new Decimal(200) }], openOrders: [] });

for (const order of [buy('A', 100, '150.30'), buy('B', 400, '150.30'), buy('C', 10, '170.00')]) {
  const decision = engine.check(order, state);
  engine.record(order, decision);
  console.log(order.clientOrderId, decision.approved ? 'approved' : decision.reasons.map((r) => `${r.code} limit ${r.limit} actual ${r.actual?.toSignificantDigits(6)}`).join('; '));
}
console.log(verifyAuditTrail(engine.audit.lines()).valid, engine.audit.length);
