/**
 * No approved command breaches a limit, however commands are composed. fast-check generates random
 * limits, trading states and starting books, then ticks of random commands: orders of every type,
 * lists (brackets, OCO pairs, lists with adversarial "children"), modifies and cancels, several per
 * tick, with fills and price moves between ticks. Every approved command is applied to a model of the
 * order manager and ledger, and after each one the limits are re-measured from the model by a reference
 * written directly in Decimal arithmetic, independent of the engine's integer grids and aggregates.
 *
 * Two ways of delivering commands are exercised: through `engine.check` with the model updated after
 * each approval (what the order manager does synchronously), and through `riskGate` with the model
 * updated only at the end of the tick (an asynchronous stage after the gate holds the commands back).
 *
 * The rule checked for exposure measures (position, gross, concentration, leverage) is: after an
 * approved command, the measure is within its limit or no larger than before (a reducing order in an
 * already breached book is allowed; a price move is not a command). Net exposure and the capital
 * threshold apply to orders that add exposure (a reducing order may raise net exposure, and adds its
 * notional to the open orders). Children that can only undo their parent (same list, instrument,
 * opposite side, no larger) are left out of worst cases: they fill only against what the parent filled.
 */
import {
  BacktestClock,
  Decimal,
  instrumentRegistry,
  OrderFactory,
  silentLogger,
  WorkTracker,
  type Bar,
  type ClientOrderId,
  type InstrumentId,
  type LedgerView,
  type OrderCommand,
  type OrdersView,
  type OrderType,
  type OrderView,
  type PipelineContext,
  type StrategyId,
  type SubmitOrder,
} from '@rxtrade/core';
import fc from 'fast-check';
import { EMPTY, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { aapl, es, T0 } from './__fixtures__/engine-fixtures';
import type { RiskLimits } from './config';
import { RiskEngine } from './risk-engine';
import { riskGate } from './risk-gate';

const D = (x: string | number | Decimal): Decimal => new Decimal(x);
const ZERO = D(0);
const insts = [aapl, es];
const MULT: Record<string, Decimal> = { [aapl.id]: D(1), [es.id]: D(50) };
const TICK: Record<string, Decimal> = { [aapl.id]: D('0.01'), [es.id]: D('0.25') };
type Side = 'BUY' | 'SELL';
const TYPES: OrderType[] = ['MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT', 'TRAILING_STOP_MARKET', 'TRAILING_STOP_LIMIT', 'MARKET_IF_TOUCHED', 'LIMIT_IF_TOUCHED'];

interface ModelOrder {
  id: string;
  inst: string;
  side: Side;
  type: OrderType;
  qty: Decimal;
  filled: Decimal;
  price: Decimal | undefined;
  trigger: Decimal | undefined;
  /** The parent of a child that can only undo it (same list, instrument, opposite side, no larger). */
  undoes: ModelOrder | undefined;
  parent: ModelOrder | undefined;
}

class Model {
  readonly pos = new Map<string, Decimal>(insts.map((i) => [i.id, ZERO]));
  readonly orders: ModelOrder[] = [];
  readonly last = new Map<string, Decimal>();
  readonly submits: number[] = [];
  constructor(readonly equity: Decimal) {}

  find(id: string): ModelOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }
  /** A child that undoes its parent is released only for what the parent filled (the order manager resizes it), so it never adds to a worst case. */
  counted(o: ModelOrder): boolean {
    return o.undoes === undefined;
  }
  pending(inst: string, side: Side): Decimal {
    return this.orders.filter((o) => o.inst === inst && o.side === side && this.counted(o)).reduce((a, o) => a.add(o.qty.sub(o.filled)), ZERO);
  }
  worstLots(inst: string): Decimal {
    const p = this.pos.get(inst)!;
    return Decimal.max(p.add(this.pending(inst, 'BUY')).abs(), p.sub(this.pending(inst, 'SELL')).abs());
  }
  value(inst: string, lots: Decimal): Decimal {
    return lots.mul(this.last.get(inst)!).mul(MULT[inst]!);
  }
  gross(): Decimal {
    return insts.reduce((a, i) => a.add(this.value(i.id, this.worstLots(i.id))), ZERO);
  }
  /** Net exposure if every counted open order on one side filled. */
  net(side: Side): Decimal {
    return insts.reduce((a, i) => a.add(this.value(i.id, side === 'BUY' ? this.pos.get(i.id)!.add(this.pending(i.id, 'BUY')) : this.pos.get(i.id)!.sub(this.pending(i.id, 'SELL')))), ZERO).abs();
  }
  /** The highest price an order can fill at. */
  worstPrice(o: Pick<ModelOrder, 'inst' | 'side' | 'price' | 'trigger'>): Decimal {
    const m = this.last.get(o.inst)!;
    if (o.side === 'BUY' && o.price !== undefined) return o.price;
    return Decimal.max(m, o.price ?? m, o.trigger ?? m);
  }
  capital(): Decimal {
    const positions = insts.reduce((a, i) => a.add(this.value(i.id, this.pos.get(i.id)!.abs())), ZERO);
    return this.orders.filter((o) => this.counted(o)).reduce((a, o) => a.add(o.qty.sub(o.filled).mul(this.worstPrice(o)).mul(MULT[o.inst]!)), positions);
  }
  openCount(): number {
    return this.orders.length;
  }
  reduces(inst: string, side: Side, qty: Decimal): boolean {
    const p = this.pos.get(inst)!;
    return side === 'BUY' ? p.lt(0) && qty.add(this.pending(inst, 'BUY')).lte(p.neg()) : p.gt(0) && qty.add(this.pending(inst, 'SELL')).lte(p);
  }
  ledger(): LedgerView {
    return {
      baseCurrency: 'USD',
      cash: () => this.equity,
      balances: () => [],
      positionQuantity: (id) => this.pos.get(id) ?? ZERO,
      position: () => undefined,
      openPositions: () => insts.filter((i) => !this.pos.get(i.id)!.isZero()).map((i) => ({ instrumentId: i.id, quantity: this.pos.get(i.id)!, avgPrice: this.last.get(i.id)!, realizedPnl: ZERO, unrealizedPnl: ZERO, ts: T0 })),
      equity: () => this.equity,
      totalFees: () => ZERO,
    };
  }
  view(o: ModelOrder): OrderView {
    return {
      clientOrderId: o.id as ClientOrderId,
      venueOrderId: undefined,
      strategyId: 'alpha' as StrategyId,
      instrumentId: o.inst as InstrumentId,
      side: o.side,
      orderType: o.type,
      timeInForce: 'GTC',
      quantity: o.qty,
      filledQuantity: o.filled,
      price: o.price,
      triggerPrice: o.trigger,
      avgFillPrice: undefined,
      status: 'ACCEPTED',
      isOpen: true,
      tsCreated: T0,
      tsLast: T0,
    };
  }
  ordersView(): OrdersView {
    return { order: (id) => (this.find(id) ? this.view(this.find(id)!) : undefined), openOrders: () => this.orders.map((o) => this.view(o)) };
  }
}

