/**
 * Latency of RiskEngine.check with every gate enabled, on a state of 100 positions and 50 open orders:
 * p50 / p99 / p99.9 over 1,000,000 checks, each timed with process.hrtime.bigint(); the timer's own cost
 * (median of back-to-back reads, measured in the same run) is reported and subtracted. Warm-up first, no
 * forced GC. A hand-written baseline (the single max-notional gate computed with decimal.js per check)
 * is timed the same way, and the ratio printed.
 *
 * Run from the repository root:
 *   npx tsx --conditions=@rxtrade/source packages/risk/bench/check-latency.bench.ts
 */
import { BacktestClock, Decimal, defineInstrument, type ClientOrderId, type InstrumentId, type StrategyId, type SubmitOrder } from '@rxtrade/core';
import { RiskEngine, type RiskOpenOrderInput, type RiskPositionInput } from '../src/index';

const N_INSTRUMENTS = 100;
const CHECKS = Number(process.env.CHECKS ?? 1_000_000);
const WARMUP = 200_000;

// Deterministic pseudo-random numbers (no Math.random: the run is reproducible).
let seed = 12345;
const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);

const instruments = Array.from({ length: N_INSTRUMENTS }, (_, i) =>
  defineInstrument({ symbol: `S${i}`, venue: i % 3 === 0 ? 'NYSE' : 'NASDAQ', assetClass: 'stock', base: `S${i}`, quote: 'USD', tickSize: '0.01', lotSize: '1', minNotional: '1' }),
);
const last = instruments.map(() => Math.round((20 + rand() * 480) * 100) / 100);
const sectors = ['tech', 'energy', 'health', 'finance', 'consumer'];
const tags = Object.fromEntries(instruments.map((inst, i) => [inst.id, [sectors[i % sectors.length]!, i % 2 === 0 ? 'large' : 'small']]));
// A covariance matrix with one common factor: cov = b_i b_j s_m^2 + diag(s_i^2).
const beta = instruments.map(() => 0.5 + rand());
const covariance = instruments.map((_, i) => instruments.map((__, j) => beta[i]! * beta[j]! * 0.0001 + (i === j ? 0.0002 : 0)));

const clock = new BacktestClock(Date.UTC(2024, 0, 2, 15, 0));
const engine = new RiskEngine({
  clock,
  instruments,
  tags,
  limits: {
    instrumentRules: true,
    maxOrderQuantity: 5000,
    maxOrderNotional: '250000',
    maxPosition: 20000,
    maxGrossExposure: '50000000',
    maxNetExposure: '30000000',
    maxLeverage: '4',
    maxConcentration: '0.25',
    maxTagConcentration: '0.6',
    priceCollar: { maxDeviation: '0.05', reference: 'last' },
    maxOpenOrders: 500,
    maxSubmitRate: { count: 1000, windowMs: 1000 },
    maxModifyRate: { count: 1000, windowMs: 1000 },
    dailyLoss: '500000',
    maxDrawdown: '0.2',
    capitalThreshold: '60000000',
    duplicateOrders: true,
    maxVar: 5_000_000,
  },
  overrides: { venues: { NYSE: { maxOrderNotional: '300000' } }, strategies: { bench: { maxPosition: 25000 } } },
  varModel: { confidence: 0.99, horizonDays: 1, instruments: instruments.map((i) => i.id), covariance },
  audit: { keepInMemory: false },
});

const positions: RiskPositionInput[] = instruments.map((inst) => ({ instrumentId: inst.id, quantity: new Decimal(Math.round((rand() - 0.3) * 2000) || 1) }));
const openOrders: RiskOpenOrderInput[] = Array.from({ length: 50 }, (_, k) => {
  const i = (k * 7) % N_INSTRUMENTS;
  return {
    clientOrderId: `open-${k}`,
    strategyId: 'bench',
    instrumentId: instruments[i]!.id,
    side: k % 2 === 0 ? 'BUY' : 'SELL',
    orderType: 'LIMIT',
    quantity: new Decimal(100 + k),
    filledQuantity: new Decimal(0),
    price: new Decimal(last[i]!).toDecimalPlaces(2),
    triggerPrice: undefined,
  };
});
const prices = Object.fromEntries(instruments.map((inst, i) => [inst.id, { last: last[i]!, mid: last[i]! }]));
// Some recent submits in the rate window.
for (let k = 0; k < 200; k++) {
  const o = order(k);
  engine.record(o, { approved: true, reasons: [] }, clock.now() - 900 + k);
}
const state = engine.snapshot({ equity: '20000000', peakEquity: '21000000', dayStartEquity: '20100000', positions, openOrders, prices });

