/**
 * The pipeline contract. A pipeline is defined once, as a function of a {@link PipelineContext}, and
 * returns the stream of order commands. Runners (`runBacktest`, `runPaper`, live runners) build the
 * context and subscribe; the pipeline never knows which runner it is in.
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { Clock } from '../clock/clock';
import type { OrderEvent } from '../domain/events';
import type { InstrumentId } from '../domain/ids';
import type { Bar, OrderBookDelta, OrderBookSnapshot, Quote, Trade } from '../domain/market-data';
import type { OrderCommand } from '../domain/orders';
import type { Logger } from './logger';
import type { OrderFactory } from './order-factory';
import type { InstrumentRegistry, LedgerView, OrdersView } from './views';
import type { WorkTracker } from './work-tracker';

/** Market data streams, one per event type (and per instrument when an id is given). */
export interface MarketStreams {
  bars(instrumentId?: InstrumentId): Observable<Bar>;
  quotes(instrumentId?: InstrumentId): Observable<Quote>;
  trades(instrumentId?: InstrumentId): Observable<Trade>;
  books(instrumentId?: InstrumentId): Observable<OrderBookSnapshot | OrderBookDelta>;
}

/** Everything a pipeline may use. */
export interface PipelineContext {
  readonly clock: Clock;
  /** Shorthand for `clock.scheduler`: pass it to every time-based RxJS operator. */
  readonly scheduler: SchedulerLike;
  readonly instruments: InstrumentRegistry;
  readonly ledger: LedgerView;
  readonly orders: OrdersView;
  readonly market: MarketStreams;
  /** Order events of this pipeline's orders, after the ledger and order manager have applied them. */
  readonly orderEvents: Observable<OrderEvent>;
  readonly orderFactory: OrderFactory;
  /** Register asynchronous work here (or use `mapAsync`) so backtests wait for it. */
  readonly work: WorkTracker;
  readonly logger: Logger;
}

/**
 * A trading pipeline: context in, order commands out.
 *
 * @example
 * ```ts
 * const buyFirstBar: Pipeline = (ctx) =>
 *   ctx.market.bars().pipe(
 *     take(1),
 *     map((bar) => ctx.orderFactory.market({ instrumentId: bar.instrumentId, side: 'BUY', quantity: 1 })),
 *   );
 * ```
 */
export type Pipeline = (ctx: PipelineContext) => Observable<OrderCommand>;
