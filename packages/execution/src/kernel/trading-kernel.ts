/**
 * The part of a runner that is the same in backtest, paper and live trading: it builds the pipeline
 * context, connects the pipeline's commands to the order manager and the venues, applies venue events
 * to the order manager and the ledger before the next market event, and records equity. Runners differ
 * only in the clock and in how market events arrive (NautilusTrader's kernel does the same).
 *
 * It accepts any `ExecutionClient`; a venue that matches on the node's market data (a
 * `SimulatedVenue`) says so by being a `MarketDataSink`. The ledger is reached through core's
 * `AccountLedger`, so this package does not depend on `@rxtrade/portfolio`.
 *
 * Faults stop the kernel where they happen: a pipeline error, a malformed command (a `ValidationError`
 * naming the field), an error from the order manager, or an order anomaly in strict mode. From the
 * first fault on, no command reaches a venue; the runner is told at once through `onFailure`.
 */
import type { Subscription } from 'rxjs';
import { z } from 'zod';
import {
  DecimalAccumulator,
  ConnectionStatus,
  Decimal,
  OrderFactory,
  ValidationError,
  WorkTracker,
  isMarketDataSink,
  parseWith,
  preParsedConfig,
  silentLogger,
  strategyId as toStrategyId,
  type AccountLedger,
  type ClientOrderId,
  type Clock,
  type ExecutionClient,
  type InstrumentId,
  type InstrumentRegistry,
  type Logger,
  type MarketData,
  type MarketDataSink,
  type OrderEvent,
  type OrderEventType,
  type OrderFilled,
  type SubmitOrder,
  type OrdersView,
  type Pipeline,
  type PipelineContext,
  type Venue,
  type VenueId,
} from '@rxtrade/core';
import { HotStream } from './hot-stream';
import { ClockSchema, InstrumentRegistrySchema, isObject } from '../config-schemas';
import type { OrderAnomaly, OrderAnomalyReason } from '../order-anomaly';
import { OrderManager, OrderManagerConfigSchema } from '../order-manager';
import { VenueRouter } from '../routing/venue-router';
import { commandIssue } from './command-issue';
import { plainSubmitIsValid } from '../submit-check';
import { EquityRecorder } from './equity-recorder';
import { OrderAnomalyError, StageTimeoutError } from './kernel-errors';
import { MarketHub } from './market-hub';
import { isUnitMultiplier } from '../unit-multiplier';

const ExecutionClientSchema = z.custom<ExecutionClient>(
  (v) => isObject(v) && typeof v['id'] === 'string' && typeof v['submit'] === 'function' && isObject(v['capabilities']) && isObject(v['events']),
  'must be an ExecutionClient (id, submit, cancel, modify, events, capabilities, connection, …)',
);

const LedgerSchema = z.custom<AccountLedger>(
  (v) => isObject(v) && typeof v['applyFill'] === 'function' && typeof v['mark'] === 'function' && typeof v['equityValue'] === 'function',
  'must be an AccountLedger (applyFill, applyFunding, mark, equityValue and the LedgerView reads), such as a Ledger from @rxtrade/portfolio',
);

const LoggerSchema = z.custom<Logger>(
  (v) => isObject(v) && ['debug', 'info', 'warn', 'error'].every((m) => typeof v[m] === 'function'),
  'must be a Logger (debug, info, warn and error methods)',
);

/**
 * Schema of {@link TradingKernelConfig}.
 *
 * @example
 * ```ts
 * parseWith(TradingKernelConfigSchema, { clock, instruments, venues: [venue], ledger, strategyId: 'sma' }, 'config').equityEvery; // 1
 * ```
 */
