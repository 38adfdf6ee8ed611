/**
 * The part of a runner that is the same in backtest, paper and live: it builds the pipeline context,
 * wires the order manager, venue and ledger, and handles one market event at a time. Runners differ
 * only in the clock and in how events arrive (NautilusTrader's kernel does the same).
 *
 * Faults stop the node where they happen: a pipeline error, a malformed command (a `ValidationError`
 * naming the field), an error from the order manager, or an order anomaly in strict mode. From the
 * first fault on, no command reaches the venue; the runner is told at once through `onFailure`.
 */
import { Subject, type Subscription } from 'rxjs';
import {
  ContingencyType,
  Decimal,
  OrderFactory,
  OrderSide,
  OrderType,
  TimeInForce,
  TrailingOffsetType,
  ValidationError,
  ZERO,
  WorkTracker,
  silentLogger,
  strategyId as toStrategyId,
  type Bar,
  type Clock,
  type InstrumentRegistry,
  type Logger,
  type MarketData,
  type OrderEvent,
  type OrderFilled,
  type Pipeline,
  type PipelineContext,
  type ValidationIssue,
} from '@rxtrade/core';
import { OrderManager, type OrderAnomaly, type SimulatedVenue } from '@rxtrade/execution';
import type { Venue, VenueId } from '@rxtrade/core';
import type { Ledger } from '@rxtrade/portfolio';
import { MarketHub } from './market-hub';
import { EquityRecorder } from './equity-recorder';
import { OrderAnomalyError, StageTimeoutError } from './run-errors';
import type { RunAnomaly } from './result';

export interface TradingNodeParts {
  readonly clock: Clock;
  readonly instruments: InstrumentRegistry;
  /** The simulated venues: market data goes to the venue of the event's instrument (to the only one when there is one). */
  readonly venues: readonly SimulatedVenue[];
  /** What the order manager sends to: the only venue, or a `VenueRouter` over them. */
  readonly venue: Venue;
  readonly ledger: Ledger;
  readonly strategyId: string;
  readonly idPrefix: string;
  readonly logger: Logger | undefined;
  readonly equityEvery: number;
  /** Keep closed orders and fills (default true); see `RunnerConfig.keepHistory`. */
  readonly keepHistory: boolean;
  /** Commands emitted before this time are dropped (indicator warm-up); default: none dropped. */
  readonly tradingStart?: number;
  /** Fail on the first order anomaly (see `RunnerConfig.strict`). */
  readonly strict?: boolean;
  /** Called with each order anomaly as it is met. */
  readonly onAnomaly?: (anomaly: OrderAnomaly) => void;
}

/** @internal Shared engine of `runBacktest` and `runPaper`. */
export class TradingNode {
  readonly work = new WorkTracker();
  readonly market = new MarketHub();
  readonly orderManager: OrderManager;
  readonly fills: OrderFilled[] = [];
  /** Fills seen, kept or not. */
  fillCount = 0;
  /** Sum of |price x quantity x multiplier| over every fill, exact. */
  tradedNotional: Decimal = ZERO;
  readonly equity: EquityRecorder;
  /** Order anomalies met so far, in order. */
  readonly anomalies: RunAnomaly[] = [];
  /** Told of the first fault, once, as it happens (the runner stops its feed and rejects). */
  onFailure: ((error: unknown) => void) | undefined;
  private readonly orderEvents = new Subject<OrderEvent>();
  private failure: { error: unknown } | undefined;
  private pipelineSubscription: Subscription | undefined;
  private stopped = false;
  /** The wait in progress in {@link settle}, so that {@link stop} can end it. */
  private waiting: { readonly timer: unknown; readonly done: () => void } | undefined;
  private events = 0;
  private dropped = 0;
  private readonly single: SimulatedVenue | undefined;
  private readonly byVenue = new Map<VenueId, SimulatedVenue>();

