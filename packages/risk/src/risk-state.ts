/**
 * The input of {@link RiskEngine.check}: an immutable snapshot of everything a decision depends on
 * (time, trading state, equity, positions, open orders, reference prices, recent submits and modifies),
 * taken by {@link RiskEngine.snapshot}. Building it converts the Decimals once into exact integers
 * (lots, ticks, money quanta) and pre-aggregates the exposures, so that `check` itself is O(1) in the
 * number of positions and never builds a Decimal unless it denies.
 */
import { Decimal, toDecimal, ValidationError, type DecimalLike, type InstrumentId, type OrderSide, type OrderType, type StrategyId, type ClientOrderId } from '@rxtrade/core';
import type { CompiledConfig, VarModel } from './compiled-config';
import { MAX_EXACT, moneyToQuanta, priceToUnits, toUnits, toUnitsCeil } from './exact';
import type { TradingState } from './trading-state';

/** A position as the snapshot needs it (core's `Position` fits). */
export interface RiskPositionInput {
  readonly instrumentId: InstrumentId | string;
  /** Signed quantity (negative = short). */
  readonly quantity: Decimal;
  /** Average price, used as the mark when no market price is known. */
  readonly avgPrice?: Decimal;
}

/** An open order as the snapshot needs it (core's `OrderView` fits). */
export interface RiskOpenOrderInput {
  readonly clientOrderId: ClientOrderId | string;
  readonly strategyId: StrategyId | string;
  readonly instrumentId: InstrumentId | string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly quantity: Decimal;
  readonly filledQuantity?: Decimal;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
}

/** Reference prices of one instrument (market data: plain numbers). */
export interface RiskPriceInput {
  readonly last?: number;
  readonly mid?: number;
}

/**
 * What {@link RiskEngine.snapshot} needs from the caller.
 *
 * @example
 * ```ts
 * const input: RiskStateInput = { equity: '100000', positions: ledger.openPositions(), openOrders: orders.openOrders(), prices: { [goog.id]: { last: 150.25 } } };
 * ```
 */
export interface RiskStateInput {
  /** Epoch ms; defaults to the engine's clock. */
  readonly time?: number;
  /** Account equity (cash plus positions at market). */
  readonly equity: DecimalLike;
  /** Peak equity; defaults to the highest equity the engine has observed (and this one). */
  readonly peakEquity?: DecimalLike;
  /** Equity at the start of the trading day; defaults to the engine's. */
  readonly dayStartEquity?: DecimalLike;
  readonly positions?: readonly RiskPositionInput[];
  readonly openOrders?: readonly RiskOpenOrderInput[];
  /** Reference prices by instrument id; merged over the prices the engine has observed. */
  readonly prices?: Readonly<Record<string, RiskPriceInput>>;
}

/** An open order in exact units (internal). */
export interface OpenOrderEntry {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly index: number;
  /** +1 buy, -1 sell. */
  readonly side: number;
  readonly orderType: OrderType;
  readonly totalLots: number;
  readonly filledLots: number;
  readonly remainingLots: number;
  readonly priceTicks: number;
  readonly triggerTicks: number;
}

/** What the engine contributes to a snapshot (internal). */
export interface EngineView {
  readonly tradingState: TradingState;
  readonly now: number;
  readonly peakEquity: Decimal | undefined;
  readonly dayStartEquity: Decimal | undefined;
  readonly last: Float64Array;
  readonly mid: Float64Array;
  readonly submitTimes: readonly number[];
  readonly modifyTimes: readonly number[];
}

/**
 * An immutable snapshot of trading state in exact units; create one with {@link RiskEngine.snapshot}.
 *
 * @example
 * ```ts
 * const state = engine.snapshot({ equity: ledger.equity(), positions: ledger.openPositions(), openOrders: orders.openOrders() });
 * engine.check(order, state);
 * ```
 */
