/**
 * The pure pre-trade check (internal; the public entry point is {@link RiskEngine.check}). It reads
 * only the command, the immutable {@link RiskState} and the immutable compiled configuration, so the
 * same inputs always give the same decision. Every enabled gate is evaluated and every breach reported.
 * The approval path allocates nothing: integers in doubles (lots, ticks, money quanta) and exact
 * product comparisons; Decimals are built only to describe a denial.
 *
 * Exposure gates (position, gross, net, leverage, concentration, capital threshold, daily loss,
 * drawdown, VaR) apply only to orders that increase exposure: an order reduces exposure when it is
 * against the position and, together with the open orders on its side, does not exceed it.
 *
 * Notional gates value an order at the highest price it can fill at (see `worstTicks`): a sell limit
 * below the market or a stop already through it is valued at the market, never at its own price.
 * Anything the check cannot value or read is denied: a malformed command (unknown type, side, order
 * type or time in force), a missing reference price, non-finite equity.
 */
import { Decimal, ValidationError, type CancelOrder, type ModifyOrder, type OrderCommand, type SubmitOrder, type SubmitOrderList } from '@rxtrade/core';
import type { CompiledConfig, CompiledLimits, InstrumentEntry } from './compiled-config';
import { exactProduct, MAX_EXACT, productGreater, quantaToDecimal, toUnits, toUnitsCeil, type Grid } from './exact';
import { APPROVED, DenialCode, type DenialReason, type RiskDecision } from './risk-decision';
import { withOpenOrders, worstTicks, type RiskOpenOrderInput, type RiskState } from './risk-state';

type Reasons = DenialReason[] | null;

function push(reasons: Reasons, code: DenialCode, limit: Decimal | undefined, actual: Decimal | undefined, message: string): DenialReason[] {
  const r = reasons ?? [];
  r.push({ code, limit, actual, message });
  return r;
}

function bad(path: string, message: string): never {
  throw new ValidationError([{ path: ['order', path], message }]);
}

/** A positive, finite Decimal or a ValidationError naming the field. */
function positiveDecimal(v: unknown, field: string): Decimal {
  if (!(v instanceof Decimal)) bad(field, `must be a Decimal, got ${v === null ? 'null' : typeof v}`);
  const d = v as Decimal;
  if (!d.d) bad(field, `must be a finite number, got ${d.toString()}`);
  if (d.s < 0 || d.isZero()) bad(field, `must be > 0, got ${d.toString()}`);
  return d;
}

/** Lots or ticks of a value; off-grid values are denied by the instrument rules and rounded up. */
function units(value: Decimal, grid: Grid): number {
  const u = toUnits(value, grid);
  return u === u ? u : toUnitsCeil(value, grid);
}

function countSince(times: Float64Array, from: number): number {
  // times is sorted: binary search for the first time > from.
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! > from) hi = mid;
    else lo = mid + 1;
  }
  return times.length - lo;
}

const KNOWN = 1;
const PRICED = 2;
const TRIGGERED = 4;
/** What an order type needs: 0 for an unknown type (a switch: cheaper than a Set on the hot path). */
function orderTypeFlags(t: unknown): number {
  switch (t) {
    case 'MARKET':
    case 'TRAILING_STOP_MARKET':
    case 'TRAILING_STOP_LIMIT':
      return KNOWN;
    case 'LIMIT':
      return KNOWN | PRICED;
    case 'STOP_MARKET':
    case 'MARKET_IF_TOUCHED':
      return KNOWN | TRIGGERED;
    case 'STOP_LIMIT':
    case 'LIMIT_IF_TOUCHED':
      return KNOWN | PRICED | TRIGGERED;
    default:
      return 0;
  }
}
const ORDER_TYPE_NAMES = 'MARKET, LIMIT, STOP_MARKET, STOP_LIMIT, TRAILING_STOP_MARKET, TRAILING_STOP_LIMIT, MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED';

function knownTimeInForce(t: unknown): boolean {
  return t === 'GTC' || t === 'IOC' || t === 'FOK' || t === 'GTD' || t === 'DAY';
}

/**
 * Checks one command against the state. A malformed command (unknown type, side, order type or time in
 * force, a quantity that is not a positive Decimal…) is denied as INVALID_ORDER with the field named.
 */
