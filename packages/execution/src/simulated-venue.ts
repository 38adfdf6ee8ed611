/**
 * The venue of backtests and paper trading: a matching engine for bars, top-of-book quotes, trade prints
 * and L2 order books, with fee, fill, slippage, participation, latency and account models.
 *
 * Matching rules (docs/simulated-venue.md has the full text and a worked example):
 * - No look-ahead: an order is matched only against market events processed after the one during which
 *   it reached the venue (an order decided on bar N fills on bar N+1 at the earliest). With latency it
 *   reaches the venue at submit time + `latency.submitMs` and is matched only against data stamped
 *   strictly after that. (Without latency, later events of the same timestamp count as later: the
 *   backtests' lead-in events at the first bar's time, and paper trading on replayed data, rely on it.)
 * - Bars (matching/bar-matcher.ts): the path is open → nearer of high/low (tie: high first) → the other
 *   → close. MARKET fills at the open (fill model) + slippage, taker. A limit the open crosses (BUY:
 *   open <= P) fills at the open: taker on the first bar the order meets, maker afterwards (post-only:
 *   maker at P when P lies inside the bar). Inside the bar a resting limit fills at P, maker, when the
 *   path goes strictly beyond P (`limitFill: 'through'`, default) or reaches P ('touch'). Stops and
 *   if-touched orders trigger at the first point of the path that reaches the trigger: gapped through at
 *   the open → triggered and filled at the open; else triggered at T and filled at T + slippage (taker),
 *   kept inside the bar. Stop-limit / LIT / trailing-limit become limits at the trigger point: taken
 *   there when marketable, else resting on the rest of the path. Trailing stops trail the most favourable
 *   price seen since arrival (BUY: lowest, SELL: highest) by `trailingOffset` (PRICE or PERCENT),
 *   ratchet only protectively, start from `triggerPrice` when given, and round away from the market
 *   (BUY up, SELL down); the extreme moves before the trigger is checked on each segment; an OrderUpdated
 *   with the new trigger is emitted at most once per market event.
 * - Participation: with `maxParticipation`, an order fills at most `participationCap(volume, max, lot)`
 *   per bar (or per trade print); the rest keeps working (a market order continues at the next open).
 * - Quotes: BUY orders take and trigger at the ask, SELL at the bid, for at most the displayed size
 *   (when sizes > 0); size one order took is not offered again on the same quote. Resting limits fill at
 *   P (maker) when the touch goes through (or reaches) P.
 * - Trades: a print at x of size s triggers stops, fills market orders (and marketable arrivals) at x,
 *   and resting BUY limits with P > x (through) or P >= x (touch) at P, maker; all orders together fill at
 *   most s.
 * - L2 books: once a book exists for an instrument, its orders match on book updates only: market orders
 *   walk the levels (a fill per level), marketable limits take up to their price and rest, resting limits
 *   fill at their price against liquidity that moved through them. Book fills are not slipped.
 * - TIF: GTC rests; IOC fills what it can at its first match point (the first open, quote, print or book
 *   it meets; for untriggered conditional orders, their trigger point) and the rest is canceled; FOK fills
 *   completely there or is canceled without a fill; GTD expires at `expireTime` and DAY at
 *   `dayBoundary(arrival)` (OrderExpired, on the clock, before data at that time is matched). A GTD whose
 *   expiry is not after its arrival is rejected.
 * - post-only: rejected when it would take on arrival (BUY at or above the latest ask, else the last
 *   price); never fills as taker. reduce-only: rejected when it would increase the venue's net position;
 *   each fill is capped to the position and the remainder is canceled.
 * - Every fill: a unique trade id, a price on the tick grid, a quantity in lots, a commission from the fee
 *   model with the order's earlier fills as context. Nothing is emitted for an order after its terminal
 *   event; events of one order are delivered in order under any latency.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { z } from 'zod';
import {
  DecimalAccumulator,
  decimalToNumber,
  IdSequence,
  Decimal,
  ZERO,
  parseWith,
  roundPrice,
  ValidationError,
  type Balance,
  type Bar,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type FundingPayment,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type LiquiditySide,
  type MarketData,
  type ModifyOrder,
  type OrderBookDelta,
  type OrderBookSnapshot,
  type OrderEvent,
  type OrderFilled,
  type OrderStatusReport,
  type OrderView,
  type Position,
  type Quote,
  type SubmitOrder,
  type Trade,
  type TradeId,
  type ConnectionStatus,
  type ExecutionClient,
  type MarketDataSink,
  type VenueCapabilities,
  type VenueId,
  type VenueOrderId,
} from '@rxtrade/core';
import { HotStream } from './kernel/hot-stream';
import { IdTable } from './id-table';
import { ClockSchema, FeeModelSchema, InstrumentRegistrySchema, isObject } from './config-schemas';
import type { VenueAccount } from './account/venue-account';
import { ZERO_FEE_MODEL, type FeeModel } from './fee-model';
import { PercentFeeModel } from './percent-fee-model';
import { BarOpenFillModel, type FillModel } from './fill-model';
import { latencyModel, LatencyModelConfigSchema, type LatencyModel, type LatencyModelConfig } from './latency-model';
import { barPath } from './matching/bar-path';
import { beginBar, matchBarStep } from './matching/bar-matcher';
import { matchBook } from './matching/book-matcher';
import type { MatchEngine } from './matching/match-engine';
import { OrderBook } from './matching/order-book';
import { matchQuote } from './matching/quote-matcher';
import { matchTrade } from './matching/trade-matcher';
import { ClosedOrder, cleanNumber, WorkingOrder } from './matching/working-order';
import { participationCap } from './slippage/participation';
import { NO_SLIPPAGE, type SlippageModel } from './slippage/slippage-model';
import { PerpetualFunding } from './account/perpetual-funding';
import { isUnitMultiplier } from './unit-multiplier';

const DAY_MS = 86_400_000;

/** The next UTC midnight after `ts`: the default end of a DAY order's trading day. */
const nextUtcMidnight = (ts: number): number => (Math.floor(ts / DAY_MS) + 1) * DAY_MS;

/**
 * What the simulated venue supports by default: every order type and time in force natively, reduce-only,
 * post-only and modify; contingent orders are run by the order manager.
 *
 * @example
 * ```ts
 * SIMULATED_VENUE_CAPABILITIES.orderTypes.includes('TRAILING_STOP_LIMIT') // true
 * ```
 */
