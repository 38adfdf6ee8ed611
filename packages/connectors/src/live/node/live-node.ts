/**
 * The live node: one pipeline, trading on venues in real time, with a journal that lets it survive a
 * crash without losing or repeating an order.
 *
 * It runs the same `TradingKernel` as `runBacktest` and `runPaper` (same order manager, same ledger,
 * same pipeline context) and adds what a long-running process needs: a lifecycle with a transition
 * table, a journal written before anything is acted on, a rebuild from that journal and a
 * reconciliation with every venue before the pipeline sees any data, a mandatory risk engine, health
 * (DEGRADED while a venue or a feed is unhealthy: only reducing orders pass), a kill switch, graceful
 * stops on signals, and the `LiveNodeView` that metrics, alerts and the dashboard read.
 */
import { EventEmitter } from 'eventemitter3';
import { Observable, filter, type Subscription } from 'rxjs';
import {
  ConnectionStatus,
  Decimal,
  ErrorCode,
  LiveClock,
  MarketDataValidator,
  RxTradeError,
  ValidationError,
  instrumentRegistry,
  isMarketDataSink,
  parseWith,
  silentLogger,
  type CancelOrder,
  type ClientOrderId,
  type Clock,
  type DataClient,
  type ExecutionClient,
  type FundingPayment,
  type InstrumentId,
  type InstrumentRegistry,
  type Logger,
  type MarketData,
  type MarketDataSink,
  type ModifyOrder,
  type OrderCommand,
  type OrderEvent,
  type OrderFilled,
  type OrderView,
  type Pipeline,
  type SubmitOrder,
  type SubmitOrderList,
  type TimerHandle,
} from '@rxtrade/core';
import { StageTimeoutError, TradingKernel, decodeJournalRecord, describeMarketEvent, type CashAdjusted, type Journal, type JournalEntry, type JournalRecord } from '@rxtrade/execution';
import { Ledger, type LedgerSnapshot } from '@rxtrade/portfolio';
import { BreakerName, riskGate, type RiskEngine } from '@rxtrade/risk';
import { z } from 'zod';
import { serveDashboard, type DashboardServer } from '../dashboard/serve-dashboard';
import { nodeMetrics, type MetricsServer, type NodeMetrics } from '../observability/node-metrics';
import { pinoLogger } from '../observability/pino-logger';
import { redactSecrets, redactingLogger, scrubError } from '../observability/redact';
import { nodeSecrets, scrubbingClient } from '../secrets/node-secrets';
import { webhookAlerts, type WebhookAlerts } from '../observability/webhook-alerts';
import { FeedWatchdog } from '../watchdog/feed-watchdog';
import { NodeState, type LiveNodeView, type NodeEvents, type NodeFeed, type NodeFill, type NodeOrder, type NodeSnapshot } from '../live-node-view';
import { nodeJournalName, openNodeJournal } from '../journal-postgres/node-journal';
import { JournaledVenue } from './journaled-venue';
import { LiveNodeConfigSchema, SubscriptionKind, type LiveNodeConfig } from './live-node-config';
import { IllegalNodeTransitionError, canTransition } from './node-lifecycle';

type Parsed = z.output<typeof LiveNodeConfigSchema>;

/** Events the order manager derives from a venue query (reconciliation): journaled right after they are applied. */
const RECONCILED_TYPES: ReadonlySet<string> = new Set(['OrderAccepted', 'OrderFilled', 'OrderRejected', 'OrderCanceled', 'OrderExpired', 'OrderCancelRejected']);

/** Feed names as the feed watchdog gives them: `bars:…`, `trades:…`, `quotes:…`, `books:…`. */
const FEED_KIND: Record<string, string> = { BARS: 'bars', TRADES: 'trades', QUOTES: 'quotes', BOOKS: 'books' };

/** Version of the node's journal snapshot state. */
const SNAPSHOT_VERSION = 1;

/**
 * What the node writes in a journal snapshot: the ledger, the journal records of every order that can
 * still change (so the order manager rebuilds it exactly as a full replay would), the trade ids that a
 * venue's fill history can still return, the last fill time per venue, the recent fills and the
 * journal position of the run that wrote it (client order ids carry it).
 */
const NodeSnapshotStateSchema = z.strictObject({
  version: z.literal(SNAPSHOT_VERSION),
  nodeId: z.string(),
  /** The journal position the client order ids of the writing run carry (`<prefix>-r<run>-<n>`); a later start must have a higher one. */
  idRun: z.number().int().min(0),
  ledger: z.record(z.string(), z.unknown()),
  /** Journal entries (wire form) of the orders still open, in journal order. */
  orders: z.array(z.record(z.string(), z.unknown())),
  /** Trade id and fill time of the fills a venue's `fillsSince` can still return after a restart. */
  tradeIds: z.array(z.tuple([z.string(), z.number()])),
  lastFillTs: z.record(z.string(), z.number()),
  firstRecordTs: z.number().nullable(),
  recentFills: z.array(z.record(z.string(), z.unknown())),
  /** Trigger and trailing extreme (null: none yet) of each order the order manager holds for emulation. */
  emulated: z.array(z.tuple([z.string(), z.number().nullable(), z.number().nullable()])).optional(),
  /** Key and time of the funding payments a venue may still report again after a restart (they are not booked twice). */
  funding: z.array(z.tuple([z.string(), z.number()])).optional(),
});
type NodeSnapshotState = z.output<typeof NodeSnapshotStateSchema>;

/** The journal entries of one order, or of the orders of one `SubmitOrderList`, while any can still change. */
interface OrderGroup {
  readonly ids: readonly string[];
  readonly entries: { readonly ordinal: number; readonly entry: JournalEntry }[];
}

/**
 * One position or cash figure that still differs between the node and a venue after reconciliation.
 *
 * @example
 * ```ts
 * const d: ReconciliationDifference = { venue: 'SIM', what: 'position', instrumentId: 'GOOG.NASDAQ', node: '100', venueValue: '150' };
 * ```
 */
export interface ReconciliationDifference {
  readonly venue: string;
  readonly what: 'position' | 'cash';
  /** The instrument (positions) or the currency (cash). */
  readonly instrumentId: string;
  /** The node's figure after replaying its journal and applying what the venue reported. */
  readonly node: string;
  /** The venue's figure. */
  readonly venueValue: string;
}

/**
 * The node refused to start (`reconciliation: 'strict'`): positions or cash differ from the venue's
 * after the journal was replayed and every missed fill applied.
 *
 * @example
 * ```ts
 * try { await node.start(pipeline) } catch (e) { if (e instanceof ReconciliationMismatchError) console.error(e.differences) }
 * ```
 */
export class ReconciliationMismatchError extends RxTradeError {
  constructor(readonly differences: readonly ReconciliationDifference[]) {
    super(
      ErrorCode.STATE,
      `live node: the venue's account differs from the node's after reconciliation, refusing to start (reconciliation: 'strict'; 'adopt' takes the venue's figures): ` +
        differences.map((d) => `${d.what} ${d.instrumentId} at ${d.venue}: node ${d.node}, ${d.venue.includes('+') ? 'venues' : 'venue'} ${d.venueValue}`).join('; '),
    );
  }
}

/** What the venues hold of the ledger's base currency: their sum, and which venues reported it. */
interface VenueCash {
  readonly venues: string;
  readonly currency: string;
  readonly total: Decimal;
}

/** An order found at a venue that the node did not create: listed, never managed. */
interface ExternalOrder {
  readonly venue: string;
  readonly view: OrderView;
}

/**
 * A live trading node: see the module comment and `docs/live-trading.md`.
 *
 * @example
 * ```ts
 * const node = new LiveNode({
 *   nodeId: 'paper-1', venues: [venue], dataClients: [client], subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
 *   instruments: [goog], ledger: { startingCash: 100_000 }, risk: engine, journal: { dir: 'journal' },
 * });
 * node.events.on('state', ({ from, to }) => console.log(from, '->', to));
 * await node.start(pipeline);
 * // … later, or on SIGTERM:
 * await node.stop();
 * ```
 */
/** An order as the view shows it, its quantities and prices as exact decimal strings. */
function nodeOrder(o: OrderView): Omit<NodeOrder, 'inFlight'> {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    instrumentId: o.instrumentId,
    side: o.side,
    type: o.orderType,
    status: o.status,
    quantity: o.quantity.toString(),
    filledQuantity: o.filledQuantity.toString(),
    price: o.price?.toString(),
  };
}

/** How long after a newer fill the node still recognises a fill's trade id as seen (10 minutes). */
const TRADE_ID_RETENTION_MS = 600_000;

/**
 * How long the keys of funding payments are kept to recognise one a venue reports again (an adapter
 * that polls the funding history asks again from a little before its own start): seven days.
 */
const FUNDING_RETENTION_MS = 7 * 86_400_000;

/** What identifies a funding payment (it has no id): its instrument, time and currency. */
function fundingKey(payment: FundingPayment): string {
  return `${payment.instrumentId}|${payment.ts}|${payment.currency}`;
}