export function checkCommand(c: CompiledConfig, command: OrderCommand, state: RiskState): RiskDecision {
  try {
    return dispatch(c, command, state);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { approved: false, reasons: [{ code: DenialCode.INVALID_ORDER, limit: undefined, actual: undefined, message: e.message }] };
  }
}

function dispatch(c: CompiledConfig, command: OrderCommand, state: RiskState): RiskDecision {
  if (command === null || typeof command !== 'object') return bad('type', 'must be an order command object');
  switch (command.type) {
    case 'SubmitOrder':
      return checkSubmit(c, command, state);
    case 'SubmitOrderList':
      return checkList(c, command, state);
    case 'ModifyOrder':
      return checkModify(c, command, state);
    case 'CancelOrder':
      return checkCancel(c, command);
    default:
      return bad('type', `must be SubmitOrder, SubmitOrderList, ModifyOrder or CancelOrder, got ${JSON.stringify((command as { type: unknown }).type)}`);
  }
}

/**
 * A list (bracket, OCO pair) is checked as a whole: its orders one after the other, each against the
 * state with the list's earlier orders already open (so their exposures, notionals, open-order count and
 * submits add up), and it passes only when every order passes. A list that repeats a client order id is
 * denied. A child released by a parent of the same list (OTO: a bracket's take-profit and stop-loss) is
 * exempt from the exposure gates only when it can only undo what its parent opens: same instrument,
 * opposite side, no larger quantity, and a parent that itself opens exposure. Any other child is checked
 * as a new order, in every trading state.
 */
function checkList(c: CompiledConfig, list: SubmitOrderList, state: RiskState): RiskDecision {
  if (!Array.isArray(list.orders) || list.orders.length === 0) bad('orders', 'must be a non-empty array of SubmitOrder');
  const byId = new Map<unknown, SubmitOrder>();
  let reasons: Reasons = null;
  list.orders.forEach((o, k) => {
    if (o === null || typeof o !== 'object') bad(`orders[${k}]`, 'must be a SubmitOrder');
    if (byId.has(o.clientOrderId)) reasons = push(reasons, DenialCode.DUPLICATE_ORDER_ID, undefined, undefined, `client order id ${String(o.clientOrderId)} appears more than once in the list`);
    else byId.set(o.clientOrderId, o);
  });
  if (reasons !== null) return { approved: false, reasons };
  const added: RiskOpenOrderInput[] = [];
  let s = state;
  for (let k = 0; k < list.orders.length; k++) {
    const o = list.orders[k]!;
    if (k > 0) s = withOpenOrders(c, state, added, k);
    const parent = o.parentOrderId === undefined ? undefined : byId.get(o.parentOrderId);
    const d = checkSubmit(c, o, s, parent !== undefined && undoesParent(c, o, parent, state));
    if (!d.approved) for (const r of d.reasons) reasons = push(reasons, r.code, r.limit, r.actual, `${o.clientOrderId}: ${r.message}`);
    added.push({ clientOrderId: o.clientOrderId, strategyId: o.strategyId, instrumentId: o.instrumentId, side: o.side, orderType: o.orderType, quantity: o.quantity, price: o.price, triggerPrice: o.triggerPrice });
  }
  return reasons === null ? APPROVED : { approved: false, reasons };
}

/** Whether a child can only undo what its parent (of the same list) opens; see {@link checkList}. */
function undoesParent(c: CompiledConfig, child: SubmitOrder, parent: SubmitOrder, s: RiskState): boolean {
  if (parent.parentOrderId !== undefined || child.instrumentId !== parent.instrumentId || child.side === parent.side) return false;
  if (!(child.quantity instanceof Decimal) || !(parent.quantity instanceof Decimal) || !child.quantity.isFinite() || !parent.quantity.isFinite() || child.quantity.gt(parent.quantity)) return false;
  const e = c.byId.get(parent.instrumentId);
  if (e === undefined) return false;
  const q = units(parent.quantity, e.qty);
  const pos = s.posLots[e.index]!;
  const parentReduces = parent.side === 'BUY' ? pos < 0 && q + s.pendBuyLots[e.index]! <= -pos : parent.side === 'SELL' && pos > 0 && q + s.pendSellLots[e.index]! <= pos;
  return !parentReduces;
}

