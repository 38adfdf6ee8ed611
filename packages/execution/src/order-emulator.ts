/**
 * Local emulation of order types a venue lacks (stops, if-touched orders, trailing stops), as the
 * venue's capability map allows: the order is held by the order manager, watched against market data,
 * and released as the venue's native MARKET or LIMIT order when its trigger is reached. The venue fills
 * the released order on later market data, as it would a user's market order, so emulation never fills
 * at a price the market did not offer after the trigger.
 *
 * Trigger rules (the same directions as the simulated venue's native matching):
 * - STOP_MARKET / STOP_LIMIT: a BUY triggers when the market trades at or above the trigger, a SELL at or
 *   below. MARKET_IF_TOUCHED / LIMIT_IF_TOUCHED: the opposite directions.
 * - TRAILING_STOP_*: a SELL's trigger is the highest price seen since the order was placed minus the
 *   offset (PERCENT: that price × offset / 100) and only rises; a BUY's is the lowest plus the offset and
 *   only falls. Without an initial trigger, the first price seen starts it.
 * - Prices watched: a bar's high and low (a bar is seen only once it has closed, so the trailing extreme
 *   is updated after the bar's trigger check, which is the cautious order), a trade's price, a quote's
 *   ask for BUY orders and bid for SELL orders.
 * - Released: STOP_MARKET, MARKET_IF_TOUCHED, TRAILING_STOP_MARKET → MARKET; STOP_LIMIT,
 *   LIMIT_IF_TOUCHED → LIMIT at `price`; TRAILING_STOP_LIMIT → LIMIT at trigger ± `limitOffset` (a BUY
 *   above, a SELL below), rounded to the tick.
 */
import { roundPrice, type Decimal, type Instrument, type InstrumentId, type MarketData, type OrderType, type SubmitOrder } from '@rxtrade/core';
import type { Order } from './order';

/** Native order type each emulated type is released as. */
export const RELEASE_TYPE: Readonly<Partial<Record<OrderType, 'MARKET' | 'LIMIT'>>> = Object.freeze({
  STOP_MARKET: 'MARKET',
  MARKET_IF_TOUCHED: 'MARKET',
  TRAILING_STOP_MARKET: 'MARKET',
  STOP_LIMIT: 'LIMIT',
  LIMIT_IF_TOUCHED: 'LIMIT',
  TRAILING_STOP_LIMIT: 'LIMIT',
});

interface Emulated {
  readonly order: Order;
  readonly instrument: Instrument;
  readonly buy: boolean;
  /** +1: triggers when the price rises to the trigger (BUY stop, SELL if-touched); −1: when it falls. */
  readonly direction: 1 | -1;
  readonly trailing: boolean;
  /** Trailing distance: an absolute price, or a fraction of the extreme when `percent`. */
  readonly offset: number;
  readonly percent: boolean;
  trigger: number;
  /** Trailing: the most favourable price seen (highest for a SELL, lowest for a BUY). */
  extreme: number;
}

/** What a triggered order becomes: the command to send to the venue and the trigger it was released at. */
export interface EmulatorRelease {
  readonly order: Order;
  readonly command: SubmitOrder;
  readonly triggerPrice: number;
}

/**
 * Holds emulated orders per instrument and releases them when market data reaches their triggers.
 * Used by `OrderManager`; exported for venues and tests that emulate on their own.
 *
 * @example
 * ```ts
 * const emulator = new OrderEmulator();
 * emulator.add(order, goog);
 * for (const release of emulator.onMarketData(bar)) venue.submit(release.command);
 * ```
 */
export class OrderEmulator {
  private readonly byInstrument = new Map<InstrumentId, Emulated[]>();
  private count = 0;

  /** Number of orders held. */
  get size(): number {
    return this.count;
  }

  /** Starts watching an order (its type must be in {@link RELEASE_TYPE}). */
  add(order: Order, instrument: Instrument): void {
    const type = order.orderType;
    if (RELEASE_TYPE[type] === undefined) throw new RangeError(`${type} orders are not emulated`);
    const buy = order.side === 'BUY';
    const ifTouched = type === 'MARKET_IF_TOUCHED' || type === 'LIMIT_IF_TOUCHED';
    const trailing = type === 'TRAILING_STOP_MARKET' || type === 'TRAILING_STOP_LIMIT';
    const percent = order.trailingOffsetType === 'PERCENT';
    const e: Emulated = {
      order,
      instrument,
      buy,
      direction: (buy ? 1 : -1) * (ifTouched ? -1 : 1) > 0 ? 1 : -1,
      trailing,
      offset: trailing ? (order.trailingOffset as Decimal).toNumber() / (percent ? 100 : 1) : 0,
      percent,
      trigger: order.triggerPrice === undefined ? NaN : order.triggerPrice.toNumber(),
      extreme: NaN,
    };
    let list = this.byInstrument.get(order.instrumentId);
    if (list === undefined) this.byInstrument.set(order.instrumentId, (list = []));
    list.push(e);
    this.count++;
  }

