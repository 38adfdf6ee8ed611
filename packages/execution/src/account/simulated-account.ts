/**
 * A simulated venue's account: a cash account (no borrowing, no shorting) or a margin account (long or
 * short positions with a leverage limit), checked before each order and booked on each fill.
 *
 * CASH: a BUY reserves quantity × price × multiplier of the quote currency, at the order's limit price
 * or the venue's reference price for a market order. Fees are not reserved, and a market order filled
 * at a worse price (slippage, a gap) spends more than it reserved: a buy that spends the last cash can
 * leave the balance negative by that much, so size orders with room for fees and slippage. A SELL must be covered
 * by the free base asset (held minus what other open sells reserved): a cash account never shorts.
 * Perpetuals and futures need a margin account and are refused. Fills move the assets: a BUY pays the
 * quote currency (notional) and receives the base, a SELL the reverse; the commission is paid in the
 * fill's commission currency. Positions track what was bought and sold through the account: base
 * assets given in `startingBalances` show in `balances()`, not as positions (selling them shows a
 * negative position quantity at the sale price).
 *
 * MARGIN: every instrument is settled in its quote currency as a position (like a futures or CFD
 * account: no base asset moves). Cash changes by realized P&L, commissions and funding; equity is cash
 * plus the unrealized P&L of the positions at their marks (the average price until marked). Margin in
 * use is Σ |position| × mark × multiplier / maxLeverage. An order needs initial margin =
 * notional / maxLeverage for the part that increases exposure (the part that reduces the position, net
 * of what other open orders already reduce, needs none; a reduce-only order needs none) and is refused
 * when that exceeds free margin = equity − margin in use − reserved. The maintenance margin is
 * Σ |position| × mark × multiplier × maintenanceMarginRate (default 0.5 / maxLeverage, half the
 * initial margin, as on many crypto venues); `marginCall` tells when equity falls below it. The
 * account only reports it: liquidation is the venue's or the strategy's decision.
 *
 * Realized P&L on positions excludes commissions (they are booked to cash separately). All figures are
 * exact Decimals; marks are plain numbers converted when a figure is asked for.
 */
import { z } from 'zod';
import {
  Decimal,
  ZERO,
  parseWith,
  type Balance,
  type ClientOrderId,
  type Fill,
  type FundingPayment,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type OrderSide,
  type Position,
} from '@rxtrade/core';
import { decimalInput } from '../fees/decimal-input';
import type { VenueAccount } from './venue-account';

/**
 * Kinds of {@link SimulatedAccount}: CASH (no borrowing, no shorting) or MARGIN (leveraged positions).
 *
 * @example
 * ```ts
 * new SimulatedAccount({ type: AccountType.MARGIN, instruments, startingBalances: { USDT: 10_000 }, maxLeverage: 3 });
 * ```
 */
export const AccountType = { CASH: 'CASH', MARGIN: 'MARGIN' } as const;
export type AccountType = (typeof AccountType)[keyof typeof AccountType];

/** @internal The fields of an account's config (the JSON form of a venue reuses them, less the instrument registry). */
export const simulatedAccountShape = {
  type: z.enum([AccountType.CASH, AccountType.MARGIN]),
  instruments: z.custom<InstrumentRegistry>(
    (v) => typeof v === 'object' && v !== null && typeof (v as { get?: unknown }).get === 'function' && typeof (v as { all?: unknown }).all === 'function',
    'must be an InstrumentRegistry',
  ),
  startingBalances: z.record(z.string().min(1), decimalInput((d) => (d.lt(0) ? 'must be >= 0' : undefined))),
  /** MARGIN only: notional / equity the account may carry (>= 1). Default 1. */
  maxLeverage: z.number().finite().gte(1).optional(),
  /** MARGIN only: maintenance margin as a fraction of notional, at most the initial 1 / maxLeverage. */
  maintenanceMarginRate: z.number().positive().optional(),
};