export const TradingKernelConfigSchema = z.strictObject({
  clock: ClockSchema,
  instruments: InstrumentRegistrySchema,
  /**
   * The venues. Orders go to the only one, or through a `VenueRouter` over them (by the instrument's
   * venue). Market events go to the venue of their instrument when it is a `MarketDataSink`.
   */
  venues: z.array(ExecutionClientSchema).min(1),
  /** The account of record: every fill and funding payment is booked into it before the pipeline hears of it. */
  ledger: LedgerSchema,
  /** Strategy id of the orders the pipeline builds with `ctx.orderFactory`. */
  strategyId: z.string().min(1),
  /** Prefix of client order ids (`PREFIX-1`, …); default: the strategy id. */
  idPrefix: z.string().min(1).optional(),
  /** The pipeline's `ctx.logger` (default: silent). */
  logger: LoggerSchema.optional(),
  /** Keep one equity point in this many event times (plus the last). */
  equityEvery: z.number().int().positive().default(1),
  /**
   * The number of market events the run will handle, when the runner knows it (a backtest over data in
   * memory): the equity curve is then allocated once at its full size and handed to the result without
   * a copy. A wrong figure costs only memory or a copy, never a point.
   */
  expectedEvents: z.number().int().nonnegative().optional(),
  /** Keep closed orders and fills (default true); false bounds memory on very long runs. */
  keepHistory: z.boolean().default(true),
  /** Commands emitted before this time are dropped (indicator warm-up); default: none dropped. */
  tradingStart: z.number().optional(),
  /** Fail on the first order anomaly. */
  strict: z.boolean().default(false),
  /** Called with each order anomaly as it is met; an error it throws is a fault. */
  onAnomaly: z.custom<(anomaly: OrderAnomaly) => void>((v) => typeof v === 'function', 'must be a function (anomaly) => void').optional(),
  /** The order manager's reconciliation settings (see `OrderManagerConfig`); default: none, as a simulated venue always answers. */
  orders: OrderManagerConfigSchema.pick({ submitTimeoutMs: true, cancelTimeoutMs: true, retry: true, dayBoundary: true }).optional(),
});

/** The order manager settings of a kernel given none: `orders: {}` parsed once (the retry policy's defaults). */
let ordersDefaults: NonNullable<z.output<typeof TradingKernelConfigSchema>['orders']> | undefined;
function defaultOrders(): NonNullable<z.output<typeof TradingKernelConfigSchema>['orders']> {
  if (ordersDefaults === undefined) {
    const parsed = parseWith(TradingKernelConfigSchema.shape.orders.unwrap(), {}, 'orders');
    // Shared by every such kernel's order manager: frozen, its retry settings included.
    ordersDefaults = Object.freeze({ ...parsed, retry: Object.freeze({ ...parsed.retry }) });
  }
  return ordersDefaults;
}

/**
 * Configuration of a {@link TradingKernel}.
 *
 * @example
 * ```ts
 * const config: TradingKernelConfig = { clock, instruments, venues: [venue], ledger, strategyId: 'sma', strict: true };
 * ```
 */
export type TradingKernelConfig = z.input<typeof TradingKernelConfigSchema>;

/**
 * An order anomaly as the kernel records it: the reason and what it concerned, without the live
 * order object.
 *
 * @example
 * ```ts
 * for (const a of kernel.anomalies) console.warn(a.reason, a.clientOrderId, a.eventType, a.message);
 * ```
 */
export interface RecordedAnomaly {
  readonly reason: OrderAnomalyReason;
  readonly message: string;
  /** Clock time when it was detected. */
  readonly ts: number;
  /** The order concerned (undefined when the event named none the kernel knows). */
  readonly clientOrderId: ClientOrderId | undefined;
  readonly instrumentId: InstrumentId | undefined;
  /** Type of the venue event that was not applied; undefined for a failed reconciliation. */
  readonly eventType: OrderEventType | undefined;
}

/**
 * Runs one pipeline against venues and a ledger, one market event at a time: the kernel shared by
 * `runBacktest`, `runPaper` and live runners. The runner owns the clock and the source of events; it
 * calls {@link TradingKernel.handle} for each event, {@link TradingKernel.settle} while asynchronous
 * work is pending, then {@link TradingKernel.recordEquity}.
 *
 * @example
 * ```ts
 * const clock = new BacktestClock(bars[0].ts);
 * const instruments = instrumentRegistry([goog]);
 * const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments });
 * const kernel = new TradingKernel({ clock, instruments, ledger, strategyId: 'sma', venues: [new SimulatedVenue({ clock, instruments })] });
 * kernel.onFailure = (error) => console.error(error);
 * kernel.start(pipeline);
 * for (const bar of bars) {
 *   clock.advanceTo(bar.ts);
 *   if (kernel.handle(bar)) await kernel.settle(30_000, () => describeMarketEvent(bar));
 *   kernel.recordEquity(bar.ts);
 * }
 * kernel.finish();
 * kernel.stop();
 * ```
 */