/** What one command may be, resolved against the model when its tick comes. */
type Spec =
  | { kind: 'submit'; o: OrderSpec }
  | { kind: 'bracket'; o: OrderSpec; tp: number; sl: number; childQty: number }
  | { kind: 'oco'; a: OrderSpec; b: OrderSpec }
  | { kind: 'list'; orders: OrderSpec[]; links: number[] }
  | { kind: 'modify'; k: number; qty: number | undefined; off: number | undefined }
  | { kind: 'cancel'; k: number };
interface OrderSpec {
  i: number;
  side: Side;
  type: number;
  qty: number;
  off: number;
  toff: number;
}

const orderSpec: fc.Arbitrary<OrderSpec> = fc.record({
  i: fc.integer({ min: 0, max: 1 }),
  side: fc.constantFrom<Side>('BUY', 'SELL'),
  type: fc.integer({ min: 0, max: TYPES.length - 1 }),
  qty: fc.integer({ min: 1, max: 150 }),
  off: fc.integer({ min: -2000, max: 2000 }),
  toff: fc.integer({ min: -2000, max: 2000 }),
});
const specGen: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 5, arbitrary: orderSpec.map((o): Spec => ({ kind: 'submit', o })) },
  { weight: 2, arbitrary: fc.record({ o: orderSpec, tp: fc.integer({ min: 1, max: 500 }), sl: fc.integer({ min: 1, max: 500 }), childQty: fc.integer({ min: 1, max: 200 }) }).map((r): Spec => ({ kind: 'bracket', ...r })) },
  { weight: 1, arbitrary: fc.record({ a: orderSpec, b: orderSpec }).map((r): Spec => ({ kind: 'oco', ...r })) },
  { weight: 2, arbitrary: fc.record({ orders: fc.array(orderSpec, { minLength: 2, maxLength: 4 }), links: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 4, maxLength: 4 }) }).map((r): Spec => ({ kind: 'list', ...r })) },
  { weight: 2, arbitrary: fc.record({ k: fc.nat(), qty: fc.option(fc.integer({ min: 1, max: 250 }), { nil: undefined }), off: fc.option(fc.integer({ min: -3000, max: 3000 }), { nil: undefined }) }).map((r): Spec => ({ kind: 'modify', ...r })) },
  { weight: 1, arbitrary: fc.nat().map((k): Spec => ({ kind: 'cancel', k })) },
);
const opt = <T,>(g: fc.Arbitrary<T>) => fc.option(g, { nil: undefined, freq: 2 });
const limitsGen: fc.Arbitrary<RiskLimits> = fc.record(
  {
    maxOrderQuantity: opt(fc.integer({ min: 20, max: 200 })),
    maxOrderNotional: opt(fc.integer({ min: 2_000, max: 1_000_000 }).map(String)),
    maxPosition: opt(fc.integer({ min: 20, max: 400 })),
    maxGrossExposure: opt(fc.integer({ min: 50_000, max: 5_000_000 }).map(String)),
    maxNetExposure: opt(fc.integer({ min: 50_000, max: 5_000_000 }).map(String)),
    maxLeverage: opt(fc.integer({ min: 2, max: 50 }).map((n) => D(n).div(10).toString())),
    maxConcentration: opt(fc.integer({ min: 10, max: 100 }).map((n) => D(n).div(100).toString())),
    maxOpenOrders: opt(fc.integer({ min: 1, max: 8 })),
    maxSubmitRate: opt(fc.record({ count: fc.integer({ min: 1, max: 6 }), windowMs: fc.integer({ min: 100, max: 5_000 }) })),
    capitalThreshold: opt(fc.integer({ min: 50_000, max: 5_000_000 }).map(String)),
    duplicateOrders: fc.boolean(),
    instrumentRules: fc.constant(false),
  },
  { requiredKeys: [] },
);
const tickGen = fc.record({
  move: fc.tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -40, max: 40 })),
  fill: opt(fc.record({ k: fc.nat(), frac: fc.integer({ min: 1, max: 4 }) })),
  commands: fc.array(specGen, { minLength: 1, maxLength: 4 }),
});
const scenarioGen = fc.record({
  limits: limitsGen,
  reducing: fc.integer({ min: 0, max: 4 }).map((n) => (n === 0 ? 'REDUCING' : 'ACTIVE') as 'REDUCING' | 'ACTIVE'),
  equity: fc.integer({ min: 200_000, max: 5_000_000 }),
  pos: fc.tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -1, max: 1 })),
  gate: fc.boolean(),
  ticks: fc.array(tickGen, { minLength: 1, maxLength: 8 }),
});

