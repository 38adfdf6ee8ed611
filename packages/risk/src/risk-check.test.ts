import { Decimal } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { aapl, btc, es, makeEngine, modify, openOrder, prices, submit, T0 } from './__fixtures__/engine-fixtures';
import type { RiskEngineConfig } from './config';
import type { RiskDecision } from './risk-decision';
import type { RiskStateInput } from './risk-state';
import { portfolioVar } from './measures/portfolio-var';

const base: RiskStateInput = { equity: '100000', positions: [], openOrders: [], prices };

function decide(config: Partial<RiskEngineConfig>, order: Parameters<ReturnType<typeof makeEngine>['engine']['check']>[0], input: Partial<RiskStateInput> = {}): RiskDecision {
  const { engine } = makeEngine(config);
  return engine.check(order, engine.snapshot({ ...base, ...input }));
}
const codes = (d: RiskDecision): string[] => d.reasons.map((r) => r.code);

describe('RiskEngine.check gates', () => {
  it('approves an order within every limit with the shared approval object', () => {
    const d = decide({ limits: { maxOrderNotional: '5000', maxOrderQuantity: 100, maxPosition: 100 } }, submit({ quantity: 10, price: '100.00' }));
    expect(d.approved).toBe(true);
    expect(d.reasons).toEqual([]);
  });

  it('denies an order whose notional exceeds the limit, with the exact limit and actual value', () => {
    const d = decide({ limits: { maxOrderNotional: '1000' } }, submit({ quantity: 11, price: '91' }));
    expect(d.approved).toBe(false);
    expect(d.reasons[0]).toMatchObject({ code: 'MAX_ORDER_NOTIONAL' });
    expect(d.reasons[0]!.limit!.toString()).toBe('1000');
    expect(d.reasons[0]!.actual!.toString()).toBe('1001');
  });

  it('approves an order whose notional equals the limit exactly', () => {
    expect(decide({ limits: { maxOrderNotional: '1001' } }, submit({ quantity: 11, price: '91' })).approved).toBe(true);
  });

  it('values a futures order with its multiplier, and a market order at the last price', () => {
    // ES: 2 x 4800 x 50 = 480000
    expect(decide({ limits: { maxOrderNotional: '480000' } }, submit({ instrumentId: es.id, quantity: 2 })).approved).toBe(true);
    const d = decide({ limits: { maxOrderNotional: '479999.99' } }, submit({ instrumentId: es.id, quantity: 2 }));
    expect(d.reasons[0]!.actual!.toString()).toBe('480000');
  });

  it('compares exactly where doubles would not: 0.1 + 0.2 BTC style quantities', () => {
    // 0.00003 BTC at 33333.33 = 0.9999999 USD: below a 1 USD limit exactly; doubles give 0.9999999000000001.
    expect(decide({ limits: { maxOrderNotional: '0.9999999' } }, submit({ instrumentId: btc.id, quantity: '0.00003', price: '33333.33' })).approved).toBe(false); // min notional 5
    const d = decide({ limits: { maxOrderNotional: '0.9999999' } }, submit({ instrumentId: btc.id, quantity: '0.00003', price: '33333.33' }));
    expect(codes(d)).toEqual(['MIN_NOTIONAL']);
  });

  it('enforces tick size, lot size and min notional, and lets the instrument rules be switched off', () => {
    const d = decide({}, submit({ instrumentId: btc.id, quantity: '0.000155', price: '40000.005' }));
    expect(codes(d)).toEqual(['LOT_SIZE', 'TICK_SIZE']);
    expect(codes(decide({}, submit({ instrumentId: btc.id, quantity: '0.0001', price: '40000' })))).toEqual(['MIN_NOTIONAL']);
    expect(decide({ limits: { instrumentRules: false } }, submit({ instrumentId: btc.id, quantity: '0.000155', price: '40000.005' })).approved).toBe(true);
  });

  it('denies a quantity above the max order quantity', () => {
    expect(codes(decide({ limits: { maxOrderQuantity: 50 } }, submit({ quantity: 51, price: 100 })))).toEqual(['MAX_ORDER_QUANTITY']);
    expect(decide({ limits: { maxOrderQuantity: 50 } }, submit({ quantity: 50, price: 100 })).approved).toBe(true);
  });

  it('counts open orders on the same side toward the max position', () => {
    const input = { positions: [{ instrumentId: aapl.id, quantity: new Decimal(60) }], openOrders: [openOrder({ id: 'o1', quantity: 30, price: 99 })] };
    expect(codes(decide({ limits: { maxPosition: 100 } }, submit({ quantity: 11, price: 100 }), input))).toEqual(['MAX_POSITION']);
    expect(decide({ limits: { maxPosition: 100 } }, submit({ quantity: 10, price: 100 }), input).approved).toBe(true);
  });

  it('lets an order that reduces the position pass the exposure gates even when they are breached', () => {
    const input = { equity: '1000', positions: [{ instrumentId: aapl.id, quantity: new Decimal(100) }] };
    const limits = { maxPosition: 10, maxGrossExposure: '10', maxLeverage: 1, dailyLoss: '1' };
    expect(decide({ limits }, submit({ side: 'SELL', quantity: 100, price: 100 }), { ...input, dayStartEquity: '5000' }).approved).toBe(true);
    expect(decide({ limits }, submit({ side: 'SELL', quantity: 101, price: 100 }), { ...input, dayStartEquity: '5000' }).approved).toBe(false);
  });

  it('denies gross and net exposure beyond their limits', () => {
    const input = { positions: [{ instrumentId: aapl.id, quantity: new Decimal(100) }, { instrumentId: es.id, quantity: new Decimal(-1) }] };
    // gross = 10000 + 240000 = 250000; net = 10000 - 240000 = -230000
    expect(codes(decide({ limits: { maxGrossExposure: '250999' } }, submit({ quantity: 10, price: 100 }), input))).toEqual(['MAX_GROSS_EXPOSURE']);
    expect(decide({ limits: { maxGrossExposure: '251000' } }, submit({ quantity: 10, price: 100 }), input).approved).toBe(true);
    expect(codes(decide({ limits: { maxNetExposure: '230000' } }, submit({ side: 'SELL', instrumentId: aapl.id, quantity: 101, price: 100 }), input))).toEqual([
      'MAX_NET_EXPOSURE',
    ]);
  });

  it('denies leverage, instrument concentration and tag concentration beyond their limits', () => {
    const input = { equity: '100000', positions: [{ instrumentId: aapl.id, quantity: new Decimal(500) }] };
    const d = decide({ limits: { maxLeverage: '1.09', maxConcentration: '0.5', maxTagConcentration: '0.6' } }, submit({ instrumentId: es.id, quantity: 1, price: '4800' }), input);
    // ES is 4800 x 50 = 240000 a contract: gross 290000 (2.9x), ES alone 2.4x equity, tags index and us both over.
    expect(codes(d)).toEqual(['MAX_LEVERAGE', 'MAX_CONCENTRATION', 'MAX_TAG_CONCENTRATION', 'MAX_TAG_CONCENTRATION']);
    expect(d.reasons.slice(2).map((r) => r.actual!.toString())).toEqual(['2.4', '2.9']);
    expect(d.reasons[0]!.actual!.toString()).toBe('2.9');
    expect(decide({ limits: { maxConcentration: '0.5' } }, submit({ quantity: 1, price: 100 }), input).reasons[0]!.code).toBe('MAX_CONCENTRATION');
    expect(decide({ limits: { maxConcentration: '0.501' } }, submit({ quantity: 1, price: 100 }), input).approved).toBe(true);
  });

  it('denies a limit price outside the collar around the last trade or the mid', () => {
    expect(codes(decide({ limits: { priceCollar: { maxDeviation: '0.05' } } }, submit({ quantity: 1, price: '105.01' })))).toEqual(['PRICE_COLLAR']);
    expect(decide({ limits: { priceCollar: { maxDeviation: '0.05' } } }, submit({ quantity: 1, price: '105.00' })).approved).toBe(true);
    expect(decide({ limits: { priceCollar: { maxDeviation: '0.05' } } }, submit({ quantity: 1, price: '95.00' })).approved).toBe(true);
    // mid 100.01: 105.01 is within 5% of it
    expect(decide({ limits: { priceCollar: { maxDeviation: '0.05', reference: 'mid' } } }, submit({ quantity: 1, price: '105.01' })).approved).toBe(true);
    expect(codes(decide({ limits: { priceCollar: { maxDeviation: '0.05' } } }, submit({ quantity: 1, price: '200' }), { prices: {} }))).toEqual(['NO_REFERENCE_PRICE']);
  });

  it('denies beyond the max number of open orders', () => {
    const openOrders = [openOrder({ id: 'a', quantity: 1, price: 90 }), openOrder({ id: 'b', quantity: 1, price: 91 })];
    expect(codes(decide({ limits: { maxOpenOrders: 2 } }, submit({ quantity: 1, price: 92 }), { openOrders }))).toEqual(['MAX_OPEN_ORDERS']);
    expect(decide({ limits: { maxOpenOrders: 3 } }, submit({ quantity: 1, price: 92 }), { openOrders }).approved).toBe(true);
  });

  it('denies the daily loss and the drawdown beyond their limits, for new exposure only', () => {
    const limits = { dailyLoss: '2000', maxDrawdown: '0.1' };
    const d = decide({ limits }, submit({ quantity: 1, price: 100 }), { equity: '89999.99', dayStartEquity: '92000', peakEquity: '100000' });
    expect(codes(d)).toEqual(['DAILY_LOSS', 'MAX_DRAWDOWN']);
    expect(d.reasons[0]!.actual!.toString()).toBe('2000.01');
    expect(decide({ limits }, submit({ quantity: 1, price: 100 }), { equity: '90000', dayStartEquity: '92000', peakEquity: '100000' }).approved).toBe(true);
  });

  it('denies beyond the capital threshold counting positions, open orders and the order', () => {
    const input = { positions: [{ instrumentId: aapl.id, quantity: new Decimal(100) }], openOrders: [openOrder({ id: 'o', quantity: 10, price: 99 })] };
    // 10000 + 990 + 1000
    expect(codes(decide({ limits: { capitalThreshold: '11989.99' } }, submit({ quantity: 10, price: 100 }), input))).toEqual(['CAPITAL_THRESHOLD']);
    expect(decide({ limits: { capitalThreshold: '11990' } }, submit({ quantity: 10, price: 100 }), input).approved).toBe(true);
  });

  it('denies restricted instruments (by id or symbol) and restricted strategies', () => {
    expect(codes(decide({ restricted: ['AAPL'] }, submit({ quantity: 1, price: 100 })))).toEqual(['RESTRICTED_INSTRUMENT']);
    expect(codes(decide({ overrides: { strategies: { banned: { restricted: true } } } }, submit({ quantity: 1, price: 100, strategyId: 'banned' })))).toEqual(['RESTRICTED_INSTRUMENT']);
    expect(decide({ restricted: ['AAPL'] }, submit({ instrumentId: es.id, quantity: 1 })).approved).toBe(true);
  });

  it('denies a duplicate of an open order and a reused client order id', () => {
    const openOrders = [openOrder({ id: 'X-1', quantity: 10, price: 99 })];
    expect(codes(decide({}, submit({ quantity: 10, price: 99 }), { openOrders }))).toEqual(['DUPLICATE_ORDER']);
    expect(codes(decide({}, submit({ id: 'X-1', quantity: 5, price: 98 }), { openOrders }))).toEqual(['DUPLICATE_ORDER_ID']);
    expect(decide({}, submit({ quantity: 10, price: 98 }), { openOrders }).approved).toBe(true);
    expect(decide({ limits: { duplicateOrders: false } }, submit({ quantity: 10, price: 99 }), { openOrders }).approved).toBe(true);
  });

  it('denies an order that would push the portfolio VaR over the limit, but not a hedge', () => {
    const varModel = { confidence: 0.99, instruments: [aapl.id, es.id], covariance: [[0.0004, 0.0002], [0.0002, 0.0001]] };
    const positions = [{ instrumentId: aapl.id, quantity: new Decimal(1000) }];
    // VaR now: 2.326 x 100000 x 0.02 = 4652.7; +100 AAPL -> 110000 x 0.02 x 2.326 = 5118
    expect(codes(decide({ varModel, limits: { maxVar: 5000 } }, submit({ quantity: 100, price: 100 }), { positions }))).toEqual(['PRE_TRADE_VAR']);
    expect(decide({ varModel, limits: { maxVar: 5200 } }, submit({ quantity: 100, price: 100 }), { positions }).approved).toBe(true);
    // Short 1 ES (240000 x 0.01 sd, correlated): VaR falls, so it passes even over the limit.
    expect(decide({ varModel, limits: { maxVar: 100 } }, submit({ instrumentId: es.id, side: 'SELL', quantity: 1 }), { positions }).approved).toBe(true);
    expect(codes(decide({ varModel, limits: { maxVar: 100 } }, submit({ instrumentId: btc.id, quantity: '0.001', price: 40000 }), { positions }))).toEqual(['PRE_TRADE_VAR']);
  });

  it('reports the projected VaR as the Gaussian portfolio VaR of the exposures after the order', () => {
    const varModel = { confidence: 0.99, horizonDays: 10, instruments: [aapl.id, es.id], covariance: [[0.0004, 0.0002], [0.0002, 0.0001]] };
    const positions = [{ instrumentId: aapl.id, quantity: new Decimal(1000) }, { instrumentId: es.id, quantity: new Decimal(1) }];
    const d = decide({ varModel, limits: { maxVar: 1 } }, submit({ quantity: 300, price: 100 }), { positions });
    // After: AAPL 1300 x 100 = 130000, ES 240000; 10-day horizon scales by sqrt(10).
    const expected = -portfolioVar([130000, 240000], varModel.covariance, { p: 0.99 }).var * Math.sqrt(10);
    expect(d.reasons[0]!.code).toBe('PRE_TRADE_VAR');
    expect(Math.abs(d.reasons[0]!.actual!.toNumber() / expected - 1)).toBeLessThan(1e-12);
  });

  it('keeps the covariance of a snapshot when the engine installs a new one (purity)', () => {
    const varModel = { confidence: 0.99, instruments: [aapl.id], covariance: [[0.0004]] };
    const { engine } = makeEngine({ varModel, limits: { maxVar: 500 } });
    const state = engine.snapshot({ ...base });
    const order = submit({ quantity: 100, price: 100 }); // 10000 x 0.02 x 2.326 = 465
    expect(engine.check(order, state).approved).toBe(true);
    engine.setCovariance([aapl.id], [[0.0016]]);
    expect(engine.check(order, state).approved).toBe(true);
    expect(engine.check(order, engine.snapshot({ ...base })).approved).toBe(false);
  });

  it('reports every breached limit, not only the first', () => {
    const d = decide({ limits: { maxOrderQuantity: 5, maxOrderNotional: 100, priceCollar: { maxDeviation: '0.01' }, maxPosition: 5 } }, submit({ quantity: 10, price: 150 }));
    expect(codes(d)).toEqual(['MAX_ORDER_QUANTITY', 'MAX_ORDER_NOTIONAL', 'PRICE_COLLAR', 'MAX_POSITION']);
  });

  it('resolves limits per venue, instrument and strategy, the most specific winning, and null switches a gate off', () => {
    const config: Partial<RiskEngineConfig> = {
      limits: { maxOrderNotional: '1000' },
      overrides: {
        venues: { NASDAQ: { maxOrderNotional: '2000' } },
        instruments: { [aapl.id]: { maxOrderNotional: '3000' } },
        strategies: { big: { maxOrderNotional: null }, small: { maxOrderNotional: '500' } },
      },
    };
    expect(decide(config, submit({ quantity: 29, price: 100 })).approved).toBe(true);
    expect(decide(config, submit({ quantity: 31, price: 100 })).approved).toBe(false);
    expect(decide(config, submit({ quantity: 1000, price: 100, strategyId: 'big' })).approved).toBe(true);
    expect(decide(config, submit({ quantity: 6, price: 100, strategyId: 'small' })).approved).toBe(false);
    expect(decide(config, submit({ instrumentId: es.id, quantity: 1, strategyId: 'x' })).approved).toBe(false);
  });

  it('approves cancels in every state', () => {
    const { engine } = makeEngine();
    engine.setTradingState('HALTED', 'test');
    const cancel = { type: 'CancelOrder' as const, clientOrderId: 'a' as never, strategyId: 'alpha' as never, instrumentId: aapl.id, ts: T0 };
    expect(engine.check(cancel, engine.snapshot(base)).approved).toBe(true);
  });

  it('checks a modify: unknown orders, quantity increases through the exposure gates, the modify rate', () => {
    const openOrders = [openOrder({ id: 'M-1', quantity: 10, price: 99 })];
    expect(codes(decide({}, modify('nope', { price: 98 }), { openOrders }))).toEqual(['UNKNOWN_ORDER']);
    expect(codes(decide({ limits: { maxPosition: 15 } }, modify('M-1', { quantity: 16 }), { openOrders }))).toEqual(['MAX_POSITION']);
    expect(decide({ limits: { maxPosition: 15 } }, modify('M-1', { quantity: 15 }), { openOrders }).approved).toBe(true);
    expect(codes(decide({ limits: { priceCollar: { maxDeviation: '0.05' } } }, modify('M-1', { price: 120 }), { openOrders }))).toEqual(['PRICE_COLLAR']);
  });
});