function entryOf(c: CompiledConfig, command: CancelOrder | ModifyOrder | SubmitOrder): InstrumentEntry {
  const e = c.byId.get(command.instrumentId);
  if (e === undefined) bad('instrumentId', `unknown instrument ${JSON.stringify(command.instrumentId)}`);
  if (typeof command.clientOrderId !== 'string' || command.clientOrderId.length === 0) bad('clientOrderId', 'must be a non-empty string');
  if (typeof command.strategyId !== 'string' || command.strategyId.length === 0) bad('strategyId', 'must be a non-empty string');
  return e;
}

function checkCancel(c: CompiledConfig, command: CancelOrder): RiskDecision {
  entryOf(c, command);
  // Cancelling never adds risk: approved in every trading state.
  return APPROVED;
}

function checkSubmit(c: CompiledConfig, o: SubmitOrder, s: RiskState, released = false): RiskDecision {
  const e = entryOf(c, o);
  const side = o.side === 'BUY' ? 1 : o.side === 'SELL' ? -1 : bad('side', `must be BUY or SELL, got ${JSON.stringify(o.side)}`);
  const flags = orderTypeFlags(o.orderType);
  if (flags === 0) bad('orderType', `must be one of ${ORDER_TYPE_NAMES}, got ${JSON.stringify(o.orderType)}`);
  if (!knownTimeInForce(o.timeInForce)) bad('timeInForce', `must be one of GTC, IOC, FOK, GTD, DAY, got ${JSON.stringify(o.timeInForce)}`);
  const qty = positiveDecimal(o.quantity, 'quantity');
  const price = o.price === undefined ? undefined : positiveDecimal(o.price, 'price');
  const trigger = o.triggerPrice === undefined ? undefined : positiveDecimal(o.triggerPrice, 'triggerPrice');
  if ((flags & PRICED) !== 0 && price === undefined) bad('price', `is required for ${o.orderType} orders`);
  if ((flags & TRIGGERED) !== 0 && trigger === undefined) bad('triggerPrice', `is required for ${o.orderType} orders`);
  const L = c.limits(o.strategyId, e);
  const i = e.index;
  let r: Reasons = null;

  const q = units(qty, e.qty);
  const p = price === undefined ? NaN : units(price, e.price);
  const t = trigger === undefined ? NaN : units(trigger, e.price);
  const pos = s.posLots[i]!;
  // A released child (bracket take-profit / stop-loss) only ever closes what its parent filled.
  const reducing = released || (side > 0 ? pos < 0 && q + s.pendBuyLots[i]! <= -pos : pos > 0 && q + s.pendSellLots[i]! <= pos);

  if (s.tradingState === 'HALTED') r = push(r, DenialCode.TRADING_HALTED, undefined, undefined, 'trading is halted');
  else if (s.tradingState === 'REDUCING' && !reducing) r = push(r, DenialCode.TRADING_REDUCING, undefined, undefined, 'trading is reducing: only orders that reduce exposure pass');
  if (L.restricted) r = push(r, DenialCode.RESTRICTED_INSTRUMENT, undefined, undefined, `${e.instrument.id} is restricted`);

  if (!s.equityValid && !reducing) r = push(r, DenialCode.INVALID_EQUITY, undefined, undefined, 'equity is not a finite number: only orders that reduce exposure pass');

  const ref = L.collarMid ? s.midTicks[i]! : s.lastTicks[i]!;
  const mark = s.markTicks[i]!;
  // Limits value the order at the highest price it can fill at; the venue's minimum notional at its own price.
  const valTicks = worstTicks(side, p, t, mark);
  const notional = q * valTicks * e.factor;

  let noPrice = false;
  if (L.instrumentRules) {
    if (toUnits(qty, e.qty) !== q) r = push(r, DenialCode.LOT_SIZE, e.instrument.lotSize, qty, `quantity ${qty.toString()} is not a multiple of the lot size ${e.instrument.lotSize.toString()}`);
    if (price !== undefined && toUnits(price, e.price) !== p) r = push(r, DenialCode.TICK_SIZE, e.instrument.tickSize, price, `price ${price.toString()} is not a multiple of the tick size ${e.instrument.tickSize.toString()}`);
    if (trigger !== undefined && toUnits(trigger, e.price) !== t) r = push(r, DenialCode.TICK_SIZE, e.instrument.tickSize, trigger, `trigger price ${trigger.toString()} is not a multiple of the tick size ${e.instrument.tickSize.toString()}`);
    const ownTicks = p === p ? p : t === t ? t : mark;
    const own = q * ownTicks * e.factor;
    if (e.minNotionalQ > 0 && ownTicks !== ownTicks) noPrice = true;
    else if (e.minNotionalQ > 0 && own < e.minNotionalQ)
      r = push(r, DenialCode.MIN_NOTIONAL, e.instrument.minNotional, money(c, own, q, ownTicks, e), `order notional is below the minimum ${e.instrument.minNotional.toString()}`);
  }
  if (q > L.maxOrderLots) r = push(r, DenialCode.MAX_ORDER_QUANTITY, L.source.maxOrderQuantity ?? undefined, qty, `quantity ${qty.toString()} exceeds ${L.source.maxOrderQuantity?.toString()}`);
  if (L.maxOrderNotionalQ !== Infinity) {
    if (valTicks !== valTicks) noPrice = true;
    else if (!(notional <= L.maxOrderNotionalQ))
      r = push(r, DenialCode.MAX_ORDER_NOTIONAL, L.source.maxOrderNotional ?? undefined, money(c, notional, q, valTicks, e), `order notional exceeds ${L.source.maxOrderNotional?.toString()}`);
  }
  if (noPrice) r = push(r, DenialCode.NO_REFERENCE_PRICE, undefined, undefined, `no price to value a ${o.orderType} order on ${e.instrument.id}`);
  if (L.collar !== null) {
    if (ref !== ref) {
      if (p === p || t === t) r = push(r, DenialCode.NO_REFERENCE_PRICE, undefined, undefined, `no ${L.collarMid ? 'mid' : 'last'} price for the price collar on ${e.instrument.id}`);
    } else {
      if (p === p) r = collar(r, L, p, ref, e, 'price');
      if (t === t) r = collar(r, L, t, ref, e, 'trigger price');
    }
  }
  if (s.openCount + 1 > L.maxOpenOrders)
    r = push(r, DenialCode.MAX_OPEN_ORDERS, new Decimal(L.maxOpenOrders), new Decimal(s.openCount + 1), `${s.openCount + 1} open orders would exceed ${L.maxOpenOrders}`);
  if (L.submitCount !== Infinity) {
    const n = countSince(s.submitTimes, s.time - L.submitWindow) + 1;
    if (n > L.submitCount) r = push(r, DenialCode.SUBMIT_RATE, new Decimal(L.submitCount), new Decimal(n), `${n} submits in ${L.submitWindow} ms would exceed ${L.submitCount}`);
  }
  if (L.duplicates) {
    if (s.openById.has(o.clientOrderId)) r = push(r, DenialCode.DUPLICATE_ORDER_ID, undefined, undefined, `client order id ${o.clientOrderId} is already open`);
    const same = s.openByInstrument[i];
    if (same !== undefined)
      for (let k = 0; k < same.length; k++) {
        const x = same[k]!;
        if (x.side === side && x.remainingLots === q && x.strategyId === o.strategyId && x.orderType === o.orderType && (x.priceTicks === p || (x.priceTicks !== x.priceTicks && p !== p)) && (x.triggerTicks === t || (x.triggerTicks !== x.triggerTicks && t !== t))) {
          r = push(r, DenialCode.DUPLICATE_ORDER, undefined, undefined, `same side, type, price and quantity as open order ${x.clientOrderId}`);
          break;
        }
      }
  }
  if (!reducing) r = exposureGates(c, r, L, e, s, side, q, valTicks, notional);
  return r === null ? APPROVED : { approved: false, reasons: r };
}

