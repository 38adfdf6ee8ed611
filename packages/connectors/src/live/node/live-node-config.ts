/**
 * Configuration of the live node (`runLive`, `LiveNode`), with its zod schema: a bad config fails with
 * a `ValidationError` naming the field, and an unknown key is an error.
 */
import { z } from 'zod';
import { Decimal, type Clock, type DataClient, type ExecutionClient, type Instrument, type Logger } from '@rxtrade/core';
import type { RiskEngine } from '@rxtrade/risk';
import { DashboardConfigSchema } from '../dashboard/dashboard-config';
import { NodeJournalConfigSchema } from '../journal-postgres/node-journal';
import { NodeMetricsConfigSchema, ServeMetricsConfigSchema } from '../observability/node-metrics';
import { PinoLoggerConfigSchema } from '../observability/pino-logger';
import { WebhookAlertsConfigSchema } from '../observability/webhook-alerts';
import { BackoffConfigSchema } from '../watchdog/backoff';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The exact words that run a live node without a risk engine. Deliberately long: a node without
 * pre-trade checks, loss breakers or a kill switch of the risk engine should never start by accident.
 *
 * @example
 * ```ts
 * const config = { ...rest, risk: { waive: RISK_WAIVER } };
 * ```
 */
export const RISK_WAIVER = 'I understand that no risk checks run' as const;

const RiskEngineSchema = z.custom<RiskEngine>(
  (v) => isObject(v) && typeof v['killSwitch'] === 'function' && typeof v['setTradingState'] === 'function' && typeof v['check'] === 'function' && isObject(v['events']),
  `is required: a RiskEngine from @rxtrade/risk (pre-trade checks, breakers, kill switch), or { waive: '${RISK_WAIVER}' } to run without any risk check`,
);

const RiskWaiverSchema = z.strictObject({
  waive: z.literal(RISK_WAIVER, { message: `must be exactly '${RISK_WAIVER}' to run without a risk engine` }),
});

const decimalLike = z.union([z.string(), z.number(), z.custom<Decimal>((v) => Decimal.isDecimal(v))]).transform((v, ctx) => {
  try {
    const d = new Decimal(v as Decimal);
    if (d.isFinite() && d.gte(0)) return d;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `must be a finite number >= 0, got ${JSON.stringify(String(v))}` });
  return z.NEVER;
});

/** The kinds of market data a subscription names. */
export const SubscriptionKind = { bars: 'BARS', trades: 'TRADES', quotes: 'QUOTES', book: 'BOOKS' } as const;

const positiveMs = z.number().positive().finite();

/**
 * Schema of the node's `watchdog` section: a `FeedWatchdog` per data client over the node's
 * subscriptions (see docs/feed-watchdogs.md). Every subscribed kind needs a staleness limit.
 *
 * @example
 * ```ts
 * parseWith(NodeWatchdogConfigSchema, { staleAfterMs: { bars: 90_000 } }, 'watchdog').backfill; // true
 * ```
 */
export const NodeWatchdogConfigSchema = z.strictObject({
  /** No message on a subscription for this many ms makes it STALE: one limit for every kind, or one per kind. */
  staleAfterMs: z.union([positiveMs, z.strictObject({ bars: positiveMs.optional(), trades: positiveMs.optional(), quotes: positiveMs.optional(), book: positiveMs.optional() })]),
  /** Waits between resubscribes of a stale subscription and between reconnects (jittered exponential backoff). */
  backoff: BackoffConfigSchema.prefault({}),
  /** On recovery, fetch what was missed: bars from history, a snapshot for other kinds (default true). */
  backfill: z.boolean().default(true),
  /** A backfill without an answer after this many ms is given up (default 30,000). */
  backfillTimeoutMs: positiveMs.default(30_000),
  /** Reconnect a dropped data client with backoff (default true; false when the client reconnects by itself). */
  reconnect: z.boolean().default(true),
});