function order(k: number): SubmitOrder {
  const i = (k * 13 + 5) % N_INSTRUMENTS;
  const market = k % 5 === 0;
  const off = Math.round((rand() - 0.5) * 400); // +-2 dollars: inside the 5% collar
  return {
    type: 'SubmitOrder',
    clientOrderId: `b-${k}` as ClientOrderId,
    strategyId: 'bench' as StrategyId,
    instrumentId: instruments[i]!.id as InstrumentId,
    side: k % 2 === 0 ? 'BUY' : 'SELL',
    orderType: market ? 'MARKET' : 'LIMIT',
    quantity: new Decimal(1 + Math.floor(rand() * 300)),
    price: market ? undefined : new Decimal(Math.max(1, Math.round(last[i]! * 100) + off)).div(100),
    triggerPrice: undefined,
    timeInForce: 'GTC',
    expireTime: undefined,
    reduceOnly: false,
    postOnly: false,
    ts: clock.now(),
  };
}
const orders = Array.from({ length: 4096 }, (_, k) => order(k));
let approved = 0;
const denialCodes = new Map<string, number>();
for (const o of orders) {
  const d = engine.check(o, state);
  if (d.approved) approved++;
  for (const r of d.reasons) denialCodes.set(r.code, (denialCodes.get(r.code) ?? 0) + 1);
}
const approvedOrders = orders.filter((o) => engine.check(o, state).approved).slice(0, 2048);

function timerOverhead(): number {
  const s = new Float64Array(200_000);
  for (let i = 0; i < s.length; i++) {
    const a = process.hrtime.bigint();
    const b = process.hrtime.bigint();
    s[i] = Number(b - a);
  }
  s.sort();
  return s[s.length >> 1]!;
}

function measure(label: string, fn: (k: number) => unknown, n: number): { p50: number; p99: number; p999: number; mean: number; overhead: number } {
  let sink = 0;
  for (let k = 0; k < WARMUP; k++) if (fn(k)) sink++;
  const overhead = timerOverhead();
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = process.hrtime.bigint();
    const r = fn(k);
    const b = process.hrtime.bigint();
    t[k] = Number(b - a) - overhead;
    if (r) sink++;
  }
  t.sort();
  let sum = 0;
  for (let k = 0; k < n; k++) sum += t[k]!;
  const q = (p: number): number => t[Math.min(n - 1, Math.floor(p * n))]!;
  const res = { p50: q(0.5), p99: q(0.99), p999: q(0.999), mean: sum / n, overhead };
  console.log(
    `${label.padEnd(44)} p50 ${(res.p50 / 1000).toFixed(3)} µs  p99 ${(res.p99 / 1000).toFixed(3)} µs  p99.9 ${(res.p999 / 1000).toFixed(3)} µs  mean ${(res.mean / 1000).toFixed(3)} µs  (timer ${overhead} ns subtracted, sink ${sink % 10})`,
  );
  return res;
}

