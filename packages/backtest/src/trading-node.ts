/**
 * The part of a runner that is the same in backtest, paper and live: it builds the pipeline context,
 * wires the order manager, venue and ledger, and handles one market event at a time. Runners differ
 * only in the clock and in how events arrive (NautilusTrader's kernel does the same).
 */
import { Subject } from 'rxjs';
import {
  OrderFactory,
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
  type Decimal,
} from '@rxtrade/core';
import { OrderManager, type SimulatedVenue } from '@rxtrade/execution';
import type { Venue, VenueId } from '@rxtrade/core';
import type { Ledger } from '@rxtrade/portfolio';
import { MarketHub } from './market-hub';
import { EquityRecorder } from './equity-recorder';

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
  private readonly orderEvents = new Subject<OrderEvent>();
  private failure: { error: unknown } | undefined;
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
    pipeline(ctx).subscribe({
      next: (command) => {
        if (clock.now() < tradingStart) {
          this.dropped++;
          return;
        }
        this.orderManager.execute(command);
      },
      error: (error: unknown) => {
        this.failure ??= { error };
      },
    });
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
      this.orderManager.onMarketData(bar);
      ledger.mark(bar.instrumentId, bar.close);
    } else {
      venue?.process(event);
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
}