export class TradingKernel {
  /** The pipeline's work tracker (`ctx.work`). */
  readonly work = new WorkTracker();
  /** The order manager every command goes through. */
  readonly orderManager: OrderManager;
  /** Every fill applied, in order (empty when `keepHistory` is false); the kernel's own record, read only. */
  get fills(): readonly OrderFilled[] {
    return this.fillLog;
  }
  private readonly fillLog: OrderFilled[] = [];
  /** Fills seen, kept or not. */
  fillCount = 0;
  /** Sum of |price x quantity x multiplier| over every fill, exact. */
  get tradedNotional(): Decimal {
    return this.notional.value;
  }
  private readonly notional = new DecimalAccumulator();
  /** Order anomalies met so far, in order. */
  readonly anomalies: RecordedAnomaly[] = [];
  /** Told of the first fault, once, as it happens (the runner stops its feed and rejects). */
  onFailure: ((error: unknown) => void) | undefined;
  private readonly clock: Clock;
  private readonly instrumentRegistry: InstrumentRegistry;
  private readonly ledger: AccountLedger;
  private readonly config: z.output<typeof TradingKernelConfigSchema>;
  private readonly market = new MarketHub();
  private readonly equity: EquityRecorder;
  private readonly orderEvents = new HotStream<OrderEvent>();
  private readonly subscriptions: Subscription[] = [];
  private failure: { error: unknown } | undefined;
  private pipelineSubscription: Subscription | undefined;
  private stopped = false;
  /** The wait in progress in {@link settle}, so that {@link stop} can end it. */
  private waiting: { readonly timer: unknown; readonly done: () => void } | undefined;
  private events = 0;
  private dropped = 0;
  /** The one venue that takes market data, when every event goes to it (a single sink venue). */
  private readonly single: MarketDataSink | undefined;
  /** Sink venues by id, when there are several venues. */
  private readonly byVenue = new Map<VenueId, MarketDataSink>();

  constructor(config: TradingKernelConfig) {
    const c = parseWith(TradingKernelConfigSchema, config, 'TradingKernelConfig');
    this.config = c;
    const { clock, instruments, ledger, venues } = c;
    this.clock = clock;
    this.instrumentRegistry = instruments;
    this.ledger = ledger;
    this.equity = new EquityRecorder(c.equityEvery, c.expectedEvents);
    const venue: Venue = venues.length === 1 ? venues[0]! : new VenueRouter({ venues, instruments });
    // Built from what this kernel's schema validated (`orders` with the order manager's own field
    // schemas, its defaults set): the manager takes it as parsed.
    this.orderManager = new OrderManager(preParsedConfig({
      clock,
      instruments,
      venue,
      retainClosedOrders: c.keepHistory,
      ...(c.orders ?? defaultOrders()),
      // A reconciliation after a submit or cancel timeout is work of the run, and its failure the run's.
      track: (work: Promise<unknown>) => void this.work.track(work).catch((error: unknown) => this.fail(error)),
    }));
    const only = venues.length === 1 ? venues[0]! : undefined;
    if (only !== undefined && isMarketDataSink(only)) this.single = only;
    for (const v of venues) {
      if (venues.length > 1 && isMarketDataSink(v)) this.byVenue.set(v.id, v);
      // Perpetual funding is booked by the venue at the funding times; the ledger is the account of record.
      if (v.fundingPayments !== undefined)
        this.subscriptions.push(
          v.fundingPayments.subscribe((p) => {
            try {
              ledger.applyFunding(p.instrumentId, p.amount, p.currency);
            } catch (error) {
              this.fail(error);
            }
          }),
        );
      if (v.connection !== undefined) this.subscriptions.push(this.watchConnection(v));
    }
    // The ledger applies a fill before the pipeline hears of it, so state read through the context is
    // already current when the event arrives.
    this.orderManager.events.subscribe((event) => {
      if (event.type === 'OrderFilled') {
        // A fill the ledger refuses (a commission in a currency it does not hold, say) fails the run:
        // thrown here it would surface later as an unhandled error, with the run carrying on.
        try {
          ledger.applyFill(event);
        } catch (error) {
          this.fail(error);
          return;
        }
        this.fillCount++;
        if (c.keepHistory) this.fillLog.push(event);
        this.addNotional(event);
      }
      this.orderEvents.next(event);
    });
    this.orderManager.anomalies.subscribe((anomaly) => this.onAnomaly(anomaly));
  }

