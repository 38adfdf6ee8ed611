import {
  Decimal,
  ValidationError,
  clientOrderId,
  defineInstrument,
  instrumentRegistry,
  tradeId,
  venueOrderId,
  type Balance,
  type DecimalLike,
  type Fill,
  type Instrument,
  type OrderSide,
} from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { btc, goog } from '../__fixtures__/setup';
import { SimulatedAccount } from './simulated-account';

const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'BINANCE', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
const eth = defineInstrument({ symbol: 'ETHUSDT-PERP', venue: 'BINANCE', assetClass: 'perpetual', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.01' });
const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
const instruments = instrumentRegistry([goog, btc, perp, eth, es]);

let seq = 0;
function fill(id: string, instrument: Instrument, side: OrderSide, quantity: DecimalLike, price: DecimalLike, commission: DecimalLike = 0, ts = 0): Fill {
  seq++;
  return {
    tradeId: tradeId(`T-${seq}`),
    clientOrderId: clientOrderId(id),
    venueOrderId: venueOrderId(`V-${id}`),
    instrumentId: instrument.id,
    side,
    quantity: new Decimal(quantity),
    price: new Decimal(price),
    commission: new Decimal(commission),
    commissionCurrency: instrument.quote,
    liquiditySide: 'TAKER',
    ts,
  };
}
const d = (v: DecimalLike) => new Decimal(v);
const balance = (account: SimulatedAccount, currency: string): Record<string, string> => {
  const b = account.balances().find((x: Balance) => x.currency === currency);
  if (!b) throw new Error(`no ${currency} balance`);
  return { total: b.total.toString(), locked: b.locked.toString(), free: b.free.toString() };
};

describe('SimulatedAccount (CASH)', () => {
  it('reserves a buy notional and refuses a buy beyond the free cash, naming the figures', () => {
    const account = new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USD: 10_000 } });
    // 50 * 180 = 9000 reserved of 10000.
    expect(account.reserve(clientOrderId('O-1'), goog, 'BUY', d(50), d(180), false)).toBeUndefined();
    expect(balance(account, 'USD')).toEqual({ total: '10000', locked: '9000', free: '1000' });
    // 10 * 180 = 1800 > 1000 free.
    expect(account.reserve(clientOrderId('O-2'), goog, 'BUY', d(10), d(180), false)).toBe('insufficient cash: order needs 1800 USD, free cash is 1000 USD');
  });

  it('moves cash and base on fills, shrinks the reservation, and releases the rest', () => {
    const account = new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USD: 10_000 } });
    account.reserve(clientOrderId('O-1'), goog, 'BUY', d(50), d(180), false);
    // 30 @ 179.50 = 5385, commission 1: cash 10000 - 5385 - 1 = 4614; 20 left reserved at 180 = 3600.
    account.applyFill(fill('O-1', goog, 'BUY', 30, '179.50', 1));
    expect(balance(account, 'USD')).toEqual({ total: '4614', locked: '3600', free: '1014' });
    expect(balance(account, 'GOOG')).toEqual({ total: '30', locked: '0', free: '30' });
    account.release(clientOrderId('O-1'));
    expect(balance(account, 'USD')).toEqual({ total: '4614', locked: '0', free: '4614' });
    // Marked at 185: unrealized (185 - 179.5) * 30 = 165.
    account.mark(goog.id, 185);
    const [position] = account.positions();
    expect(position?.quantity.toString()).toBe('30');
    expect(position?.avgPrice.toString()).toBe('179.5');
    expect(position?.unrealizedPnl.toString()).toBe('165');
  });

  it('refuses a sell not covered by the free base asset: no shorting in a cash account', () => {
    const account = new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { BTC: 1, USDT: 0 } });
    expect(account.reserve(clientOrderId('S-1'), btc, 'SELL', d('0.6'), d(50000), false)).toBeUndefined();
    expect(balance(account, 'BTC')).toEqual({ total: '1', locked: '0.6', free: '0.4' });
    expect(account.reserve(clientOrderId('S-2'), btc, 'SELL', d('0.5'), d(50000), false)).toBe(
      'insufficient BTC: order sells 0.5 BTC, free BTC is 0.4 (a CASH account cannot sell short)',
    );
    // 0.6 @ 50000 = 30000, commission 30 USDT -> USDT 29970, BTC 0.4.
    account.applyFill(fill('S-1', btc, 'SELL', '0.6', 50000, 30));
    expect(balance(account, 'USDT')).toEqual({ total: '29970', locked: '0', free: '29970' });
    expect(balance(account, 'BTC')).toEqual({ total: '0.4', locked: '0', free: '0.4' });
    expect(account.reserve(clientOrderId('S-3'), goog, 'SELL', d(1), d(100), false)).toBe('insufficient GOOG: order sells 1 GOOG, free GOOG is 0 (a CASH account cannot sell short)');
  });

  it('refuses perpetuals and futures, which need a margin account', () => {
    const account = new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USDT: 1_000_000 } });
    expect(account.reserve(clientOrderId('O-1'), perp, 'BUY', d('0.001'), d(50000), false)).toMatch(/CASH account cannot trade perpetual BTCUSDT-PERP\.BINANCE/);
  });

  it('replaces the reservation when the same order is reserved again (a modify)', () => {
    const account = new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USD: 10_000 } });
    account.reserve(clientOrderId('O-1'), goog, 'BUY', d(50), d(180), false);
    account.reserve(clientOrderId('O-1'), goog, 'BUY', d(20), d(170), false);
    // 20 * 170 = 3400.
    expect(balance(account, 'USD').locked).toBe('3400');
  });
});