let seq = 0;
const reasons = new Map<string, number>();
function build(m: Model, s: OrderSpec, overrides: Partial<SubmitOrder> = {}): SubmitOrder {
  const inst = insts[s.i]!;
  const tick = TICK[inst.id]!;
  const last = m.last.get(inst.id)!;
  const type = TYPES[s.type]!;
  const at = (off: number) => Decimal.max(tick, last.add(tick.mul(off)));
  const priced = type === 'LIMIT' || type === 'STOP_LIMIT' || type === 'LIMIT_IF_TOUCHED';
  const triggered = type === 'STOP_MARKET' || type === 'STOP_LIMIT' || type === 'MARKET_IF_TOUCHED' || type === 'LIMIT_IF_TOUCHED' || type.startsWith('TRAILING');
  return {
    type: 'SubmitOrder',
    clientOrderId: `C-${++seq}` as ClientOrderId,
    strategyId: 'alpha' as StrategyId,
    instrumentId: inst.id,
    side: s.side,
    orderType: type,
    // ES contracts are worth 50 x 4800: keep their counts small.
    quantity: s.i === 1 ? D(Math.ceil(s.qty / 40)) : D(s.qty),
    price: priced ? at(s.off) : undefined,
    triggerPrice: triggered ? at(s.toff) : undefined,
    timeInForce: 'GTC',
    expireTime: undefined,
    reduceOnly: false,
    postOnly: false,
    ts: T0,
    ...(type.startsWith('TRAILING') ? { trailingOffset: tick.mul(10), trailingOffsetType: 'PRICE' as const } : {}),
    ...(type === 'TRAILING_STOP_LIMIT' ? { limitOffset: tick } : {}),
    ...overrides,
  };
}