function collar(r: Reasons, L: CompiledLimits, x: number, ref: number, e: InstrumentEntry, what: string): Reasons {
  const dev = Math.abs(x - ref);
  if (productGreater(dev, L.collar!.den, L.collar!.num, ref)) {
    const actual = new Decimal(dev).div(ref);
    return push(r, DenialCode.PRICE_COLLAR, L.collar!.value, actual, `${what} ${e.instrument.tickSize.mul(x).toString()} deviates ${actual.toSignificantDigits(6).toString()} from the reference ${e.instrument.tickSize.mul(ref).toString()}`);
  }
  return r;
}

function money(c: CompiledConfig, value: number, q: number, ticks: number, e: InstrumentEntry): Decimal {
  // Exact even when the double product left the exact range: recomputed from the integer factors.
  if (Math.abs(value) <= MAX_EXACT) return quantaToDecimal(value, c.moneyDecimals);
  return exactProduct(q, ticks, e.factor).div(new Decimal(10).pow(c.moneyDecimals));
}

function ratioActual(num: number, den: number): Decimal {
  return den === 0 || den !== den || num !== num ? new Decimal(Infinity) : new Decimal(num).div(den);
}

/**
 * Gates on the exposure an increasing order adds: `q` lots on `side` of instrument `e`, and `capitalAdd`
 * quanta of notional (NaN when it cannot be valued) toward the capital threshold.
 */
