import { Decimal, ValidationError, type OrderEvent } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { aapl, btc, es, instruments, makeEngine, openOrder, prices, submit, T0 } from './__fixtures__/engine-fixtures';
import { RiskEngine } from './risk-engine';
import type { BreakerAlert, TradingStateChange } from './events';
import { verifyAuditTrail } from './verify-audit-trail';
import { BacktestClock } from '@rxtrade/core';

const base = { equity: '100000', positions: [], openOrders: [], prices };

describe('RiskEngine configuration and input validation', () => {
  it('rejects bad config with a ValidationError naming the field', () => {
    const clock = new BacktestClock(0);
    expect(() => new RiskEngine({ clock, instruments, limits: { maxOrderNotional: '-5' } })).toThrow(ValidationError);
    expect(() => new RiskEngine({ clock, instruments, limits: { maxOrderNotional: '-5' } })).toThrow(/config\.limits\.maxOrderNotional: must be a positive number, got -5/);
    expect(() => new RiskEngine({ clock, instruments, limits: { maxDrawdown: '1.5' } })).toThrow(/config\.limits\.maxDrawdown: must be a fraction in \(0, 1\]/);
    expect(() => new RiskEngine({ clock, instruments, limits: { maxOrderNotinal: 5 } as never })).toThrow(/config\.limits/);
    expect(() => new RiskEngine({ clock: {} as never, instruments })).toThrow(/config\.clock: must be a Clock/);
    expect(() => new RiskEngine({ clock, instruments: [] })).toThrow(/config\.instruments/);
    expect(() => new RiskEngine({ clock, instruments, dailyReset: { timeZone: 'Mars/Olympus', hour: 0 } })).toThrow(/config\.dailyReset\.timeZone: must be an IANA time zone/);
    expect(() => new RiskEngine({ clock, instruments, limits: { maxVar: 1000 } })).toThrow(/config\.limits\.maxVar: needs config\.varModel/);
    expect(() => new RiskEngine({ clock, instruments, overrides: { instruments: { 'NOPE.X': {} } } as never })).toThrow(/config\.overrides\.instruments\.NOPE\.X: unknown instrument/);
    expect(() => new RiskEngine({ clock, instruments, breakers: { loss: { limit: 0 } } })).toThrow(/config\.breakers\.loss\.limit/);
  });

  it('denies malformed orders as INVALID_ORDER naming the field: negative quantity, unknown instrument, NaN price, unknown side, order type and time in force', () => {
    const { engine } = makeEngine();
    const state = engine.snapshot(base);
    const denial = (command: Parameters<typeof engine.check>[0]): string => {
      const d = engine.check(command, state);
      expect(d.approved).toBe(false);
      expect(d.reasons.map((r) => r.code)).toEqual(['INVALID_ORDER']);
      return d.reasons[0]!.message;
    };
    expect(denial(submit({ quantity: -5, price: 100 }))).toMatch(/order\.quantity: must be > 0, got -5/);
    expect(denial(submit({ quantity: 0, price: 100 }))).toMatch(/order\.quantity: must be > 0/);
    expect(denial(submit({ instrumentId: 'MSFT.NASDAQ' as never, quantity: 5, price: 100 }))).toMatch(/order\.instrumentId: unknown instrument "MSFT\.NASDAQ"/);
    expect(denial(submit({ quantity: 5, price: NaN }))).toMatch(/order\.price: must be a finite number, got NaN/);
    expect(denial({ ...submit({ quantity: 5 }), quantity: 5 as never })).toMatch(/order\.quantity: must be a Decimal/);
    expect(denial({ ...submit({ quantity: 5 }), side: 'HOLD' as never })).toMatch(/order\.side: must be BUY or SELL/);
    expect(denial({ ...submit({ quantity: 5 }), clientOrderId: '' as never })).toMatch(/order\.clientOrderId: must be a non-empty string/);
    expect(denial({ ...submit({ quantity: 5 }), orderType: 'LIMIT' })).toMatch(/order\.price: is required for LIMIT orders/);
    expect(denial({ ...submit({ quantity: 5, price: 100 }), orderType: 'ICEBERG' as never })).toMatch(/order\.orderType: must be one of MARKET, LIMIT/);
    expect(denial({ ...submit({ quantity: 5, price: 100 }), timeInForce: 'GTX' as never })).toMatch(/order\.timeInForce: must be one of GTC, IOC/);
    expect(denial({ ...submit({ quantity: 5 }), orderType: 'MARKET_IF_TOUCHED' })).toMatch(/order\.triggerPrice: is required for MARKET_IF_TOUCHED orders/);
    expect(denial({ ...submit({ quantity: 5 }), type: 'SubmitOrders' as never })).toMatch(/order\.type: must be SubmitOrder, SubmitOrderList/);
    expect(denial(null as never)).toMatch(/order\.type: must be an order command object/);
  });

  it('rejects an unreadable snapshot input naming the field, and keeps non-finite equity to deny on it', () => {
    const { engine } = makeEngine();
    expect(() => engine.snapshot({ ...base, equity: 'lots' })).toThrow(/state\.equity: must be a finite number/);
    expect(() => engine.snapshot({ ...base, positions: [{ instrumentId: 'X', quantity: new Decimal(1) }] })).toThrow(/state\.positions\[0\]\.instrumentId: unknown instrument/);
    expect(() => engine.snapshot({ ...base, prices: { [aapl.id]: { last: -1 } } })).toThrow(/state\.prices\.AAPL\.NASDAQ\.last/);
    expect(engine.snapshot({ ...base, equity: NaN }).equityValid).toBe(false);
    expect(engine.snapshot({ ...base, equity: new Decimal(Infinity) }).equityValid).toBe(false);
  });

  it('records malformed commands as INVALID_ORDER denials in evaluate()', () => {
    const { engine } = makeEngine();
    const d = engine.evaluate(submit({ quantity: -1, price: 100 }), base);
    expect(d.approved).toBe(false);
    expect(d.reasons[0]!.code).toBe('INVALID_ORDER');
    expect(engine.audit.length).toBe(1);
  });
});

