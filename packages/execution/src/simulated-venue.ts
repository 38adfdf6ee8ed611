/**
 * The venue of backtests and paper trading. Foundation scope: market orders only, filled in full at
 * the open of the first bar that arrives after they were submitted, so an order submitted while the
 * strategy handles bar N fills at bar N+1's open and never sees bar N's prices again.
 *
 * Extension points for execution realism: a {@link FillModel} decides the fill price (slippage,
 * spread, intrabar paths), a {@link FeeModel} the commission (tiers, rebates); limit/stop orders,
 * books and latency will extend the matching step in `processBar`.
 */
import { Subject, type Observable } from 'rxjs';
import { z } from 'zod';
import {
  Decimal,
  ZERO,
  parseWith,
  type Balance,
  type Bar,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type ModifyOrder,
  type OrderEvent,
  type OrderFilled,
  type OrderView,
  type Position,
  type SubmitOrder,
  type TradeId,
  type Venue,
  type VenueCapabilities,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { ZERO_FEE_MODEL, type FeeModel } from './fee-model';
import { BarOpenFillModel, type FillModel } from './fill-model';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Schema of {@link SimulatedVenueConfig}.
 *
 * @example
 * ```ts
 * parseWith(SimulatedVenueConfigSchema, { clock, instruments }, 'SimulatedVenueConfig').id // 'SIM'
 * ```
 */
export const SimulatedVenueConfigSchema = z.object({
  /** Venue id; also the prefix of venue order ids (`SIM-1`) and trade ids (`SIM-T-1`). */
  id: z.string().min(1).default('SIM'),
  clock: z.custom<Clock>((v) => isObject(v) && typeof v['now'] === 'function', 'must be a Clock (BacktestClock or LiveClock)'),
  instruments: z.custom<InstrumentRegistry>((v) => isObject(v) && typeof v['find'] === 'function', 'must be an InstrumentRegistry'),
  feeModel: z.custom<FeeModel>((v) => isObject(v) && typeof v['commission'] === 'function', 'must be a FeeModel').optional(),
  fillModel: z.custom<FillModel>((v) => isObject(v) && typeof v['marketFillPrice'] === 'function', 'must be a FillModel').optional(),
  /**
   * Keep every order after it is filled or canceled (default), so a late cancel names it as closed and a
   * reused client order id is refused. `false` forgets closed orders: memory stays bounded on very long
   * runs, and duplicate detection covers working orders only (the order manager's ids never repeat).
   */
  retainClosedOrders: z.boolean().default(true),
});
/**
 * Configuration of a {@link SimulatedVenue}: id (default `'SIM'`), clock, instruments, and optional
 * fee model (default: no fees) and fill model (default: {@link BarOpenFillModel}).
 *
 * @example
 * ```ts
 * const config: SimulatedVenueConfig = { clock, instruments, feeModel: new PercentFeeModel(0.001) };
 * ```
 */
export type SimulatedVenueConfig = z.input<typeof SimulatedVenueConfigSchema>;

/** An order resting in the venue until the next bar of its instrument. */
interface WorkingOrder {
  readonly command: SubmitOrder;
  readonly instrument: Instrument;
  readonly venueOrderId: VenueOrderId;
  readonly tsAccepted: number;
  done: boolean;
}

/** The venue's own net position in one instrument, from its fills. */
interface NetPosition {
  quantity: Decimal;
  avgPrice: Decimal;
  realizedPnl: Decimal;
  ts: number;
}

/** What the simulated venue supports today. */
const CAPABILITIES: VenueCapabilities = Object.freeze({
  orderTypes: Object.freeze(['MARKET'] as const),
  timeInForce: Object.freeze(['GTC', 'IOC', 'FOK', 'DAY'] as const),
  reduceOnly: false,
  postOnly: false,
  modify: false,
});

/**
 * A simulated venue: accepts market orders at once and fills them at the next bar's open.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * const venue = new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]), feeModel: new PercentFeeModel(0.002) });
 * venue.events.subscribe((e) => console.log(e.type));
 * venue.submit(orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 100 })); // OrderAccepted
 * venue.processBar(nextBar);                                                             // OrderFilled at nextBar.open
 * ```
 */
export class SimulatedVenue implements Venue {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities = CAPABILITIES;
  readonly events: Observable<OrderEvent>;
  private readonly subject = new Subject<OrderEvent>();
  private readonly clock: Clock;
  private readonly instruments: InstrumentRegistry;
  private readonly feeModel: FeeModel;
  private readonly fillModel: FillModel;
  /** Working orders per instrument, in arrival order. */
  private readonly queues = new Map<InstrumentId, WorkingOrder[]>();
  /** Every order the venue accepted, by client order id (for cancels and duplicate detection). */
  private readonly known = new Map<ClientOrderId, WorkingOrder>();
  private readonly netPositions = new Map<InstrumentId, NetPosition>();
  /** Fills not yet folded into netPositions: positions are only needed for reconciliation, so the
   * Decimal bookkeeping is done when they are asked for, not on the fill path. */
  private unbooked: { readonly instrument: Instrument; readonly signedQty: Decimal; readonly price: Decimal; readonly ts: number }[] = [];
  /** Number of working orders over all instruments: processBar returns at once when it is 0. */
  private working = 0;
  private orderSeq = 0;
  private tradeSeq = 0;
  private readonly retainClosed: boolean;

  constructor(config: SimulatedVenueConfig) {
    const c = parseWith(SimulatedVenueConfigSchema, config, 'SimulatedVenueConfig');
    this.id = c.id as VenueId;
    this.clock = c.clock;
    this.instruments = c.instruments;
    this.feeModel = c.feeModel ?? ZERO_FEE_MODEL;
    this.fillModel = c.fillModel ?? new BarOpenFillModel();
    this.retainClosed = c.retainClosedOrders;
    // The Subject itself, typed as an Observable: asObservable() would add a hop to every event.
    this.events = this.subject;
  }

  /** Number of orders waiting for a bar. */
  get workingCount(): number {
    return this.working;
  }

  /** Accepts a market order (OrderAccepted, synchronously) or rejects what the venue cannot do (OrderRejected). */
  submit(command: SubmitOrder): void {
    const now = this.clock.now();
    const reason = this.rejectionReason(command);
    if (reason !== undefined) {
      this.subject.next({
        type: 'OrderRejected',
        clientOrderId: command.clientOrderId,
        strategyId: command.strategyId,
        instrumentId: command.instrumentId,
        ts: now,
        tsInit: now,
        reason,
      });
      return;
    }
    const instrument = this.instruments.find(command.instrumentId) as Instrument;
    const order: WorkingOrder = { command, instrument, venueOrderId: `${this.id}-${++this.orderSeq}` as VenueOrderId, tsAccepted: now, done: false };
    this.known.set(command.clientOrderId, order);
    let queue = this.queues.get(command.instrumentId);
    if (queue === undefined) this.queues.set(command.instrumentId, (queue = []));
    queue.push(order);
    this.working++;
    this.subject.next({
      type: 'OrderAccepted',
      clientOrderId: command.clientOrderId,
      strategyId: command.strategyId,
      instrumentId: command.instrumentId,
      ts: now,
      tsInit: now,
      venueOrderId: order.venueOrderId,
    });
  }

  /**
   * Matches working orders against a bar. The runner calls it with each bar before the strategy sees
   * that bar. Costs one comparison when no order is working, and one Map lookup when none is working
   * for this instrument.
   */
  processBar(bar: Bar): void {
    if (this.working === 0) return;
    const queue = this.queues.get(bar.instrumentId);
    if (queue === undefined || queue.length === 0) return;
    // Orders submitted while these fills are handled (by a subscriber reacting to a fill) go to a new
    // queue and wait for the next bar.
    this.queues.set(bar.instrumentId, []);
    for (const order of queue) {
      if (order.done) continue; // canceled by a subscriber while this bar was being matched
      this.fillMarket(order, bar);
    }
  }

  /** Cancels a working order (OrderCanceled) or refuses (OrderCancelRejected) when it is unknown or done. */
  cancel(command: CancelOrder): void {
    const now = this.clock.now();
    const order = this.known.get(command.clientOrderId);
    if (order === undefined || order.done) {
      this.subject.next({
        type: 'OrderCancelRejected',
        clientOrderId: command.clientOrderId,
        strategyId: command.strategyId,
        instrumentId: command.instrumentId,
        ts: now,
        tsInit: now,
        reason: order === undefined ? `order ${command.clientOrderId} is unknown to venue ${this.id}` : `order ${command.clientOrderId} is already closed`,
      });
      return;
    }
    this.close(order);
    const queue = this.queues.get(order.command.instrumentId);
    if (queue !== undefined) {
      const i = queue.indexOf(order);
      if (i >= 0) queue.splice(i, 1);
    }
    this.subject.next({
      type: 'OrderCanceled',
      clientOrderId: order.command.clientOrderId,
      strategyId: order.command.strategyId,
      instrumentId: order.command.instrumentId,
      ts: now,
      tsInit: now,
    });
  }

  /** Refuses every modify (OrderModifyRejected): `capabilities.modify` is false. */
  modify(command: ModifyOrder): void {
    const now = this.clock.now();
    this.subject.next({
      type: 'OrderModifyRejected',
      clientOrderId: command.clientOrderId,
      strategyId: command.strategyId,
      instrumentId: command.instrumentId,
      ts: now,
      tsInit: now,
      reason: `modify not supported by SimulatedVenue ${this.id} yet`,
    });
  }

  /** Working orders as the venue sees them (all ACCEPTED, nothing filled). */
  openOrders(): Promise<readonly OrderView[]> {
    const views: OrderView[] = [];
    for (const order of this.known.values()) {
      if (order.done) continue;
      const c = order.command;
      views.push(
        Object.freeze({
          clientOrderId: c.clientOrderId,
          venueOrderId: order.venueOrderId,
          strategyId: c.strategyId,
          instrumentId: c.instrumentId,
          side: c.side,
          orderType: c.orderType,
          timeInForce: c.timeInForce,
          quantity: c.quantity,
          filledQuantity: ZERO,
          price: c.price,
          triggerPrice: c.triggerPrice,
          avgFillPrice: undefined,
          status: 'ACCEPTED' as const,
          isOpen: true,
          tsCreated: order.tsAccepted,
          tsLast: order.tsAccepted,
        }),
      );
    }
    return Promise.resolve(views);
  }

  /**
   * The venue's net positions from its own fills (signed quantity, average entry price, realized P&L
   * before commissions). The venue does not mark positions: `unrealizedPnl` is 0; the ledger in
   * `@rxtrade/portfolio` is the account of record.
   */
  positions(): Promise<readonly Position[]> {
    this.bookFills();
    const out: Position[] = [];
    for (const [instrumentId, p] of this.netPositions) {
      if (p.quantity.isZero()) continue;
      out.push(Object.freeze({ instrumentId, quantity: p.quantity, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl, unrealizedPnl: ZERO, ts: p.ts }));
    }
    return Promise.resolve(out);
  }

  /** Always empty: cash is tracked by the ledger in `@rxtrade/portfolio`, not by the simulated venue. */
  balances(): Promise<readonly Balance[]> {
    return Promise.resolve([]);
  }

  private rejectionReason(command: SubmitOrder): string | undefined {
    const caps = this.capabilities;
    if (!caps.orderTypes.includes(command.orderType))
      return `orderType: SimulatedVenue ${this.id} supports ${caps.orderTypes.join(', ')} orders only, got ${command.orderType}`;
    if (!caps.timeInForce.includes(command.timeInForce))
      return `timeInForce: SimulatedVenue ${this.id} supports ${caps.timeInForce.join(', ')}, got ${command.timeInForce}`;
    if (command.reduceOnly && !caps.reduceOnly) return `reduceOnly: not supported by SimulatedVenue ${this.id}`;
    if (command.postOnly && !caps.postOnly) return `postOnly: not supported by SimulatedVenue ${this.id}`;
    if (this.instruments.find(command.instrumentId) === undefined) return `instrumentId: unknown instrument ${command.instrumentId} at venue ${this.id}`;
    const q = command.quantity;
    if (!(q instanceof Decimal) || !q.isFinite() || !q.isPositive() || q.isZero())
      return `quantity: must be a positive Decimal, got ${String(command.quantity)}`;
    if (this.known.has(command.clientOrderId)) return `clientOrderId: duplicate ${command.clientOrderId}`;
    return undefined;
  }

  /** Marks an order done; forgets it when closed orders are not retained. */
  private close(order: WorkingOrder): void {
    order.done = true;
    this.working--;
    if (!this.retainClosed) this.known.delete(order.command.clientOrderId);
  }

  /** Folds the fills not yet booked into the venue's net positions. */
  private bookFills(): void {
    for (const f of this.unbooked) this.updatePosition(f.instrument, f.signedQty, f.price, f.ts);
    this.unbooked = [];
  }

  private fillMarket(order: WorkingOrder, bar: Bar): void {
    const { command, instrument } = order;
    const price = this.fillModel.marketFillPrice(instrument, command.side, bar);
    const quantity = command.quantity;
    const commission = this.feeModel.commission(instrument, command.side, quantity, price, 'TAKER');
    this.close(order);
    this.unbooked.push({ instrument, signedQty: command.side === 'BUY' ? quantity : quantity.neg(), price, ts: bar.ts });
    // Positions are booked lazily (only reconciliation reads them), in batches so the backlog stays small.
    if (this.unbooked.length >= 4096) this.bookFills();
    const event: OrderFilled = {
      type: 'OrderFilled',
      tradeId: `${this.id}-T-${++this.tradeSeq}` as TradeId,
      clientOrderId: command.clientOrderId,
      venueOrderId: order.venueOrderId,
      instrumentId: command.instrumentId,
      side: command.side,
      quantity,
      price,
      commission,
      commissionCurrency: instrument.quote,
      liquiditySide: 'TAKER',
      ts: bar.ts,
      strategyId: command.strategyId,
      tsInit: this.clock.now(),
    };
    this.subject.next(event);
  }

  /** Net position bookkeeping: average cost on increases, realized P&L on reductions and flips. */
  private updatePosition(instrument: Instrument, signedQty: Decimal, price: Decimal, ts: number): void {
    const p = this.netPositions.get(instrument.id);
    if (p === undefined) {
      this.netPositions.set(instrument.id, { quantity: signedQty, avgPrice: price, realizedPnl: ZERO, ts });
      return;
    }
    const q = p.quantity;
    if (q.isZero() || q.isNeg() === signedQty.isNeg()) {
      const total = q.plus(signedQty);
      p.avgPrice = q.isZero() ? price : p.avgPrice.mul(q).plus(price.mul(signedQty)).div(total);
      p.quantity = total;
    } else {
      const closing = Decimal.min(q.abs(), signedQty.abs());
      // Long closed by a sell gains (price - avg); short closed by a buy gains (avg - price).
      const perUnit = q.isNeg() ? p.avgPrice.minus(price) : price.minus(p.avgPrice);
      p.realizedPnl = p.realizedPnl.plus(perUnit.mul(closing).mul(instrument.multiplier));
      const total = q.plus(signedQty);
      if (total.isZero()) p.avgPrice = ZERO;
      else if (total.isNeg() !== q.isNeg()) p.avgPrice = price; // flipped: the remainder opened at this price
      p.quantity = total;
    }
    p.ts = ts;
  }
}