export class LiveNode implements LiveNodeView {
  readonly nodeId: string;
  readonly events = new EventEmitter<NodeEvents>();
  private ledgerRef: Ledger;
  /** The instruments of the node. */
  readonly instruments: InstrumentRegistry;
  private current: NodeState = NodeState.IDLE;
  private readonly c: Parsed;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** The secrets of the config (credentials, webhook URLs, tokens, database passwords): kept out of logs, errors and events. */
  private readonly secrets: readonly string[];
  private readonly engine: RiskEngine | undefined;
  private kernelRef: TradingKernel | undefined;
  private journal: Journal | undefined;
  private readonly wrappers: JournaledVenue[] = [];
  private readonly byVenue = new Map<string, JournaledVenue>();
  private readonly sinks = new Map<string, MarketDataSink>();
  /** Trade ids of the fills applied, with their times. */
  private readonly tradeIds = new Map<string, number>();
  /** Funding payments journaled (key and payment time), to book each once; trimmed like {@link tradeIds}. */
  private readonly fundingSeen = new Map<string, number>();
  private fundingSeenTrimAt = 1024;
  private readonly groups = new Map<string, OrderGroup>();
  private ordinal = 0;
  private sinceSnapshot = 0;
  private runTag = 0;
  private readonly watchdogs: FeedWatchdog[] = [];
  private metrics: NodeMetrics | undefined;
  private metricsEndpoint: MetricsServer | undefined;
  private alerts: WebhookAlerts | undefined;
  private dashboard: DashboardServer | undefined;
  private observabilityClosed: Promise<void> | undefined;
  private readonly lastFillTs = new Map<string, number>();
  private firstRecordTs: number | undefined;
  private readonly external = new Map<string, ExternalOrder>();
  private readonly feedMap = new Map<string, NodeFeed>();
  private readonly recent: NodeFill[] = [];
  private readonly curveTs: number[] = [];
  private readonly curveEquity: number[] = [];
  private readonly submitTimes = new Map<string, number>();
  private readonly lostVenues = new Set<string>();
  private readonly subs: Subscription[] = [];
  private readonly dataSubs: Subscription[] = [];
  private readonly queue: MarketData[] = [];
  private head = 0;
  private received = 0;
  private busy: Promise<void> | undefined;
  private openFeeds = 0;
  private drainWaiters: (() => void)[] = [];
  private replaying = false;
  private executing = false;
  private halted = false;
  private ownKill = false;
  private reducingSet = false;
  private commandTail: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private signalHandler: ((signal: NodeJS.Signals) => void) | undefined;
  private failure: { error: unknown } | undefined;
  /** A snapshot written after a venue event, while it is being written. */
  private snapshotting: Promise<void> | undefined;
  /** The waits in progress, ended when the node fails (the work of a failed node may never settle). */
  private readonly failWaiters = new Set<() => void>();
  private readonly validator = new MarketDataValidator('feed');
  /**
   * The commands most recently handed to a venue, oldest first: at least the last
   * {@link LiveNode.SENT_KEPT} (for tests and a quick look; the journal holds every one).
   */
  readonly sent: (SubmitOrder | CancelOrder | ModifyOrder)[] = [];
  /** How many of the most recent commands {@link LiveNode.sent} keeps at least. */
  static readonly SENT_KEPT = 10_000;

  constructor(config: LiveNodeConfig) {
    const c = parseWith(LiveNodeConfigSchema, config, 'LiveNodeConfig');
    this.c = c;
    this.nodeId = c.nodeId;
    this.clock = c.clock ?? new LiveClock();
    this.secrets = nodeSecrets(c);
    this.logger = c.logger !== undefined ? redactingLogger(c.logger, this.secrets) : c.observability?.logger === undefined ? silentLogger : pinoLogger({ ...c.observability.logger, nodeId: c.nodeId, knownSecrets: this.secrets });
    this.engine = 'waive' in c.risk ? undefined : (c.risk as RiskEngine);
    if (this.engine?.audit.keepsInMemory === true)
      this.logger.warn('the risk engine keeps its audit trail in memory, which grows with every decision: give it audit: { sink, keepInMemory: false } for a long session', { nodeId: c.nodeId });
    this.instruments = instrumentRegistry(c.instruments);
    const ids = new Set(c.dataClients.map((d) => d.id));
    c.subscriptions.forEach((s, i) => {
      if (this.instruments.find(s.instrumentId as InstrumentId) === undefined) throw fieldError(['subscriptions', i, 'instrumentId'], `unknown instrument ${s.instrumentId} (not in instruments)`);
      if (s.client !== undefined && !ids.has(s.client)) throw fieldError(['subscriptions', i, 'client'], `no data client with id ${JSON.stringify(s.client)} (have ${[...ids].join(', ')})`);
      if (s.client === undefined && c.dataClients.length > 1) throw fieldError(['subscriptions', i, 'client'], `required when there are several data clients (${[...ids].join(', ')})`);
    });
    const venueIds = c.venues.map((v) => v.id);
    if (new Set(venueIds).size !== venueIds.length) throw fieldError(['venues'], `venue ids must be distinct, got ${venueIds.join(', ')}`);
    this.ledgerRef = new Ledger({ baseCurrency: c.ledger.baseCurrency ?? c.instruments[0]!.quote, startingCash: c.ledger.startingCash, instruments: this.instruments });
    for (const s of c.subscriptions) this.feedMap.set(`${s.kind}:${s.instrumentId}`, { name: `${s.kind}:${s.instrumentId}`, status: 'HEALTHY', lastMessageTs: undefined, reconnects: 0 });
    for (const v of c.venues) this.feedMap.set(`venue:${v.id}`, { name: `venue:${v.id}`, status: 'HEALTHY', lastMessageTs: undefined, reconnects: 0 });
  }

  /** The account of record (cash, positions, P&L). */
  get ledger(): Ledger {
    return this.ledgerRef;
  }

  /** The metrics of the node's `observability.metrics` (after `start`), to merge into a registry of the application's. */
  get nodeMetrics(): NodeMetrics | undefined {
    return this.metrics;
  }

  /** The metrics endpoint of `observability.metrics` while the node runs (its `url`, `port`). */
  get metricsServer(): MetricsServer | undefined {
    return this.metricsEndpoint;
  }

  /** The dashboard of `observability.dashboard` while the node runs (its `url`, `port`). */
  get dashboardServer(): DashboardServer | undefined {
    return this.dashboard;
  }

  /** The lifecycle state. */
  get state(): NodeState {
    return this.current;
  }

  /** The trading kernel (after `start`): its order manager holds every order. */
  get kernel(): TradingKernel {
    if (this.kernelRef === undefined) throw new IllegalNodeTransitionError(this.current, NodeState.RUNNING, 'reading the kernel before start()');
    return this.kernelRef;
  }