function exposureGates(c: CompiledConfig, r: Reasons, L: CompiledLimits, e: InstrumentEntry, s: RiskState, side: number, q: number, valTicks: number, capitalAdd: number): Reasons {
  const i = e.index;
  const D = c.moneyDecimals;
  // Exposure is marked to the market; with no market price it is unknown and the gates that need it deny.
  const mark = s.markTicks[i]!;
  const notional = capitalAdd;
  const pos = s.posLots[i]!;
  const hi = pos + s.pendBuyLots[i]! + (side > 0 ? q : 0);
  const lo = pos - s.pendSellLots[i]! - (side < 0 ? q : 0);
  const worstLots = Math.max(Math.abs(hi), Math.abs(lo));
  const w2 = worstLots * mark * e.factor;
  const gross2 = s.grossQ - s.worstQ[i]! + w2;
  const equity = s.equityQ;
  const needsMark = L.maxGrossQ !== Infinity || L.maxNetQ !== Infinity || L.leverage !== null || L.concentration !== null || L.tagConcentration !== null || L.capitalQ !== Infinity || L.maxVar !== Infinity;
  const hasMark = mark === mark && valTicks === valTicks;
  if (!hasMark && needsMark) r = push(r, DenialCode.NO_REFERENCE_PRICE, undefined, undefined, `no market price to value exposure in ${e.instrument.id}`);

  if (worstLots > L.maxPositionLots)
    r = push(r, DenialCode.MAX_POSITION, L.source.maxPosition ?? undefined, e.instrument.lotSize.mul(worstLots), `position with open orders would reach ${e.instrument.lotSize.mul(worstLots).toString()}`);
  if (hasMark) r = markedGates(c, r, L, e, s, side, q, notional, mark, hi, lo, w2, gross2);
  if (L.dailyLossQ !== Infinity) {
    const loss = s.dayStartQ - equity;
    if (!(loss <= L.dailyLossQ)) r = push(r, DenialCode.DAILY_LOSS, L.source.dailyLoss ?? undefined, quantaToDecimal(loss, D), `daily loss exceeds ${L.source.dailyLoss?.toString()}`);
  }
  const dd = L.drawdown;
  if (dd !== null && productGreater(s.peakQ - equity, dd.den, dd.num, s.peakQ))
    r = push(r, DenialCode.MAX_DRAWDOWN, dd.value, ratioActual(s.peakQ - equity, s.peakQ), `drawdown from peak equity exceeds ${dd.value.toString()}`);
  return r;
}