export class RiskState {
  readonly time: number;
  readonly tradingState: TradingState;
  /** Equity, peak and day-start equity in money quanta (10^-moneyDecimals). */
  readonly equityQ: number;
  readonly peakQ: number;
  readonly dayStartQ: number;
  /** Per instrument index: signed position in lots. */
  readonly posLots: Float64Array;
  /** Per instrument: remaining lots of open buy / sell orders. */
  readonly pendBuyLots: Float64Array;
  readonly pendSellLots: Float64Array;
  /** Per instrument: mark price in ticks (NaN when none). */
  readonly markTicks: Float64Array;
  /** Per instrument: last trade and mid in ticks (NaN when none). */
  readonly lastTicks: Float64Array;
  readonly midTicks: Float64Array;
  /** Per instrument: worst-case absolute exposure (position plus same-side open orders) in quanta. */
  readonly worstQ: Float64Array;
  /** Per instrument: signed position exposure in quanta. */
  readonly exposureQ: Float64Array;
  /** Per tag: sum of worstQ over its instruments. */
  readonly tagQ: Float64Array;
  readonly grossQ: number;
  readonly netQ: number;
  /** Net exposure if every open buy filled (positions plus open buys), and if every open sell filled (quanta). */
  readonly netBuyQ: number;
  readonly netSellQ: number;
  /** Sum of |position exposure| (quanta). */
  readonly positionGrossQ: number;
  /** Sum of open orders' notional (quanta). */
  readonly openNotionalQ: number;
  readonly openCount: number;
  readonly openById: ReadonlyMap<string, OpenOrderEntry>;
  readonly openByInstrument: ReadonlyArray<readonly OpenOrderEntry[] | undefined>;
  /** Sorted submit / modify times still inside the longest rate window. */
  readonly submitTimes: Float64Array;
  readonly modifyTimes: Float64Array;
  /** The VaR model in force when the snapshot was taken. */
  readonly varModel: VarModel | null;
  /** Pre-trade VaR: exposure (money) per covariance index, S w, and w'Sw; empty without a model. */
  readonly varW: Float64Array;
  readonly varSw: Float64Array;
  readonly varVariance: number;
  /**
   * False when equity, peak or day-start equity is NaN or infinite (a broken mark upstream): every order
   * that does not reduce exposure is then denied.
   */
  readonly equityValid: boolean;

