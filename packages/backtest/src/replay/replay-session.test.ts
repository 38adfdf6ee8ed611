/**
 * replaySession on journals written here with FileJournal: the simulation buys 2 BTC at the open of bar 1
 * (101) and sells them at the open of bar 3 (104), commission 0.1% (0.202 and 0.208): simulated P&L
 * 2·(104 - 101) - 0.41 = 5.59. Each live session differs from it in one known way, and every expected
 * amount below is computed by hand from the formulas (docs/replay.md), with P = 106 (the last close).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { take, map } from 'rxjs';
import { BacktestClock, Decimal, OrderFactory, ValidationError, defineInstrument, instrumentRegistry, strategyId, tradeId, venueOrderId, type Bar, type Pipeline } from '@rxtrade/core';
import { FileJournal } from '@rxtrade/execution';
import { runBacktest } from '../run-backtest';
import { replaySession, type ReplayConfig, type ReplayResult } from './replay-session';
import { replayResultToJson, replayTable } from './replay-table';
import { MINUTE, T0, bars, btc, buyThenSell, identicalSession, writeLiveSession, type LiveOrderSpec } from './__fixtures__/replay-session-fixture';

const work = mkdtempSync(join(tmpdir(), 'rxtrade-replay-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const config: ReplayConfig = { instruments: [btc], ledger: { startingCash: 10_000 }, venue: { commission: 0.001 } };

async function replay(orders: readonly LiveOrderSpec[], extra: Partial<ReplayConfig> = {}): Promise<ReplayResult> {
  const dir = join(work, `s${++n}`);
  await writeLiveSession(dir, orders);
  return replaySession(dir, buyThenSell(2), { ...config, ...extra });
}

const d = (v: Decimal): string => v.toString();

/** The causes of a result as strings, for exact comparison. */
function causes(r: ReplayResult): Record<string, string> {
  const t = r.totals;
  return { slippage: d(t.slippage), latency: d(t.latency), fillQuantity: d(t.fillQuantity), fees: d(t.fees), funding: d(t.funding), unexplained: d(t.unexplained), total: d(t.total) };
}

/** The totals of the rows and the causes reconcile with the P&L difference, exactly. */
function expectReconciled(r: ReplayResult): void {
  const t = r.totals;
  expect(d(r.simPnl.minus(r.livePnl))).toBe(d(t.total));
  expect(d(t.slippage.plus(t.latency).plus(t.fillQuantity).plus(t.fees).plus(t.funding).plus(t.unexplained))).toBe(d(t.total));
  const rows = r.rows.reduce((a, row) => a.plus(row.total), new Decimal(0));
  expect(d(rows.plus(t.funding).plus(t.unexplained))).toBe(d(t.total));
  for (const row of r.rows) expect(d(row.slippage.plus(row.latency).plus(row.fillQuantity).plus(row.fees))).toBe(d(row.total));
}

const zero = { slippage: '0', latency: '0', fillQuantity: '0', fees: '0', funding: '0', unexplained: '0', total: '0' };