/** Gates that value exposure at a mark price. */
function markedGates(c: CompiledConfig, r: Reasons, L: CompiledLimits, e: InstrumentEntry, s: RiskState, side: number, q: number, notional: number, mark: number, hi: number, lo: number, w2: number, gross2: number): Reasons {
  const i = e.index;
  const D = c.moneyDecimals;
  const equity = s.equityQ;
  if (L.maxGrossQ !== Infinity && !(gross2 <= L.maxGrossQ))
    r = push(r, DenialCode.MAX_GROSS_EXPOSURE, L.source.maxGrossExposure ?? undefined, quantaToDecimal(gross2, D), `gross exposure would exceed ${L.source.maxGrossExposure?.toString()}`);
  if (L.maxNetQ !== Infinity) {
    // Every open order on the order's side filled as well, in every instrument: orders that each pass
    // cannot add up past the limit.
    const net2 = (side > 0 ? s.netBuyQ : s.netSellQ) + side * q * mark * e.factor;
    if (!(Math.abs(net2) <= L.maxNetQ))
      r = push(r, DenialCode.MAX_NET_EXPOSURE, L.source.maxNetExposure ?? undefined, quantaToDecimal(net2, D), `net exposure would exceed ${L.source.maxNetExposure?.toString()}`);
  }
  const lev = L.leverage;
  if (lev !== null && (equity <= 0 || productGreater(gross2, lev.den, lev.num, equity)))
    r = push(r, DenialCode.MAX_LEVERAGE, lev.value, ratioActual(gross2, equity <= 0 ? 0 : equity), `leverage would exceed ${lev.value.toString()}`);
  const conc = L.concentration;
  if (conc !== null && (equity <= 0 || productGreater(w2, conc.den, conc.num, equity)))
    r = push(r, DenialCode.MAX_CONCENTRATION, conc.value, ratioActual(w2, equity <= 0 ? 0 : equity), `${e.instrument.id} would exceed ${conc.value.toString()} of equity`);
  const tagc = L.tagConcentration;
  if (tagc !== null)
    for (let k = 0; k < e.tags.length; k++) {
      const tag = e.tags[k]!;
      const t2 = s.tagQ[tag]! - s.worstQ[i]! + w2;
      if (equity <= 0 || productGreater(t2, tagc.den, tagc.num, equity))
        r = push(r, DenialCode.MAX_TAG_CONCENTRATION, tagc.value, ratioActual(t2, equity <= 0 ? 0 : equity), `tag ${c.tagNames[tag]} would exceed ${tagc.value.toString()} of equity`);
    }
  r = capitalGate(c, r, L, s, notional);
  if (L.maxVar !== Infinity) {
    const vm = s.varModel!;
    const k = vm.index[i]!;
    if (k < 0) r = push(r, DenialCode.PRE_TRADE_VAR, L.source.maxVar ?? undefined, undefined, `no covariance for ${e.instrument.id}`);
    else {
      const delta = side * q * mark * e.factor * c.quantum;
      const v2 = s.varVariance + 2 * delta * s.varSw[k]! + delta * delta * vm.flat[k * vm.ids.length + k]!;
      const var2 = vm.scale * Math.sqrt(Math.max(0, v2));
      const var1 = vm.scale * Math.sqrt(Math.max(0, s.varVariance));
      if (!(var2 <= L.maxVar) && var2 > var1)
        r = push(r, DenialCode.PRE_TRADE_VAR, L.source.maxVar ?? undefined, new Decimal(var2), `portfolio VaR would rise to ${var2.toFixed(2)}`);
    }
  }
  return r;
}