describe('RiskEngine trading states and kill switch', () => {
  it('approves only reducing orders while REDUCING and nothing but cancels while HALTED', () => {
    const { engine } = makeEngine();
    const input = { ...base, positions: [{ instrumentId: aapl.id, quantity: new Decimal(50) }] };
    engine.setTradingState('REDUCING', 'test');
    expect(engine.check(submit({ side: 'SELL', quantity: 50, price: 100 }), engine.snapshot(input)).approved).toBe(true);
    expect(engine.check(submit({ side: 'SELL', quantity: 51, price: 100 }), engine.snapshot(input)).reasons[0]!.code).toBe('TRADING_REDUCING');
    expect(engine.check(submit({ side: 'BUY', quantity: 1, price: 100 }), engine.snapshot(input)).approved).toBe(false);
    engine.setTradingState('HALTED', 'test');
    expect(engine.check(submit({ side: 'SELL', quantity: 1, price: 100 }), engine.snapshot(input)).reasons[0]!.code).toBe('TRADING_HALTED');
  });

  it('lets a modify through while REDUCING only when it does not add exposure, and no modify while HALTED', () => {
    const { engine } = makeEngine();
    const input = {
      ...base,
      positions: [{ instrumentId: aapl.id, quantity: new Decimal(50) }],
      openOrders: [openOrder({ id: 'S-1', side: 'SELL', quantity: 20, price: 101 }), openOrder({ id: 'B-1', side: 'BUY', quantity: 5, price: 99 })],
    };
    engine.setTradingState('REDUCING', 'test');
    const m = (id: string, changes: { quantity?: number; price?: number }) => ({ type: 'ModifyOrder' as const, clientOrderId: id as never, strategyId: 'alpha' as never, instrumentId: aapl.id, quantity: changes.quantity === undefined ? undefined : new Decimal(changes.quantity), price: changes.price === undefined ? undefined : new Decimal(changes.price), triggerPrice: undefined, ts: T0 });
    expect(engine.check(m('S-1', { price: 100.5 }), engine.snapshot(input)).approved).toBe(true);
    expect(engine.check(m('S-1', { quantity: 50 }), engine.snapshot(input)).approved).toBe(true);
    expect(engine.check(m('S-1', { quantity: 51 }), engine.snapshot(input)).reasons[0]!.code).toBe('TRADING_REDUCING');
    expect(engine.check(m('B-1', { price: 98 }), engine.snapshot(input)).reasons[0]!.code).toBe('TRADING_REDUCING');
    engine.setTradingState('HALTED', 'test');
    expect(engine.check(m('S-1', { price: 100.5 }), engine.snapshot(input)).reasons[0]!.code).toBe('TRADING_HALTED');
  });

  it('halts, cancels every open order and flattens positions on the kill switch, and emits it', () => {
    const { engine } = makeEngine();
    const seen: TradingStateChange[] = [];
    engine.events.on('tradingState', (c) => seen.push(c));
    let emitted = 0;
    engine.events.on('killSwitch', (k) => (emitted = k.commands.length));
    const commands = engine.killSwitch({
      reason: 'operator',
      flatten: true,
      openOrders: [openOrder({ id: 'A', quantity: 1, price: 99 }), openOrder({ id: 'B', instrumentId: es.id, quantity: 1, price: 4700 })],
      positions: [
        { instrumentId: aapl.id, quantity: new Decimal(30) },
        { instrumentId: btc.id, quantity: new Decimal('-0.5') },
        { instrumentId: es.id, quantity: new Decimal(0) },
      ],
    });
    expect(engine.tradingState).toBe('HALTED');
    expect(seen).toEqual([{ from: 'ACTIVE', to: 'HALTED', reason: 'kill switch: operator', ts: T0 }]);
    expect(commands.map((c) => `${c.type} ${c.clientOrderId} ${c.type === 'SubmitOrder' ? `${c.side} ${c.quantity.toString()} reduceOnly=${c.reduceOnly}` : ''}`.trim())).toEqual([
      'CancelOrder A',
      'CancelOrder B',
      'SubmitOrder RISK-KILL-1 SELL 30 reduceOnly=true',
      'SubmitOrder RISK-KILL-2 BUY 0.5 reduceOnly=true',
    ]);
    expect(emitted).toBe(4);
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot(base)).approved).toBe(false);
    engine.setTradingState('ACTIVE', 'resume');
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot(base)).approved).toBe(true);
  });
});