  /** Orders found at a venue that the node did not create (adopted: listed, not managed). */
  externalOrders(): readonly OrderView[] {
    return [...this.external.values()].map((e) => e.view);
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  private transition(to: NodeState, reason: string, action: string): void {
    const from = this.current;
    if (from === to) return;
    if (!canTransition(from, to)) throw new IllegalNodeTransitionError(from, to, action);
    this.current = to;
    this.logger.info(`node ${this.nodeId}: ${from} -> ${to} (${reason})`, { nodeId: this.nodeId, from, to });
    this.events.emit('state', { from, to, reason, ts: this.clock.now() });
  }

  /**
   * Starts the node: opens the journal, rebuilds the state from it, reconciles with every venue, then
   * subscribes the pipeline and the market data. Resolves once RUNNING (or DEGRADED); rejects, with the
   * node in ERROR and the journal closed, when any step fails (a `ReconciliationMismatchError` when the
   * accounts differ under `reconciliation: 'strict'`).
   */
  async start(pipeline: Pipeline): Promise<void> {
    if (this.current === NodeState.IDLE) this.observe();
    this.transition(NodeState.STARTING, 'start() called', 'start()');
    try {
      await this.serveObservability();
      await this.boot(pipeline);
    } catch (error) {
      await this.fail(error);
      throw error;
    }
    if (this.failure !== undefined) throw this.failure.error;
  }

  private async boot(pipeline: Pipeline): Promise<void> {
    const c = this.c;
    const journal = await openNodeJournal(c.journal);
    this.journal = journal;
    const found = await journal.latestSnapshot();
    const snapshot = found === undefined ? undefined : { seq: found.seq, state: parseWith(NodeSnapshotStateSchema, found.state, `journal snapshot ${found.seq}`) };
    const runTag = journal.lastSeq;
    if (snapshot !== undefined && runTag <= snapshot.state.idRun)
      throw new RxTradeError(ErrorCode.STATE, `live node: journal ${nodeJournalName(c.journal)} ends at record ${runTag}, before the run of its snapshot (${snapshot.state.idRun}): client order ids could repeat`);
    this.runTag = runTag;
    for (const venue of c.venues) this.wrap(venue);
    const kernel = new TradingKernel({
      clock: this.clock,
      instruments: this.instruments,
      venues: this.wrappers,
      ledger: this.currentLedger(),
      strategyId: c.strategyId,
      // Client order ids never repeat across restarts: each start has its own journal position.
      idPrefix: `${c.idPrefix ?? c.strategyId}-r${runTag}`,
      logger: this.logger,
      // Memory must not grow with the session: unless asked, closed orders and the full fill list are
      // not kept (the node keeps its own bounded recent fills and equity curve; the journal has it all).
      keepHistory: c.orders.keepClosed,
      orders: { submitTimeoutMs: c.orders.submitTimeoutMs, cancelTimeoutMs: c.orders.cancelTimeoutMs },
    });
    this.kernelRef = kernel;
    kernel.onFailure = (error) => void this.fail(error);
    this.subs.push(kernel.orderManager.events.subscribe((event) => this.onOrderEvent(event)));
    this.watchRisk();

    // 1. Rebuild from the journal (from its latest snapshot on) through the same order manager and ledger.
    this.replaying = true;
    if (snapshot !== undefined) this.restore(snapshot.state);
    for await (const record of journal.replay(snapshot === undefined ? undefined : snapshot.seq + 1)) this.replayRecord(record);
    this.replaying = false;
    const startedTs = this.clock.now();
    await this.append({ ts: startedTs, kind: 'marker', payload: { type: 'NodeStarted', nodeId: this.nodeId } });
    for (const w of this.wrappers) w.goLive();

    // 2. Reconcile with every venue before the pipeline sees any data.
    await this.reconcileAll();
    if (this.failure !== undefined) return;
    // A fresh journal begins here (its first record, as a rebuild reads it): fills are never asked for from before it.
    this.firstRecordTs ??= startedTs;

    // 3. Watch the venues' connections, then start the pipeline and the data.
    for (const w of this.wrappers) this.subs.push(w.connection.subscribe((status) => this.onVenueStatus(w, status)));
    kernel.start(this.wrapPipeline(pipeline));
    if (this.failure !== undefined) return;
    this.transition(this.unhealthy() ? NodeState.DEGRADED : NodeState.RUNNING, 'started: journal replayed, venues reconciled', 'start()');
    this.applyReducing();
    if (c.signals) this.installSignals();
    await this.connectData();
  }

  /** Pauses: commands the pipeline emits are refused (no new command reaches a venue); market data still updates state. */
  pause(): void {
    this.transition(NodeState.PAUSED, 'pause() called', 'pause()');
  }

  /** Resumes after {@link pause}: RUNNING, or DEGRADED while a venue or feed is unhealthy. */
  resume(): void {
    if (this.current !== NodeState.PAUSED) throw new IllegalNodeTransitionError(this.current, NodeState.RUNNING, 'resume()');
    this.transition(this.unhealthy() ? NodeState.DEGRADED : NodeState.RUNNING, 'resume() called', 'resume()');
  }

  /**
   * Stops gracefully: the feeds are disconnected, the pipeline's commands refused, open orders cancelled
   * (`onStop: 'cancel'`) or left working (`'leave'`), `NodeStopped` journaled and the journal closed.
   * Resolves once STOPPED; a second call returns the same promise; after STOPPED or ERROR it resolves at once.
   */
  stop(reason = 'stop() called'): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    if (this.current === NodeState.STOPPED || this.current === NodeState.ERROR) return Promise.resolve();
    this.transition(NodeState.STOPPING, reason, 'stop()');
    this.stopping = this.shutdown(reason).catch(async (error: unknown) => {
      await this.fail(error);
      throw error;
    });
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<void> {
    this.removeSignals();
    await this.disconnectData();
    this.queue.length = 0;
    this.head = 0;
    await this.busy;
    const kernel = this.kernelRef;
    if (kernel !== undefined && this.failure === undefined) {
      await this.settle('the last market event');
      if (this.c.onStop === 'cancel') {
        await this.cancelOpenOrders(`node stopping: ${reason}`);
        await this.waitFor(() => kernel.orderManager.openOrders().every((o) => o.held !== undefined), this.c.orders.cancelTimeoutMs);
      }
      await this.commandTail;
      await this.settle('the stop');
    }
    this.teardown();
    await this.snapshotting;
    if (this.journal !== undefined && this.failure === undefined) {
      await this.append({ ts: this.clock.now(), kind: 'marker', payload: { type: 'NodeStopped', nodeId: this.nodeId, reason } });
      if (this.kernelRef !== undefined) await this.writeSnapshot();
      await this.journal.close();
    }
    this.resolveDrained();
    if (this.failure === undefined) this.transition(NodeState.STOPPED, reason, 'stop()');
    await this.closeObservability();
  }

  /**
   * Resolves once every data client's stream has ended and every event it sent is handled, with the
   * work it caused (a reconciliation the order manager started after a timeout included): a replay
   * played out. Resolves at once when the node stopped or failed.
   */
  async drained(): Promise<void> {
    if (!(this.openFeeds === 0 && this.queue.length === this.head && this.busy === undefined && this.current !== NodeState.STARTING && this.current !== NodeState.IDLE))
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    if (this.failure === undefined && this.stopping === undefined && this.current !== NodeState.STOPPED) await this.idle();
  }

  /**
   * Resolves once no market event is queued or being handled and the work it caused (journal appends,
   * commands, venue events) has settled: the node is quiet until the next message.
   */
  async idle(): Promise<void> {
    for (;;) {
      if (this.failure !== undefined) return;
      await this.busy;
      await this.commandTail;
      await this.settle('idle()');
      await Promise.all(this.wrappers.map((w) => w.idle()));
      await this.snapshotting;
      if (this.busy === undefined && this.head === this.queue.length && (this.kernelRef?.work.pending ?? 0) === 0 && this.wrappers.every((w) => w.backlog === 0)) return;
    }
  }

  private resolveDrained(): void {
    const waiters = this.drainWaiters.splice(0);
    for (const w of waiters) w();
  }

  /** Fails the node: ERROR, nothing more reaches a venue, the journal is closed. */
  private async fail(error: unknown): Promise<void> {
    // Scrubbed in place: the same error reaches the log, the ERROR state's reason and the caller of start() or stop().
    scrubError(error, this.secrets);
    if (this.failure !== undefined) return;
    this.failure = { error };
    for (const wake of [...this.failWaiters]) wake();
    this.logger.error(`node ${this.nodeId} failed: ${error instanceof Error ? error.message : String(error)}`, { nodeId: this.nodeId });
    this.teardown();
    this.removeSignals();
    await this.disconnectData();
    const from = this.current;
    if (from !== NodeState.ERROR && from !== NodeState.STOPPED) {
      this.current = NodeState.ERROR;
      this.events.emit('state', { from, to: NodeState.ERROR, reason: error instanceof Error ? error.message : String(error), ts: this.clock.now() });
    }
    try {
      await this.journal?.close();
    } catch {
      // the journal already failed; nothing more can be written
    }
    this.resolveDrained();
    await this.closeObservability();
  }

  // ---- observability -----------------------------------------------------------------------------

  /** Metrics and alerts follow the node's events from before its first transition. */
  private observe(): void {
    const o = this.c.observability;
    if (o === undefined) return;
    if (o.metrics !== undefined) {
      const { port: _port, host: _host, path: _path, ...options } = o.metrics;
      this.metrics = nodeMetrics(this, options);
    }
    if (o.alerts !== undefined) this.alerts = webhookAlerts(this, { ...o.alerts, logger: this.logger, knownSecrets: this.secrets, clock: this.clock });
  }

  /** Opens the metrics endpoint and the dashboard. */
  private async serveObservability(): Promise<void> {
    const o = this.c.observability;
    if (o === undefined) return;
    if (o.metrics !== undefined && this.metrics !== undefined) {
      const server = (this.metricsEndpoint = await this.metrics.serveMetrics({ port: o.metrics.port, ...(o.metrics.host !== undefined ? { host: o.metrics.host } : {}), ...(o.metrics.path !== undefined ? { path: o.metrics.path } : {}), logger: this.logger }));
      this.logger.info(`node ${this.nodeId}: metrics at ${server.url}`, { nodeId: this.nodeId });
    }
    if (o.dashboard !== undefined) this.dashboard = await serveDashboard(this, { ...o.dashboard, logger: o.dashboard.logger ?? this.logger, clock: this.clock });
  }

  /** Closes the endpoints (their ports are free once it resolves) and sends what the alert queues hold. */
  private closeObservability(): Promise<void> {
    this.observabilityClosed ??= (async () => {
      const results = await Promise.allSettled([this.metrics?.close(), this.dashboard?.close(), this.alerts?.close()]);
      for (const r of results)
        if (r.status === 'rejected') this.logger.warn(`node ${this.nodeId}: closing observability failed: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`, { nodeId: this.nodeId });
    })();
    return this.observabilityClosed;
  }

  private teardown(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.kernelRef?.stop();
    for (const w of this.wrappers) w.dispose();
  }

  // ---- journal -----------------------------------------------------------------------------------

  private append(entry: JournalEntry, options?: { readonly durable?: boolean }): Promise<number> {
    const journal = this.journal;
    if (journal === undefined) return Promise.reject(new RxTradeError(ErrorCode.STATE, 'live node: the journal is not open'));
    this.sinceSnapshot++;
    this.noteEntry(entry);
    return journal.append(entry, options);
  }

  /** A journal record read back at start: commands and venue events rebuild the orders, the rest is history. */
  private replayRecord(record: JournalRecord): void {
    this.firstRecordTs ??= record.ts;
    this.noteEntry(record);
    if (record.kind === 'command') this.replayCommand(record.payload);
    else if (record.kind === 'orderEvent') this.replayEvent(record.payload);
    else if (record.kind === 'marker' && record.payload.type === 'CashAdjusted') this.adjustCash(record.payload);
    else if (record.kind === 'funding') {
      if (this.noteFunding(record.payload)) this.bookFunding(record.payload);
    } else if (record.kind === 'marketData') {
      this.mark(record.payload);
      // Trailing orders held locally follow the price as they did live; nothing is released here (a
      // release is a command of its own in the journal, recorded before it was sent).
      this.kernel.orderManager.followMarketData(record.payload);
    }
  }

  /** A journaled command: executed as state, or, for the release of an emulated order, released as it was. */
  private replayCommand(command: OrderCommand): void {
    if (command.type === 'SubmitOrder') {
      const om = this.kernel.orderManager;
      const order = om.order(command.clientOrderId);
      if (order !== undefined && order.orderType !== command.orderType) {
        this.executing = true;
        try {
          om.releaseEmulated(command.clientOrderId, command);
        } finally {
          this.executing = false;
        }
        return;
      }
    }
    this.execute(command);
  }

  /** A journaled market event marks the ledger as it did live (the pipeline and the venues do not see it again). */
  private mark(event: MarketData): void {
    if (event.type === 'Bar') this.ledgerRef.mark(event.instrumentId, event.close);
    else if (event.type === 'Trade') this.ledgerRef.mark(event.instrumentId, event.price);
    else if (event.type === 'Quote') this.ledgerRef.mark(event.instrumentId, (event.bid + event.ask) / 2);
  }

  /** Keeps the commands and venue events of each order while it can change: what a snapshot needs to rebuild it. */
  private noteEntry(entry: JournalEntry): void {
    const ordinal = ++this.ordinal;
    let group: OrderGroup | undefined;
    if (entry.kind === 'command') {
      const command = entry.payload;
      // The release of an emulated order joins its order's records.
      if (command.type === 'SubmitOrder' && this.groups.has(command.clientOrderId)) group = this.groups.get(command.clientOrderId);
      else if (command.type === 'SubmitOrder' || command.type === 'SubmitOrderList') {
        const ids = command.type === 'SubmitOrder' ? [command.clientOrderId] : (command as SubmitOrderList).orders.map((o) => o.clientOrderId);
        group = { ids, entries: [] };
        for (const id of ids) this.groups.set(id, group);
      } else group = this.groups.get(command.clientOrderId);
    } else if (entry.kind === 'orderEvent') group = this.groups.get(entry.payload.clientOrderId);
    group?.entries.push({ ordinal, entry: { ts: entry.ts, kind: entry.kind, payload: entry.payload } as JournalEntry });
  }

  /** The kernel's ledger: the node's current one (a snapshot replaces it at start). */
  private currentLedger(): Ledger {
    return new Proxy(this.ledgerRef, {
      get: (_target, prop) => {
        const ledger = this.ledgerRef;
        const value = Reflect.get(ledger, prop, ledger) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(ledger) : value;
      },
    });
  }

  // ---- snapshots ---------------------------------------------------------------------------------

  /** The node's state now, for a journal snapshot (only called when no work is in flight). */
  private snapshotState(): NodeSnapshotState {
    const om = this.kernel.orderManager;
    const live = new Set<OrderGroup>();
    for (const [id, group] of this.groups) {
      if (om.order(id as never)?.isOpen === true) live.add(group);
    }
    for (const [id, group] of [...this.groups]) if (!live.has(group)) this.groups.delete(id);
    const entries = [...live].flatMap((g) => g.entries).sort((a, b) => a.ordinal - b.ordinal);
    const oldest = new Map<string, number>();
    for (const [venue, ts] of this.lastFillTs) oldest.set(venue, ts - this.c.fillLookbackMs);
    // A restart asks each venue for its fills from (last fill - fillLookbackMs): those are the trade ids it must recognise.
    const from = Math.min(...oldest.values());
    const keep = [...this.tradeIds].filter(([, ts]) => ts >= from);
    return {
      version: SNAPSHOT_VERSION,
      nodeId: this.nodeId,
      idRun: this.runTag,
      ledger: this.ledgerRef.snapshot() as unknown as Record<string, unknown>,
      orders: JSON.parse(JSON.stringify(entries.map((e) => e.entry))) as Record<string, unknown>[],
      tradeIds: keep,
      funding: this.trimFunding(true),
      lastFillTs: Object.fromEntries(this.lastFillTs),
      firstRecordTs: this.firstRecordTs ?? null,
      recentFills: this.recent.map((f) => ({ ...f })),
      emulated: om
        .openOrders()
        .map((o) => [o.clientOrderId, om.emulationState(o.clientOrderId)] as const)
        .filter((e): e is readonly [ClientOrderId, { readonly trigger: number; readonly extreme: number }] => e[1] !== undefined)
        .map(([id, st]) => [id, finiteOrNull(st.trigger), finiteOrNull(st.extreme)]),
    };
  }

  /** Rebuilds from a snapshot: its orders' records through the order manager (on a scratch ledger), then its ledger and the rest. */
  private restore(state: NodeSnapshotState): void {
    state.orders.forEach((wire, i) => this.replayRecord(decodeJournalRecord(i + 1, new TextEncoder().encode(JSON.stringify(wire)))));
    const om = this.kernel.orderManager;
    for (const [id, trigger, extreme] of state.emulated ?? []) om.restoreEmulationState(id as ClientOrderId, { trigger: trigger ?? NaN, extreme: extreme ?? NaN });
    this.ledgerRef = Ledger.restore(state.ledger as unknown as LedgerSnapshot, { instruments: this.instruments });
    this.firstRecordTs = state.firstRecordTs ?? undefined;
    for (const [id, ts] of state.tradeIds) this.tradeIds.set(id, ts);
    for (const [key, ts] of state.funding ?? []) this.fundingSeen.set(key, ts);
    this.lastFillTs.clear();
    for (const [venue, ts] of Object.entries(state.lastFillTs)) this.lastFillTs.set(venue, ts);
    this.recent.length = 0;
    this.recent.push(...(state.recentFills as unknown as NodeFill[]));
  }

  /**
   * After a venue event was applied: a snapshot is due and no market event is being handled (the
   * market data loop writes its own after the event), so one is written once the venue's work has
   * settled. A node that gets venue events and no market data writes its snapshots too.
   */
  private considerSnapshot(): void {
    if (this.sinceSnapshot < this.c.journal.snapshotEvery || this.snapshotting !== undefined || this.busy !== undefined) return;
    if (this.stopping !== undefined || this.failure !== undefined) return;
    if (this.current !== NodeState.RUNNING && this.current !== NodeState.DEGRADED && this.current !== NodeState.PAUSED) return;
    this.snapshotting = Promise.resolve()
      .then(() => this.writeSnapshot(false))
      .catch((error: unknown) => this.fail(error))
      .finally(() => (this.snapshotting = undefined));
  }

  /**
   * Waits until nothing is in flight (commands, venue events, the kernel's work), then writes a snapshot
   * of the state after the last record. Outside the market data loop (`inLoop` false) it gives up when a
   * market event is being handled: the loop writes the snapshot after that event.
   */
  private async writeSnapshot(inLoop = true): Promise<void> {
    const journal = this.journal;
    if (journal === undefined || this.kernelRef === undefined || this.failure !== undefined) return;
    for (;;) {
      if (!inLoop && this.busy !== undefined) return;
      await this.commandTail;
      await this.settle('a snapshot');
      await Promise.all(this.wrappers.map((w) => w.idle()));
      if (this.failure !== undefined) return;
      if (!inLoop && this.busy !== undefined) return;
      if (this.kernelRef.work.pending === 0 && this.wrappers.every((w) => w.backlog === 0)) break;
    }
    const seq = journal.lastSeq;
    const state = this.snapshotState();
    this.sinceSnapshot = 0;
    await journal.writeSnapshot(seq, state);
    this.logger.info(`node ${this.nodeId}: journal snapshot after record ${seq}`, { nodeId: this.nodeId, seq });
  }

  /**
   * Journals a command, then hands it over (to the pipeline's consumer, the kernel, or straight to the
   * order manager), one at a time in issue order. The run waits on it as pending work.
   */
  private issue(command: OrderCommand, deliver: (command: OrderCommand) => void): void {
    const step = this.commandTail.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.append({ ts: this.clock.now(), kind: 'command', payload: command });
      } catch (error) {
        await this.fail(error);
        return;
      }
      if (this.failure !== undefined) return;
      this.executing = true;
      try {
        deliver(command);
      } finally {
        this.executing = false;
      }
    });
    this.commandTail = step;
    this.kernelRef?.work.track(step);
  }

  /** Runs a command through the order manager (replay, or a command of the node's own). */
  private execute(command: OrderCommand): void {
    this.executing = true;
    try {
      this.kernel.orderManager.execute(command);
    } finally {
      this.executing = false;
    }
  }

  private wrap(venue: ExecutionClient): void {
    const w = new JournaledVenue(scrubbingClient(venue, this.secrets), {
      journal: (event) => {
        // A fill the ledger cannot book (a commission in a currency it does not hold) fails the node
        // before it is journaled, naming the field and the currency, rather than after the venue's order
        // already reflects it.
        if (event.type === 'OrderFilled') this.ledgerRef.checkFill(event);
        return this.append({ ts: this.clock.now(), kind: 'orderEvent', payload: event });
      },
      track: (work) => void this.kernelRef?.work.track(work),
      fail: (error) => void this.fail(error),
      isRelease: (command) => {
        // A release keeps the emulated order's client order id and goes out as its native type.
        const order = this.kernelRef?.orderManager.order(command.clientOrderId);
        return order !== undefined && order.orderType !== command.orderType;
      },
      applied: () => this.considerSnapshot(),
      journalRelease: (command) => this.append({ ts: this.clock.now(), kind: 'command', payload: command }),
      journalFunding: async (payment) => {
        if (!this.noteFunding(payment)) {
          this.logger.info(`node ${this.nodeId}: funding ${fundingKey(payment)} reported again by ${venue.id}: booked once`, { nodeId: this.nodeId });
          return false;
        }
        await this.append({ ts: this.clock.now(), kind: 'funding', payload: payment });
        return true;
      },
      bookFunding: (payment) => this.bookFunding(payment),
      handedOver: (command) => {
        this.sent.push(command);
        // Trimmed in steps, so that a push costs O(1) amortized.
        // Trimmed by an eighth at a time: the list stays between SENT_KEPT and 1.125 times it.
        if (this.sent.length >= LiveNode.SENT_KEPT + (LiveNode.SENT_KEPT >> 3)) this.sent.splice(0, this.sent.length - LiveNode.SENT_KEPT);
        if (command.type === 'SubmitOrder') {
          const ts = this.clock.now();
          this.submitTimes.set(command.clientOrderId, ts);
          this.events.emit('submitted', { clientOrderId: command.clientOrderId, instrumentId: command.instrumentId, venue: venue.id, ts });
        }
      },
    });
    this.wrappers.push(w);
    this.byVenue.set(venue.id, w);
    if (isMarketDataSink(venue)) this.sinks.set(venue.id, venue);
  }

  private venueOf(instrumentId: string): JournaledVenue | undefined {
    if (this.wrappers.length === 1) return this.wrappers[0];
    const instrument = this.instruments.find(instrumentId as InstrumentId);
    return instrument === undefined ? undefined : this.byVenue.get(instrument.venue);
  }

  /** Whether the node made this client order id, in any run (`<prefix>-r<run>-<n>`). */
  private isOwnOrderId(id: string): boolean {
    const prefix = `${this.c.idPrefix ?? this.c.strategyId}-r`;
    return id.startsWith(prefix) && /^\d+-\d+$/.test(id.slice(prefix.length));
  }

  private replayEvent(event: OrderEvent): void {
    if (this.kernel.orderManager.order(event.clientOrderId) === undefined) {
      // Only fills of orders the node did not create are journaled without their order: external fills.
      // An order of the node's own that replay no longer holds has closed (closed orders are not kept):
      // a later event of it changes nothing.
      if (event.type === 'OrderFilled' && !this.tradeIds.has(event.tradeId) && !this.isOwnOrderId(event.clientOrderId)) this.applyExternalFill(event);
      return;
    }
    this.venueOf(event.instrumentId)?.inject(event);
  }

  // ---- order events ------------------------------------------------------------------------------

  private onOrderEvent(event: OrderEvent): void {
    if (!this.replaying && !this.executing && RECONCILED_TYPES.has(event.type) && !this.wrappers.some((w) => w.forwarding)) {
      // Derived by the order manager from a venue query (a submit timeout, a reconnect): applied already,
      // journaled now, in order. A crash before it is durable loses nothing: the venue is asked again at start.
      this.append({ ts: this.clock.now(), kind: 'orderEvent', payload: event }).catch((error: unknown) => void this.fail(error));
    }
    if (event.type === 'OrderFilled') this.noteFill(event);
    if (this.replaying) return;
    const ts = this.clock.now();
    const venue = this.venueOf(event.instrumentId)?.id;
    switch (event.type) {
      case 'OrderAccepted': {
        const sentAt = this.submitTimes.get(event.clientOrderId);
        if (sentAt !== undefined && venue !== undefined) {
          this.submitTimes.delete(event.clientOrderId);
          this.events.emit('acknowledged', { clientOrderId: event.clientOrderId, venue, latencyMs: ts - sentAt, ts });
        }
        break;
      }
      case 'OrderRejected':
        this.submitTimes.delete(event.clientOrderId);
        this.events.emit('rejected', { clientOrderId: event.clientOrderId, venue, by: 'venue', reason: redactSecrets(event.reason, this.secrets), ts });
        break;
      case 'OrderDenied':
        this.events.emit('rejected', { clientOrderId: event.clientOrderId, venue: undefined, by: 'risk', reason: event.reason, ts });
        break;
      default:
    }
  }

  /**
   * Forgets trade ids of fills more than {@link TRADE_ID_RETENTION_MS} (or `fillLookbackMs`, if longer)
   * older than the newest one, at every fill: memory follows the fill rate, not the session. A restart asks for fills since the last one less the lookback, so it never
   * sees fills that old; a stream that redelivered one is recognised by its order while the order is open
   * and reported as an anomaly after (the order manager no longer knows the order).
   */
  private trimTradeIds(newest: number): void {
    // Oldest first (a Map iterates in insertion order, and fills arrive nearly in time order): drop the
    // expired ones from the front and stop at the first one still kept. Each id is visited about once,
    // and the map holds the window's fills at every moment (no sawtooth of a periodic sweep). An id
    // that arrived late behind a newer one goes once the ids before it have.
    const horizon = newest - Math.max(this.c.fillLookbackMs, TRADE_ID_RETENTION_MS);
    for (const [id, ts] of this.tradeIds) {
      if (ts >= horizon) break;
      this.tradeIds.delete(id);
    }
  }

  private noteFill(fill: OrderFilled): void {
    this.tradeIds.set(fill.tradeId, fill.ts);
    this.trimTradeIds(fill.ts);
    const venue = this.venueOf(fill.instrumentId)?.id;
    if (venue !== undefined) this.lastFillTs.set(venue, Math.max(this.lastFillTs.get(venue) ?? -Infinity, fill.ts));
    const f: NodeFill = {
      ts: fill.ts,
      clientOrderId: fill.clientOrderId,
      tradeId: fill.tradeId,
      instrumentId: fill.instrumentId,
      side: fill.side,
      quantity: fill.quantity.toString(),
      price: fill.price.toString(),
      commission: fill.commission.toString(),
      ...(venue === undefined ? {} : { venue }),
    };
    this.recent.push(f);
    if (this.recent.length > this.c.recentFills) this.recent.shift();
    if (!this.replaying) this.events.emit('fill', f);
  }

  /** Records a funding payment as seen; false when it was seen already (it is then neither journaled nor booked again). */
  private noteFunding(payment: FundingPayment): boolean {
    const key = fundingKey(payment);
    if (this.fundingSeen.has(key)) return false;
    this.fundingSeen.set(key, payment.ts);
    if (this.fundingSeen.size >= this.fundingSeenTrimAt) this.trimFunding(false);
    return true;
  }

  /**
   * Forgets funding keys more than {@link FUNDING_RETENTION_MS} older than the newest one; returns the
   * rest (for a snapshot, `all` = true, or after the map doubled).
   */
  private trimFunding(all: boolean): [string, number][] {
    let newest = -Infinity;
    for (const ts of this.fundingSeen.values()) newest = Math.max(newest, ts);
    for (const [key, ts] of this.fundingSeen) if (ts < newest - FUNDING_RETENTION_MS) this.fundingSeen.delete(key);
    this.fundingSeenTrimAt = Math.max(1024, 2 * this.fundingSeen.size);
    return all ? [...this.fundingSeen] : [];
  }

  /** A journaled funding payment into the ledger: cash and funding, in its currency (not realized P&L). */
  private bookFunding(payment: FundingPayment): void {
    this.ledger.applyFunding(payment.instrumentId, payment.amount, payment.currency);
  }

  private applyExternalFill(fill: OrderFilled): void {
    this.ledger.applyFill(fill);
    this.noteFill(fill);
  }

  // ---- reconciliation ----------------------------------------------------------------------------

  /**
   * Missed fills since the last one the journal holds (deduplicated by trade id; fills of the node's
   * orders go through the order manager, others are booked as external), and orders the venue has
   * that the node did not create (adopted as external). Returns what differed.
   */
  private async catchUp(w: JournaledVenue): Promise<{ differences: string[]; applied: number }> {
    const differences: string[] = [];
    let applied = 0;
    const om = this.kernel.orderManager;
    const last = this.lastFillTs.get(w.id) ?? this.firstRecordTs;
    if (last !== undefined) {
      // Never from before the journal's first record: what the venue did before the node's first start
      // is its account as the first reconciliation found it (compared, or adopted), not a missed fill.
      const fills = await w.fillsSince(Math.max(last - this.c.fillLookbackMs, this.firstRecordTs ?? -Infinity));
      // A fill the venue pushed before it answered may still be on its way to the journal: the events
      // received so far are journaled and applied first, so that it is not booked a second time as missed.
      await w.idle();
      for (const fill of fills) {
        if (this.tradeIds.has(fill.tradeId)) continue;
        const order = om.order(fill.clientOrderId);
        if (order?.hasTrade(fill.tradeId) === true) continue;
        differences.push(`missed fill ${fill.tradeId} of ${fill.clientOrderId}: ${fill.side} ${fill.quantity.toString()} ${fill.instrumentId} at ${fill.price.toString()}`);
        applied++;
        if (order !== undefined) w.inject(fill);
        else {
          await this.append({ ts: this.clock.now(), kind: 'orderEvent', payload: fill });
          this.applyExternalFill(fill);
        }
      }
      await w.idle();
    }
    const open = await w.openOrders();
    const stillOpen = new Set<string>();
    for (const view of open) {
      if (om.order(view.clientOrderId) !== undefined) continue;
      stillOpen.add(view.clientOrderId);
      if (!this.external.has(view.clientOrderId)) {
        this.external.set(view.clientOrderId, { venue: w.id, view });
        differences.push(`external order ${view.clientOrderId} adopted (not created by this node): ${view.side} ${view.quantity.toString()} ${view.instrumentId} ${view.orderType}`);
      } else this.external.set(view.clientOrderId, { venue: w.id, view });
    }
    for (const [id, e] of this.external) if (e.venue === w.id && !stillOpen.has(id)) this.external.delete(id);
    return { differences, applied };
  }

  private async reconcileAll(): Promise<void> {
    const kernel = this.kernel;
    const perVenue = new Map<string, string[]>();
    let applied = 0;
    for (const w of this.wrappers) {
      const r = await this.catchUp(w);
      perVenue.set(w.id, r.differences);
      applied += r.applied;
    }
    // Orders the node thinks open: each is asked for by client order id and settled by the order manager's rules.
    const before = this.tradeIds.size;
    const checked = await kernel.work.track(kernel.orderManager.reconcile());
    await this.settle('startup reconciliation');
    applied += this.tradeIds.size - before;
    const { differences: mismatches, cash } = await this.compareAccounts();
    let adopted: readonly ReconciliationDifference[] = [];
    if (mismatches.length > 0) {
      if (this.c.reconciliation === 'strict') throw new ReconciliationMismatchError(mismatches);
      adopted = await this.adopt(mismatches, cash);
    }
    for (const d of adopted)
      for (const venue of d.venue.split('+'))
        perVenue.get(venue)?.push(`${d.what} ${d.instrumentId}${d.venue.includes('+') ? ` at ${d.venue}` : ''}: node ${d.node}, ${d.venue.includes('+') ? 'venues' : 'venue'} ${d.venueValue} (adopted the venue's)`);
    for (const [venue, differences] of perVenue) this.events.emit('reconciliation', { venue, differences, ts: this.clock.now() });
    await this.append({ ts: this.clock.now(), kind: 'marker', payload: { type: 'ReconciliationDone', nodeId: this.nodeId, ordersChecked: checked, eventsApplied: applied } });
  }

  /** Positions and cash against the venues': the differences, and the venues' cash as measured (undefined when it cannot be compared). */
  private async compareAccounts(): Promise<{ differences: ReconciliationDifference[]; cash: VenueCash | undefined }> {
    const out: ReconciliationDifference[] = [];
    for (const w of this.wrappers) {
      const venueQty = new Map<string, Decimal>();
      for (const p of await w.positions()) venueQty.set(p.instrumentId, p.quantity);
      const ids = new Set<string>(venueQty.keys());
      for (const p of this.ledger.openPositions()) if (this.venueOf(p.instrumentId)?.id === w.id) ids.add(p.instrumentId);
      for (const id of [...ids].sort()) {
        const node = this.ledger.positionQuantity(id as InstrumentId);
        const venue = venueQty.get(id) ?? new Decimal(0);
        if (!node.eq(venue)) out.push({ venue: w.id, what: 'position', instrumentId: id, node: node.toString(), venueValue: venue.toString() });
      }
    }
    const cash = await this.venueCash();
    if (cash !== undefined) {
      const node = this.ledger.cash(cash.currency);
      if (!node.eq(cash.total)) out.push({ venue: cash.venues, what: 'cash', instrumentId: cash.currency, node: node.toString(), venueValue: cash.total.toString() });
    }
    return { differences: out, cash };
  }

  /**
   * What the venues hold of the ledger's base currency, to compare its cash with. The ledger is one
   * account over every venue, so its cash is compared with the sum of the venues' balances in that currency:
   * of every venue when each reports one, else of the venues that report one, provided that no other
   * venue trades an instrument of the node quoted in it (none of that cash can be there). Otherwise it
   * cannot be compared (a venue that does not report the currency may hold some of it): not compared,
   * and a warning names the venues.
   */
  private async venueCash(): Promise<VenueCash | undefined> {
    const base = this.ledger.baseCurrency;
    const reported: { venue: string; total: Decimal }[] = [];
    const silent: string[] = [];
    for (const w of this.wrappers) {
      const balance = (await w.balances()).find((b) => b.currency === base);
      if (balance !== undefined) reported.push({ venue: w.id, total: balance.total });
      else silent.push(w.id);
    }
    if (reported.length === 0) return undefined;
    const holding = silent.filter((venue) => this.instruments.all().some((i) => i.quote === base && (this.wrappers.length === 1 || i.venue === venue)));
    if (holding.length > 0) {
      this.logger.warn(
        `node ${this.nodeId}: cash ${base} not compared: ${holding.join(', ')} trade${holding.length === 1 ? 's' : ''} instruments quoted in ${base} and report${holding.length === 1 ? 's' : ''} no ${base} balance`,
        { nodeId: this.nodeId },
      );
      return undefined;
    }
    return { venues: reported.map((r) => r.venue).join('+'), currency: base, total: reported.reduce((sum, r) => sum.plus(r.total), new Decimal(0)) };
  }

  private adjustCash(adjustment: CashAdjusted): void {
    if (adjustment.amount.gt(0)) this.ledger.deposit(adjustment.amount, adjustment.currency);
    else if (adjustment.amount.lt(0)) this.ledger.withdraw(adjustment.amount.neg(), adjustment.currency);
  }

  /**
   * `reconciliation: 'adopt'`: positions are brought to the venue's by a journaled adjustment fill at the
   * venue's average price (which moves the ledger's cash as a purchase or sale would), then cash by a
   * deposit or withdrawal of what still differs from the venues' cash measured before: one step that
   * leaves both equal to the venue's, whatever the positions cost. Returns what was adopted (cash with
   * the node's figure after the positions were booked).
   */
  private async adopt(differences: readonly ReconciliationDifference[], cash: VenueCash | undefined): Promise<ReconciliationDifference[]> {
    const adopted: ReconciliationDifference[] = [];
    let n = 0;
    for (const d of differences) {
      if (d.what === 'cash') continue;
      adopted.push(d);
      const delta = new Decimal(d.venueValue).minus(d.node);
      const position = (await this.byVenue.get(d.venue)!.positions()).find((p) => p.instrumentId === d.instrumentId);
      const price = position?.avgPrice ?? new Decimal(this.ledger.lastPrice(d.instrumentId as InstrumentId) ?? 0);
      const ts = this.clock.now();
      const instrument = this.instruments.get(d.instrumentId as InstrumentId);
      const fill = {
        type: 'OrderFilled',
        tradeId: `ADOPT-${this.nodeId}-${ts}-${++n}`,
        clientOrderId: `ADOPT-${this.nodeId}-${ts}-${n}`,
        venueOrderId: `ADOPT-${n}`,
        strategyId: this.c.strategyId,
        instrumentId: d.instrumentId,
        side: delta.gt(0) ? 'BUY' : 'SELL',
        quantity: delta.abs(),
        price,
        commission: new Decimal(0),
        commissionCurrency: instrument.quote,
        liquiditySide: 'TAKER',
        ts,
        tsInit: ts,
      } as unknown as OrderFilled;
      await this.append({ ts, kind: 'orderEvent', payload: fill });
      this.applyExternalFill(fill);
    }
    if (cash !== undefined) {
      const node = this.ledger.cash(cash.currency);
      const amount = cash.total.minus(node);
      if (!amount.isZero()) {
        // Journaled first, like the position adjustments: a restart books it again from the journal.
        const adjustment: CashAdjusted = { type: 'CashAdjusted', nodeId: this.nodeId, currency: cash.currency, amount, venues: cash.venues };
        await this.append({ ts: this.clock.now(), kind: 'marker', payload: adjustment });
        this.adjustCash(adjustment);
        adopted.push({ venue: cash.venues, what: 'cash', instrumentId: cash.currency, node: node.toString(), venueValue: cash.total.toString() });
      }
    }
    return adopted;
  }

  // ---- health ------------------------------------------------------------------------------------

  private onVenueStatus(w: JournaledVenue, status: ConnectionStatus): void {
    const name = `venue:${w.id}`;
    const prev = this.feedMap.get(name)!;
    const ts = this.clock.now();
    if (status !== ConnectionStatus.CONNECTED) {
      const feed: NodeFeed = { ...prev, status: 'DISCONNECTED', reconnects: prev.reconnects + (status === ConnectionStatus.RECONNECTING ? 1 : 0) };
      this.feedMap.set(name, feed);
      this.events.emit('feed', { ...feed, ts });
      if (!this.lostVenues.has(w.id)) {
        this.lostVenues.add(w.id);
        this.updateHealth(`venue ${w.id} ${status}`);
      }
      return;
    }
    if (!this.lostVenues.has(w.id)) return;
    // Back: the kernel asks about every open order; the node adds the fills since the last one seen.
    // The venue counts as unhealthy until both are done.
    void this.afterReconnect(w);
  }

  private async afterReconnect(w: JournaledVenue): Promise<void> {
    try {
      const r = await this.catchUp(w);
      await this.settle(`the reconciliation of venue ${w.id}`);
      this.events.emit('reconciliation', { venue: w.id, differences: r.differences, ts: this.clock.now() });
    } catch (error) {
      await this.fail(error);
      return;
    }
    const name = `venue:${w.id}`;
    const feed: NodeFeed = { ...this.feedMap.get(name)!, status: 'HEALTHY' };
    this.feedMap.set(name, feed);
    this.events.emit('feed', { ...feed, ts: this.clock.now() });
    this.lostVenues.delete(w.id);
    this.updateHealth(`venue ${w.id} reconnected and reconciled`);
  }

  /**
   * A feed watchdog's report: the node is DEGRADED while any feed is STALE or DISCONNECTED (new
   * exposure refused, reducing orders pass), RUNNING again once every feed is HEALTHY.
   *
   * @example
   * ```ts
   * node.reportFeedHealth({ name: 'bars:GOOG.NASDAQ', status: 'STALE', lastMessageTs: clock.now() - 120_000, reconnects: 0 });
   * ```
   */
  reportFeedHealth(feed: NodeFeed): void {
    const previous = this.feedMap.get(feed.name);
    this.feedMap.set(feed.name, { ...feed, lastMessageTs: feed.lastMessageTs ?? previous?.lastMessageTs });
    this.events.emit('feed', { ...feed, ts: this.clock.now() });
    this.updateHealth(`feed ${feed.name} ${feed.status}`);
  }

  private unhealthy(): boolean {
    if (this.lostVenues.size > 0) return true;
    for (const f of this.feedMap.values()) if (f.status !== 'HEALTHY' && !f.name.startsWith('venue:')) return true;
    return false;
  }

  private updateHealth(reason: string): void {
    const bad = this.unhealthy();
    this.applyReducing();
    if (bad && this.current === NodeState.RUNNING) this.transition(NodeState.DEGRADED, reason, 'health change');
    else if (!bad && this.current === NodeState.DEGRADED) this.transition(NodeState.RUNNING, reason, 'health change');
  }

  /** While unhealthy the risk engine is put in REDUCING (when it was ACTIVE), and back to ACTIVE after. */
  private applyReducing(): void {
    const engine = this.engine;
    if (engine === undefined) return;
    const bad = this.unhealthy();
    if (bad && !this.reducingSet && engine.tradingState === 'ACTIVE') {
      this.reducingSet = true;
      engine.setTradingState('REDUCING', 'live node degraded: a venue or feed is unhealthy');
    } else if (!bad && this.reducingSet) {
      this.reducingSet = false;
      if (!this.halted) engine.setTradingState('ACTIVE', 'live node healthy again');
    }
  }

  // ---- risk and kill switch ----------------------------------------------------------------------

  private watchRisk(): void {
    const engine = this.engine;
    if (engine === undefined) return;
    const onKill = (k: { reason: string; ts: number }): void => {
      if (!this.ownKill) this.events.emit('killSwitch', { reason: k.reason, source: 'risk', ts: k.ts });
    };
    const onAlert = (a: { type: string; breaker: string; reason: string; ts: number }): void =>
      void this.events.emit('breaker', { name: a.breaker, tripped: a.type === 'BreakerTripped', reason: a.type === 'BreakerTripped' ? a.reason : undefined, ts: a.ts });
    const onDenied = (d: { clientOrderId: string; reason: string; ts: number }): void =>
      void this.events.emit('rejected', { clientOrderId: d.clientOrderId, venue: undefined, by: 'risk', reason: d.reason, ts: d.ts });
    engine.events.on('killSwitch', onKill);
    engine.events.on('alert', onAlert);
    engine.events.on('orderDenied', onDenied);
    this.subs.push({
      unsubscribe: () => {
        engine.events.off('killSwitch', onKill);
        engine.events.off('alert', onAlert);
        engine.events.off('orderDenied', onDenied);
      },
    } as Subscription);
  }

  /**
   * Pulls the kill switch: the risk engine goes HALTED (without one, the node refuses every new order
   * and modify itself) and every open order of the node is cancelled (journaled first, like any command).
   */
  killSwitch(reason: string, source: string): void {
    this.halted = true;
    this.ownKill = true;
    try {
      this.engine?.killSwitch({ reason });
    } finally {
      this.ownKill = false;
    }
    this.events.emit('killSwitch', { reason, source, ts: this.clock.now() });
    this.logger.warn(`node ${this.nodeId}: kill switch pulled by ${source}: ${reason}`, { nodeId: this.nodeId, source });
    if (this.kernelRef !== undefined && this.failure === undefined) void this.cancelOpenOrders(`kill switch: ${reason}`);
  }

  private cancelOpenOrders(why: string): Promise<void> {
    const om = this.kernel.orderManager;
    const now = this.clock.now();
    for (const o of om.openOrders()) {
      if (o.status === 'PENDING_CANCEL') continue;
      const cancel: CancelOrder = { type: 'CancelOrder', clientOrderId: o.clientOrderId, strategyId: o.strategyId, instrumentId: o.instrumentId, ts: now };
      this.logger.info(`node ${this.nodeId}: cancelling ${o.clientOrderId} (${why})`, { clientOrderId: o.clientOrderId });
      this.issue(cancel, (c) => om.execute(c));
    }
    return this.commandTail;
  }

  // ---- the pipeline ------------------------------------------------------------------------------

  /** Whether the node lets a command of the pipeline through: refusals are `rejected` events (`by: 'risk'`). */
  private admit(command: OrderCommand): boolean {
    let reason: string | undefined;
    const state = this.current;
    if (state !== NodeState.RUNNING && state !== NodeState.DEGRADED) reason = `node ${state.toLowerCase()}: no new command reaches a venue`;
    else if (this.halted && command.type !== 'CancelOrder') reason = 'kill switch pulled: only cancels pass';
    else if (this.unhealthy() && !this.reduces(command)) reason = 'node degraded (a venue or feed is unhealthy): new exposure refused, only reducing orders pass';
    if (reason === undefined) return true;
    const ids = command.type === 'SubmitOrderList' ? command.orders.map((o) => o.clientOrderId) : [command.clientOrderId];
    for (const id of ids) this.events.emit('rejected', { clientOrderId: id, venue: undefined, by: 'risk', reason, ts: this.clock.now() });
    this.logger.warn(`node ${this.nodeId}: refused ${command.type} ${ids.join(', ')}: ${reason}`, { nodeId: this.nodeId });
    return false;
  }

  /** Whether a command can only reduce exposure: a cancel, a reduce-only order, an order against the position no larger than it, a modify that lowers the quantity. */
  private reduces(command: OrderCommand): boolean {
    switch (command.type) {
      case 'CancelOrder':
        return true;
      case 'SubmitOrder': {
        if (command.reduceOnly) return true;
        const position = this.ledger.positionQuantity(command.instrumentId);
        const pending = this.kernel.orderManager
          .openOrders(command.instrumentId)
          .filter((o) => o.side === command.side)
          .reduce((sum, o) => sum.plus(o.quantity.minus(o.filledQuantity)), new Decimal(0));
        const room = command.side === 'SELL' ? position : position.neg();
        return room.gt(0) && command.quantity.plus(pending).lte(room);
      }
      case 'ModifyOrder': {
        const order = this.kernel.orderManager.order(command.clientOrderId);
        return order !== undefined && command.quantity !== undefined && command.quantity.lt(order.quantity);
      }
      default:
        return false;
    }
  }

  /** The user's pipeline behind the node's gate and the risk gate, with every command journaled before the kernel takes it. */
  private wrapPipeline(pipeline: Pipeline): Pipeline {
    return (ctx) => {
      const gated = pipeline(ctx).pipe(filter((command) => this.admit(command)));
      const checked = this.engine === undefined ? gated : gated.pipe(riskGate(this.engine, ctx));
      return new Observable<OrderCommand>((subscriber) => {
        const subscription = checked.subscribe({
          next: (command) => this.issue(command, (c) => subscriber.next(c)),
          error: (error: unknown) => subscriber.error(error),
          complete: () => void this.commandTail.then(() => subscriber.complete()),
        });
        return () => subscription.unsubscribe();
      });
    };
  }

  // ---- market data -------------------------------------------------------------------------------

  private async connectData(): Promise<void> {
    const c = this.c;
    const clientOf = (s: Parsed['subscriptions'][number]): DataClient => (s.client === undefined ? c.dataClients[0]! : c.dataClients.find((d) => d.id === s.client)!);
    const used = new Set<DataClient>(c.subscriptions.map(clientOf));
    if (c.watchdog !== undefined) return this.connectWatched(used, clientOf);
    for (const s of c.subscriptions) clientOf(s).subscribe({ kind: SubscriptionKind[s.kind], instrumentId: s.instrumentId as InstrumentId });
    for (const client of used) {
      this.openFeeds++;
      this.dataSubs.push(
        client.events.subscribe({
          next: (event) => this.onMarketData(event),
          error: (error: unknown) => {
            this.logger.error(`data client ${client.id} failed: ${error instanceof Error ? error.message : String(error)}`, { client: client.id });
            this.feedEnded();
          },
          complete: () => this.feedEnded(),
        }),
      );
    }
    // A replay plays its whole recording inside connect(): the events wait in the queue in order.
    await Promise.all([...used].map((client) => client.connect()));
  }

  /**
   * With `watchdog`: a `FeedWatchdog` per data client over its subscriptions. The node reads the
   * watchdog's cleaned stream and starts the watchdog, which makes the subscriptions and listens to the
   * client, then connects the client: a client that plays a recording inside `connect()` is watched
   * too. The feeds' health while the node's own `connect()` runs (DISCONNECTED until it is up) is held
   * back and the last of it reported once the clients are connected.
   */
  private async connectWatched(used: ReadonlySet<DataClient>, clientOf: (s: Parsed['subscriptions'][number]) => DataClient): Promise<void> {
    const w = this.c.watchdog!;
    const watchdogs: FeedWatchdog[] = [];
    let connecting: Map<string, NodeFeed> | undefined = new Map();
    for (const client of used) {
      const subscriptions = this.c.subscriptions
        .filter((s) => clientOf(s) === client)
        .map((s) => ({ kind: SubscriptionKind[s.kind], instrumentId: s.instrumentId, staleAfterMs: typeof w.staleAfterMs === 'number' ? w.staleAfterMs : w.staleAfterMs[s.kind]! }));
      const watchdog = new FeedWatchdog({
        client,
        clock: this.clock,
        subscriptions,
        resubscribe: w.backoff,
        backfill: w.backfill,
        backfillTimeoutMs: w.backfillTimeoutMs,
        reconnect: w.reconnect,
        onHealth: (feed) => {
          if (connecting !== undefined) connecting.set(feed.name, feed);
          else if (this.stopping === undefined && this.failure === undefined) this.reportFeedHealth(feed);
        },
        onError: (error, context) =>
          this.logger.warn(`data client ${client.id}: ${context.action} failed${context.feed === undefined ? '' : ` for ${context.feed}`}: ${error instanceof Error ? error.message : String(error)}`, { client: client.id }),
      });
      watchdogs.push(watchdog);
      this.watchdogs.push(watchdog);
      this.openFeeds++;
      this.dataSubs.push(
        watchdog.events.subscribe({
          next: (event) => this.onMarketData(event),
          complete: () => this.feedEnded(),
        }),
      );
    }
    for (const watchdog of watchdogs) watchdog.start();
    await Promise.all([...used].map((client) => client.connect()));
    const held = connecting;
    connecting = undefined;
    if (this.failure !== undefined || this.stopping !== undefined) return;
    for (const feed of held.values()) this.reportFeedHealth(feed);
  }

  private async disconnectData(): Promise<void> {
    for (const s of this.dataSubs.splice(0)) s.unsubscribe();
    for (const watchdog of this.watchdogs.splice(0)) watchdog.stop();
    await Promise.all(
      this.c.dataClients.map((client) =>
        client.disconnect().catch((error: unknown) => this.logger.warn(`data client ${client.id}: disconnect failed: ${error instanceof Error ? error.message : String(error)}`)),
      ),
    );
  }

  private feedEnded(): void {
    this.openFeeds--;
    if (this.openFeeds === 0 && this.busy === undefined) this.resolveDrained();
  }

  private onMarketData(event: MarketData): void {
    if (this.failure !== undefined || this.stopping !== undefined) return;
    try {
      this.validator.check(event, this.received++);
    } catch (error) {
      this.logger.warn(`node ${this.nodeId}: market event skipped: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const name = `${FEED_KIND[event.type === 'Bar' ? 'BARS' : event.type === 'Trade' ? 'TRADES' : event.type === 'Quote' ? 'QUOTES' : 'BOOKS']}:${event.instrumentId}`;
    const feed = this.feedMap.get(name);
    if (feed !== undefined) this.feedMap.set(name, { ...feed, lastMessageTs: this.clock.now() });
    this.queue.push(event);
    if (this.busy === undefined) this.busy = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.head < this.queue.length && this.failure === undefined && this.stopping === undefined) {
        const event = this.queue[this.head++]!;
        if (this.head === this.queue.length) {
          this.queue.length = 0;
          this.head = 0;
        }
        await this.handle(event);
        if (this.sinceSnapshot >= this.c.journal.snapshotEvery && this.stopping === undefined) await this.writeSnapshot();
      }
    } catch (error) {
      await this.fail(error);
    } finally {
      this.busy = undefined;
    }
    if (this.openFeeds === 0 || this.failure !== undefined) this.resolveDrained();
  }

  /** One market event: the simulated venue matches it, its events are journaled and applied, then the kernel (emulator, marks, pipeline). */
  private async handle(event: MarketData): Promise<void> {
    const clock = this.clock as Clock & { advanceTo?: (ts: number) => void };
    if (typeof clock.advanceTo === 'function' && event.ts > clock.now()) clock.advanceTo(event.ts);
    // Journaled before anything sees it, in order with the commands and venue events it causes; not
    // waited for (see docs/live-trading.md, "What is journaled"): a later record the node waits for
    // makes it durable too, as the journal writes and syncs in order.
    // Recorded in its place among the commands and events, without a sync of its own: the next
    // command's or venue event's sync makes it durable (a bar lost in a power cut costs no order).
    if (this.c.journal.recordMarketData) this.append({ ts: this.clock.now(), kind: 'marketData', payload: event }, { durable: false }).catch((error: unknown) => void this.fail(error));
    const sink = this.wrappers.length === 1 ? this.sinks.get(this.wrappers[0]!.id) : this.sinks.get(this.instruments.find(event.instrumentId)?.venue ?? '');
    if (sink !== undefined) {
      sink.process(event);
      await this.settle(describeMarketEvent(event));
    }
    if (this.failure !== undefined || this.stopping !== undefined) return;
    this.kernel.handle(event);
    await this.settle(describeMarketEvent(event));
    this.curveTs.push(event.ts);
    this.curveEquity.push(this.ledger.equityValue());
    if (this.curveTs.length > this.c.equityPoints) {
      this.curveTs.shift();
      this.curveEquity.shift();
    }
  }

  /**
   * Waits until the work in flight (commands, venue events, the kernel's) has settled; fails with a
   * `StageTimeoutError` after `stageTimeoutMs` on the node's clock (a virtual clock's time on a
   * `BacktestClock`: moved by the test or the feed), and ends at once when the node fails.
   */
  private async settle(what: string): Promise<void> {
    const kernel = this.kernelRef;
    if (kernel === undefined) return;
    while (kernel.work.pending > 0 && this.failure === undefined) {
      const ms = this.c.stageTimeoutMs;
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          timer.cancel();
          this.failWaiters.delete(done);
          resolve();
        };
        const timer: TimerHandle = this.clock.setTimer(this.clock.now() + ms, () => {
          this.failWaiters.delete(done);
          reject(new StageTimeoutError(what, kernel.work.pending, ms));
        });
        this.failWaiters.add(done);
        void kernel.work.whenIdle().then(done);
      });
    }
  }

  /**
   * Waits until `condition()` holds, checked after each order event and the work it caused, or until
   * `timeoutMs` have passed on the node's clock, or the node fails.
   */
  private async waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    const kernel = this.kernelRef;
    if (kernel === undefined) return;
    let expired = false;
    let wake: () => void = () => undefined;
    const timer = this.clock.setTimer(this.clock.now() + timeoutMs, () => {
      expired = true;
      wake();
    });
    const subscription = kernel.orderManager.events.subscribe(() => wake());
    const onFailure = (): void => wake();
    this.failWaiters.add(onFailure);
    try {
      await this.settle('a condition');
      while (!condition() && !expired && this.failure === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        await this.settle('a condition');
      }
    } finally {
      timer.cancel();
      subscription.unsubscribe();
      this.failWaiters.delete(onFailure);
    }
  }

  // ---- signals -----------------------------------------------------------------------------------

  private installSignals(): void {
    const handler = (signal: NodeJS.Signals): void => {
      this.logger.info(`node ${this.nodeId}: ${signal} received, stopping`, { nodeId: this.nodeId });
      this.stop(signal).catch(() => undefined);
    };
    this.signalHandler = handler;
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }

  private removeSignals(): void {
    const handler = this.signalHandler;
    if (handler === undefined) return;
    this.signalHandler = undefined;
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }

  // ---- the view ----------------------------------------------------------------------------------

  private venueField(instrumentId: string): { venue?: string } {
    const venue = this.venueOf(instrumentId)?.id;
    return venue === undefined ? {} : { venue };
  }

  /** A consistent snapshot of the node, built on each call. */
  snapshot(): NodeSnapshot {
    const ledger = this.ledger;
    const om = this.kernelRef?.orderManager;
    const positions = ledger.openPositions().map((p) => ({
      instrumentId: p.instrumentId,
      quantity: p.quantity.toString(),
      averagePrice: p.avgPrice.toString(),
      unrealizedPnl: ledger.lastPrice(p.instrumentId) === undefined ? undefined : p.unrealizedPnl.toString(),
      realizedPnl: p.realizedPnl.toString(),
    }));
    const orders: NodeOrder[] = (om?.openOrders() ?? []).map((o) => ({ ...nodeOrder(o), inFlight: o.status === 'SUBMITTED', ...this.venueField(o.instrumentId) }));
    for (const { view: o, venue } of this.external.values()) orders.push({ ...nodeOrder(o), inFlight: false, external: true, venue });
    const tripped = new Map((this.engine?.breakers() ?? []).map((b) => [b.breaker as string, b.reason]));
    return {
      ts: this.clock.now(),
      nodeId: this.nodeId,
      state: this.current,
      tradingState: this.engine?.tradingState ?? (this.halted ? 'HALTED' : this.unhealthy() ? 'REDUCING' : 'ACTIVE'),
      baseCurrency: ledger.baseCurrency,
      equity: ledger.equity().toString(),
      cash: ledger.cash().toString(),
      realizedPnl: ledger.realizedPnl().toString(),
      unrealizedPnl: ledger.unrealizedPnl().toString(),
      positions,
      openOrders: orders,
      recentFills: this.recent.slice(),
      equityCurve: { ts: this.curveTs.slice(), equity: this.curveEquity.slice() },
      breakers: this.engine === undefined ? [] : Object.values(BreakerName).map((name) => ({ name, tripped: tripped.has(name), reason: tripped.get(name) })),
      feeds: [...this.feedMap.values()],
    };
  }
}

/** A number for JSON: NaN (an emulated order without a trigger or extreme yet) is null. */
function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** A config error found after parsing (a cross-field check), with the field's path. */
function fieldError(path: (string | number)[], message: string): ValidationError {
  return new ValidationError([{ path, message }]);
}

/**
 * Builds a {@link LiveNode} from `config` and starts it with `pipeline`; resolves with the running node
 * once the journal is replayed and every venue reconciled.
 *
 * @example
 * ```ts
 * const node = await runLive(smaCrossover({ instrumentId: goog.id, fast: 10, slow: 30, size: 100 }), {
 *   nodeId: 'paper-1', venues: [new SimulatedVenue({ clock, instruments })], dataClients: [client],
 *   subscriptions: [{ instrumentId: goog.id, kind: 'bars' }], instruments: [goog],
 *   ledger: { startingCash: 100_000 }, risk: engine, journal: { dir: 'journal' },
 * });
 * await node.drained();
 * await node.stop();
 * ```
 */
export async function runLive(pipeline: Pipeline, config: LiveNodeConfig): Promise<LiveNode> {
  const node = new LiveNode(config);
  await node.start(pipeline);
  return node;
}
