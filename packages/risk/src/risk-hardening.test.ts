/**
 * Ways an order could get around a limit: lists checked order by order, contingent children that do not
 * reduce, far-priced limits and stops valued at their own price, modifies that reprice, missing or
 * unreadable reference prices and equity, market data that is not what it claims, and an audit trail
 * rewritten by someone without the key.
 */
import { Decimal, type ClientOrderId, type OrderCommand, type StrategyId, type SubmitOrder, type SubmitOrderList } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { aapl, btc, makeEngine, modify, openOrder, prices, submit, T0 } from './__fixtures__/engine-fixtures';
import type { RiskLimits } from './config';
import type { RiskDecision } from './risk-decision';
import type { RiskStateInput } from './risk-state';
import { verifyAuditTrail } from './verify-audit-trail';
import { AuditKey, auditHash } from './audit-log';

const base: RiskStateInput = { equity: '1000000', positions: [], openOrders: [], prices };

function check(limits: RiskLimits, command: OrderCommand, input: RiskStateInput = base, state?: 'REDUCING' | 'HALTED'): RiskDecision {
  const { engine } = makeEngine({ limits });
  if (state) engine.setTradingState(state, 'test');
  return engine.check(command, engine.snapshot(input));
}
const codes = (d: RiskDecision): string[] => d.reasons.map((r) => r.code);

function list(orders: SubmitOrder[]): SubmitOrderList {
  return { type: 'SubmitOrderList', orderListId: 'L-1', strategyId: 'alpha' as StrategyId, instrumentId: orders[0]!.instrumentId, orders, ts: T0 };
}
const child = (o: SubmitOrder, parent: string, linked?: string[]): SubmitOrder => ({
  ...o,
  contingencyType: linked ? 'OUO' : 'OTO',
  parentOrderId: parent as ClientOrderId,
  ...(linked ? { linkedOrderIds: linked as ClientOrderId[] } : {}),
});

describe('an order list is checked as a whole', () => {
  it('sums its orders against the position limit', () => {
    const d = check({ maxPosition: 100 }, list([submit({ id: 'a', quantity: 60 }), submit({ id: 'b', quantity: 60, price: 99 })]));
    expect(codes(d)).toContain('MAX_POSITION');
    expect(d.reasons.find((r) => r.code === 'MAX_POSITION')!.message).toMatch(/^b: /);
  });

  it('sums its orders against gross exposure and the capital threshold', () => {
    const orders = [submit({ id: 'a', quantity: 60 }), submit({ id: 'b', quantity: 59 })];
    expect(codes(check({ maxGrossExposure: '10000' }, list(orders)))).toContain('MAX_GROSS_EXPOSURE');
    expect(codes(check({ capitalThreshold: '10000' }, list(orders)))).toContain('CAPITAL_THRESHOLD');
    expect(codes(check({ maxConcentration: '0.01' }, list(orders), { ...base, equity: '1000000' }))).toContain('MAX_CONCENTRATION');
    expect(check({ maxGrossExposure: '12000' }, list(orders)).approved).toBe(true);
  });

  it('counts its orders against the open-order limit and each against the submit rate', () => {
    const three = list([submit({ id: 'a', quantity: 1 }), submit({ id: 'b', quantity: 1, price: 99 }), submit({ id: 'c', quantity: 1, price: 98 })]);
    expect(codes(check({ maxOpenOrders: 2 }, three))).toContain('MAX_OPEN_ORDERS');
    expect(codes(check({ maxSubmitRate: { count: 2, windowMs: 1000 } }, three))).toContain('SUBMIT_RATE');
    expect(check({ maxOpenOrders: 3, maxSubmitRate: { count: 3, windowMs: 1000 } }, three).approved).toBe(true);
  });

  it('denies a list that repeats a client order id, whatever the duplicate setting', () => {
    const d = check({ duplicateOrders: false }, list([submit({ id: 'x', quantity: 1 }), submit({ id: 'x', quantity: 2, price: 99 })]));
    expect(codes(d)).toEqual(['DUPLICATE_ORDER_ID']);
  });
});

describe('a contingent child is exempt from exposure gates only when it can only undo its parent', () => {
  const entry = submit({ id: 'p', quantity: 100 });
  it('exempts a bracket whose take-profit and stop-loss sell no more than the entry buys', () => {
    const bracket = list([entry, child(submit({ id: 'tp', side: 'SELL', quantity: 100, price: 110 }), 'p', ['sl']), child(submit({ id: 'sl', side: 'SELL', quantity: 100, orderType: 'STOP_MARKET', triggerPrice: 95 }), 'p', ['tp'])]);
    expect(check({ maxPosition: 100 }, bracket).approved).toBe(true);
  });

  it('checks a same-side child as a new order', () => {
    const d = check({ maxPosition: 100 }, list([entry, child(submit({ id: 'c', side: 'BUY', quantity: 100, price: 99 }), 'p')]));
    expect(codes(d)).toContain('MAX_POSITION');
  });

  it('checks a child larger than its parent as a new order', () => {
    const d = check({ maxPosition: 100 }, list([submit({ id: 'p', quantity: 10 }), child(submit({ id: 'c', side: 'SELL', quantity: 200, price: 101 }), 'p')]));
    expect(codes(d)).toContain('MAX_POSITION');
  });

  it('checks a child as a new order when its parent only reduces, REDUCING included', () => {
    const long: RiskStateInput = { ...base, positions: [{ instrumentId: aapl.id, quantity: new Decimal(100) }] };
    const exit = submit({ id: 'p', side: 'SELL', quantity: 100 });
    const reentry = child(submit({ id: 'c', side: 'BUY', quantity: 100, price: 99 }), 'p');
    expect(codes(check({}, list([exit, reentry]), long, 'REDUCING'))).toEqual(['TRADING_REDUCING']);
    expect(check({}, list([exit]), long, 'REDUCING').approved).toBe(true);
  });
});