  constructor(private readonly parts: TradingNodeParts) {
    const { clock, instruments, venue, ledger } = parts;
    this.equity = new EquityRecorder(parts.equityEvery);
    this.orderManager = new OrderManager({ clock, instruments, venue, retainClosedOrders: parts.keepHistory });
    this.single = parts.venues.length === 1 ? parts.venues[0] : undefined;
    for (const v of parts.venues) {
      this.byVenue.set(v.id, v);
      // Perpetual funding is booked by the venue at the funding times; the ledger is the account of record.
      v.fundingPayments.subscribe((p) => ledger.applyFunding(p.instrumentId, p.amount, p.currency));
    }
    // The ledger applies a fill before the pipeline hears of it, so state read through the context is
    // already current when the event arrives.
    this.orderManager.events.subscribe((event) => {
      if (event.type === 'OrderFilled') {
        ledger.applyFill(event);
        this.fillCount++;
        const notional = event.price.mul(event.quantity);
        const multiplier = instruments.get(event.instrumentId).multiplier;
        this.tradedNotional = this.tradedNotional.plus(multiplier.eq(1) ? notional : notional.mul(multiplier));
        if (parts.keepHistory) this.fills.push(event);
      }
      this.orderEvents.next(event);
    });
    this.orderManager.anomalies.subscribe((anomaly) => this.onAnomaly(anomaly));
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
    const listener = this.parts.onAnomaly;
    if (listener !== undefined) {
      try {
        listener(anomaly);
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    if (this.parts.strict === true) this.fail(new OrderAnomalyError(anomaly));
  }

  /** Records the first fault and tells the runner; later faults are consequences and are dropped. */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    this.onFailure?.(error);
  }

  /** Builds the context and subscribes to the pipeline's order commands. */
  start(pipeline: Pipeline): void {
    const { clock, instruments, ledger, logger } = this.parts;
    const ctx: PipelineContext = {
      clock,
      scheduler: clock.scheduler,
      instruments,
      ledger,
      orders: this.orderManager,
      market: this.market,
      orderEvents: this.orderEvents.asObservable(),
      orderFactory: new OrderFactory(clock, instruments, toStrategyId(this.parts.strategyId), this.parts.idPrefix),
      work: this.work,
      logger: logger ?? silentLogger,
    };
    const tradingStart = this.parts.tradingStart ?? -Infinity;
    this.pipelineSubscription = pipeline(ctx).subscribe({
      next: (command) => {
        // After a fault nothing more reaches the venue, even from a stage still running.
        if (this.failure !== undefined) return;
        const issue = commandIssue(command);
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
          this.orderManager.execute(command);
        } catch (error) {
          this.fail(error);
        }
      },
      error: (error: unknown) => this.fail(error),
    });
    // A pipeline that failed while subscribing has already torn itself down.
    if (this.failure !== undefined) this.pipelineSubscription.unsubscribe();
  }

  /** The first error a pipeline stage raised, if any. */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  /**
   * Handles one market event: the venue sees it first (fills orders submitted on earlier events), then
   * the order manager's emulator (releases held orders whose trigger it reached), the ledger marks it,
   * then the pipeline sees it. Returns true when asynchronous work is still pending.
   */
  handle(event: MarketData): boolean {
    const ledger = this.parts.ledger;
    const venue = this.single ?? this.venueOf(event);
    if (event.type === 'Bar') {
      const bar: Bar = event;
      venue?.processBar(bar);
      // A strict-mode anomaly met while matching: the emulator must not release orders to the venue.
      if (this.failure !== undefined) return false;
      this.orderManager.onMarketData(bar);
      ledger.mark(bar.instrumentId, bar.close);
    } else {
      venue?.process(event);
      if (this.failure !== undefined) return false;
      this.orderManager.onMarketData(event);
      // Marks follow trades and quote mids; books are the venue's matching data.
      if (event.type === 'Trade') ledger.mark(event.instrumentId, event.price);
      else if (event.type === 'Quote') ledger.mark(event.instrumentId, (event.bid + event.ask) / 2);
    }
    this.market.publish(event);
    this.events++;
    return this.work.pending !== 0;
  }