describe('replaySession', () => {
  it('attributes nothing to a session identical to the simulation', async () => {
    const r = await replay(identicalSession);
    expect(r.matchedBy).toBe('clientOrderId');
    expect(r.rows.map((row) => [row.clientOrderId, row.simClientOrderId, row.sentBy, d(row.live.quantity), d(row.sim.quantity)])).toEqual([
      ['live-1', 'live-1', 'both', '2', '2'],
      ['live-2', 'live-2', 'both', '2', '2'],
    ]);
    expect(causes(r)).toEqual(zero);
    for (const row of r.rows) expect([d(row.slippage), d(row.latency), d(row.fillQuantity), d(row.fees)]).toEqual(['0', '0', '0', '0']);
    // 2·(104 - 101) - 0.202 - 0.208, both ways: from the live fills and from the simulation's ledger.
    expect(d(r.livePnl)).toBe('5.59');
    expect(d(r.simPnl)).toBe('5.59');
    expect(d(r.lastPrices[btc.id]!)).toBe('106');
    expect(r.summary).toEqual({ journalRecords: 15, marketEvents: 5, liveOrders: 2, simOrders: 2, matchedOrders: 2, liveFills: 2, simFills: 2 });
    expectReconciled(r);
  });

  it('gives the simulation the same result as runBacktest on the recorded bars', async () => {
    const r = await replay(identicalSession);
    const direct = await runBacktest(buyThenSell(2), { data: bars, ...config, strategyId: 'live' });
    expect(r.simulation.fills.map((f) => [f.clientOrderId, d(f.price), d(f.quantity), d(f.commission), f.ts])).toEqual(
      direct.fills.map((f) => [f.clientOrderId, d(f.price), d(f.quantity), d(f.commission), f.ts]),
    );
    expect(d(r.simulation.summary.finalEquity)).toBe(d(direct.summary.finalEquity));
  });

  it('attributes worse live fill prices to slippage, to the cent', async () => {
    // Bought 0.05 higher and sold 0.10 lower, at the simulation's times: 2·0.05 + 2·0.10 = 0.30.
    const r = await replay([
      { ...identicalSession[0]!, fills: [{ ts: T0 + MINUTE, quantity: '2', price: '101.05', commission: '0.202' }] },
      { ...identicalSession[1]!, fills: [{ ts: T0 + 3 * MINUTE, quantity: '2', price: '103.9', commission: '0.208' }] },
    ]);
    expect(causes(r)).toEqual({ ...zero, slippage: '0.3', total: '0.3' });
    expect(r.rows.map((row) => d(row.slippage))).toEqual(['0.1', '0.2']);
    expect(d(r.livePnl)).toBe('5.29');
    expectReconciled(r);
  });

  it('values quantity the live venue did not fill from the simulated price to the last price', async () => {
    // The buy fills 1.5 of 2 live, then is canceled; the sell fills 2. Sim-only 0.5 bought at 101, worth
    // 106 at the end: +0.5·(106 - 101) = 2.5. Fees: live 0.1515 (0.1% of 151.5) vs 0.202 simulated: -0.0505.
    const r = await replay([
      { ...identicalSession[0]!, fills: [{ ts: T0 + MINUTE, quantity: '1.5', price: '101', commission: '0.1515' }], canceledTs: T0 + MINUTE },
      identicalSession[1]!,
    ]);
    expect(causes(r)).toEqual({ ...zero, fillQuantity: '2.5', fees: '-0.0505', total: '2.4495' });
    expect(d(r.rows[0]!.matchedQuantity)).toBe('1.5');
    expect(d(r.rows[0]!.fillQuantity)).toBe('2.5');
    expect(d(r.rows[1]!.fillQuantity)).toBe('0');
    // Live: 1.5·(106 - 101) - 0.1515 - 2·(106 - 104) - 0.208 = 3.1405.
    expect(d(r.livePnl)).toBe('3.1405');
    expectReconciled(r);
  });

  it('values quantity only the live venue filled from its price to the last price, with the opposite sign', async () => {
    // Live sells 2.5 (an extra 0.5 at 104): that 0.5 short lost 0.5·(106 - 104) = 1 live: fill quantity -(-1·0.5·(106 - 104)) = +1.
    const r = await replay([
      identicalSession[0]!,
      { ...identicalSession[1]!, fills: [{ ts: T0 + 3 * MINUTE, quantity: '2.5', price: '104', commission: '0.26' }] },
    ]);
    expect(causes(r)).toEqual({ ...zero, fillQuantity: '1', fees: '0.052', total: '1.052' });
    expectReconciled(r);
  });

  it('attributes higher live commissions to fees', async () => {
    // 0.5 - 0.202 + 0.6 - 0.208 = 0.69.
    const r = await replay([
      { ...identicalSession[0]!, fills: [{ ts: T0 + MINUTE, quantity: '2', price: '101', commission: '0.5' }] },
      { ...identicalSession[1]!, fills: [{ ts: T0 + 3 * MINUTE, quantity: '2', price: '104', commission: '0.6' }] },
    ]);
    expect(causes(r)).toEqual({ ...zero, fees: '0.69', total: '0.69' });
    expect(r.rows.map((row) => d(row.fees))).toEqual(['0.298', '0.392']);
    expectReconciled(r);
  });

  it('attributes the market move during a late acknowledgement to latency, and the rest of the price to slippage', async () => {
    // The buy is acknowledged only at bar 2 and filled there at 102.03; the simulation filled at bar 1's
    // open. Latency: 2·(m(bar 2) - m(bar 1)) = 2·(102 - 101) = 2; slippage: 2·((102.03 - 102) - (101 - 101)) = 0.06.
    const r = await replay([
      { ...identicalSession[0]!, ackTs: T0 + 2 * MINUTE, fills: [{ ts: T0 + 2 * MINUTE, quantity: '2', price: '102.03', commission: '0.202' }] },
      identicalSession[1]!,
    ]);
    expect(causes(r)).toEqual({ ...zero, latency: '2', slippage: '0.06', total: '2.06' });
    expect(r.rows[0]!.liveAckTs).toBe(T0 + 2 * MINUTE);
    expect([d(r.rows[0]!.latency), d(r.rows[0]!.slippage)]).toEqual(['2', '0.06']);
    expectReconciled(r);
  });

  it('signs a sell filled late into a rising market as latency the live session lost', async () => {
    // The sell fills at bar 4's open (105) instead of bar 3's (104): a later sale at a higher price gained
    // -1·2·(105 - 104) = -2 (negative: live did better).
    const r = await replay([identicalSession[0]!, { ...identicalSession[1]!, fills: [{ ts: T0 + 4 * MINUTE, quantity: '2', price: '105', commission: '0.208' }] }]);
    expect(causes(r)).toEqual({ ...zero, latency: '-2', total: '-2' });
    expectReconciled(r);
  });

  it('attributes live funding to the funding row', async () => {
    // Live paid 1.25 in funding; the simulated venue has no funding: 0 - (-1.25) = 1.25.
    const r = await replay(identicalSession, { liveFunding: [{ instrumentId: btc.id, amount: '-1.25', currency: 'USDT', ts: T0 + 2 * MINUTE }] });
    expect(causes(r)).toEqual({ ...zero, funding: '1.25', total: '1.25' });
    expect(d(r.funding.live)).toBe('-1.25');
    expectReconciled(r);
  });

  it('matches by the sequence of orders when the replay issues other ids', async () => {
    const r = await replay(identicalSession, { idPrefix: 'bot' });
    expect(r.matchedBy).toBe('sequence');
    expect(r.rows.map((row) => [row.clientOrderId, row.simClientOrderId, row.matchedBy])).toEqual([
      ['live-1', 'bot-1', 'sequence'],
      ['live-2', 'bot-2', 'sequence'],
    ]);
    expect(causes(r)).toEqual(zero);
  });

  it('matches by id, then the orders left by sequence, as after a restart of the live node', async () => {
    // The live node names its orders <strategy>-r<run>-<n>; after a restart the run changes. The replay
    // issues the first run's prefix throughout: live-r0-1 matches by id, live-r9-1 by sequence.
    const r = await replay([
      { ...identicalSession[0]!, clientOrderId: 'live-r0-1' },
      { ...identicalSession[1]!, clientOrderId: 'live-r9-1' },
    ]);
    expect(r.matchedBy).toBe('clientOrderId');
    expect(r.rows.map((row) => [row.clientOrderId, row.simClientOrderId, row.matchedBy])).toEqual([
      ['live-r0-1', 'live-r0-1', 'clientOrderId'],
      ['live-r9-1', 'live-r0-2', 'sequence'],
    ]);
    expect(causes(r)).toEqual(zero);
  });

  it('gives an order only the simulation sent a row of its own', async () => {
    // Live never sent the sell: its row values the simulated sale from 104 to 106: -1·2·(106 - 104) = -4; fees -0.208.
    const r = await replay([identicalSession[0]!]);
    expect(r.rows.map((row) => [row.clientOrderId, row.sentBy, row.matchedBy, d(row.fillQuantity), d(row.fees)])).toEqual([
      ['live-1', 'both', 'clientOrderId', '0', '0'],
      ['live-2', 'sim', undefined, '-4', '-0.208'],
    ]);
    expect(causes(r)).toEqual({ ...zero, fillQuantity: '-4', fees: '-0.208', total: '-4.208' });
    expectReconciled(r);
  });

  it('prints a table and JSON with exact amounts', async () => {
    const r = await replay([
      { ...identicalSession[0]!, fills: [{ ts: T0 + MINUTE, quantity: '2', price: '101.05', commission: '0.202' }] },
      identicalSession[1]!,
    ]);
    const table = replayTable(r);
    expect(table).toContain('matched by clientOrderId; amounts in USDT, positive where live did worse');
    expect(table).toMatch(/live-1\s+BTCUSDT\.BINANCE\s+BUY\s+both\s+2\s+2\s+0\.1\s+0\s+0\s+0\s+0\.1/);
    expect(table).toMatch(/total \(sim - live\)\s+0\.1/);
    const json = replayResultToJson(r);
    expect(json.totals.slippage).toBe('0.1');
    expect(json.rows[0]!.live.averagePrice).toBe('101.05');
    expect('simulation' in json).toBe(false);
  });

  it('refuses a journal without market data and an unknown config key, naming them', async () => {
    const dir = join(work, 'no-data');
    await writeLiveSession(dir, identicalSession, { marketData: false });
    await expect(replaySession(dir, buyThenSell(2), config)).rejects.toThrow(/journal\.marketData: .*holds no market data/);
    await expect(replaySession(dir, buyThenSell(2), { ...config, fundng: [] } as ReplayConfig)).rejects.toThrow(ValidationError);
    await expect(replaySession(dir, buyThenSell(2), { ...config, fundng: [] } as ReplayConfig)).rejects.toThrow(/config\.fundng/);
    await expect(
      replaySession(dir, buyThenSell(2), { ...config, liveFunding: [{ instrumentId: btc.id, amount: 'x', currency: 'USDT', ts: 0 }] }),
    ).rejects.toThrow(/config\.liveFunding\[0\]\.amount/);
  });

  it('takes simulated funding from the ledger and sets it against the live funding', async () => {
    // A perpetual with hourly closes 30000 + 100 i (open = close). Long 2 from 01:00 at 30100, live and
    // simulated. Simulated funding at 08:00: -2 × 30700 × 0.0001 = -6.14; at 16:00: +2 × 31500 × 0.0002
    // = +12.60; net +6.46. The live venue booked only the first payment: funding 6.46 - (-6.14) = 12.6.
    const HOUR = 3_600_000;
    const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'SIM', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
    const start = Date.UTC(2024, 0, 1);
    const perpBars: Bar[] = Array.from({ length: 20 }, (_, i) => {
      const c = 30_000 + 100 * i;
      return { type: 'Bar', instrumentId: perp.id, ts: start + i * HOUR, open: c, high: c + 1, low: c - 1, close: c, volume: 1000 };
    });
    const buyOnce: Pipeline = (ctx) => ctx.market.bars(perp.id).pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: perp.id, side: 'BUY', quantity: 2 })));
    const dir = join(work, 'perp');
    const journal = await FileJournal.open({ dir, fsync: 'never' });
    for (const bar of perpBars) await journal.append({ ts: bar.ts, kind: 'marketData', payload: bar });
    const command = new OrderFactory(new BacktestClock(start), instrumentRegistry([perp]), strategyId('perp')).market({ instrumentId: perp.id, side: 'BUY', quantity: 2 });
    await journal.append({ ts: start, kind: 'command', payload: command });
    await journal.append({
      ts: start + HOUR,
      kind: 'orderEvent',
      payload: {
        type: 'OrderFilled', tradeId: tradeId('T-1'), clientOrderId: command.clientOrderId, venueOrderId: venueOrderId('V-1'), strategyId: command.strategyId,
        instrumentId: perp.id, side: 'BUY', quantity: new Decimal(2), price: new Decimal(30100), commission: new Decimal(0), commissionCurrency: 'USDT',
        liquiditySide: 'TAKER', ts: start + HOUR, tsInit: start + HOUR,
      },
    });
    await journal.close();
    const rates = [
      { instrumentId: perp.id, ts: start, rate: 0.0001 },
      { instrumentId: perp.id, ts: start + 12 * HOUR, rate: -0.0002 },
    ];
    const r = await replaySession(dir, buyOnce, {
      instruments: [perp], ledger: { startingCash: 100_000 }, venue: { funding: { rates } },
      liveFunding: [{ instrumentId: perp.id, amount: '-6.14', currency: 'USDT', ts: start + 8 * HOUR }],
    });
    expect(d(r.funding.sim)).toBe('6.46');
    expect(causes(r)).toEqual({ ...zero, funding: '12.6', total: '12.6' });
    // Live: 2·(31900 - 30100) - 6.14; simulated: the ledger's 103606.46 - 100000.
    expect(d(r.livePnl)).toBe('3593.86');
    expect(d(r.simPnl)).toBe('3606.46');
    expectReconciled(r);
  });

  it('takes the live funding from the journal, where a live node records each payment', async () => {
    // The session above, with the live venue's payment journaled by the node instead of passed in: the same figures.
    const HOUR = 3_600_000;
    const perp = defineInstrument({ symbol: 'BTCUSDT-PERP', venue: 'SIM', assetClass: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
    const start = Date.UTC(2024, 0, 1);
    const dir = join(work, 'perp-journaled');
    const journal = await FileJournal.open({ dir, fsync: 'never' });
    for (let i = 0; i < 20; i++) {
      const c = 30_000 + 100 * i;
      await journal.append({ ts: start + i * HOUR, kind: 'marketData', payload: { type: 'Bar', instrumentId: perp.id, ts: start + i * HOUR, open: c, high: c + 1, low: c - 1, close: c, volume: 1000 } });
    }
    const command = new OrderFactory(new BacktestClock(start), instrumentRegistry([perp]), strategyId('perp')).market({ instrumentId: perp.id, side: 'BUY', quantity: 2 });
    await journal.append({ ts: start, kind: 'command', payload: command });
    await journal.append({
      ts: start + HOUR,
      kind: 'orderEvent',
      payload: {
        type: 'OrderFilled', tradeId: tradeId('T-1'), clientOrderId: command.clientOrderId, venueOrderId: venueOrderId('V-1'), strategyId: command.strategyId,
        instrumentId: perp.id, side: 'BUY', quantity: new Decimal(2), price: new Decimal(30100), commission: new Decimal(0), commissionCurrency: 'USDT',
        liquiditySide: 'TAKER', ts: start + HOUR, tsInit: start + HOUR,
      },
    });
    const paid = { type: 'FundingPayment', instrumentId: perp.id, rate: 0.0001, positionQuantity: new Decimal(2), markPrice: new Decimal(30700), amount: new Decimal('-6.14'), currency: 'USDT', ts: start + 8 * HOUR } as const;
    await journal.append({ ts: start + 8 * HOUR, kind: 'funding', payload: paid });
    await journal.close();
    const buyOnce: Pipeline = (ctx) => ctx.market.bars(perp.id).pipe(take(1), map(() => ctx.orderFactory.market({ instrumentId: perp.id, side: 'BUY', quantity: 2 })));
    const rates = [
      { instrumentId: perp.id, ts: start, rate: 0.0001 },
      { instrumentId: perp.id, ts: start + 12 * HOUR, rate: -0.0002 },
    ];
    const r = await replaySession(dir, buyOnce, { instruments: [perp], ledger: { startingCash: 100_000 }, venue: { funding: { rates } } });
    expect([d(r.funding.live), d(r.funding.sim), d(r.livePnl), d(r.simPnl)]).toEqual(['-6.14', '6.46', '3593.86', '3606.46']);
    expect(causes(r)).toEqual({ ...zero, funding: '12.6', total: '12.6' });
    expectReconciled(r);
  });
});