  /**
   * A venue that comes back after a disconnect may have sent events the kernel never received: once it
   * is `CONNECTED` again, the order manager asks it about every open order and applies what it missed
   * (fills by trade id, cancels, rejections). The reconciliation is work of the run, so the runner
   * waits for it before the next event.
   */
  private watchConnection(venue: ExecutionClient): Subscription {
    let lost = false;
    return venue.connection.subscribe((status) => {
      if (status !== ConnectionStatus.CONNECTED) {
        if (!lost) this.config.logger?.warn(`venue ${venue.id} ${status.toLowerCase()}: events may be missed until it reconnects`, { venue: venue.id, status });
        lost = true;
        return;
      }
      if (!lost || this.stopped) return;
      lost = false;
      this.config.logger?.info(`venue ${venue.id} reconnected: reconciling open orders`, { venue: venue.id });
      this.work.track(this.orderManager.reconcile()).catch((error: unknown) => this.fail(error));
    });
  }

  private onAnomaly(anomaly: OrderAnomaly): void {
    const event = anomaly.event;
    this.anomalies.push({
      reason: anomaly.reason,
      message: anomaly.message,
      ts: anomaly.ts,
      clientOrderId: event?.clientOrderId ?? anomaly.order?.clientOrderId,
      instrumentId: event?.instrumentId ?? anomaly.order?.instrumentId,
      eventType: event?.type,
    });
    const listener = this.config.onAnomaly;
    if (listener !== undefined) {
      try {
        listener(anomaly);
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    if (this.config.strict) this.fail(new OrderAnomalyError(anomaly));
  }

  /** Records the first fault and tells the runner; later faults are consequences and are dropped. */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    this.onFailure?.(error);
  }

  /** Builds the context and subscribes to the pipeline's order commands. */
  start(pipeline: Pipeline): void {
    const { clock, instrumentRegistry: instruments, ledger } = this;
    const c = this.config;
    const ctx: PipelineContext = {
      clock,
      scheduler: clock.scheduler,
      instruments,
      ledger,
      orders: this.orderManager,
      market: this.market,
      orderEvents: this.orderEvents.observable,
      orderFactory: new OrderFactory(clock, instruments, toStrategyId(c.strategyId), c.idPrefix ?? c.strategyId),
      work: this.work,
      logger: c.logger ?? silentLogger,
    };
    const tradingStart = c.tradingStart ?? -Infinity;
    this.pipelineSubscription = pipeline(ctx).subscribe({
      next: (command) => {
        // After a fault nothing more reaches the venue, even from a stage still running.
        if (this.failure !== undefined) return;
        // A submit the quick check vouches for (a MARKET, LIMIT or STOP_MARKET order as the factory builds
        // it) needs no other structural check, and the order manager is told so (it would run it again).
        const plain = plainSubmitIsValid(command as SubmitOrder);
        const issue = plain ? undefined : commandIssue(command);
        if (issue !== undefined) {
          this.fail(new ValidationError([{ path: ['command', ...issue.path], message: issue.message }]));
          return;
        }
        if (clock.now() < tradingStart) {
          this.dropped++;
          return;
        }
        // An error thrown here would escape the stream (RxJS reports it later, out of any run): keep it.
        try {
          if (plain) this.orderManager.executeVouchedSubmit(command as SubmitOrder);
          else this.orderManager.execute(command);
        } catch (error) {
          this.fail(error);
        }
      },
      error: (error: unknown) => this.fail(error),
    });
    // A pipeline that failed while subscribing has already torn itself down.
    if (this.failure !== undefined) this.pipelineSubscription.unsubscribe();
  }

  /** The first fault, if any. */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  /**
   * Handles one market event: the venue of its instrument matches it first when the venue takes market
   * data (fills orders submitted on earlier events), then the order manager's emulator (releases held
   * orders whose trigger it reached), the ledger marks it, then the pipeline sees it. Returns true when
   * asynchronous work is still pending.
   */
  handle(event: MarketData): boolean {
    const ledger = this.ledger;
    const sink = this.single ?? (this.byVenue.size === 0 ? undefined : this.sinkOf(event));
    sink?.process(event);
    // A strict-mode anomaly met while matching: the emulator must not release orders to the venue.
    if (this.failure !== undefined) return false;
    this.orderManager.onMarketData(event);
    // Marks follow bar closes, trades and quote mids; books are the venue's matching data.
    if (event.type === 'Bar') ledger.mark(event.instrumentId, event.close);
    else if (event.type === 'Trade') ledger.mark(event.instrumentId, event.price);
    else if (event.type === 'Quote') ledger.mark(event.instrumentId, (event.bid + event.ask) / 2);
    this.market.publish(event);
    this.events++;
    return this.work.pending !== 0;
  }

  private sinkOf(event: MarketData): MarketDataSink | undefined {
    const instrument = this.instrumentRegistry.find(event.instrumentId);
    return instrument === undefined ? undefined : this.byVenue.get(instrument.venue);
  }

  /**
   * Resolves once the asynchronous work in flight has settled (at once when none is), or when the
   * kernel is stopped; rejects with a {@link StageTimeoutError} after `timeoutMs` of wall time.
   *
   * @param waitingFor what caused the work, for the error (built only on timeout).
   */
  settle(timeoutMs: number, waitingFor: () => string): Promise<void> {
    const work = this.work;
    if (work.pending === 0 || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        if (this.waiting?.done !== done) return;
        clearTimeout(this.waiting.timer as Parameters<typeof clearTimeout>[0]);
        this.waiting = undefined;
        resolve();
      };
      // Wall-clock supervision, not trading time: a Promise that never settles advances no clock (a
      // BacktestClock only moves with the data), so only a real timer can notice it. The timer keeps
      // the process alive on purpose: a stage whose Promise holds nothing open would otherwise let Node
      // exit without the run ever settling. settle and stop() clear it.
      const timer = setTimeout(() => {
        if (this.waiting?.done !== done) return;
        this.waiting = undefined;
        reject(new StageTimeoutError(waitingFor(), work.pending, timeoutMs));
      }, timeoutMs);
      this.waiting = { timer, done };
      void work.whenIdle().then(done);
    });
  }

  /** Adds one fill's |price x quantity x multiplier| to the traded notional. */
  private addNotional(fill: OrderFilled): void {
    const multiplier = this.instrumentRegistry.get(fill.instrumentId).multiplier;
    if (isUnitMultiplier(multiplier)) this.notional.addProduct(fill.price, fill.quantity);
    else this.notional.add(fill.price.mul(fill.quantity).mul(multiplier));
  }

  /** Records the equity point for the event just handled (after its work has settled). */
  recordEquity(ts: number): void {
    this.equity.record(ts, this.ledger.equityValue());
  }

  /** The recorded equity curve, ending with the last point seen. */
  equityCurve(): { ts: Float64Array; equity: Float64Array } {
    return this.equity.curve();
  }

  /** The instruments of the run. */
  get instruments(): InstrumentRegistry {
    return this.instrumentRegistry;
  }

  /** The orders, as the pipeline reads them (`ctx.orders`). */
  get orders(): OrdersView {
    return this.orderManager;
  }

  /** Number of order commands dropped because they came before `tradingStart`. */
  get droppedCommands(): number {
    return this.dropped;
  }

  /** Whether closed orders and fills are kept. */
  get keepsHistory(): boolean {
    return this.config.keepHistory;
  }

  /** Number of market events handled. */
  get eventCount(): number {
    return this.events;
  }

  /** Ends the market streams (pipelines may complete) and stops forwarding order events. */
  finish(): void {
    this.market.complete();
    this.orderEvents.complete();
  }

  /**
   * Stops the kernel for good: unsubscribes from the pipeline (its timers and pending stages are torn
   * down, and no command it emits later reaches a venue), stops the order manager (its timers, its
   * venue subscription), stops booking funding and watching connections, and ends the market streams.
   * Idempotent; the run's state stays readable.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.waiting?.done();
    this.pipelineSubscription?.unsubscribe();
    for (const s of this.subscriptions) s.unsubscribe();
    this.orderManager.dispose();
    this.finish();
  }
}

/**
 * A market event in words, for errors and logs.
 *
 * @example
 * ```ts
 * describeMarketEvent(bar); // 'Bar of AAA.SIM at 2024-01-02T00:00:00.000Z'
 * ```
 */
export function describeMarketEvent(event: MarketData): string {
  const at = Number.isFinite(event.ts) && Math.abs(event.ts) <= 8.64e15 ? new Date(event.ts).toISOString() : String(event.ts);
  return `${event.type} of ${event.instrumentId} at ${at}`;
}