  private venueOf(event: MarketData): SimulatedVenue | undefined {
    const instrument = this.parts.instruments.find(event.instrumentId);
    return instrument === undefined ? undefined : this.byVenue.get(instrument.venue);
  }

  /**
   * Resolves once the asynchronous work in flight has settled (at once when none is), or when the node
   * is stopped; rejects with a {@link StageTimeoutError} after `timeoutMs` of wall time.
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

  /** Records the equity point for the event just handled (after its work has settled). */
  recordEquity(ts: number): void {
    this.equity.record(ts, this.parts.ledger.equityValue());
  }

  /** The instruments of the run. */
  get instruments(): InstrumentRegistry {
    return this.parts.instruments;
  }

  /** Number of order commands dropped because they came before `tradingStart`. */
  get droppedCommands(): number {
    return this.dropped;
  }

  /** Whether closed orders and fills are kept for the result. */
  get keepsHistory(): boolean {
    return this.parts.keepHistory;
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
   * Stops the node for good: unsubscribes from the pipeline (its timers and pending stages are torn
   * down, and no command it emits later reaches the venue), stops the order manager (its timers, its
   * venue subscription) and ends the market streams. Idempotent; the run's state stays readable.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.waiting?.done();
    this.pipelineSubscription?.unsubscribe();
    this.orderManager.dispose();
    this.finish();
  }
}

/** @internal An event in words, for errors: `Bar of AAA.SIM at 2024-01-02T00:00:00.000Z`. */
export function describeEvent(event: MarketData): string {
  const at = Number.isFinite(event.ts) && Math.abs(event.ts) <= 8.64e15 ? new Date(event.ts).toISOString() : String(event.ts);
  return `${event.type} of ${event.instrumentId} at ${at}`;
}

const SIDES: ReadonlySet<unknown> = new Set(Object.values(OrderSide));
const ORDER_TYPES: ReadonlySet<unknown> = new Set(Object.values(OrderType));
const TIFS: ReadonlySet<unknown> = new Set(Object.values(TimeInForce));
const OFFSET_TYPES: ReadonlySet<unknown> = new Set(Object.values(TrailingOffsetType));
const CONTINGENCIES: ReadonlySet<unknown> = new Set(Object.values(ContingencyType));

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Decimal.isDecimal(v) ? `Decimal ${String(v)}` : typeof v === 'object' && v !== null ? 'an object' : String(v));
const at = (path: readonly (string | number)[], field: string | number, message: string): ValidationIssue => ({ path: [...path, field], message });

function idIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string): ValidationIssue | undefined {
  const v = c[field];
  return typeof v === 'string' && v.length > 0 ? undefined : at(path, field, `must be a non-empty string, got ${show(v)}`);
}

function tsIssue(c: Record<string, unknown>, path: readonly (string | number)[], field = 'ts', optional = false): ValidationIssue | undefined {
  const v = c[field];
  if (optional && v === undefined) return undefined;
  return typeof v === 'number' && Number.isFinite(v) ? undefined : at(path, field, `must be a finite number (epoch ms), got ${show(v)}`);
}

function decimalIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string, optional: boolean): ValidationIssue | undefined {
  const v = c[field];
  if (optional && v === undefined) return undefined;
  return Decimal.isDecimal(v) ? undefined : at(path, field, `must be a Decimal${optional ? ' or undefined' : ''}, got ${show(v)} (build commands with ctx.orderFactory)`);
}

function oneOfIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string, allowed: ReadonlySet<unknown>, optional = false): ValidationIssue | undefined {
  const v = c[field];
  if ((optional && v === undefined) || allowed.has(v)) return undefined;
  return at(path, field, `must be one of ${[...allowed].join(', ')}${optional ? ' or undefined' : ''}, got ${show(v)}`);
}

function booleanIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string): ValidationIssue | undefined {
  const v = c[field];
  return typeof v === 'boolean' ? undefined : at(path, field, `must be a boolean, got ${show(v)}`);
}