describe('RiskEngine circuit breakers', () => {
  it('trips the loss breaker to REDUCING, alerts, refuses a reset during the cool-down, then resets by hand', () => {
    const { engine, clock } = makeEngine({ breakers: { loss: { limit: '1000', action: 'REDUCING', coolDownMs: 60_000 } } });
    const alerts: BreakerAlert[] = [];
    engine.events.on('alert', (a) => alerts.push(a));
    engine.observeEquity('100000');
    engine.observeEquity('99000');
    expect(engine.tradingState).toBe('ACTIVE');
    clock.advanceTo(T0 + 1000);
    engine.observeEquity('98999.99');
    expect(engine.tradingState).toBe('REDUCING');
    expect(alerts).toMatchObject([{ type: 'BreakerTripped', breaker: 'loss', action: 'REDUCING', ts: T0 + 1000, value: '1000.01', limit: '1000' }]);
    expect(() => engine.resetBreaker('loss')).toThrow(/cooling down until/);
    clock.advanceTo(T0 + 61_000);
    engine.resetBreaker('loss');
    expect(engine.tradingState).toBe('ACTIVE');
    expect(alerts.at(-1)).toMatchObject({ type: 'BreakerReset', breaker: 'loss' });
  });

  it('resets an auto-reset breaker on the clock at the end of the cool-down', () => {
    const { engine, clock } = makeEngine({ breakers: { drawdown: { limit: '0.05', action: 'HALTED', coolDownMs: 10_000, autoReset: true } } });
    engine.observeEquity('100000');
    engine.observeEquity('94000');
    expect(engine.tradingState).toBe('HALTED');
    clock.advanceTo(T0 + 9_999);
    expect(engine.tradingState).toBe('HALTED');
    clock.advanceTo(T0 + 10_000);
    expect(engine.tradingState).toBe('ACTIVE');
    engine.observeEquity('94000'); // still beyond the limit: trips again
    expect(engine.tradingState).toBe('HALTED');
  });

  it('trips the venue-error breaker after consecutive rejections, a fill resetting the count', () => {
    const { engine } = makeEngine({ breakers: { venueErrors: { maxConsecutive: 3, action: 'HALTED' } } });
    const ev = (type: 'OrderRejected' | 'OrderFilled'): OrderEvent => ({ type, clientOrderId: 'x', strategyId: 's', instrumentId: aapl.id, ts: T0, tsInit: T0, reason: 'busy' }) as never;
    engine.onOrderEvent(ev('OrderRejected'));
    engine.onOrderEvent(ev('OrderRejected'));
    engine.onOrderEvent(ev('OrderFilled'));
    engine.onOrderEvent(ev('OrderRejected'));
    engine.onOrderEvent(ev('OrderRejected'));
    expect(engine.tradingState).toBe('ACTIVE');
    engine.onOrderEvent(ev('OrderRejected'));
    expect(engine.tradingState).toBe('HALTED');
    expect(engine.breakers()).toMatchObject([{ breaker: 'venueErrors', action: 'HALTED' }]);
  });

  it('trips the volatility breaker when the window return is beyond k standard deviations', () => {
    const { engine, clock } = makeEngine({ breakers: { volatility: { windowMs: 5 * 60_000, k: 6, lookback: 50, minObservations: 20, action: 'REDUCING' } } });
    const alerts: BreakerAlert[] = [];
    engine.events.on('alert', (a) => alerts.push(a));
    // Quiet minute bars oscillating +-0.1%, then a 3% drop within one window.
    let p = 100;
    for (let m = 0; m < 60; m++) {
      clock.advanceTo(T0 + m * 60_000);
      p *= m % 2 === 0 ? 1.001 : 1 / 1.001;
      engine.observePrice(aapl.id, p);
    }
    expect(engine.tradingState).toBe('ACTIVE');
    clock.advanceTo(T0 + 60 * 60_000);
    engine.observePrice(aapl.id, p * 0.97);
    expect(engine.tradingState).toBe('REDUCING');
    expect(alerts[0]).toMatchObject({ breaker: 'volatility', instrumentId: aapl.id });
  });

  it('starts the trading day at the configured time zone boundary', () => {
    // New York midnight on 2024-01-03 is 05:00 UTC.
    const { engine, clock } = makeEngine({ dailyReset: { timeZone: 'America/New_York', hour: 0 }, limits: { dailyLoss: '500' } });
    const state = () => engine.snapshot({ ...base, equity: '99000' });
    clock.advanceTo(Date.UTC(2024, 0, 3, 4, 59));
    engine.observeEquity('100000');
    engine.observeEquity('99000');
    expect(engine.check(submit({ quantity: 1, price: 100 }), state()).reasons.map((r) => r.code)).toEqual(['DAILY_LOSS']);
    clock.advanceTo(Date.UTC(2024, 0, 3, 5, 0));
    engine.observeEquity('99000');
    expect(engine.check(submit({ quantity: 1, price: 100 }), state()).approved).toBe(true);
    // The new day starts from the last equity before the boundary: a loss counts from there.
    engine.observeEquity('98400');
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot({ ...base, equity: '98400' })).reasons.map((r) => r.code)).toEqual(['DAILY_LOSS']);
  });

  it('follows daylight saving time: New York midnight is 04:00 UTC in July', () => {
    const { engine, clock } = makeEngine({ dailyReset: { timeZone: 'America/New_York', hour: 0 }, limits: { dailyLoss: '500' } });
    clock.advanceTo(Date.UTC(2024, 6, 2, 3, 59));
    engine.observeEquity('100000');
    clock.advanceTo(Date.UTC(2024, 6, 2, 4, 0));
    engine.observeEquity('99000');
    // Day start for July 2 (NY) is the 03:59 UTC equity of July 1 (NY): a 1000 loss.
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot({ ...base, equity: '99000' })).reasons.map((r) => r.code)).toEqual(['DAILY_LOSS']);
    clock.advanceTo(Date.UTC(2024, 6, 3, 3, 59));
    engine.observeEquity('99000');
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot({ ...base, equity: '99000' })).reasons.map((r) => r.code)).toEqual(['DAILY_LOSS']);
    clock.advanceTo(Date.UTC(2024, 6, 3, 4, 0));
    engine.observeEquity('99000');
    expect(engine.check(submit({ quantity: 1, price: 100 }), engine.snapshot({ ...base, equity: '99000' })).approved).toBe(true);
  });
});

describe('RiskEngine audit trail', () => {
  it('writes every decision and state change as hash-chained JSON lines that verify', () => {
    const lines: string[] = [];
    const { engine } = makeEngine({ limits: { maxOrderNotional: '1000' }, audit: { sink: (l) => lines.push(l), keepInMemory: true } });
    engine.evaluate(submit({ quantity: 5, price: 100 }), base);
    engine.evaluate(submit({ quantity: 50, price: 100 }), base);
    engine.killSwitch({ reason: 'test' });
    expect(lines).toEqual(engine.audit.lines());
    expect(lines.map((l) => JSON.parse(l).kind)).toEqual(['decision', 'decision', 'tradingState', 'killSwitch']);
    const denied = JSON.parse(lines[1]!).data.decision;
    expect(denied.reasons[0]).toMatchObject({ code: 'MAX_ORDER_NOTIONAL', limit: '1000', actual: '5000' });
    expect(verifyAuditTrail(lines)).toEqual({ valid: true, count: 4, head: engine.audit.head });
  });
});