  /** @internal use {@link RiskEngine.snapshot}. */
  constructor(compiled: CompiledConfig, view: EngineView, input: RiskStateInput) {
    const n = compiled.entries.length;
    const D = compiled.moneyDecimals;
    const time = input.time ?? view.now;
    if (!Number.isFinite(time)) throw new ValidationError([{ path: ['state', 'time'], message: `must be a finite epoch ms, got ${time}` }]);
    this.time = time;
    this.tradingState = view.tradingState;
    const equity = equityOf(input.equity, 'state.equity');
    const peak = input.peakEquity !== undefined ? equityOf(input.peakEquity, 'state.peakEquity') : Decimal.max(view.peakEquity ?? equity, equity);
    const dayStart = input.dayStartEquity !== undefined ? equityOf(input.dayStartEquity, 'state.dayStartEquity') : (view.dayStartEquity ?? equity);
    this.equityValid = equity.isFinite() && peak.isFinite() && dayStart.isFinite();
    // Rounded so that losses and drawdowns are never understated.
    this.equityQ = this.equityValid ? moneyToQuanta(equity, D, Decimal.ROUND_FLOOR) : NaN;
    this.peakQ = this.equityValid ? moneyToQuanta(peak, D, Decimal.ROUND_CEIL) : NaN;
    this.dayStartQ = this.equityValid ? moneyToQuanta(dayStart, D, Decimal.ROUND_CEIL) : NaN;

    const posLots = new Float64Array(n);
    const pendBuy = new Float64Array(n);
    const pendSell = new Float64Array(n);
    const lastTicks = new Float64Array(n).fill(NaN);
    const midTicks = new Float64Array(n).fill(NaN);
    const markTicks = new Float64Array(n).fill(NaN);
    for (const e of compiled.entries) {
      const p = input.prices?.[e.instrument.id];
      const last = p?.last ?? view.last[e.index]!;
      const mid = p?.mid ?? view.mid[e.index]!;
      if (last === last) {
        if (!(last > 0) || !Number.isFinite(last)) throw new ValidationError([{ path: ['state', 'prices', e.instrument.id, 'last'], message: `must be a positive finite number, got ${last}` }]);
        lastTicks[e.index] = referenceTicks(last, e.price);
      }
      if (mid === mid) {
        if (!(mid > 0) || !Number.isFinite(mid)) throw new ValidationError([{ path: ['state', 'prices', e.instrument.id, 'mid'], message: `must be a positive finite number, got ${mid}` }]);
        midTicks[e.index] = referenceTicks(mid, e.price);
      }
      markTicks[e.index] = lastTicks[e.index]! === lastTicks[e.index]! ? lastTicks[e.index]! : midTicks[e.index]!;
    }
    (input.positions ?? []).forEach((p, i) => {
      const e = compiled.entry(p.instrumentId);
      if (!e) throw new ValidationError([{ path: ['state', 'positions', i, 'instrumentId'], message: `unknown instrument ${JSON.stringify(p.instrumentId)}` }]);
      const q = exactUnits(p.quantity, e.qty, ['state', 'positions', i, 'quantity'], true);
      posLots[e.index]! += q;
      if (markTicks[e.index]! !== markTicks[e.index]! && p.avgPrice !== undefined && q !== 0) {
        const avg = Math.round(toDecimal(p.avgPrice, `state.positions[${i}].avgPrice`).div(e.instrument.tickSize).toNumber());
        if (avg > 0) markTicks[e.index] = avg;
      }
    });
    const openById = new Map<string, OpenOrderEntry>();
    const openByInstrument: OpenOrderEntry[][] = new Array(n);
    let openNotionalQ = 0;
    const orderInputs: RiskOpenOrderInput[] = [];
    (input.openOrders ?? []).forEach((o, i) => {
      const path = ['state', 'openOrders', i];
      const e = compiled.entry(o.instrumentId);
      if (!e) throw new ValidationError([{ path: [...path, 'instrumentId'], message: `unknown instrument ${JSON.stringify(o.instrumentId)}` }]);
      const side = o.side === 'BUY' ? 1 : o.side === 'SELL' ? -1 : 0;
      if (side === 0) throw new ValidationError([{ path: [...path, 'side'], message: `must be BUY or SELL, got ${String(o.side)}` }]);
      const totalLots = exactUnits(o.quantity, e.qty, [...path, 'quantity'], false);
      const filledLots = o.filledQuantity ? exactUnits(o.filledQuantity, e.qty, [...path, 'filledQuantity'], false) : 0;
      const remainingLots = Math.max(0, totalLots - filledLots);
      const priceTicks = o.price ? ticksOf(o.price, e.price) : NaN;
      const triggerTicks = o.triggerPrice ? ticksOf(o.triggerPrice, e.price) : NaN;
      const entry: OpenOrderEntry = { clientOrderId: o.clientOrderId, strategyId: o.strategyId, index: e.index, side, orderType: o.orderType, totalLots, filledLots, remainingLots, priceTicks, triggerTicks };
      openById.set(o.clientOrderId, entry);
      (openByInstrument[e.index] ??= []).push(entry);
      if (side > 0) pendBuy[e.index]! += remainingLots;
      else pendSell[e.index]! += remainingLots;
      orderInputs.push(o);
    });
    // Valued once every mark is known: an order's own price never stands in for the market.
    for (const list of openByInstrument) {
      if (list === undefined) continue;
      for (const o of list) {
        const valTicks = worstTicks(o.side, o.priceTicks, o.triggerTicks, markTicks[o.index]!);
        openNotionalQ += valTicks === valTicks ? o.remainingLots * valTicks * compiled.entries[o.index]!.factor : Infinity;
      }
    }
    const worstQ = new Float64Array(n);
    const exposureQ = new Float64Array(n);
    const tagQ = new Float64Array(compiled.tagNames.length);
    let gross = 0;
    let net = 0;
    let netBuy = 0;
    let netSell = 0;
    let positionGross = 0;
    for (const e of compiled.entries) {
      const i = e.index;
      const pos = posLots[i]!;
      const worstLots = Math.max(Math.abs(pos + pendBuy[i]!), Math.abs(pos - pendSell[i]!));
      if (worstLots === 0) continue;
      const mark = markTicks[i]!;
      // No price at all for a held instrument: its exposure is unknown, so every exposure gate denies.
      const w = mark === mark ? cap(worstLots * mark * e.factor) : Infinity;
      const x = mark === mark ? cap(pos * mark * e.factor) : pos === 0 ? 0 : pos * Infinity;
      const hi = pos + pendBuy[i]!;
      const lo = pos - pendSell[i]!;
      worstQ[i] = w;
      exposureQ[i] = x;
      gross += w;
      net += x;
      netBuy += mark === mark ? cap(hi * mark * e.factor) : hi === 0 ? 0 : hi * Infinity;
      netSell += mark === mark ? cap(lo * mark * e.factor) : lo === 0 ? 0 : lo * Infinity;
      positionGross += Math.abs(x);
      for (const t of e.tags) tagQ[t]! += w;
    }
    this.posLots = posLots;
    this.pendBuyLots = pendBuy;
    this.pendSellLots = pendSell;
    this.markTicks = markTicks;
    this.lastTicks = lastTicks;
    this.midTicks = midTicks;
    this.worstQ = worstQ;
    this.exposureQ = exposureQ;
    this.tagQ = tagQ.map(cap);
    this.grossQ = cap(gross);
    this.netQ = cap(net);
    this.netBuyQ = cap(netBuy);
    this.netSellQ = cap(netSell);
    this.positionGrossQ = cap(positionGross);
    this.openNotionalQ = cap(openNotionalQ);
    this.openCount = openById.size;
    this.openById = openById;
    this.openByInstrument = openByInstrument;
    this.submitTimes = windowTimes(view.submitTimes, time - compiled.maxSubmitWindow);
    this.modifyTimes = windowTimes(view.modifyTimes, time - compiled.maxModifyWindow);
    const vm = compiled.var;
    const k = vm ? vm.ids.length : 0;
    const varW = new Float64Array(k);
    const varSw = new Float64Array(k);
    let variance = 0;
    if (vm) {
      for (const e of compiled.entries) {
        const v = vm.index[e.index]!;
        if (v >= 0) varW[v] = exposureQ[e.index]! * compiled.quantum;
      }
      const flat = vm.flat;
      for (let a = 0; a < k; a++) {
        let s = 0;
        const row = a * k;
        for (let b = 0; b < k; b++) s += flat[row + b]! * varW[b]!;
        varSw[a] = s;
        variance += varW[a]! * s;
      }
    }
    this.varModel = vm;
    this.varW = varW;
    this.varSw = varSw;
    this.varVariance = variance;
    sources.set(this, {
      view: { ...view, last: Float64Array.from(view.last), mid: Float64Array.from(view.mid) },
      input: { time, equity, peakEquity: peak, dayStartEquity: dayStart, positions: input.positions ?? [], openOrders: orderInputs, ...(input.prices ? { prices: input.prices } : {}) },
    });
    Object.freeze(this);
  }
}