function submitIssue(value: unknown, path: readonly (string | number)[]): ValidationIssue | undefined {
  if (typeof value !== 'object' || value === null) return { path, message: `must be a SubmitOrder, got ${show(value)}` };
  const c = value as Record<string, unknown>;
  if (c['type'] !== 'SubmitOrder') return at(path, 'type', `must be "SubmitOrder", got ${show(c['type'])}`);
  const linked = c['linkedOrderIds'];
  if (linked !== undefined && (!Array.isArray(linked) || linked.some((id) => typeof id !== 'string' || id.length === 0)))
    return at(path, 'linkedOrderIds', 'must be an array of client order ids or undefined');
  const parent = c['parentOrderId'];
  if (parent !== undefined && (typeof parent !== 'string' || parent.length === 0)) return at(path, 'parentOrderId', `must be a non-empty string or undefined, got ${show(parent)}`);
  return (
    idIssue(c, path, 'clientOrderId') ??
    idIssue(c, path, 'strategyId') ??
    idIssue(c, path, 'instrumentId') ??
    oneOfIssue(c, path, 'side', SIDES) ??
    oneOfIssue(c, path, 'orderType', ORDER_TYPES) ??
    decimalIssue(c, path, 'quantity', false) ??
    decimalIssue(c, path, 'price', true) ??
    decimalIssue(c, path, 'triggerPrice', true) ??
    oneOfIssue(c, path, 'timeInForce', TIFS) ??
    tsIssue(c, path, 'expireTime', true) ??
    booleanIssue(c, path, 'reduceOnly') ??
    booleanIssue(c, path, 'postOnly') ??
    tsIssue(c, path) ??
    decimalIssue(c, path, 'trailingOffset', true) ??
    oneOfIssue(c, path, 'trailingOffsetType', OFFSET_TYPES, true) ??
    decimalIssue(c, path, 'limitOffset', true) ??
    oneOfIssue(c, path, 'contingencyType', CONTINGENCIES, true)
  );
}

/**
 * @internal The first structural fault of a command a pipeline emitted (a field of the wrong type, a
 * missing id, an unknown type or enum value), or undefined. Hand-written, not zod: it runs on every
 * command. A well-formed command the venue cannot take (a quantity off the lot size, a missing limit
 * price, a non-positive quantity) is not a fault: the order manager denies it with an `OrderDenied`.
 */
export function commandIssue(command: unknown): ValidationIssue | undefined {
  if (typeof command !== 'object' || command === null) return { path: [], message: `must be an order command (an object with a type), got ${show(command)}` };
  const c = command as Record<string, unknown>;
  switch (c['type']) {
    case 'SubmitOrder':
      return submitIssue(c, []);
    case 'SubmitOrderList': {
      const issue = idIssue(c, [], 'orderListId') ?? idIssue(c, [], 'strategyId') ?? idIssue(c, [], 'instrumentId') ?? tsIssue(c, []);
      if (issue !== undefined) return issue;
      const orders = c['orders'];
      if (!Array.isArray(orders) || orders.length === 0) return at([], 'orders', `must be a non-empty array of SubmitOrder, got ${show(orders)}`);
      for (let i = 0; i < orders.length; i++) {
        const member = submitIssue(orders[i], ['orders', i]);
        if (member !== undefined) return member;
      }
      return undefined;
    }
    case 'CancelOrder':
      return idIssue(c, [], 'clientOrderId') ?? idIssue(c, [], 'strategyId') ?? idIssue(c, [], 'instrumentId') ?? tsIssue(c, []);
    case 'ModifyOrder':
      return (
        idIssue(c, [], 'clientOrderId') ??
        idIssue(c, [], 'strategyId') ??
        idIssue(c, [], 'instrumentId') ??
        decimalIssue(c, [], 'quantity', true) ??
        decimalIssue(c, [], 'price', true) ??
        decimalIssue(c, [], 'triggerPrice', true) ??
        tsIssue(c, [])
      );
    default:
      return at([], 'type', `unknown command type ${show(c['type'])} (one of SubmitOrder, SubmitOrderList, CancelOrder, ModifyOrder)`);
  }
}