/** `targets`: the orders a modify or cancel may name (the model's, and in gate mode those approved earlier in the tick). */
function command(m: Model, spec: Spec, targets: readonly Pick<ModelOrder, 'id' | 'inst' | 'price' | 'trigger'>[] = m.orders): OrderCommand | undefined {
  const list = (orders: SubmitOrder[]): OrderCommand => ({ type: 'SubmitOrderList', orderListId: `L-${++seq}`, strategyId: 'alpha' as StrategyId, instrumentId: orders[0]!.instrumentId, orders, ts: T0 });
  switch (spec.kind) {
    case 'submit':
      return build(m, spec.o);
    case 'bracket': {
      const entry = build(m, { ...spec.o, type: 0 });
      const exit: Side = entry.side === 'BUY' ? 'SELL' : 'BUY';
      const dir = exit === 'SELL' ? 1 : -1;
      const tpId = `C-${++seq}` as ClientOrderId;
      const slId = `C-${++seq}` as ClientOrderId;
      const base = { ...spec.o, side: exit, qty: spec.childQty };
      const tp = build(m, { ...base, type: 1, off: dir * spec.tp }, { clientOrderId: tpId, contingencyType: 'OUO', parentOrderId: entry.clientOrderId, linkedOrderIds: [slId] });
      const sl = build(m, { ...base, type: 2, toff: -dir * spec.sl }, { clientOrderId: slId, contingencyType: 'OUO', parentOrderId: entry.clientOrderId, linkedOrderIds: [tpId] });
      return list([entry, tp, sl]);
    }
    case 'oco': {
      const a = build(m, spec.a);
      const b = build(m, { ...spec.b, i: spec.a.i }, { contingencyType: 'OCO', linkedOrderIds: [a.clientOrderId] });
      return list([{ ...a, contingencyType: 'OCO', linkedOrderIds: [b.clientOrderId] }, b]);
    }
    case 'list': {
      const orders = spec.orders.map((o) => build(m, o));
      // Adversarial links: any order may name any other as its parent, whatever its side, size or instrument.
      return list(orders.map((o, k) => {
        const p = spec.links[k]!;
        return p >= 0 && p < orders.length && p !== k ? { ...o, contingencyType: 'OTO' as const, parentOrderId: orders[p]!.clientOrderId } : o;
      }));
    }
    case 'modify': {
      const o = targets[spec.k % Math.max(1, targets.length)];
      if (o === undefined || (spec.qty === undefined && spec.off === undefined)) return undefined;
      const tick = TICK[o.inst]!;
      const newPrice = spec.off === undefined ? undefined : Decimal.max(tick, m.last.get(o.inst)!.add(tick.mul(spec.off)));
      const usesPrice = o.price !== undefined;
      return {
        type: 'ModifyOrder',
        clientOrderId: o.id as ClientOrderId,
        strategyId: 'alpha' as StrategyId,
        instrumentId: o.inst as InstrumentId,
        quantity: spec.qty === undefined ? undefined : D(spec.qty),
        price: usesPrice ? newPrice : undefined,
        triggerPrice: !usesPrice && o.trigger !== undefined ? newPrice : undefined,
        ts: T0,
      };
    }
    case 'cancel': {
      const o = targets[spec.k % Math.max(1, targets.length)];
      return o === undefined ? undefined : { type: 'CancelOrder', clientOrderId: o.id as ClientOrderId, strategyId: 'alpha' as StrategyId, instrumentId: o.inst as InstrumentId, ts: T0 };
    }
  }
}