/** What each snapshot was built from, so that orders can be added to it exactly (lists, pending commands). */
const sources = new WeakMap<RiskState, { readonly view: EngineView; readonly input: RiskStateInput & { readonly openOrders: readonly RiskOpenOrderInput[] } }>();

/**
 * The snapshot as it would be with `orders` open as well and `submits` more submits recorded at its
 * time: how the orders of one list are checked against each other (internal).
 */
export function withOpenOrders(compiled: CompiledConfig, state: RiskState, orders: readonly RiskOpenOrderInput[], submits: number): RiskState {
  const src = sources.get(state)!;
  // From the snapshot's own copy of the rate windows: later records do not change what it decides.
  const times = Array.from(state.submitTimes);
  if (submits > 0) {
    for (let k = 0; k < submits; k++) {
      let i = times.length;
      while (i > 0 && times[i - 1]! > state.time) i--;
      times.splice(i, 0, state.time);
    }
  }
  return new RiskState(compiled, { ...src.view, submitTimes: times, modifyTimes: Array.from(state.modifyTimes) }, { ...src.input, openOrders: [...src.input.openOrders, ...orders] });
}

/**
 * The price (ticks) an order is valued at: the highest it can fill at. A buy with a limit price never
 * fills above it; anything else can fill at the market or above its own prices (a sell limit below the
 * market, a stop already through it), so it is valued at the highest of the market and its prices.
 * NaN when that needs a market price and there is none: gates that need it then deny.
 */
export function worstTicks(side: number, priceTicks: number, triggerTicks: number, markTicks: number): number {
  if (side > 0 && priceTicks === priceTicks) return priceTicks;
  if (markTicks !== markTicks) return NaN;
  let v = markTicks;
  if (priceTicks > v) v = priceTicks;
  if (triggerTicks > v) v = triggerTicks;
  return v;
}

/** A reference price in ticks; one that rounds to zero ticks is no reference (NaN). */
function referenceTicks(price: number, g: Parameters<typeof priceToUnits>[1]): number {
  const t = priceToUnits(price, g);
  return t > 0 ? t : NaN;
}

/** Equity as a Decimal; NaN and infinities are kept (they deny), anything else unreadable is an error. */
function equityOf(value: DecimalLike, field: string): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) return new Decimal(value);
  if (value instanceof Decimal) return value;
  return toDecimal(value, field);
}

/** Beyond 2^53 a sum or product is no longer exact: store it as Infinity, which every gate denies. */
function cap(x: number): number {
  return Math.abs(x) <= MAX_EXACT ? x : x !== x ? NaN : Math.sign(x) * Infinity;
}

function exactUnits(value: Decimal, grid: Parameters<typeof toUnits>[1], path: (string | number)[], signed: boolean): number {
  if (!(value instanceof Decimal) || !value.isFinite())
    throw new ValidationError([{ path, message: `must be a finite Decimal, got ${String(value)}` }]);
  if (!signed && value.isNegative()) throw new ValidationError([{ path, message: `must be >= 0, got ${value.toString()}` }]);
  const u = toUnits(value, grid);
  // Off the lot grid (a venue's odd lot): counted as the next whole lot away from zero, never fewer.
  return u === u ? u : toUnitsCeil(value, grid);
}

/** Ticks of a price; off the grid (not a price a venue would accept) rounded up, never down. */
function ticksOf(price: Decimal, grid: Parameters<typeof toUnits>[1]): number {
  const u = toUnits(price, grid);
  return u === u ? u : toUnitsCeil(price, grid);
}

function windowTimes(times: readonly number[], from: number): Float64Array {
  let start = times.length;
  while (start > 0 && times[start - 1]! > from) start--;
  return Float64Array.from(times.slice(start));
}