describe('orders are valued at the worst price they can fill at', () => {
  it('values a sell limit below the market at the market', () => {
    const d = check({ maxOrderNotional: '10000' }, submit({ side: 'SELL', quantity: 1000, price: '0.01' }));
    expect(codes(d)).toEqual(['MAX_ORDER_NOTIONAL']);
    expect(d.reasons[0]!.actual!.toString()).toBe('100000');
  });

  it('values a buy stop already through the market at the market', () => {
    const d = check({ maxOrderNotional: '10000' }, submit({ side: 'BUY', quantity: 1000, orderType: 'STOP_MARKET', triggerPrice: 1 }));
    expect(codes(d)).toEqual(['MAX_ORDER_NOTIONAL']);
  });

  it('values a buy limit at its limit, the most it can pay', () => {
    expect(codes(check({ maxOrderNotional: '10000' }, submit({ side: 'BUY', quantity: 100, price: 101 })))).toEqual(['MAX_ORDER_NOTIONAL']);
    expect(check({ maxOrderNotional: '10000' }, submit({ side: 'BUY', quantity: 100, price: 99 })).approved).toBe(true);
  });

  it('values a modify that reprices a sell limit below the market at the market', () => {
    const input: RiskStateInput = { ...base, openOrders: [openOrder({ id: 'o', side: 'SELL', quantity: 100, price: 100 })] };
    const d = check({ maxOrderNotional: '10000' }, modify('o', { quantity: 150, price: '0.01' }), input);
    expect(codes(d)).toEqual(['MAX_ORDER_NOTIONAL']);
  });

  it('counts a modify that only raises the price toward the capital threshold', () => {
    const input: RiskStateInput = { ...base, openOrders: [openOrder({ id: 'o', side: 'BUY', quantity: 100, price: 50 })] };
    expect(codes(check({ capitalThreshold: '10000' }, modify('o', { price: 200 }), input))).toEqual(['CAPITAL_THRESHOLD']);
    expect(check({ capitalThreshold: '10000' }, modify('o', { price: 60 }), input).approved).toBe(true);
  });
});

describe('the check fails closed', () => {
  it('denies an order it cannot value for want of a market price', () => {
    const noPrices: RiskStateInput = { ...base, prices: {} };
    expect(codes(check({ maxOrderNotional: '10000' }, submit({ side: 'SELL', quantity: 1, price: 100 }), noPrices))).toEqual(['NO_REFERENCE_PRICE']);
    expect(codes(check({ maxGrossExposure: '10000' }, submit({ side: 'BUY', quantity: 1, price: 100 }), noPrices))).toEqual(['NO_REFERENCE_PRICE']);
  });

  it('does not take an open order price as the market', () => {
    const input: RiskStateInput = { ...base, prices: {}, openOrders: [openOrder({ id: 'o', side: 'SELL', quantity: 1, price: '0.01' })] };
    expect(codes(check({ maxGrossExposure: '10000' }, submit({ side: 'SELL', quantity: 5000 }), input))).toContain('NO_REFERENCE_PRICE');
  });

  it('treats a reference price that rounds to zero ticks as missing', () => {
    const dust: RiskStateInput = { ...base, prices: { [aapl.id]: { last: 0.004 } } };
    expect(codes(check({ maxOrderNotional: '10000' }, submit({ side: 'BUY', quantity: 1_000_000 }), dust))).toEqual(['NO_REFERENCE_PRICE']);
  });

  it('denies orders that add exposure when equity is NaN or infinite, and still passes cancels and reducing orders', () => {
    for (const equity of [new Decimal(Infinity), new Decimal(NaN), NaN, -Infinity]) {
      const input: RiskStateInput = { ...base, equity, positions: [{ instrumentId: aapl.id, quantity: new Decimal(10) }] };
      expect(codes(check({ maxLeverage: 2 }, submit({ side: 'BUY', quantity: 1_000_000 }), input))).toContain('INVALID_EQUITY');
      expect(codes(check({}, submit({ side: 'BUY', quantity: 1 }), input))).toEqual(['INVALID_EQUITY']);
      expect(check({ maxLeverage: 2 }, submit({ side: 'SELL', quantity: 10 }), input).approved).toBe(true);
      expect(check({}, { type: 'CancelOrder', clientOrderId: 'x' as ClientOrderId, strategyId: 'alpha' as StrategyId, instrumentId: aapl.id, ts: T0 }, input).approved).toBe(true);
    }
  });
});