/** @internal The checks across an account's fields: no leverage on CASH, maintenance margin within the initial margin. */
export function checkAccountConfig(c: { type: AccountType; maxLeverage?: number | undefined; maintenanceMarginRate?: number | undefined }, ctx: z.RefinementCtx): void {
  if (c.type === 'CASH' && c.maxLeverage !== undefined && c.maxLeverage !== 1) {
    ctx.addIssue({ code: 'custom', path: ['maxLeverage'], message: `a CASH account has no leverage; use type MARGIN, got ${c.maxLeverage}` });
  }
  const leverage = c.maxLeverage ?? 1;
  if (c.maintenanceMarginRate !== undefined && c.maintenanceMarginRate > 1 / leverage) {
    ctx.addIssue({ code: 'custom', path: ['maintenanceMarginRate'], message: `must be at most the initial margin rate 1 / maxLeverage = ${1 / leverage}, got ${c.maintenanceMarginRate}` });
  }
}

/**
 * Schema of {@link SimulatedAccount}'s config.
 *
 * @example
 * ```ts
 * parseWith(SimulatedAccountConfigSchema, { type: 'MARGIN', instruments, startingBalances: { USDT: 10_000 }, maxLeverage: 5 }).maxLeverage // 5
 * ```
 */
export const SimulatedAccountConfigSchema = z.strictObject(simulatedAccountShape).superRefine(checkAccountConfig);
/**
 * Input of {@link SimulatedAccountConfigSchema}.
 *
 * @example
 * ```ts
 * const config: SimulatedAccountConfig = { type: 'CASH', instruments, startingBalances: { USD: '100000' } };
 * ```
 */
export type SimulatedAccountConfig = z.input<typeof SimulatedAccountConfigSchema>;

interface PositionState {
  quantity: Decimal;
  /** Signed cost of the open quantity, Σ quantity × price (no multiplier): exact, unlike an average price. */
  cost: Decimal;
  realizedPnl: Decimal;
  ts: number;
}

interface Reservation {
  readonly instrument: Instrument;
  readonly side: OrderSide;
  /** Currency of the reserved amount (quote for cash buys and margin, base for cash sells). */
  readonly currency: string;
  /** Amount reserved per unit of `increasingLeft`. */
  readonly perUnit: Decimal;
  /** Quantity of the order that reduces a position (margin): fills consume it first, it reserves nothing. */
  reducingLeft: Decimal;
  /** Quantity of the order that needs cash, base asset or margin. */
  increasingLeft: Decimal;
}

const NEEDS_MARGIN = new Set<string>(['perpetual', 'future']);
const fmt = (d: Decimal): string => d.toDecimalPlaces(8).toString();

/**
 * A cash or margin account for a simulated venue: reserves what orders need, books fills and funding,
 * and reports balances and positions.
 *
 * @example
 * ```ts
 * const account = new SimulatedAccount({ type: 'MARGIN', instruments, startingBalances: { USDT: 1500 }, maxLeverage: 5 });
 * account.reserve(clientOrderId('O-1'), btcPerp, 'BUY', new Decimal('0.2'), new Decimal(50000), false);
 * // 'insufficient margin: order needs 2000 USDT initial margin at 5x, free margin is 1500 USDT'
 * new SimulatedVenue({ clock, instruments, account });
 * ```
 */
export class SimulatedAccount implements VenueAccount {
  readonly type: AccountType;
  readonly maxLeverage: Decimal;
  readonly maintenanceMarginRate: Decimal;
  private readonly instruments: InstrumentRegistry;
  private readonly cash = new Map<string, Decimal>();
  private readonly reserved = new Map<string, Decimal>();
  private readonly reservations = new Map<ClientOrderId, Reservation>();
  private readonly positionStates = new Map<InstrumentId, PositionState>();
  private readonly marks = new Map<InstrumentId, number>();
  private readonly markCache = new Map<InstrumentId, { n: number; d: Decimal }>();

  constructor(config: SimulatedAccountConfig) {
    const c = parseWith(SimulatedAccountConfigSchema, config, 'SimulatedAccount');
    this.type = c.type;
    this.instruments = c.instruments;
    const leverage = c.maxLeverage ?? 1;
    this.maxLeverage = new Decimal(leverage);
    this.maintenanceMarginRate = new Decimal(c.maintenanceMarginRate ?? 0.5 / leverage);
    for (const [currency, amount] of Object.entries(c.startingBalances)) this.cash.set(currency, amount);
  }