/**
 * Applies an approved command to the model, order by order for a list (as the engine checks it), and
 * checks every limit against the reference after each step.
 */
function applyAndCheck(m: Model, L: RiskLimits, c: OrderCommand, now: number, stats: { applied: number }): void {
  const lim = (v: unknown) => (v === undefined || v === null ? undefined : D(v as string));
  const fail = (what: string, after: Decimal, limit: Decimal, prior: Decimal) => {
    throw new Error(`${what} ${after.toString()} exceeds ${limit.toString()} (was ${prior.toString()}) after ${JSON.stringify(c)}`);
  };
  /** Within the limit, or no larger than before. */
  const within = (what: string, after: Decimal, limit: Decimal | undefined, prior: Decimal) => {
    if (limit !== undefined && after.gt(limit) && after.gt(prior)) fail(what, after, limit, prior);
  };
  /** Runs `change` and checks every measure; `adds` says whether it adds exposure (net and capital apply). */
  const step = (inst: string, adds: boolean, change: () => void) => {
    const before = { gross: m.gross(), cap: m.capital(), open: m.openCount(), worst: m.worstLots(inst), netB: m.net('BUY'), netS: m.net('SELL') };
    change();
    within(`position in ${inst}`, m.worstLots(inst), lim(L.maxPosition), before.worst);
    within('gross exposure', m.gross(), lim(L.maxGrossExposure), before.gross);
    if (L.maxLeverage != null) within('leverage', m.gross().div(m.equity), lim(L.maxLeverage), before.gross.div(m.equity));
    if (L.maxConcentration != null) within(`concentration in ${inst}`, m.value(inst, m.worstLots(inst)).div(m.equity), lim(L.maxConcentration), m.value(inst, before.worst).div(m.equity));
    if (L.maxOpenOrders != null) within('open orders', D(m.openCount()), D(L.maxOpenOrders), D(before.open));
    if (adds) {
      within('net exposure with every buy filled', m.net('BUY'), lim(L.maxNetExposure), before.netB);
      within('net exposure with every sell filled', m.net('SELL'), lim(L.maxNetExposure), before.netS);
      within('capital in use', m.capital(), lim(L.capitalThreshold), before.cap);
    }
  };
  const orderLimits = (o: ModelOrder) => {
    within('order quantity', o.qty, lim(L.maxOrderQuantity), D(Infinity));
    within('order notional', o.qty.mul(m.worstPrice(o)).mul(MULT[o.inst]!), lim(L.maxOrderNotional), D(Infinity));
  };
  stats.applied++;
  if (c.type === 'CancelOrder') {
    const k = m.orders.findIndex((o) => o.id === c.clientOrderId);
    if (k >= 0) m.orders.splice(k, 1);
    return;
  }
  if (c.type === 'SubmitOrder' || c.type === 'SubmitOrderList') {
    const orders = c.type === 'SubmitOrder' ? [c] : c.orders;
    const byId = new Map<string, ModelOrder>();
    for (const o of orders)
      byId.set(o.clientOrderId, { id: o.clientOrderId, inst: o.instrumentId, side: o.side, type: o.orderType, qty: o.quantity, filled: ZERO, price: o.price, trigger: o.triggerPrice, undoes: undefined, parent: undefined });
    for (const o of orders) {
      const mo = byId.get(o.clientOrderId)!;
      const parent = o.parentOrderId === undefined ? undefined : byId.get(o.parentOrderId);
      mo.parent = parent;
      const root = parent !== undefined && orders.find((x) => x.clientOrderId === parent.id)!.parentOrderId === undefined;
      if (parent && root && parent.inst === mo.inst && parent.side !== mo.side && mo.qty.lte(parent.qty)) mo.undoes = parent;
    }
    for (const o of orders) {
      const mo = byId.get(o.clientOrderId)!;
      orderLimits(mo);
      const adds = mo.undoes === undefined && !m.reduces(mo.inst, mo.side, mo.qty);
      step(mo.inst, adds, () => m.orders.push(mo));
      m.submits.push(now);
      if (L.maxSubmitRate) within('submits in the window', D(m.submits.filter((t) => t > now - L.maxSubmitRate!.windowMs).length), D(L.maxSubmitRate.count), D(Infinity));
    }
    return;
  }
  const o = m.find(c.clientOrderId);
  if (o === undefined) return;
  const qty = c.quantity ?? o.qty;
  if (qty.lte(o.filled)) return; // the venue refuses a quantity at or below what is filled
  const added = m.counted(o) ? Decimal.max(ZERO, qty.sub(o.qty)) : ZERO;
  const reducing = !m.counted(o) || m.reduces(o.inst, o.side, added);
  step(o.inst, !reducing, () => {
    o.qty = qty;
    if (c.price !== undefined) o.price = c.price;
    if (c.triggerPrice !== undefined) o.trigger = c.triggerPrice;
  });
  orderLimits(o);
}