  /** Stops watching an order (canceled, expired or released); false when it was not held. */
  remove(order: Order): boolean {
    const list = this.byInstrument.get(order.instrumentId);
    if (list === undefined) return false;
    const i = list.findIndex((e) => e.order === order);
    if (i < 0) return false;
    list.splice(i, 1);
    this.count--;
    return true;
  }

  /** Re-reads an order's trigger after a local modify. */
  refresh(order: Order): void {
    const e = this.byInstrument.get(order.instrumentId)?.find((x) => x.order === order);
    if (e !== undefined && order.triggerPrice !== undefined && !e.trailing) e.trigger = order.triggerPrice.toNumber();
  }

  /**
   * The trigger and the trailing extreme (NaN: none yet) of a held order, for a snapshot of the
   * emulator's state; undefined when the order is not held.
   */
  state(order: Order): { readonly trigger: number; readonly extreme: number } | undefined {
    const e = this.byInstrument.get(order.instrumentId)?.find((x) => x.order === order);
    return e === undefined ? undefined : { trigger: e.trigger, extreme: e.extreme };
  }

  /** Puts back the trigger and the trailing extreme of a held order saved by {@link state}; false when it is not held. */
  restore(order: Order, state: { readonly trigger: number; readonly extreme: number }): boolean {
    const e = this.byInstrument.get(order.instrumentId)?.find((x) => x.order === order);
    if (e === undefined) return false;
    e.trigger = state.trigger;
    e.extreme = state.extreme;
    return true;
  }

  /**
   * Checks the held orders of the event's instrument; returns the ones triggered (removed from the
   * emulator), in the order they were added, with the native command to send. With `release: false`
   * (rebuilding from a journal) nothing is released: trailing orders follow the price, and an order
   * the event would trigger is left held and unchanged.
   */
  onMarketData(data: MarketData, release = true): EmulatorRelease[] {
    if (this.count === 0) return NONE;
    const list = this.byInstrument.get(data.instrumentId);
    if (list === undefined || list.length === 0) return NONE;
    let released: EmulatorRelease[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      let hi: number;
      let lo: number;
      switch (data.type) {
        case 'Bar':
          hi = data.high;
          lo = data.low;
          break;
        case 'Trade':
          hi = lo = data.price;
          break;
        case 'Quote':
          hi = lo = e.buy ? data.ask : data.bid;
          break;
        default:
          continue; // books: the venue's own data; emulation follows trades and quotes
      }
      if (this.check(e, hi, lo, release)) {
        (released ??= []).push({ order: e.order, command: releaseCommand(e), triggerPrice: e.trigger });
        list.splice(i--, 1);
        this.count--;
      }
    }
    return released ?? NONE;
  }

  /** Whether the prices [lo, hi] reach the trigger; trailing stops update their extreme afterwards. */
  private check(e: Emulated, hi: number, lo: number, release: boolean): boolean {
    if (e.trailing) {
      // NaN (no trigger yet) compares false: a trailing stop without an initial trigger cannot fire on
      // the first price it sees, which only starts it.
      if (e.direction > 0 ? hi >= e.trigger : lo <= e.trigger) return release;
      if (e.extreme !== e.extreme || (e.buy ? lo < e.extreme : hi > e.extreme)) {
        e.extreme = e.buy ? lo : hi;
        const t = trailTrigger(e);
        if (e.trigger !== e.trigger || (e.buy ? t < e.trigger : t > e.trigger)) e.trigger = t;
      }
      return false;
    }
    return release && (e.direction > 0 ? hi >= e.trigger : lo <= e.trigger);
  }
}

const NONE: EmulatorRelease[] = [];

function trailTrigger(e: Emulated): number {
  const d = e.percent ? e.extreme * e.offset : e.offset;
  return e.buy ? e.extreme + d : e.extreme - d;
}

function releaseCommand(e: Emulated): SubmitOrder {
  const o = e.order;
  const type = RELEASE_TYPE[o.orderType]!;
  let price: Decimal | undefined;
  if (type === 'LIMIT') {
    if (o.orderType === 'TRAILING_STOP_LIMIT') {
      const lo = (o.limitOffset as Decimal).toNumber();
      const d = o.trailingOffsetType === 'PERCENT' ? (e.trigger * lo) / 100 : lo;
      // A BUY's limit sits above its trigger, a SELL's below: rounded away from the market.
      price = roundPrice(e.instrument, e.buy ? e.trigger + d : e.trigger - d, e.buy ? 'up' : 'down');
    } else price = o.price;
  }
  return {
    type: 'SubmitOrder',
    clientOrderId: o.clientOrderId,
    strategyId: o.strategyId,
    instrumentId: o.instrumentId,
    side: o.side,
    orderType: type,
    quantity: o.quantity,
    price,
    triggerPrice: undefined,
    timeInForce: o.timeInForce,
    expireTime: o.expireTime,
    reduceOnly: o.reduceOnly,
    postOnly: false,
    ts: o.tsCreated,
  };
}