  reserve(clientOrderId: ClientOrderId, instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal, reduceOnly: boolean): string | undefined {
    // A second reserve for the same order (a modify) replaces the first; if it is refused, the first stays.
    const previous = this.reservations.get(clientOrderId);
    this.release(clientOrderId);
    const reservation = this.type === 'CASH' ? this.reserveCash(instrument, side, quantity, price) : this.reserveMargin(instrument, side, quantity, price, reduceOnly);
    if (typeof reservation === 'string') {
      if (previous !== undefined) {
        this.reservations.set(clientOrderId, previous);
        this.addReserved(previous.currency, previous.perUnit.mul(previous.increasingLeft));
      }
      return reservation;
    }
    this.reservations.set(clientOrderId, reservation);
    this.addReserved(reservation.currency, reservation.perUnit.mul(reservation.increasingLeft));
    return undefined;
  }

  release(clientOrderId: ClientOrderId): void {
    const r = this.reservations.get(clientOrderId);
    if (r === undefined) return;
    this.reservations.delete(clientOrderId);
    this.addReserved(r.currency, r.perUnit.mul(r.increasingLeft).neg());
  }

  applyFill(fill: Fill): void {
    const instrument = this.instruments.get(fill.instrumentId);
    const signed = fill.side === 'BUY' ? fill.quantity : fill.quantity.neg();
    const realized = this.updatePosition(fill.instrumentId, signed, fill.price, instrument.multiplier, fill.ts);
    if (this.type === 'CASH') {
      const notional = fill.quantity.mul(fill.price).mul(instrument.multiplier);
      this.addCash(instrument.quote, fill.side === 'BUY' ? notional.neg() : notional);
      this.addCash(instrument.base, signed);
    } else if (!realized.isZero()) {
      this.addCash(instrument.quote, realized);
    }
    if (!fill.commission.isZero()) this.addCash(fill.commissionCurrency, fill.commission.neg());
    this.consumeReservation(fill.clientOrderId, fill.quantity);
  }

  applyFunding(payment: FundingPayment): void {
    this.addCash(payment.currency, payment.amount);
  }

  mark(instrumentId: InstrumentId, price: number): void {
    this.marks.set(instrumentId, price);
  }

  balances(): readonly Balance[] {
    const currencies = new Set<string>([...this.cash.keys(), ...this.reserved.keys()]);
    const out: Balance[] = [];
    for (const currency of currencies) {
      const reserved = this.reserved.get(currency) ?? ZERO;
      const total = this.type === 'CASH' ? this.cashOf(currency) : this.equity(currency);
      const locked = this.type === 'CASH' ? reserved : this.marginUsed(currency).add(reserved);
      out.push(Object.freeze({ currency, total, locked, free: total.sub(locked) }));
    }
    return out;
  }

  positions(): readonly Position[] {
    const out: Position[] = [];
    for (const [instrumentId, p] of this.positionStates) {
      if (p.quantity.isZero()) continue;
      out.push(this.positionOf(instrumentId, p));
    }
    return out;
  }

  /** The position in one instrument (quantity 0 when flat or never traded), realized P&L included. */
  position(instrumentId: InstrumentId): Position {
    const p = this.positionStates.get(instrumentId) ?? { quantity: ZERO, cost: ZERO, realizedPnl: ZERO, ts: 0 };
    return this.positionOf(instrumentId, p);
  }

  /** Signed position quantity in one instrument (0 when flat): handy for `PerpetualFunding.start`. */
  positionQuantity(instrumentId: InstrumentId): Decimal {
    return this.positionStates.get(instrumentId)?.quantity ?? ZERO;
  }

  /** The latest mark of an instrument, if any. */
  markOf(instrumentId: InstrumentId): number | undefined {
    return this.marks.get(instrumentId);
  }

  /** Equity in a currency: cash plus the unrealized P&L of the positions settled in it (margin); cash (cash account). */
  equity(currency: string): Decimal {
    if (this.type === 'CASH') return this.cashOf(currency);
    let equity = this.cashOf(currency);
    for (const [instrumentId, p] of this.positionStates) {
      if (p.quantity.isZero()) continue;
      const instrument = this.instruments.get(instrumentId);
      if (instrument.quote === currency) equity = equity.add(this.unrealized(instrument, p));
    }
    return equity;
  }