function fill(m: Model, k: number, frac: number): void {
  const live = m.orders.filter((o) => o.parent === undefined || o.parent.filled.gt(0));
  const o = live[k % Math.max(1, live.length)];
  if (o === undefined) return;
  let q = o.qty.sub(o.filled).mul(frac).div(4).ceil();
  // A child fills only against what its parent filled, shared with its siblings.
  if (o.undoes !== undefined) {
    const used = m.orders.filter((x) => x.undoes === o.undoes && x !== o).reduce((a, x) => a.add(x.filled), ZERO);
    q = Decimal.min(q, o.undoes.filled.sub(used).sub(o.filled));
  }
  if (q.lte(0)) return;
  o.filled = o.filled.add(q);
  m.pos.set(o.inst, m.pos.get(o.inst)!.add(o.side === 'BUY' ? q : q.neg()));
  if (o.filled.gte(o.qty)) m.orders.splice(m.orders.indexOf(o), 1);
}

type Scenario = typeof scenarioGen extends fc.Arbitrary<infer T> ? T : never;

function runScenario(s: Scenario, stats: { applied: number; denied: number }): void {
  const clock = new BacktestClock(T0);
  const engine = new RiskEngine({ clock, instruments: insts, limits: s.limits });
  if (s.reducing === 'REDUCING') engine.setTradingState('REDUCING', 'test');
  const m = new Model(D(s.equity));
  m.last.set(aapl.id, D(100));
  m.last.set(es.id, D(4800));
  m.pos.set(aapl.id, D(s.pos[0]));
  m.pos.set(es.id, D(s.pos[1]));
  const bars = new Subject<Bar>();
  const commands = new Subject<OrderCommand>();
  const out: OrderCommand[] = [];
  if (s.gate) {
    const registry = instrumentRegistry(insts);
    const ctx: PipelineContext = {
      clock,
      scheduler: clock.scheduler,
      instruments: registry,
      ledger: m.ledger(),
      orders: m.ordersView(),
      market: { bars: () => bars, quotes: () => EMPTY, trades: () => EMPTY, books: () => EMPTY },
      orderEvents: new Subject(),
      orderFactory: new OrderFactory(clock, registry, 'alpha' as StrategyId),
      work: new WorkTracker(),
      logger: silentLogger,
    };
    commands.pipe(riskGate(engine, ctx)).subscribe((c) => out.push(c));
  }
  let now = T0;
  for (const tick of s.ticks) {
    now += 250;
    clock.advanceTo(now);
    insts.forEach((inst, i) => {
      const p = Decimal.max(TICK[inst.id]!.mul(40), m.last.get(inst.id)!.add(TICK[inst.id]!.mul(tick.move[i]!)));
      m.last.set(inst.id, p);
      const bar: Bar = { type: 'Bar', instrumentId: inst.id, ts: now, open: p.toNumber(), high: p.toNumber(), low: p.toNumber(), close: p.toNumber(), volume: 1 };
      if (s.gate) bars.next(bar);
      else engine.observeMarketData(bar);
    });
    if (tick.fill) fill(m, tick.fill.k, tick.fill.frac);
    const prices = Object.fromEntries(insts.map((i) => [i.id, { last: m.last.get(i.id)!.toNumber() }]));
    if (s.gate) {
      // Every command of the tick goes through the gate before any reaches the model.
      out.length = 0;
      let sent = 0;
      for (const spec of tick.commands) {
        // Modifies and cancels may name orders approved earlier in this tick, which the model does not hold yet.
        const approved = out.flatMap((c) => (c.type === 'SubmitOrder' ? [c] : c.type === 'SubmitOrderList' ? c.orders : [])).map((o) => ({ id: o.clientOrderId, inst: o.instrumentId, price: o.price, trigger: o.triggerPrice }));
        const c = command(m, spec, [...m.orders, ...approved]);
        if (c === undefined) continue;
        sent++;
        commands.next(c);
      }
      stats.denied += sent - out.length;
      for (const c of out) applyAndCheck(m, s.limits, c, now, stats);
    } else {
      for (const spec of tick.commands) {
        const c = command(m, spec);
        if (c === undefined) continue;
        const input = { equity: m.equity, positions: m.ledger().openPositions(), openOrders: m.ordersView().openOrders(), prices };
        const d = engine.evaluate(c, input);
        if (d.approved) applyAndCheck(m, s.limits, c, now, stats);
        else {
          stats.denied++;
          if (process.env.PROPERTY_LOG) for (const r of d.reasons) reasons.set(r.code, (reasons.get(r.code) ?? 0) + 1);
        }
      }
    }
  }
}

describe('no approved command breaches a limit, however commands are composed', () => {
  it('holds for random lists, brackets, OCO pairs, modifies and cancels, several per tick, checked one by one or through riskGate', () => {
    const stats = { applied: 0, denied: 0 };
    fc.assert(
      fc.property(scenarioGen, (s) => runScenario(s, stats)),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1000), seed: Number(process.env.PROPERTY_SEED ?? 20261206) },
    );
    if (process.env.PROPERTY_LOG) console.log(stats, Object.fromEntries(reasons));
    // Both outcomes must be common for the property to mean anything.
    expect(stats.applied).toBeGreaterThan(500);
    expect(stats.denied).toBeGreaterThan(500);
  });
});