export const SIMULATED_VENUE_CAPABILITIES: VenueCapabilities = Object.freeze({
  orderTypes: Object.freeze([
    'MARKET',
    'LIMIT',
    'STOP_MARKET',
    'STOP_LIMIT',
    'TRAILING_STOP_MARKET',
    'TRAILING_STOP_LIMIT',
    'MARKET_IF_TOUCHED',
    'LIMIT_IF_TOUCHED',
  ] as const),
  timeInForce: Object.freeze(['GTC', 'IOC', 'FOK', 'GTD', 'DAY'] as const),
  reduceOnly: true,
  postOnly: true,
  modify: true,
  emulation: Object.freeze({ orderTypes: Object.freeze([]), timeInForce: Object.freeze([]), contingencies: Object.freeze(['OTO', 'OCO', 'OUO'] as const) }),
});

/**
 * Schema of {@link SimulatedVenueConfig}.
 *
 * @example
 * ```ts
 * parseWith(SimulatedVenueConfigSchema, { clock, instruments }, 'SimulatedVenueConfig').limitFill // 'through'
 * ```
 */
export const SimulatedVenueConfigSchema = z.strictObject({
  /** Venue id; also the prefix of venue order ids (`SIM-1`) and trade ids (`SIM-T-1`). */
  id: z.string().min(1).default('SIM'),
  clock: ClockSchema,
  instruments: InstrumentRegistrySchema,
  feeModel: FeeModelSchema.optional(),
  fillModel: z.custom<FillModel>((v) => isObject(v) && typeof v['marketFillPrice'] === 'function', 'must be a FillModel').optional(),
  /** Applied to taker fills on bars, quotes and trades (default: none). */
  slippageModel: z.custom<SlippageModel>((v) => isObject(v) && typeof v['price'] === 'function', 'must be a SlippageModel').optional(),
  /** Fraction of a bar's volume (or a trade's size) one order may fill per bar, in (0, 1]. */
  maxParticipation: z.number().gt(0).lte(1).optional(),
  /** Latencies in ms (numbers or functions), or a LatencyModel (default: none). */
  latency: z
    .union([
      z.custom<LatencyModel>(
        (v) => isObject(v) && ['submitMs', 'cancelMs', 'modifyMs', 'fillMs'].every((k) => typeof v[k] === 'function'),
        'must be a LatencyModel or { submitMs, cancelMs, modifyMs, fillMs }',
      ),
      LatencyModelConfigSchema,
    ])
    .optional(),
  /** The client's account at the venue: reservations, fills, funding, marks. */
  account: z
    .custom<VenueAccount>((v) => isObject(v) && typeof v['reserve'] === 'function' && typeof v['applyFill'] === 'function', 'must be a VenueAccount')
    .optional(),
  /** When a resting limit fills: 'through' (the market trades strictly beyond it, default) or 'touch' (reaches it). */
  limitFill: z.enum(['touch', 'through']).default('through'),
  /** End of the trading day containing a time (for DAY orders); default the next UTC midnight. */
  dayBoundary: z.custom<(ts: number) => number>((v) => typeof v === 'function', 'must be a function (ts) => end of that trading day').optional(),
  /** Perpetual funding: rates per instrument, interval and offset of the funding times. */
  funding: z
    .strictObject({
      rates: z.custom<ConstructorParameters<typeof PerpetualFunding>[0]['rates']>((v) => v !== undefined && v !== null, 'must be given'),
      intervalMs: z.number().int().positive().optional(),
      offsetMs: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** Replaces the default capabilities (to simulate a venue that lacks e.g. stop orders). */
  capabilities: z
    .custom<VenueCapabilities>((v) => isObject(v) && Array.isArray(v['orderTypes']) && Array.isArray(v['timeInForce']), 'must be VenueCapabilities')
    .optional(),
  /**
   * Keep every order after it is filled or canceled (default), so a late cancel names it as closed, a
   * reused client order id is refused and queryOrder reports it with its fills. `false` forgets closed
   * orders: memory stays bounded on very long runs.
   */
  retainClosedOrders: z.boolean().default(true),
});
/**
 * Configuration of a {@link SimulatedVenue}: id (default `'SIM'`), clock, instruments, and optional fee,
 * fill, slippage, participation, latency, account, funding and capability settings.
 *
 * @example
 * ```ts
 * const config: SimulatedVenueConfig = { clock, instruments, feeModel: new PercentFeeModel(0.001), limitFill: 'touch' };
 * ```
 */
export type SimulatedVenueConfig = z.input<typeof SimulatedVenueConfigSchema>;

/** The venue's own net position in one instrument, from its fills (booked in integer arithmetic). */
class NetPosition {
  /** Signed. */
  readonly quantity = new DecimalAccumulator();
  avgPrice: Decimal = ZERO;
  readonly realizedPnl = new DecimalAccumulator();
  ts = 0;
}

/** The latest price of an instrument, for post-only checks, reservations and marks. */
interface LastPrice {
  price: number;
  ts: number;
}

/**
 * A simulated venue: a deterministic matching engine on the clock for bars, quotes, trades and L2 books.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(0);
 * const venue = new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]), feeModel: new PercentFeeModel(0.002) });
 * venue.events.subscribe((e) => console.log(e.type));
 * venue.submit(orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 100, price: 180 })); // OrderAccepted
 * venue.process(nextBar);                                                                   // OrderFilled when the bar trades through 180
 * ```
 */
export class SimulatedVenue implements ExecutionClient, MarketDataSink, MatchEngine {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;
  readonly events: Observable<OrderEvent>;
  /** Always `CONNECTED`: the venue is in process. */
  readonly connection: Observable<ConnectionStatus> = new BehaviorSubject<ConnectionStatus>('CONNECTED').asObservable();
  /** Funding payments booked on perpetual positions (when `funding` is configured). */
  readonly fundingPayments: Observable<FundingPayment>;
  readonly through: boolean;
  private readonly subject = new HotStream<OrderEvent>();
  private readonly fundingSubject = new Subject<FundingPayment>();
  private readonly clock: Clock;
  private readonly instruments: InstrumentRegistry;
  private readonly feeModel: FeeModel;
  /** Whether the fee model may read a fill's context: the built-in per-fill models do not (an object a fill spared). */
  private readonly feeContext: boolean;
  private readonly fillModel: FillModel;
  private readonly slippage: SlippageModel;
  private readonly maxParticipation: number | undefined;
  private readonly latency: LatencyModel | undefined;
  private readonly account: VenueAccount | undefined;
  private readonly dayBoundary: (ts: number) => number;
  private readonly retainClosed: boolean;
  /** Working orders per instrument, in arrival order (closed ones are dropped after each event). */
  private readonly queues = new Map<InstrumentId, OrderQueue>();
  /** Every order the venue accepted, by client order id (closed ones as compact records, or as their one fill: see ClosedOrder). */
  private readonly known = new IdTable<WorkingOrder | ClosedOrder | OrderFilled>();
  private readonly netPositions = new Map<InstrumentId, NetPosition>();
  /** The P&L of the fill being booked (see updatePosition). */
  private readonly fillPnl = new DecimalAccumulator();
  private readonly books = new Map<InstrumentId, OrderBook>();
  private readonly quotes = new Map<InstrumentId, Quote>();
  private readonly lastPrices = new Map<InstrumentId, LastPrice>();
  /** The last bar seen (kept without a Map write on the idle path). */
  private lastBar: Bar | undefined = undefined;
  private readonly path = new Float64Array(4);
  /** Number of working orders over all instruments: processBar returns at once when it is 0. */
  private working = 0;
  /** Counts market events: an order is matched only against events after the one it arrived during. */
  private dataSeq = 0;
  /** Venue order ids (`<venue>-1`, …) and trade ids (`<venue>-T-1`, …). */
  private readonly orderIds: IdSequence;
  private readonly tradeIds: IdSequence;

  constructor(config: SimulatedVenueConfig) {
    const c = parseWith(SimulatedVenueConfigSchema, config, 'SimulatedVenueConfig');
    this.id = c.id as VenueId;
    this.orderIds = new IdSequence(`${c.id}-`);
    this.tradeIds = new IdSequence(`${c.id}-T-`);
    this.clock = c.clock;
    this.instruments = c.instruments;
    this.feeModel = c.feeModel ?? ZERO_FEE_MODEL;
    // Exactly these two: a subclass of PercentFeeModel may read the context.
    this.feeContext = !(this.feeModel === ZERO_FEE_MODEL || Object.getPrototypeOf(this.feeModel) === PercentFeeModel.prototype);
    this.fillModel = c.fillModel ?? new BarOpenFillModel();
    this.slippage = c.slippageModel ?? NO_SLIPPAGE;
    this.maxParticipation = c.maxParticipation;
    this.latency = c.latency === undefined ? undefined : latencyModel(c.latency as LatencyModel | LatencyModelConfig);
    this.account = c.account;
    this.through = c.limitFill === 'through';
    this.dayBoundary = c.dayBoundary ?? nextUtcMidnight;
    this.capabilities = c.capabilities ?? SIMULATED_VENUE_CAPABILITIES;
    this.retainClosed = c.retainClosedOrders;
    // The order events' HotStream, and the funding Subject typed as an Observable (asObservable() would add a hop).
    this.events = this.subject.observable;
    this.fundingPayments = this.fundingSubject;
    if (c.funding !== undefined) {
      new PerpetualFunding({ clock: this.clock, instruments: this.instruments, rates: c.funding.rates, intervalMs: c.funding.intervalMs, offsetMs: c.funding.offsetMs }).start(
        (instrumentId: InstrumentId) => this.netPosition(instrumentId),
        (instrumentId: InstrumentId) => this.lastPrice(instrumentId),
        (payment: FundingPayment) => {
          this.account?.applyFunding(payment);
          this.fundingSubject.next(payment);
        },
      );
    }
  }

  /** Number of orders working (accepted and not closed). */
  get workingCount(): number {
    return this.working;
  }

  // ---------------------------------------------------------------- commands

  /** Sends an order: it reaches the matching engine `latency.submitMs` later and is accepted or rejected there. */
  submit(command: SubmitOrder): void {
    const now = this.clock.now();
    const d = this.latency === undefined ? 0 : this.latency.submitMs(command);
    if (d <= 0) this.arrive(command, now, false);
    else this.clock.setTimer(now + d, (e) => this.arrive(command, e.ts, true));
  }

  /** Cancels a working order (OrderCanceled) or refuses (OrderCancelRejected), `latency.cancelMs` later. */
  cancel(command: CancelOrder): void {
    const now = this.clock.now();
    const d = this.latency === undefined ? 0 : this.latency.cancelMs(command);
    if (d <= 0) this.applyCancel(command, now);
    else this.clock.setTimer(now + d, (e) => this.applyCancel(command, e.ts));
  }

  /**
   * Changes a working order's quantity, limit price or trigger (OrderUpdated), `latency.modifyMs` later;
   * refuses (OrderModifyRejected) a closed or unknown order, a quantity not above the filled quantity,
   * or a price the order type does not have.
   */
  modify(command: ModifyOrder): void {
    const now = this.clock.now();
    const d = this.latency === undefined ? 0 : this.latency.modifyMs(command);
    if (d <= 0) this.applyModify(command, now);
    else this.clock.setTimer(now + d, (e) => this.applyModify(command, e.ts));
  }

  // ------------------------------------------------------------ market data

  /** Matches working orders against one market event; the runner calls it before the strategy sees the event. */
  process(data: MarketData): void {
    switch (data.type) {
      case 'Bar':
        this.processBar(data);
        return;
      case 'Quote':
        this.processQuote(data);
        return;
      case 'Trade':
        this.processTrade(data);
        return;
      case 'OrderBookSnapshot':
      case 'OrderBookDelta':
        this.processBook(data);
        return;
      default:
        return;
    }
  }

  /**
   * Matches working orders against a bar. Costs one comparison (and one field write) when no order is
   * working.
   */
  processBar(bar: Bar): void {
    if (this.working === 0) {
      this.noteBar(bar);
      if (this.account !== undefined) this.account.mark(bar.instrumentId, bar.close);
      return;
    }
    this.noteBar(bar);
    const seq = ++this.dataSeq;
    this.account?.mark(bar.instrumentId, bar.close);
    const queue = this.queues.get(bar.instrumentId);
    if (queue === undefined || queue.length === 0) return;
    const budget = this.maxParticipation === undefined ? Infinity : participationCap(bar.volume, this.maxParticipation, this.lotOf(queue));
    const path = barPath(bar, this.path);
    // Orders submitted while this bar is matched (by a subscriber reacting to a fill) are appended to
    // the queue with a later arrival and wait for the next event.
    const n = queue.length;
    let active = 0;
    for (let i = 0; i < n; i++) {
      const order = queue.orders[i] as WorkingOrder;
      if (order.done || order.arrivalSeq >= seq || order.notBefore >= bar.ts) continue;
      beginBar(order, seq, budget);
      active++;
    }
    if (active > 0) {
      // Step by step along the path, every order at each step: what the path reaches first happens first,
      // so a stop hit on the way down fills (and cancels its OUO/OCO sibling) before a take-profit the
      // bar only reaches later.
      for (let step = 0; step < 4; step++)
        for (let i = 0; i < n; i++) {
          const order = queue.orders[i] as WorkingOrder;
          if (order.barSeq !== seq) continue;
          if (order.done || !matchBarStep(this, order, bar, path, step)) order.barSeq = ~seq; // stopped on this bar
        }
      for (let i = 0; i < n; i++) {
        const order = queue.orders[i] as WorkingOrder;
        if (order.barSeq !== seq && order.barSeq !== ~seq) continue;
        order.barSeq = -1;
        this.afterMatch(order, bar.ts);
      }
    }
    compact(queue);
  }

  private processQuote(quote: Quote): void {
    const seq = ++this.dataSeq;
    const id = quote.instrumentId;
    this.quotes.set(id, quote);
    this.setLast(id, (quote.bid + quote.ask) / 2, quote.ts);
    if (this.working === 0 || this.books.has(id)) return;
    const queue = this.queues.get(id);
    if (queue === undefined || queue.length === 0) return;
    const liquidity = { bid: quote.bidSize > 0 ? quote.bidSize : Infinity, ask: quote.askSize > 0 ? quote.askSize : Infinity };
    const n = queue.length;
    for (let i = 0; i < n; i++) {
      const order = queue.orders[i] as WorkingOrder;
      if (order.done || order.arrivalSeq >= seq || order.notBefore >= quote.ts) continue;
      matchQuote(this, order, quote, liquidity);
      this.afterMatch(order, quote.ts);
    }
    compact(queue);
  }

  private processTrade(trade: Trade): void {
    const seq = ++this.dataSeq;
    const id = trade.instrumentId;
    this.setLast(id, trade.price, trade.ts);
    if (this.working === 0 || this.books.has(id)) return;
    const queue = this.queues.get(id);
    if (queue === undefined || queue.length === 0) return;
    const cap = this.maxParticipation === undefined ? Infinity : participationCap(trade.size, this.maxParticipation, this.lotOf(queue));
    let left = trade.size;
    const n = queue.length;
    for (let i = 0; i < n; i++) {
      const order = queue.orders[i] as WorkingOrder;
      if (order.done || order.arrivalSeq >= seq || order.notBefore >= trade.ts) continue;
      left -= matchTrade(this, order, trade, Math.min(left, cap));
      this.afterMatch(order, trade.ts);
    }
    compact(queue);
  }

  private processBook(update: OrderBookSnapshot | OrderBookDelta): void {
    const seq = ++this.dataSeq;
    const id = update.instrumentId;
    let book = this.books.get(id);
    if (book === undefined) this.books.set(id, (book = new OrderBook(id)));
    if (!book.apply(update)) return; // stale sequence
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const mid = Number.isNaN(bid) ? ask : Number.isNaN(ask) ? bid : (bid + ask) / 2;
    if (!Number.isNaN(mid)) this.setLast(id, mid, update.ts);
    if (this.working === 0) return;
    const queue = this.queues.get(id);
    if (queue === undefined || queue.length === 0) return;
    const n = queue.length;
    for (let i = 0; i < n; i++) {
      const order = queue.orders[i] as WorkingOrder;
      if (order.done || order.arrivalSeq >= seq || order.notBefore >= update.ts) continue;
      matchBook(this, order, book, update.ts);
      this.afterMatch(order, update.ts);
    }
    compact(queue);
  }

  /** The L2 book the venue keeps for an instrument, once it has seen a snapshot or delta of it. */
  book(instrumentId: InstrumentId): OrderBook | undefined {
    return this.books.get(instrumentId);
  }

  // ---------------------------------------------------------- reconciliation

  /** Working orders as the venue sees them. */
  openOrders(): Promise<readonly OrderView[]> {
    const views: OrderView[] = [];
    for (const order of this.known.values()) if (order instanceof WorkingOrder && !order.done) views.push(this.view(order));
    return Promise.resolve(views);
  }

  /**
   * Positions: the account's when one is configured, else the venue's net positions from its own fills
   * (signed quantity, average entry price, realized P&L before commissions, unrealized 0).
   */
  positions(): Promise<readonly Position[]> {
    if (this.account !== undefined) return Promise.resolve(this.account.positions());
    const out: Position[] = [];
    for (const [instrumentId, p] of this.netPositions) {
      if (p.quantity.isZero()) continue;
      out.push(Object.freeze({ instrumentId, quantity: p.quantity.value, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl.value, unrealizedPnl: ZERO, ts: p.ts }));
    }
    return Promise.resolve(out);
  }

  /** Balances from the account when one is configured; else empty (the ledger in `@rxtrade/portfolio` keeps cash). */
  balances(): Promise<readonly Balance[]> {
    return Promise.resolve(this.account === undefined ? [] : this.account.balances());
  }

  /** One order as the venue knows it, with every fill (while closed orders are retained); undefined when never seen. */
  queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    const o = this.record(clientOrderId);
    if (o === undefined) return Promise.resolve(undefined);
    return Promise.resolve(
      Object.freeze({
        clientOrderId,
        venueOrderId: o.venueOrderId,
        instrumentId: o.instrumentId,
        status: o.status,
        quantity: o.quantity,
        filledQuantity: o.filled,
        price: o.price,
        triggerPrice: o.triggerPrice,
        fills: Object.freeze([...o.fills]),
        ts: o.tsLast,
      }),
    );
  }

  /**
   * One order as the venue knows it, found by the venue order id it gave the order (a scan of the
   * orders it knows: reconciliation is rare); undefined when unknown or forgotten.
   */
  queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined> {
    for (const o of this.known.values()) if (o.venueOrderId === venueOrderId) return this.queryOrder(o.clientOrderId);
    return Promise.resolve(undefined);
  }

  /**
   * Every fill of the orders the venue knows (closed ones while they are retained) with `ts` at or
   * after `ts`, in the order the venue made them, as `OrderFilled` reports stamped with the clock's time.
   */
  fillsSince(ts: number): Promise<readonly OrderFilled[]> {
    const found: { readonly seq: number; readonly fill: OrderFilled }[] = [];
    const now = this.clock.now();
    for (const kept of this.known.values()) {
      const o = asRecord(kept);
      for (const f of o.fills) {
        if (f.ts < ts) continue;
        const fill: OrderFilled = { ...f, type: 'OrderFilled', strategyId: o.strategyId, tsInit: now };
        found.push({ seq: Number(f.tradeId.slice(f.tradeId.lastIndexOf('-') + 1)), fill });
      }
    }
    found.sort((a, b) => a.fill.ts - b.fill.ts || a.seq - b.seq);
    return Promise.resolve(Object.freeze(found.map((x) => Object.freeze(x.fill))));
  }

  /** The venue's signed net position in an instrument from its own fills (0 when none). */
  netPosition(instrumentId: InstrumentId): Decimal {
    return this.netPositions.get(instrumentId)?.quantity.value ?? ZERO;
  }

  // ------------------------------------------------------- MatchEngine (used by matching/*)

  fillExact(order: WorkingOrder, price: Decimal, cap: number, liquidity: LiquiditySide, ts: number): number {
    const qty = this.fillQuantity(order, cap);
    if (qty === undefined) return 0;
    return this.fill(order, price, qty, liquidity, ts, cap);
  }

  fillTaker(order: WorkingOrder, ref: number, exact: Decimal | undefined, cap: number, ts: number, bar: Bar | undefined, quote: Quote | undefined): number {
    const qty = this.fillQuantity(order, cap);
    if (qty === undefined) return 0;
    let price: Decimal;
    if (this.slippage === NO_SLIPPAGE && exact !== undefined) price = exact;
    else {
      const instrument = order.instrument;
      const slipped =
        this.slippage === NO_SLIPPAGE
          ? ref
          : this.slippage.price({ instrument, side: order.command.side, quantity: decimalToNumber(qty), price: ref, bar, quote: quote ?? this.quotes.get(instrument.id) });
      if (!Number.isFinite(slipped))
        throw new ValidationError([{ path: ['slippageModel', 'price'], message: `must return a finite price, got ${String(slipped)} for ${order.command.side} ${instrument.id} at ${ref}` }]);
      price = roundPrice(instrument, cleanNumber(slipped), order.buy ? 'up' : 'down');
      if (bar !== undefined) {
        const n = decimalToNumber(price);
        if (n > bar.high) price = roundPrice(instrument, cleanNumber(bar.high), 'down');
        else if (n < bar.low) price = roundPrice(instrument, cleanNumber(bar.low), 'up');
      }
      const limit = order.price;
      if (limit !== undefined && (order.buy ? price.gt(limit) : price.lt(limit))) price = limit;
    }
    return this.fill(order, price, qty, 'TAKER', ts, cap);
  }

  fillOpen(order: WorkingOrder, bar: Bar, cap: number): number {
    return this.fillTaker(order, bar.open, this.openPrice(order, bar), cap, bar.ts, bar, undefined);
  }

  openPrice(order: WorkingOrder, bar: Bar): Decimal {
    return this.fillModel.marketFillPrice(order.instrument, order.command.side, bar);
  }

  takeBook(order: WorkingOrder, book: OrderBook, limit: number | undefined, ts: number): number {
    const reduce = this.reduceCap(order);
    const cap = Math.min(order.leavesNum, reduce);
    if (reduce < order.leavesNum) order.reduceCapped = true;
    if (cap <= 0) return 0;
    if (order.fok && (cap < order.leavesNum || book.available(order.command.side, limit) < order.leavesNum - 1e-9)) return 0;
    const levels = book.take(order.command.side, cap, limit, decimalToNumber(order.instrument.lotSize));
    let total = 0;
    for (const level of levels) {
      if (order.done) break;
      const price = roundPrice(order.instrument, cleanNumber(level.price), order.buy ? 'up' : 'down');
      total += this.fillExact(order, price, level.size, 'TAKER', ts);
    }
    return total;
  }

  reduceCap(order: WorkingOrder): number {
    if (!order.reduceOnly) return Infinity;
    const net = this.netPosition(order.command.instrumentId);
    if (order.buy ? !net.isNeg() : !net.isPos() || net.isZero()) return 0;
    return net.abs().toNumber();
  }

  trigger(order: WorkingOrder, ts: number): void {
    order.triggered = true;
    order.status = 'TRIGGERED';
    order.tsLast = ts;
    if (order.trailing) {
      if (order.orderType === 'TRAILING_STOP_LIMIT') order.setPrice(this.trailingLimit(order));
      // The SDK learns the trigger (and limit) the order triggered at before it hears of the trigger.
      order.triggerMoved = false;
      this.deliver(order, this.updatedEvent(order, ts), true);
    }
    this.deliver(order, { type: 'OrderTriggered', clientOrderId: order.command.clientOrderId, strategyId: order.command.strategyId, instrumentId: order.command.instrumentId, ts, tsInit: this.clock.now() }, true);
  }

  trail(order: WorkingOrder, price: number): void {
    const buy = order.buy;
    const extreme = order.extreme;
    if (!(Number.isNaN(extreme) || (buy ? price < extreme : price > extreme))) return;
    order.extreme = price;
    const offset = order.trailingOffsetNum;
    const raw = order.trailingPercent ? (buy ? price * (1 + offset / 100) : price * (1 - offset / 100)) : buy ? price + offset : price - offset;
    const tick = decimalToNumber(order.instrument.tickSize);
    // Away from the market: a BUY stop rounds up, a SELL stop down (the distance is never below the offset).
    const ticks = buy ? Math.ceil(raw / tick - 1e-9) : Math.floor(raw / tick + 1e-9);
    if (ticks <= 0) return;
    const trigger = Number((ticks * tick).toFixed(order.instrument.pricePrecision));
    const current = order.triggerNum;
    if (!Number.isNaN(current) && (buy ? trigger >= current : trigger <= current)) return;
    order.triggerNum = trigger;
    order.triggerPrice = order.instrument.tickSize.mul(ticks);
    order.triggerMoved = true;
  }

  // --------------------------------------------------------------- internals

  /** The order reaches the matching engine: accepted (OrderAccepted) or rejected (OrderRejected). */
  private arrive(command: SubmitOrder, ts: number, delayed: boolean): void {
    const reason = this.rejectionReason(command, ts);
    if (reason !== undefined) {
      this.subject.next({ type: 'OrderRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts, tsInit: this.clock.now(), reason });
      return;
    }
    const instrument = this.instruments.find(command.instrumentId) as Instrument;
    if (this.account !== undefined) {
      const reference = command.price ?? command.triggerPrice ?? this.referencePrice(command.instrumentId);
      const refused =
        reference === undefined
          ? `price: no reference price known for ${command.instrumentId} at venue ${this.id} to check the account against`
          : this.account.reserve(command.clientOrderId, instrument, command.side, command.quantity, reference, command.reduceOnly);
      if (refused !== undefined) {
        this.subject.next({ type: 'OrderRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts, tsInit: this.clock.now(), reason: refused });
        return;
      }
    }
    const order = new WorkingOrder(command, instrument, this.orderIds.next() as VenueOrderId, ts, this.dataSeq);
    // With latency the order also waits for data stamped after its arrival; without, the event sequence
    // alone keeps it from the event it was decided on (see the file header).
    if (delayed) order.notBefore = ts;
    this.known.set(command.clientOrderId, order);
    let queue = this.queues.get(command.instrumentId);
    if (queue === undefined) this.queues.set(command.instrumentId, (queue = new OrderQueue()));
    queue.push(order);
    this.working++;
    const expireAt = command.timeInForce === 'GTD' ? (command.expireTime as number) : command.timeInForce === 'DAY' ? this.dayBoundary(ts) : undefined;
    if (expireAt !== undefined) order.expiry = this.clock.setTimer(expireAt, (e) => this.expire(order, e.ts));
    this.subject.next({ type: 'OrderAccepted', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts, tsInit: this.clock.now(), venueOrderId: order.venueOrderId });
  }

  private rejectionReason(command: SubmitOrder, ts: number): string | undefined {
    const caps = this.capabilities;
    if (!caps.orderTypes.includes(command.orderType))
      return `orderType: SimulatedVenue ${this.id} supports ${caps.orderTypes.join(', ')} orders only, got ${command.orderType}`;
    if (!caps.timeInForce.includes(command.timeInForce))
      return `timeInForce: SimulatedVenue ${this.id} supports ${caps.timeInForce.join(', ')}, got ${command.timeInForce}`;
    if (command.reduceOnly && !caps.reduceOnly) return `reduceOnly: not supported by SimulatedVenue ${this.id}`;
    if (command.postOnly && !caps.postOnly) return `postOnly: not supported by SimulatedVenue ${this.id}`;
    const instrument = this.instruments.find(command.instrumentId);
    if (instrument === undefined) return `instrumentId: unknown instrument ${command.instrumentId} at venue ${this.id}`;
    const q = command.quantity;
    if (!(q instanceof Decimal) || !q.isFinite() || !q.isPositive() || q.isZero()) return `quantity: must be a positive Decimal, got ${String(command.quantity)}`;
    if (this.known.has(command.clientOrderId)) return `clientOrderId: duplicate ${command.clientOrderId}`;
    const type = command.orderType;
    const priced = type === 'LIMIT' || type === 'STOP_LIMIT' || type === 'LIMIT_IF_TOUCHED';
    if (priced && command.price === undefined) return `price: required for ${type} orders`;
    if (!priced && command.price !== undefined) return `price: must not be set on ${type} orders`;
    const trailing = type === 'TRAILING_STOP_MARKET' || type === 'TRAILING_STOP_LIMIT';
    if ((type === 'STOP_MARKET' || type === 'STOP_LIMIT' || type === 'MARKET_IF_TOUCHED' || type === 'LIMIT_IF_TOUCHED') && command.triggerPrice === undefined)
      return `triggerPrice: required for ${type} orders`;
    if (trailing && command.trailingOffset === undefined) return `trailingOffset: required for ${type} orders`;
    if (type === 'TRAILING_STOP_LIMIT' && command.limitOffset === undefined) return `limitOffset: required for ${type} orders`;
    if (command.timeInForce === 'GTD') {
      const at = command.expireTime;
      if (at === undefined || !Number.isFinite(at)) return 'expireTime: required for GTD orders';
      if (at <= ts) return `expireTime: ${at} is not after the order's arrival at ${ts}`;
    }
    if (command.timeInForce === 'DAY') {
      const end = this.dayBoundary(ts);
      if (!(end > ts)) return `timeInForce: the trading day of ${ts} ends at ${end}, not after the order's arrival`;
    }
    if (command.reduceOnly) {
      const net = this.netPosition(command.instrumentId);
      if (command.side === 'BUY' ? !net.isNeg() || net.isZero() : !net.isPos() || net.isZero())
        return `reduceOnly: a ${command.side} would increase the net position ${net.toString()} in ${command.instrumentId}`;
    }
    if (command.postOnly && command.price !== undefined) {
      const p = decimalToNumber(command.price);
      const touch = this.touch(command.instrumentId, command.side);
      if (touch !== undefined && (command.side === 'BUY' ? p >= touch.price : p <= touch.price))
        return `postOnly: ${command.side} limit ${command.price.toString()} would take liquidity (${touch.what} ${touch.price})`;
    }
    return undefined;
  }

  /** The price a post-only order must not cross: the opposite side of the book/quote, else the last price. */
  private touch(instrumentId: InstrumentId, side: 'BUY' | 'SELL'): { price: number; what: string } | undefined {
    const book = this.books.get(instrumentId);
    if (book !== undefined) {
      const p = side === 'BUY' ? book.bestAsk() : book.bestBid();
      if (!Number.isNaN(p)) return { price: p, what: side === 'BUY' ? 'best ask' : 'best bid' };
    }
    const q = this.quotes.get(instrumentId);
    if (q !== undefined) return { price: side === 'BUY' ? q.ask : q.bid, what: side === 'BUY' ? 'ask' : 'bid' };
    const last = this.lastPrice(instrumentId);
    return last === undefined ? undefined : { price: last, what: 'last price' };
  }

  private applyCancel(command: CancelOrder, ts: number): void {
    const order = this.record(command.clientOrderId);
    if (order === undefined || order.done) {
      const event: OrderEvent = {
        type: 'OrderCancelRejected',
        clientOrderId: command.clientOrderId,
        strategyId: command.strategyId,
        instrumentId: command.instrumentId,
        ts,
        tsInit: this.clock.now(),
        reason: order === undefined ? `order ${command.clientOrderId} is unknown to venue ${this.id}` : `order ${command.clientOrderId} is already closed (${order.status})`,
      };
      if (order instanceof WorkingOrder) this.deliver(order, event, false);
      else this.subject.next(event);
      return;
    }
    this.closeWith(order as WorkingOrder, 'CANCELED', ts, false);
  }

  private applyModify(command: ModifyOrder, ts: number): void {
    const order = this.record(command.clientOrderId);
    const reason = this.modifyRefusal(order, command);
    if (reason !== undefined) {
      const event: OrderEvent = { type: 'OrderModifyRejected', clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: command.instrumentId, ts, tsInit: this.clock.now(), reason };
      if (order instanceof WorkingOrder) this.deliver(order, event, false);
      else this.subject.next(event);
      return;
    }
    const o = order as WorkingOrder;
    if (command.quantity !== undefined) o.setQuantity(command.quantity);
    if (command.price !== undefined) o.setPrice(command.price);
    if (command.triggerPrice !== undefined) o.setTrigger(command.triggerPrice);
    o.tsLast = ts;
    this.deliver(o, this.updatedEvent(o, ts), false);
  }

  private modifyRefusal(record: WorkingOrder | ClosedOrder | undefined, command: ModifyOrder): string | undefined {
    if (record === undefined) return `order ${command.clientOrderId} is unknown to venue ${this.id}`;
    if (record.done) return `order ${command.clientOrderId} is already closed (${record.status})`;
    const order = record as WorkingOrder;
    if (!this.capabilities.modify) return `modify: not supported by SimulatedVenue ${this.id}`;
    if (command.quantity !== undefined && command.quantity.lte(order.filled))
      return `quantity: ${command.quantity.toString()} is not above the filled quantity ${order.filled.toString()}`;
    if (command.price !== undefined && order.price === undefined && order.orderType !== 'TRAILING_STOP_LIMIT')
      return `price: a ${order.orderType} order has no limit price`;
    if (command.price !== undefined && order.orderType === 'TRAILING_STOP_LIMIT' && !order.triggered)
      return 'price: a trailing-stop-limit gets its limit price when it triggers';
    if (command.triggerPrice !== undefined && (order.triggered || order.orderType === 'MARKET' || order.orderType === 'LIMIT'))
      return order.triggered && order.orderType !== 'MARKET' && order.orderType !== 'LIMIT'
        ? `triggerPrice: order ${command.clientOrderId} has already triggered`
        : `triggerPrice: a ${order.orderType} order has no trigger`;
    if (order.postOnly && command.price !== undefined) {
      // A post-only order moved across the market would take liquidity: refused as on arrival.
      const p = decimalToNumber(command.price);
      const touch = this.touch(order.command.instrumentId, order.command.side);
      if (touch !== undefined && (order.buy ? p >= touch.price : p <= touch.price))
        return `postOnly: ${order.command.side} limit ${command.price.toString()} would take liquidity (${touch.what} ${touch.price})`;
    }
    if (this.account !== undefined && (command.quantity !== undefined || command.price !== undefined)) {
      // The account re-checks the order as it would stand; a refusal keeps the earlier reservation.
      const quantity = (command.quantity ?? order.quantity).minus(order.filled);
      const price = command.price ?? order.price ?? order.triggerPrice ?? this.referencePrice(order.command.instrumentId);
      if (price !== undefined) return this.account.reserve(order.command.clientOrderId, order.instrument, order.command.side, quantity, price, order.reduceOnly);
    }
    return undefined;
  }

  private expire(order: WorkingOrder, ts: number): void {
    if (order.done) return;
    order.expiry = undefined;
    this.closeWith(order, 'EXPIRED', ts, true);
  }

  /** After an order met an event: IOC/FOK remainders are canceled, a moved trailing trigger is reported. */
  private afterMatch(order: WorkingOrder, ts: number): void {
    if (order.done) return;
    if ((order.immediate && order.triggered) || order.reduceCapped) {
      this.closeWith(order, 'CANCELED', ts, true);
      return;
    }
    if (order.triggerMoved) {
      order.triggerMoved = false;
      this.deliver(order, this.updatedEvent(order, ts), true);
    }
  }

  /** Closes an order as canceled or expired, releases its reservation and tells the SDK. */
  private closeWith(order: WorkingOrder, status: 'CANCELED' | 'EXPIRED', ts: number, venueOriginated: boolean): void {
    order.status = status;
    order.tsLast = ts;
    this.close(order);
    this.account?.release(order.command.clientOrderId);
    const c = order.command;
    this.deliver(
      order,
      { type: status === 'CANCELED' ? 'OrderCanceled' : 'OrderExpired', clientOrderId: c.clientOrderId, strategyId: c.strategyId, instrumentId: c.instrumentId, ts, tsInit: this.clock.now() },
      venueOriginated,
    );
  }

  private updatedEvent(order: WorkingOrder, ts: number): OrderEvent {
    const c = order.command;
    return {
      type: 'OrderUpdated',
      clientOrderId: c.clientOrderId,
      strategyId: c.strategyId,
      instrumentId: c.instrumentId,
      ts,
      tsInit: this.clock.now(),
      quantity: order.quantity,
      price: order.price,
      triggerPrice: order.triggerPrice,
    };
  }

  /** A trailing-stop-limit's limit price: `limitOffset` beyond its trigger (BUY above, SELL below), rounded away from the market. */
  private trailingLimit(order: WorkingOrder): Decimal {
    const trigger = order.triggerPrice as Decimal;
    const offset = order.command.limitOffset ?? ZERO;
    const distance = order.trailingPercent ? trigger.mul(offset).div(100) : offset;
    return roundPrice(order.instrument, order.buy ? trigger.plus(distance) : trigger.minus(distance), order.buy ? 'up' : 'down');
  }

  /**
   * The quantity a fill may have under `cap` (units), the reduce-only cap and FOK, as a Decimal in lots;
   * undefined when nothing may fill.
   */
  private fillQuantity(order: WorkingOrder, cap: number): Decimal | undefined {
    if (cap === Infinity && !order.reduceOnly) return order.leaves;
    let max = cap;
    if (order.reduceOnly) {
      const reduce = this.reduceCap(order);
      // Only when the position (not the participation cap) is what limits this fill.
      if (reduce < Math.min(cap, order.leavesNum)) order.reduceCapped = true;
      if (reduce < max) max = reduce;
    }
    if (max >= order.leavesNum) return order.leaves;
    if (order.fok || !(max > 0)) return undefined;
    const lot = order.instrument.lotSize;
    const lots = Math.floor(max / decimalToNumber(lot) + 1e-9);
    if (lots <= 0) return undefined;
    const qty = lot.mul(lots);
    return qty.gte(order.leaves) ? order.leaves : qty;
  }

  /**
   * Books one fill: commission, order state, account, net position, event. Returns the quantity as a
   * number, for the caller to take off `cap`; under an infinite cap nothing is taken off and the
   * conversion (Decimal.toNumber, about 0.1 µs) is skipped: 0.
   */
  private fill(order: WorkingOrder, price: Decimal, quantity: Decimal, liquidity: LiquiditySide, ts: number, cap: number): number {
    const { command, instrument } = order;
    const n = cap === Infinity ? 0 : quantity === order.leaves ? order.leavesNum : decimalToNumber(quantity);
    const commission = this.feeContext
      ? this.feeModel.commission(instrument, command.side, quantity, price, liquidity, {
          ts,
          clientOrderId: command.clientOrderId,
          orderFilledQuantity: order.filled,
          orderCommission: order.commission,
          orderFilledNotional: order.filledNotional,
        })
      : this.feeModel.commission(instrument, command.side, quantity, price, liquidity);
    const complete = order.addFilled(quantity);
    // Only a later fill of the same order reads it: a fill that completes the order skips the multiplication.
    if (!complete) order.filledNotional = order.filledNotional.plus(price.mul(quantity));
    order.commission = order.commission === ZERO ? commission : order.commission.plus(commission);
    order.status = complete ? 'FILLED' : 'PARTIALLY_FILLED';
    order.tsLast = ts;
    this.updatePosition(instrument, quantity, order.buy, price, ts);
    const event: OrderFilled = {
      type: 'OrderFilled',
      tradeId: this.tradeIds.next() as TradeId,
      clientOrderId: command.clientOrderId,
      venueOrderId: order.venueOrderId,
      instrumentId: command.instrumentId,
      side: command.side,
      quantity,
      price,
      commission,
      commissionCurrency: instrument.quote,
      liquiditySide: liquidity,
      ts,
      strategyId: command.strategyId,
      tsInit: this.clock.now(),
    };
    if (order.fills.length === 0) order.fills = [event];
    else order.fills.push(event);
    // Closed after its last fill is recorded: the closed order's record keeps the fills array.
    if (complete) this.close(order);
    this.account?.applyFill(event);
    this.deliver(order, event, true);
    return n;
  }

  /**
   * Sends an order's event to the SDK: at once without latency; else `fillMs` later for venue-originated
   * events (acks of requests at once), and never before an earlier event of the same order.
   */
  private deliver(order: WorkingOrder, event: OrderEvent, venueOriginated: boolean): void {
    const latency = this.latency;
    if (latency === undefined) {
      this.subject.next(event);
      return;
    }
    const now = this.clock.now();
    const at = Math.max(now + (venueOriginated ? latency.fillMs(event) : 0), order.deliverAt);
    if (at <= now && order.pending === 0) {
      this.subject.next(event);
      return;
    }
    order.deliverAt = at;
    order.pending++;
    this.clock.setTimer(at, (e) => {
      order.pending--;
      this.subject.next({ ...event, tsInit: e.ts });
    });
  }

  /** What the venue knows of an order, a closed order kept as its fill read as a record. */
  private record(clientOrderId: ClientOrderId): WorkingOrder | ClosedOrder | undefined {
    const kept = this.known.get(clientOrderId);
    return kept === undefined ? undefined : asRecord(kept);
  }

  /** Marks an order done; forgets it when closed orders are not retained. */
  private close(order: WorkingOrder): void {
    order.done = true;
    this.working--;
    order.expiry?.cancel();
    order.expiry = undefined;
    if (!this.retainClosed) this.known.delete(order.command.clientOrderId);
    // Keep a compact record instead (under latency the live order keeps its delivery bookkeeping).
    else if (this.latency === undefined) this.known.set(order.command.clientOrderId, ClosedOrder.keptAsFill(order) ? (order.fills[0] as OrderFilled) : new ClosedOrder(order));
  }

  private view(order: WorkingOrder): OrderView {
    const c = order.command;
    let avg: Decimal | undefined;
    if (order.fills.length > 0) {
      let notional = ZERO;
      for (const f of order.fills) notional = notional.plus(f.price.mul(f.quantity));
      avg = notional.div(order.filled);
    }
    return Object.freeze({
      clientOrderId: c.clientOrderId,
      venueOrderId: order.venueOrderId,
      strategyId: c.strategyId,
      instrumentId: c.instrumentId,
      side: c.side,
      orderType: c.orderType,
      timeInForce: c.timeInForce,
      quantity: order.quantity,
      filledQuantity: order.filled,
      price: order.price,
      triggerPrice: order.triggerPrice,
      avgFillPrice: avg,
      status: order.status,
      isOpen: !order.done,
      tsCreated: order.arrival,
      tsLast: order.tsLast,
    });
  }

  private lotOf(queue: OrderQueue): number {
    return (queue.orders[0] as WorkingOrder).instrument.lotSize.toNumber();
  }

  /** Remembers the last bar without a Map write while bars of one instrument follow each other. */
  private noteBar(bar: Bar): void {
    const prev = this.lastBar;
    if (prev !== undefined && prev.instrumentId !== bar.instrumentId) this.setLast(prev.instrumentId, prev.close, prev.ts);
    this.lastBar = bar;
  }

  private setLast(instrumentId: InstrumentId, price: number, ts: number): void {
    const last = this.lastPrices.get(instrumentId);
    if (last === undefined) this.lastPrices.set(instrumentId, { price, ts });
    else if (ts >= last.ts) {
      last.price = price;
      last.ts = ts;
    }
    if (this.account !== undefined && price > 0) this.account.mark(instrumentId, price);
  }

  /** The latest known price of an instrument (bar close, quote mid, trade price, book mid). */
  lastPrice(instrumentId: InstrumentId): number | undefined {
    const bar = this.lastBar;
    const last = this.lastPrices.get(instrumentId);
    if (bar !== undefined && bar.instrumentId === instrumentId && (last === undefined || bar.ts >= last.ts)) return bar.close;
    return last?.price;
  }

  private referencePrice(instrumentId: InstrumentId): Decimal | undefined {
    const p = this.lastPrice(instrumentId);
    const instrument = this.instruments.find(instrumentId);
    return p === undefined || instrument === undefined ? undefined : roundPrice(instrument, cleanNumber(p));
  }

  /**
   * Net position bookkeeping: average cost on increases, realized P&L on reductions and flips. Runs in
   * integer arithmetic (DecimalAccumulator) except for the division of an addition's new average.
   */
  private updatePosition(instrument: Instrument, quantity: Decimal, buy: boolean, price: Decimal, ts: number): void {
    let p = this.netPositions.get(instrument.id);
    if (p === undefined) this.netPositions.set(instrument.id, (p = new NetPosition()));
    const q = p.quantity;
    if (q.isZero()) {
      q.set(quantity);
      if (!buy) q.neg();
      p.avgPrice = price;
    } else if (q.isNegative() !== buy) {
      const before = q.value;
      const signed = buy ? quantity : quantity.neg();
      const total = before.plus(signed);
      p.avgPrice = p.avgPrice.mul(before).plus(price.mul(signed)).div(total);
      q.set(total);
    } else {
      // Long closed by a sell gains (price - avg); short closed by a buy gains (avg - price), on the
      // smaller of the two sizes.
      const long = !q.isNegative();
      const pnl = this.fillPnl;
      if (long) pnl.set(price).sub(p.avgPrice);
      else pnl.set(p.avgPrice).sub(price);
      if (q.cmpAbs(quantity) >= 0) pnl.mul(quantity);
      else {
        pnl.mul(q);
        if (!long) pnl.neg();
      }
      if (!isUnitMultiplier(instrument.multiplier)) pnl.mul(instrument.multiplier);
      p.realizedPnl.add(pnl);
      if (buy) q.add(quantity);
      else q.sub(quantity);
      if (q.isZero()) p.avgPrice = ZERO;
      else if (q.isNegative() === long) p.avgPrice = price; // flipped: the remainder opened at this price
    }
    p.ts = ts;
  }
}

/**
 * The working orders of one instrument, in arrival order: `orders[0 .. length)`. The array keeps its
 * storage when the queue empties (an array cut to length 0 gives its storage up, and the next order's
 * `push` allocated it again: once an order in a backtest that holds one order at a time).
 */
class OrderQueue {
  readonly orders: (WorkingOrder | undefined)[] = [];
  length = 0;

  push(order: WorkingOrder): void {
    if (this.length < this.orders.length) this.orders[this.length++] = order;
    else {
      this.orders.push(order);
      this.length++;
    }
  }
}

/** Drops closed orders from a queue, keeping arrival order (orders added during the event included). */
function compact(queue: OrderQueue): void {
  const orders = queue.orders;
  const n = queue.length;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const o = orders[i] as WorkingOrder;
    if (!o.done) orders[j++] = o;
  }
  for (let i = j; i < n; i++) orders[i] = undefined;
  queue.length = j;
}

/** A kept order as a record: a closed order kept as its one fill is read back as a {@link ClosedOrder}. */
function asRecord(kept: WorkingOrder | ClosedOrder | OrderFilled): WorkingOrder | ClosedOrder {
  return kept instanceof WorkingOrder || kept instanceof ClosedOrder ? kept : new ClosedOrder(kept);
}