  /** Initial margin held by open positions settled in `currency`: Σ |position| × mark × multiplier / maxLeverage (0 for a cash account). */
  marginUsed(currency: string): Decimal {
    if (this.type === 'CASH') return ZERO;
    return this.exposure(currency).div(this.maxLeverage);
  }

  /** Maintenance margin of the positions settled in `currency`: Σ |position| × mark × multiplier × maintenanceMarginRate. */
  maintenanceMargin(currency: string): Decimal {
    if (this.type === 'CASH') return ZERO;
    return this.exposure(currency).mul(this.maintenanceMarginRate);
  }

  /** True when a margin account's equity in `currency` is below its maintenance margin. */
  marginCall(currency: string): boolean {
    return this.type === 'MARGIN' && this.equity(currency).lt(this.maintenanceMargin(currency));
  }

  private reserveCash(instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal): Reservation | string {
    if (NEEDS_MARGIN.has(instrument.assetClass)) {
      return `a CASH account cannot trade ${instrument.assetClass} ${instrument.id}: it needs a MARGIN account`;
    }
    if (side === 'BUY') {
      const perUnit = price.mul(instrument.multiplier);
      const need = perUnit.mul(quantity);
      const free = this.cashOf(instrument.quote).sub(this.reserved.get(instrument.quote) ?? ZERO);
      if (need.gt(free)) return `insufficient cash: order needs ${fmt(need)} ${instrument.quote}, free cash is ${fmt(free)} ${instrument.quote}`;
      return { instrument, side, currency: instrument.quote, perUnit, reducingLeft: ZERO, increasingLeft: quantity };
    }
    const free = this.cashOf(instrument.base).sub(this.reserved.get(instrument.base) ?? ZERO);
    if (quantity.gt(free)) {
      return `insufficient ${instrument.base}: order sells ${fmt(quantity)} ${instrument.base}, free ${instrument.base} is ${fmt(free)} (a CASH account cannot sell short)`;
    }
    return { instrument, side, currency: instrument.base, perUnit: new Decimal(1), reducingLeft: ZERO, increasingLeft: quantity };
  }

  private reserveMargin(instrument: Instrument, side: OrderSide, quantity: Decimal, price: Decimal, reduceOnly: boolean): Reservation | string {
    const currency = instrument.quote;
    const perUnit = price.mul(instrument.multiplier).div(this.maxLeverage);
    let reducing: Decimal;
    if (reduceOnly) {
      reducing = quantity;
    } else {
      const position = this.positionQuantity(instrument.id);
      const opposite = side === 'BUY' ? position.isNegative() : position.isPositive();
      if (!opposite || position.isZero()) {
        reducing = ZERO;
      } else {
        // What other open orders of the same side already take off the position cannot be counted twice.
        let alreadyReducing = ZERO;
        for (const r of this.reservations.values()) {
          if (r.instrument.id === instrument.id && r.side === side) alreadyReducing = alreadyReducing.add(r.reducingLeft);
        }
        const reducible = Decimal.max(ZERO, position.abs().sub(alreadyReducing));
        reducing = Decimal.min(reducible, quantity);
      }
    }
    const increasing = quantity.sub(reducing);
    if (increasing.isPositive()) {
      const need = perUnit.mul(increasing);
      const free = this.equity(currency).sub(this.marginUsed(currency)).sub(this.reserved.get(currency) ?? ZERO);
      if (need.gt(free)) {
        return `insufficient margin: order needs ${fmt(need)} ${currency} initial margin at ${this.maxLeverage.toString()}x, free margin is ${fmt(free)} ${currency}`;
      }
    }
    return { instrument, side, currency, perUnit, reducingLeft: reducing, increasingLeft: increasing };
  }

  private consumeReservation(clientOrderId: ClientOrderId, quantity: Decimal): void {
    const r = this.reservations.get(clientOrderId);
    if (r === undefined) return;
    let left = quantity;
    const fromReducing = Decimal.min(left, r.reducingLeft);
    r.reducingLeft = r.reducingLeft.sub(fromReducing);
    left = left.sub(fromReducing);
    const fromIncreasing = Decimal.min(left, r.increasingLeft);
    r.increasingLeft = r.increasingLeft.sub(fromIncreasing);
    this.addReserved(r.currency, r.perUnit.mul(fromIncreasing).neg());
    if (r.reducingLeft.isZero() && r.increasingLeft.isZero()) this.reservations.delete(clientOrderId);
  }