describe('RiskEngine.check rate windows', () => {
  it('counts approved submits recorded in a sliding window on the clock', () => {
    const { engine, clock } = makeEngine({ limits: { maxSubmitRate: { count: 2, windowMs: 1000 } } });
    const run = (): boolean => {
      const o = submit({ quantity: 1, price: 100 });
      const d = engine.check(o, engine.snapshot(base));
      engine.record(o, d);
      return d.approved;
    };
    expect([run(), run(), run()]).toEqual([true, true, false]);
    clock.advanceTo(T0 + 999);
    expect(run()).toBe(false);
    clock.advanceTo(T0 + 1000);
    // The two approved at T0 left the window (T0, T0 + 1000]; denied submits never counted.
    expect([run(), run(), run()]).toEqual([true, true, false]);
  });

  it('keeps a snapshot unchanged when the engine records later submits (purity)', () => {
    const { engine } = makeEngine({ limits: { maxSubmitRate: { count: 1, windowMs: 1000 } } });
    const state = engine.snapshot(base);
    const o = submit({ quantity: 1, price: 100 });
    engine.record(o, engine.check(o, state));
    expect(engine.check(submit({ quantity: 2, price: 100 }), state).approved).toBe(true);
    expect(engine.check(submit({ quantity: 2, price: 100 }), engine.snapshot(base)).approved).toBe(false);
  });

  it('limits modifies separately from submits', () => {
    const { engine } = makeEngine({ limits: { maxModifyRate: { count: 1, windowMs: 60_000 } } });
    const input = { ...base, openOrders: [openOrder({ id: 'M-1', quantity: 10, price: 99 })] };
    const m = modify('M-1', { price: 98 });
    engine.record(m, engine.check(m, engine.snapshot(input)));
    expect(codes(engine.check(modify('M-1', { price: 97 }), engine.snapshot(input)))).toEqual(['MODIFY_RATE']);
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot(input)).approved).toBe(true);
  });
});