describe('SimulatedAccount (MARGIN)', () => {
  it('refuses an order whose initial margin exceeds the free margin, naming the figures', () => {
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 1500 }, maxLeverage: 5 });
    // 0.2 * 50000 = 10000 notional / 5 = 2000 initial margin > 1500.
    expect(account.reserve(clientOrderId('O-1'), perp, 'BUY', d('0.2'), d(50000), false)).toBe(
      'insufficient margin: order needs 2000 USDT initial margin at 5x, free margin is 1500 USDT',
    );
  });

  it('books a long: margin in use, equity at the mark, realized P&L on close', () => {
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 1500 }, maxLeverage: 5 });
    // 0.1 * 50000 / 5 = 1000 reserved.
    expect(account.reserve(clientOrderId('O-1'), perp, 'BUY', d('0.1'), d(50000), false)).toBeUndefined();
    expect(balance(account, 'USDT')).toEqual({ total: '1500', locked: '1000', free: '500' });
    // Filled with 2 USDT commission: cash 1498; margin in use 0.1 * 50000 / 5 = 1000 (mark = avg).
    account.applyFill(fill('O-1', perp, 'BUY', '0.1', 50000, 2));
    expect(balance(account, 'USDT')).toEqual({ total: '1498', locked: '1000', free: '498' });
    // Mark 52000: unrealized 0.1 * 2000 = 200 -> equity 1698; margin 0.1 * 52000 / 5 = 1040; free 658.
    account.mark(perp.id, 52000);
    expect(balance(account, 'USDT')).toEqual({ total: '1698', locked: '1040', free: '658' });
    // A sell of 0.3 reduces 0.1 and opens 0.2 short: 0.2 * 52000 / 5 = 2080 > 658.
    expect(account.reserve(clientOrderId('O-2'), perp, 'SELL', d('0.3'), d(52000), false)).toBe(
      'insufficient margin: order needs 2080 USDT initial margin at 5x, free margin is 658 USDT',
    );
    // Closing 0.1 needs no margin; filled at 52000: realized 0.1 * 2000 = 200 -> cash 1698, flat.
    expect(account.reserve(clientOrderId('O-3'), perp, 'SELL', d('0.1'), d(52000), false)).toBeUndefined();
    expect(balance(account, 'USDT').locked).toBe('1040');
    account.applyFill(fill('O-3', perp, 'SELL', '0.1', 52000));
    expect(balance(account, 'USDT')).toEqual({ total: '1698', locked: '0', free: '1698' });
    expect(account.positions()).toEqual([]);
    expect(account.position(perp.id).realizedPnl.toString()).toBe('200');
  });

  it('books a short, then a flip to long at the fill price', () => {
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 10_000 }, maxLeverage: 2 });
    account.reserve(clientOrderId('O-1'), eth, 'SELL', d(1), d(100), false);
    account.applyFill(fill('O-1', eth, 'SELL', 1, 100));
    // Mark 90: short gains (100 - 90) * 1 = 10; equity 10010; margin 1 * 90 / 2 = 45.
    account.mark(eth.id, 90);
    expect(balance(account, 'USDT')).toEqual({ total: '10010', locked: '45', free: '9965' });
    // Buy 3 at 90: closes 1 (realized 10) and opens 2 long at 90.
    account.reserve(clientOrderId('O-2'), eth, 'BUY', d(3), d(90), false);
    // Reserved for the 2 that increase exposure: 2 * 90 / 2 = 90.
    expect(balance(account, 'USDT').locked).toBe('135');
    account.applyFill(fill('O-2', eth, 'BUY', 3, 90));
    const position = account.position(eth.id);
    expect([position.quantity.toString(), position.avgPrice.toString(), position.realizedPnl.toString()]).toEqual(['2', '90', '10']);
    // Cash 10000 + 10; margin 2 * 90 / 2 = 90; nothing reserved.
    expect(balance(account, 'USDT')).toEqual({ total: '10010', locked: '90', free: '9920' });
  });

  it('needs no margin for a reduce-only order and does not count one reduction twice', () => {
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 1000 }, maxLeverage: 10 });
    // 0.2 * 50000 / 10 = 1000: the whole free margin.
    expect(account.reserve(clientOrderId('O-1'), perp, 'BUY', d('0.2'), d(50000), false)).toBeUndefined();
    account.applyFill(fill('O-1', perp, 'BUY', '0.2', 50000));
    expect(balance(account, 'USDT').free).toBe('0');
    expect(account.reserve(clientOrderId('R-1'), perp, 'SELL', d('0.2'), d(50000), true)).toBeUndefined();
    // A second plain sell of 0.2: the position is already being reduced by R-1, so it opens a short:
    // 0.2 * 50000 / 10 = 1000 > 0 free.
    expect(account.reserve(clientOrderId('S-2'), perp, 'SELL', d('0.2'), d(50000), false)).toBe(
      'insufficient margin: order needs 1000 USDT initial margin at 10x, free margin is 0 USDT',
    );
  });

  it('flags a margin call when equity falls below the maintenance margin (default half the initial)', () => {
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 1000 }, maxLeverage: 10 });
    expect(account.maintenanceMarginRate.toString()).toBe('0.05');
    account.reserve(clientOrderId('O-1'), perp, 'BUY', d('0.2'), d(50000), false);
    account.applyFill(fill('O-1', perp, 'BUY', '0.2', 50000));
    // Mark 48000: equity 1000 - 400 = 600; maintenance 0.2 * 48000 * 0.05 = 480 -> no call.
    account.mark(perp.id, 48000);
    expect(account.maintenanceMargin('USDT').toString()).toBe('480');
    expect(account.marginCall('USDT')).toBe(false);
    // Mark 46000: equity 1000 - 800 = 200 < 0.2 * 46000 * 0.05 = 460.
    account.mark(perp.id, 46000);
    expect(account.equity('USDT').toString()).toBe('200');
    expect(account.marginCall('USDT')).toBe(true);
  });

  it('multiplies futures notional by the contract multiplier and books funding to cash', () => {
    const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USD: 60_000, USDT: 100 }, maxLeverage: 10 });
    // 2 * 5000 * 50 / 10 = 50000 initial margin.
    expect(account.reserve(clientOrderId('O-1'), es, 'BUY', d(2), d(5000), false)).toBeUndefined();
    expect(balance(account, 'USD').locked).toBe('50000');
    account.applyFill(fill('O-1', es, 'BUY', 2, 5000));
    // Mark 5010.25: unrealized 10.25 * 2 * 50 = 1025.
    account.mark(es.id, 5010.25);
    expect(account.equity('USD').toString()).toBe('61025');
    account.applyFunding({ type: 'FundingPayment', instrumentId: perp.id, rate: 0.0001, positionQuantity: d(-1), markPrice: d(50000), amount: d(5), currency: 'USDT', ts: 0 });
    expect(balance(account, 'USDT').total).toBe('105');
  });

  it('validates its config, naming the field', () => {
    expect(() => new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USD: 1 }, maxLeverage: 5 })).toThrow(/SimulatedAccount\.maxLeverage: a CASH account has no leverage/);
    expect(() => new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USD: -1 } })).toThrow(/SimulatedAccount\.startingBalances\.USD: must be >= 0/);
    expect(() => new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: {}, maxLeverage: 0.5 })).toThrow(ValidationError);
    expect(() => new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: {}, maxLeverage: 5, maintenanceMarginRate: 0.3 })).toThrow(/maintenanceMarginRate: must be at most the initial margin rate/);
  });

  it('keeps equity equal to the start plus the fills cash flows valued at the mark (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 50 }), price: fc.integer({ min: 80, max: 120 }) }), { maxLength: 30 }),
        fc.integer({ min: 80, max: 120 }),
        (fills, mark) => {
          const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USD: 1_000_000 }, maxLeverage: 1 });
          // Independent: P&L = sum of -signed quantity * price * 50 over fills + final position * mark * 50.
          let position = new Decimal(0);
          let flows = new Decimal(0);
          fills.forEach((f, i) => {
            account.applyFill(fill(`F-${i}`, es, f.buy ? 'BUY' : 'SELL', f.qty, f.price));
            const signed = new Decimal(f.buy ? f.qty : -f.qty);
            position = position.add(signed);
            flows = flows.sub(signed.mul(f.price).mul(50));
          });
          account.mark(es.id, mark);
          const pnl = flows.add(position.mul(mark).mul(50));
          const p = account.position(es.id);
          // A partial close divides the cost (e.g. 890 / 11): Decimal keeps 34 significant digits, so allow 1e-20.
          const close = (a: Decimal, b: Decimal) => a.sub(b).abs().lte('1e-20');
          return close(account.equity('USD'), pnl.add(1_000_000)) && p.quantity.eq(position) && close(p.realizedPnl.add(p.unrealizedPnl), pnl);
        },
      ),
      { numRuns: 300 },
    );
  });
});