  /** Books a signed fill on the position; returns the realized P&L of the part that closed it. */
  private updatePosition(instrumentId: InstrumentId, signed: Decimal, price: Decimal, multiplier: Decimal, ts: number): Decimal {
    let p = this.positionStates.get(instrumentId);
    if (p === undefined) {
      p = { quantity: ZERO, cost: ZERO, realizedPnl: ZERO, ts };
      this.positionStates.set(instrumentId, p);
    }
    p.ts = ts;
    const q = p.quantity;
    if (q.isZero() || q.isNegative() === signed.isNegative()) {
      p.cost = p.cost.add(signed.mul(price));
      p.quantity = q.add(signed);
      return ZERO;
    }
    // Closing `closing` of |q| takes that fraction of the cost off; realized = proceeds − cost taken off.
    // The cost taken off and the cost left add up to the cost, so realized + unrealized stays equal to
    // the fills' cash flows valued at the mark: exact when the fraction divides exactly, else to within
    // Decimal's 34 significant digits (an average price would drift with every averaging).
    const closing = Decimal.min(q.abs(), signed.abs());
    const removed = closing.eq(q.abs()) ? p.cost : p.cost.mul(closing).div(q.abs());
    const proceeds = q.isNegative() ? closing.mul(price).neg() : closing.mul(price);
    const realized = proceeds.sub(removed).mul(multiplier);
    const next = q.add(signed);
    // Flipped through zero: what is left opened at this fill's price.
    p.cost = next.isZero() || next.isNegative() === q.isNegative() ? p.cost.sub(removed) : next.mul(price);
    p.quantity = next;
    p.realizedPnl = p.realizedPnl.add(realized);
    return realized;
  }

  private positionOf(instrumentId: InstrumentId, p: PositionState): Position {
    const instrument = this.instruments.get(instrumentId);
    return Object.freeze({
      instrumentId,
      quantity: p.quantity,
      avgPrice: p.quantity.isZero() ? ZERO : p.cost.div(p.quantity),
      realizedPnl: p.realizedPnl,
      unrealizedPnl: p.quantity.isZero() ? ZERO : this.unrealized(instrument, p),
      ts: p.ts,
    });
  }

  private unrealized(instrument: Instrument, p: PositionState): Decimal {
    const mark = this.markDecimal(instrument.id);
    if (mark === undefined) return ZERO;
    return mark.mul(p.quantity).sub(p.cost).mul(instrument.multiplier);
  }

  /** Σ |position| × mark × multiplier over positions settled in `currency` (mark = average price until marked). */
  private exposure(currency: string): Decimal {
    let total = ZERO;
    for (const [instrumentId, p] of this.positionStates) {
      if (p.quantity.isZero()) continue;
      const instrument = this.instruments.get(instrumentId);
      if (instrument.quote !== currency) continue;
      const mark = this.markDecimal(instrumentId);
      // Until marked, a position is valued at its cost (|quantity| × average price = |cost|).
      const value = mark === undefined ? p.cost.abs() : p.quantity.abs().mul(mark);
      total = total.add(value.mul(instrument.multiplier));
    }
    return total;
  }

  private markDecimal(instrumentId: InstrumentId): Decimal | undefined {
    const n = this.marks.get(instrumentId);
    if (n === undefined) return undefined;
    const cached = this.markCache.get(instrumentId);
    if (cached !== undefined && cached.n === n) return cached.d;
    const d = new Decimal(n);
    this.markCache.set(instrumentId, { n, d });
    return d;
  }

  private cashOf(currency: string): Decimal {
    return this.cash.get(currency) ?? ZERO;
  }

  private addCash(currency: string, amount: Decimal): void {
    this.cash.set(currency, this.cashOf(currency).add(amount));
  }

  private addReserved(currency: string, amount: Decimal): void {
    if (amount.isZero()) return;
    const next = (this.reserved.get(currency) ?? ZERO).add(amount);
    if (next.isZero()) this.reserved.delete(currency);
    else this.reserved.set(currency, next);
  }
}