function checkModify(c: CompiledConfig, m: ModifyOrder, s: RiskState): RiskDecision {
  const e = entryOf(c, m);
  const qty = m.quantity === undefined ? undefined : positiveDecimal(m.quantity, 'quantity');
  const price = m.price === undefined ? undefined : positiveDecimal(m.price, 'price');
  const trigger = m.triggerPrice === undefined ? undefined : positiveDecimal(m.triggerPrice, 'triggerPrice');
  if (qty === undefined && price === undefined && trigger === undefined) bad('quantity', 'must change at least one of quantity, price, triggerPrice');
  const L = c.limits(m.strategyId, e);
  const i = e.index;
  let r: Reasons = null;
  const o = s.openById.get(m.clientOrderId);
  if (o === undefined || o.index !== i) return { approved: false, reasons: push(null, DenialCode.UNKNOWN_ORDER, undefined, undefined, `no open order ${m.clientOrderId} on ${e.instrument.id}`) };
  const q = qty === undefined ? o.totalLots : units(qty, e.qty);
  const p = price === undefined ? o.priceTicks : units(price, e.price);
  const t = trigger === undefined ? o.triggerTicks : units(trigger, e.price);
  const added = Math.max(0, q - o.filledLots - o.remainingLots);
  const pos = s.posLots[i]!;
  // The order reduces exposure after the change when it and its side's other open orders stay within the position.
  const pend = o.side > 0 ? s.pendBuyLots[i]! : s.pendSellLots[i]!;
  const reducing = o.side > 0 ? pos < 0 && pend + added <= -pos : pos > 0 && pend + added <= pos;

  if (s.tradingState === 'HALTED') r = push(r, DenialCode.TRADING_HALTED, undefined, undefined, 'trading is halted');
  else if (s.tradingState === 'REDUCING' && !reducing) r = push(r, DenialCode.TRADING_REDUCING, undefined, undefined, 'trading is reducing: only orders that reduce exposure pass');
  if (L.restricted) r = push(r, DenialCode.RESTRICTED_INSTRUMENT, undefined, undefined, `${e.instrument.id} is restricted`);
  if (L.instrumentRules) {
    if (qty !== undefined && toUnits(qty, e.qty) !== q) r = push(r, DenialCode.LOT_SIZE, e.instrument.lotSize, qty, `quantity ${qty.toString()} is not a multiple of the lot size ${e.instrument.lotSize.toString()}`);
    if (price !== undefined && toUnits(price, e.price) !== p) r = push(r, DenialCode.TICK_SIZE, e.instrument.tickSize, price, `price ${price.toString()} is not a multiple of the tick size`);
    if (trigger !== undefined && toUnits(trigger, e.price) !== t) r = push(r, DenialCode.TICK_SIZE, e.instrument.tickSize, trigger, `trigger price ${trigger.toString()} is not a multiple of the tick size`);
  }
  if (!s.equityValid && !reducing) r = push(r, DenialCode.INVALID_EQUITY, undefined, undefined, 'equity is not a finite number: only orders that reduce exposure pass');
  // Valued like a new order: at the highest price the changed order can fill at.
  const mark = s.markTicks[i]!;
  const valTicks = worstTicks(o.side, p, t, mark);
  const notional = q * valTicks * e.factor;
  if (q > L.maxOrderLots) r = push(r, DenialCode.MAX_ORDER_QUANTITY, L.source.maxOrderQuantity ?? undefined, e.instrument.lotSize.mul(q), `quantity exceeds ${L.source.maxOrderQuantity?.toString()}`);
  if (L.maxOrderNotionalQ !== Infinity) {
    if (valTicks !== valTicks) r = push(r, DenialCode.NO_REFERENCE_PRICE, undefined, undefined, `no market price to value the changed order on ${e.instrument.id}`);
    else if (!(notional <= L.maxOrderNotionalQ))
      r = push(r, DenialCode.MAX_ORDER_NOTIONAL, L.source.maxOrderNotional ?? undefined, money(c, notional, q, valTicks, e), `order notional exceeds ${L.source.maxOrderNotional?.toString()}`);
  }
  if (L.collar !== null) {
    const ref = L.collarMid ? s.midTicks[i]! : s.lastTicks[i]!;
    if (ref !== ref) {
      if (price !== undefined || trigger !== undefined) r = push(r, DenialCode.NO_REFERENCE_PRICE, undefined, undefined, `no reference price for the price collar on ${e.instrument.id}`);
    } else {
      if (price !== undefined) r = collar(r, L, p, ref, e, 'price');
      if (trigger !== undefined) r = collar(r, L, t, ref, e, 'trigger price');
    }
  }
  if (L.modifyCount !== Infinity) {
    const n = countSince(s.modifyTimes, s.time - L.modifyWindow) + 1;
    if (n > L.modifyCount) r = push(r, DenialCode.MODIFY_RATE, new Decimal(L.modifyCount), new Decimal(n), `${n} modifies in ${L.modifyWindow} ms would exceed ${L.modifyCount}`);
  }
  // What the change adds to open-order notional (capital threshold): a new price can add as much as a new quantity.
  const before = o.remainingLots * worstTicks(o.side, o.priceTicks, o.triggerTicks, mark) * e.factor;
  const capitalAdd = Math.max(0, q - o.filledLots) * valTicks * e.factor - before;
  if (!reducing) {
    if (added > 0) r = exposureGates(c, r, L, e, s, o.side, added, valTicks, capitalAdd);
    else if (!(capitalAdd <= 0)) r = capitalGate(c, r, L, s, capitalAdd);
  }
  return r === null ? APPROVED : { approved: false, reasons: r };
}

/** The capital threshold: position exposure, open-order notional and `add` more (NaN: cannot be valued, denied). */
function capitalGate(c: CompiledConfig, r: Reasons, L: CompiledLimits, s: RiskState, add: number): Reasons {
  if (L.capitalQ === Infinity) return r;
  const used = s.positionGrossQ + s.openNotionalQ + add;
  if (!(used <= L.capitalQ))
    r = push(r, DenialCode.CAPITAL_THRESHOLD, L.source.capitalThreshold ?? undefined, used === used ? quantaToDecimal(used, c.moneyDecimals) : undefined, `positions, open orders and this order would exceed the capital threshold ${L.source.capitalThreshold?.toString()}`);
  return r;
}