/**
 * Schema of the node's `observability` section: a Prometheus endpoint, a pino logger without secrets,
 * webhook alerts and the dashboard, each started on the node's view by `start()` and closed by `stop()`
 * or a failure.
 *
 * @example
 * ```ts
 * parseWith(NodeObservabilityConfigSchema, { metrics: { port: 9464 }, logger: { level: 'info' } }, 'observability');
 * ```
 */
export const NodeObservabilityConfigSchema = z.strictObject({
  /** Serve the node's Prometheus metrics: `port` (0 picks a free one), `host` (default 127.0.0.1), `path` (default /metrics), and the metric options. */
  metrics: ServeMetricsConfigSchema.omit({ logger: true }).extend(NodeMetricsConfigSchema.shape).optional(),
  /** Log through pino, secrets removed; the node's id is on every line, and the alert URLs, their headers and the dashboard token are added to `knownSecrets`. */
  logger: PinoLoggerConfigSchema.omit({ nodeId: true }).optional(),
  /** Send alerts (state changes, breakers, reconciliation, the kill switch) to webhooks; failures are logged without URLs. */
  alerts: WebhookAlertsConfigSchema.omit({ logger: true }).optional(),
  /** Serve the dashboard (loopback unless `token` is set; the kill switch needs the token). */
  dashboard: DashboardConfigSchema.optional(),
});

/**
 * Schema of {@link LiveNodeConfig}.
 *
 * @example
 * ```ts
 * parseWith(LiveNodeConfigSchema, config, 'LiveNodeConfig').onStop; // 'cancel'
 * ```
 */