const mask = orders.length - 1;
console.log(`node ${process.version}, ${CHECKS.toLocaleString('en-US')} checks, ${N_INSTRUMENTS} positions, ${openOrders.length} open orders, every gate enabled; ${approved}/${orders.length} sample orders approved`);
console.log(`denial reasons in the sample: ${[...denialCodes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
const ours = measure('RiskEngine.check (all gates)', (k) => engine.check(orders[k & mask]!, state).approved, CHECKS);
measure('  of which approvals only', (k) => engine.check(approvedOrders[k & 2047]!, state).approved, Math.min(CHECKS, 500_000));

// Baseline: one gate (max order notional) written by hand with decimal.js per check.
const limit = new Decimal('250000');
const lastD = last.map((p) => new Decimal(p));
const base = measure('baseline: 1 gate, decimal.js per check', (k) => {
  const o = orders[k & mask]!;
  const i = Number(o.instrumentId.slice(1, o.instrumentId.indexOf('.')));
  return o.quantity.mul(o.price ?? lastD[i]!).lte(limit);
}, Math.min(CHECKS, 200_000));
console.log(`ratio p50 ours / baseline: ${(ours.p50 / base.p50).toFixed(3)}`);

// Baseline 2: the same exposure gates written naively with decimal.js per check, on Decimal aggregates
// precomputed once (as a snapshot would): notional, position, gross, net, leverage, concentration,
// collar, daily loss, drawdown, capital threshold.
const posD = new Map(positions.map((p) => [p.instrumentId as string, p.quantity]));
const lastMap = new Map(instruments.map((inst, i) => [inst.id as string, new Decimal(last[i]!)]));
let grossD = new Decimal(0);
let netD = new Decimal(0);
for (const [id, q] of posD) {
  const x = q.mul(lastMap.get(id)!);
  grossD = grossD.add(x.abs());
  netD = netD.add(x);
}
const eqD = new Decimal('20000000');
const lim = { notional: new Decimal('250000'), position: new Decimal(20000), gross: new Decimal('50000000'), net: new Decimal('30000000'), lev: new Decimal(4), conc: new Decimal('0.25'), collar: new Decimal('0.05'), loss: new Decimal('500000'), dd: new Decimal('0.2'), capital: new Decimal('60000000') };
const peakD = new Decimal('21000000');
const dayD = new Decimal('20100000');
const naive = measure('baseline: 10 gates, decimal.js per check', (k) => {
  const o = orders[k & mask]!;
  const px = lastMap.get(o.instrumentId)!;
  const price = o.price ?? px;
  const notional = o.quantity.mul(price);
  const signed = o.side === 'BUY' ? o.quantity : o.quantity.neg();
  const p0 = posD.get(o.instrumentId)!;
  const p1 = p0.add(signed);
  const x0 = p0.mul(px);
  const x1 = p1.mul(px);
  const gross = grossD.sub(x0.abs()).add(x1.abs());
  const net = netD.sub(x0).add(x1);
  let ok = notional.lte(lim.notional) && p1.abs().lte(lim.position) && gross.lte(lim.gross) && net.abs().lte(lim.net);
  ok = ok && gross.div(eqD).lte(lim.lev) && x1.abs().div(eqD).lte(lim.conc);
  ok = ok && (o.price === undefined || o.price.sub(px).abs().div(px).lte(lim.collar));
  ok = ok && dayD.sub(eqD).lte(lim.loss) && peakD.sub(eqD).div(peakD).lte(lim.dd) && gross.add(notional).lte(lim.capital);
  return ok;
}, Math.min(CHECKS, 200_000));
console.log(`ratio p50 ours (all gates) / naive decimal.js (10 gates): ${(ours.p50 / naive.p50).toFixed(3)}`);

// Snapshot cost (not part of check): building the exact state from Decimals.
const snaps = new Float64Array(2000);
for (let k = 0; k < 200; k++) engine.snapshot({ equity: '20000000', positions, openOrders, prices });
for (let k = 0; k < snaps.length; k++) {
  const a = process.hrtime.bigint();
  engine.snapshot({ equity: '20000000', peakEquity: '21000000', dayStartEquity: '20100000', positions, openOrders, prices });
  snaps[k] = Number(process.hrtime.bigint() - a);
}
snaps.sort();
console.log(`RiskEngine.snapshot (100 positions, 50 orders, 100x100 covariance): median ${(snaps[snaps.length >> 1]! / 1000).toFixed(1)} µs`);
console.log(`targets: p50 <= 1 µs, p99 <= 5 µs, p99.9 <= 50 µs -> ${ours.p50 <= 1000 && ours.p99 <= 5000 && ours.p999 <= 50_000 ? 'met' : 'NOT met'}`);