describe('observeMarketData validates what it is given', () => {
  const quote = { type: 'Quote' as const, instrumentId: btc.id, ts: T0, bid: 100, ask: 101, bidSize: 1, askSize: 1 };
  it('refuses other event types, unreadable prices and crossed quotes, naming the field, and keeps its prices', () => {
    const { engine } = makeEngine();
    engine.observeMarketData(quote);
    expect(() => engine.observeMarketData({ ...quote, bid: 102 })).toThrow(/marketData\.bid: must be <= ask/);
    expect(() => engine.observeMarketData({ ...quote, ask: NaN })).toThrow(/marketData\.ask: must be a positive finite number/);
    expect(() => engine.observeMarketData({ ...quote, bid: '100' as never })).toThrow(/marketData\.bid: must be a positive finite number or Decimal, got string/);
    expect(() => engine.observeMarketData({ ...quote, type: 'Book' } as never)).toThrow(/marketData\.type: must be Bar, Quote or Trade, got "Book"/);
    expect(() => engine.observeMarketData({ type: 'Trade', instrumentId: btc.id, ts: NaN, price: 1, size: 1 } as never)).toThrow(/marketData\.ts: must be a finite epoch ms/);
    expect(() => engine.observeMarketData({ type: 'Bar', instrumentId: btc.id, ts: T0, open: 1, high: 1, low: 1, close: 0, volume: 1 } as never)).toThrow(/marketData\.close/);
    // The refused events left the mid where the valid quote put it.
    expect(engine.snapshot({ equity: '1000000', prices: {} }).midTicks[1]).toBe(10050);
  });

  it('accepts Decimal prices', () => {
    const { engine } = makeEngine();
    engine.observeMarketData({ type: 'Trade', instrumentId: aapl.id, ts: T0, price: new Decimal('123.45') as never, size: 1 } as never);
    expect(engine.snapshot({ equity: '1', prices: {} }).lastTicks[0]).toBe(12345);
  });
});

describe('a keyed audit trail', () => {
  const KEY = 'k3y-held-by-the-platform-only';
  function trail(key?: string) {
    const { engine } = makeEngine({ limits: { maxOrderNotional: '5000' }, ...(key ? { audit: { key } } : {}) });
    for (const q of [1, 100, 2]) engine.evaluate(submit({ quantity: q, price: 99 }), base);
    return { engine, lines: [...engine.audit.lines()] };
  }
  /** Edits record 1 and re-hashes every later record, as someone who can write the file but lacks the key would. */
  function forge(lines: string[], key?: string): string[] {
    const out: string[] = [];
    let prev = '0'.repeat(64);
    lines.forEach((line, i) => {
      let body = line.slice(0, line.lastIndexOf(',"hash"')).replace(/"prev":"[0-9a-f]{64}"$/, `"prev":"${prev}"`);
      if (i === 1) body = body.replace('"approved":false', '"approved":true');
      const hash = auditHash(prev, body, key);
      out.push(`${body},"hash":"${hash}"}`);
      prev = hash;
    });
    return out;
  }

  it('detects an edit followed by re-hashing every later record, which an unkeyed chain cannot', () => {
    const plain = trail();
    expect(verifyAuditTrail(forge(plain.lines)).valid).toBe(true);
    const keyed = trail(KEY);
    expect(verifyAuditTrail(keyed.lines, { key: KEY, ...keyed.engine.auditHead }).valid).toBe(true);
    const forged = verifyAuditTrail(forge(keyed.lines), { key: KEY });
    expect(forged.valid).toBe(false);
    expect(forged.error!.index).toBe(0);
    // Forging needs the key itself.
    expect(verifyAuditTrail(forge(keyed.lines, KEY), { key: KEY }).valid).toBe(true);
  });

  it('detects a truncated file against the engine head', () => {
    const { engine, lines } = trail(KEY);
    expect(engine.auditHead.count).toBe(3);
    const cut = verifyAuditTrail(lines.slice(0, 2), { key: KEY, ...engine.auditHead });
    expect(cut.valid).toBe(false);
    expect(cut.error!.reason).toMatch(/cut off/);
  });

  it('never prints the key', () => {
    const { engine } = trail(KEY);
    const shown = [JSON.stringify(engine.config.audit), JSON.stringify(engine.config.limits), String(engine.config.audit.key), JSON.stringify(new AuditKey(KEY)), ...engine.audit.lines()].join('\n');
    expect(shown).not.toContain(KEY);
    expect(() => makeEngine({ audit: { key: 'short-secret' } })).toThrow(/config\.audit\.key/);
    try {
      makeEngine({ audit: { key: 'short-secret' } });
    } catch (e) {
      expect(String(e)).not.toContain('short-secret');
    }
  });
});