export const LiveNodeConfigSchema = z.strictObject({
  /** Names the node in its journal markers, logs and snapshot. */
  nodeId: z.string().min(1),
  /** The venues orders go to: exchange adapters, or a `SimulatedVenue` for paper trading on live data. */
  venues: z
    .array(
      z.custom<ExecutionClient>(
        (v) => isObject(v) && typeof v['id'] === 'string' && typeof v['submit'] === 'function' && typeof v['fillsSince'] === 'function' && isObject(v['connection']),
        'must be an ExecutionClient (id, submit, cancel, modify, events, connection, fillsSince, queryOrder, …)',
      ),
    )
    .min(1),
  /** Where market data comes from. */
  dataClients: z
    .array(
      z.custom<DataClient>(
        (v) => isObject(v) && typeof v['id'] === 'string' && typeof v['subscribe'] === 'function' && typeof v['connect'] === 'function' && isObject(v['events']),
        'must be a DataClient (id, events, connection, connect, disconnect, subscribe, unsubscribe, requestBars)',
      ),
    )
    .min(1),
  /** What to subscribe to: one kind of data for one instrument, at one data client (by id; default: the only one). */
  subscriptions: z
    .array(
      z.strictObject({
        instrumentId: z.string().min(1),
        kind: z.enum(['bars', 'trades', 'quotes', 'book']),
        client: z.string().min(1).optional(),
      }),
    )
    .min(1),
  /** The instruments traded and subscribed to. */
  instruments: z.array(z.custom<Instrument>((v) => isObject(v) && 'id' in v && 'tickSize' in v, 'must be an Instrument made by defineInstrument')).min(1),
  /** The node's account: starting cash, in the base currency (default: the first instrument's quote currency). */
  ledger: z.strictObject({ startingCash: decimalLike, baseCurrency: z.string().min(1).optional() }),
  /** The risk engine every command passes (required), or the explicit waiver. */
  risk: z.union([RiskEngineSchema, RiskWaiverSchema], { message: `is required: a RiskEngine from @rxtrade/risk, or { waive: '${RISK_WAIVER}' }` }),
  /**
   * The journal: `{ dir, fsync }` for a `FileJournal` (default `'always'`: each record synced before it
   * is acted on), or `{ postgres: { connectionString | client, name, schema } }` for a PostgreSQL journal.
   */
  journal: NodeJournalConfigSchema,
  /** Watch every data client's feeds: staleness, resubscribe and reconnect with backoff, backfill (default: not watched). */
  watchdog: NodeWatchdogConfigSchema.optional(),
  /** Metrics endpoint, logger, alerts and dashboard, started and stopped with the node (default: none). */
  observability: NodeObservabilityConfigSchema.optional(),
  /** Order reconciliation timers. */
  orders: z
    .strictObject({
      /** A submit not answered within this many ms is an unknown outcome: the venue is asked by client order id, the order is never sent again (default 10,000). */
      submitTimeoutMs: z.number().positive().finite().default(10_000),
      /** A cancel not answered within this many ms is sent again (cancels are idempotent), then reconciled (default 5,000). */
      cancelTimeoutMs: z.number().positive().finite().default(5_000),
      /**
       * Keep closed orders in the order manager, so that `orderManager.order(id)` still finds them
       * (default false: memory would grow with every order of the session; the journal keeps them all).
       */
      keepClosed: z.boolean().default(false),
    })
    .prefault({}),
  /** Positions or cash that still differ from the venue's after reconciliation: refuse to start (`'strict'`, default) or take the venue's figures (`'adopt'`). */
  reconciliation: z.enum(['strict', 'adopt']).default('strict'),
  /** Fills are asked for from this many ms before the last fill the journal holds (default 60,000), against clock skew between node and venue. */
  fillLookbackMs: z.number().min(0).finite().default(60_000),
  /** What `stop()` does with the node's open orders: cancel them (default) or leave them working at the venue. */
  onStop: z.enum(['cancel', 'leave']).default('cancel'),
  /** Stop gracefully on SIGINT and SIGTERM (default true). */
  signals: z.boolean().default(true),
  /** The node's clock (default a `LiveClock`). A clock with `advanceTo` (a `BacktestClock`) is moved to each market event's time: deterministic replays. */
  clock: z.custom<Clock>((v) => isObject(v) && typeof v['now'] === 'function' && typeof v['setTimer'] === 'function', 'must be a Clock').optional(),
  /** Where the node and `ctx.logger` write (default: nowhere). */
  logger: z
    .custom<Logger>((v) => isObject(v) && ['debug', 'info', 'warn', 'error'].every((m) => typeof v[m] === 'function'), 'must be a Logger (debug, info, warn and error methods)')
    .optional(),
  /** Strategy id of the pipeline's orders (default `'strategy'`). */
  strategyId: z.string().min(1).default('strategy'),
  /** Prefix of client order ids (default: the strategy id); the node adds the start's journal position, so ids never repeat across restarts. */
  idPrefix: z.string().min(1).optional(),
  /** Ms, on the node's clock, the node waits for the work one market event caused before it fails (default 30,000); on a virtual clock, virtual ms. */
  stageTimeoutMs: z.number().int().positive().max(2_147_483_647).default(30_000),
  /** Fills kept for the snapshot (default 100). */
  recentFills: z.number().int().positive().default(100),
  /** Equity points kept for the snapshot (default 1,000). */
  equityPoints: z.number().int().positive().default(1_000),
}).superRefine((c, ctx) => {
  if (c.observability?.logger !== undefined && c.logger !== undefined)
    ctx.addIssue({ code: 'custom', path: ['observability', 'logger'], message: 'cannot be set together with logger: give the node one logger' });
  const stale = c.watchdog?.staleAfterMs;
  if (stale !== undefined && typeof stale !== 'number')
    for (const kind of new Set(c.subscriptions.map((s) => s.kind)))
      if (stale[kind] === undefined) ctx.addIssue({ code: 'custom', path: ['watchdog', 'staleAfterMs', kind], message: `is required: a ${kind} subscription is watched and needs a staleness limit in ms` });
});

/**
 * Configuration of a live node: see {@link LiveNodeConfigSchema} for every field and default.
 *
 * @example
 * ```ts
 * const config: LiveNodeConfig = {
 *   nodeId: 'paper-1', venues: [venue], dataClients: [client], subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
 *   instruments: [goog], ledger: { startingCash: 100_000 }, risk: engine, journal: { dir: '/var/lib/rxtrade/journal' },
 * };
 * ```
 */
export type LiveNodeConfig = z.input<typeof LiveNodeConfigSchema>;
