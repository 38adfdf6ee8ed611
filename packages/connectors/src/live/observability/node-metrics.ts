/**
 * Prometheus metrics of a live node, read from its `LiveNodeView` only.
 *
 * Counters and the latency histogram follow the node's events as they happen; everything that is a
 * level (state, positions, P&L, equity, in-flight orders, feed staleness, breakers) is read from one
 * `snapshot()` when Prometheus scrapes, through prom-client's `collect`, so no timer runs and a scrape
 * never shows a stale value.
 *
 * Label values are bounded: venues, instruments, feeds, breakers, states, rejection sources and kill
 * switch sources. Order ids and client order ids are never labels (one series per order would grow
 * without bound and bring the scraper down).
 *
 * Names follow Prometheus' naming rules (https://prometheus.io/docs/practices/naming/): base units
 * (seconds), `_total` on counters, and an enum as one gauge per state with 1 on the current one
 * (https://prometheus.io/docs/practices/instrumentation/, "enum").
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { parseWith, silentLogger, type Logger } from '@rxtrade/core';
import { NodeState, type LiveNodeView, type NodeEvents, type NodeSnapshot } from '../live-node-view';
import { redactSecrets } from './redact';

/**
 * Buckets of the acknowledgement latency histogram, in seconds: 1 ms to 30 s, about three per decade
 * (1, 2.5, 5), the spread between a colocated venue and an exchange under load.
 */
export const ACK_LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The risk engine's trading states, always exported (the current one is 1). */
const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
const FEED_STATUSES = ['HEALTHY', 'STALE', 'DISCONNECTED'] as const;

/** Options of {@link nodeMetrics}. */
export interface NodeMetricsConfig {
  /** Prefix of every metric name (default `rxtrade_`). */
  readonly prefix?: string;
  /** Labels on every series; `node` (the view's node id) is always added. */
  readonly defaultLabels?: Record<string, string>;
  /** Also export prom-client's process and Node.js metrics (CPU, memory, event loop lag, …; default false). */
  readonly processMetrics?: boolean;
  /** Buckets of the acknowledgement latency histogram in seconds (default {@link ACK_LATENCY_BUCKETS}). */
  readonly latencyBuckets?: readonly number[];
  /** How many submitted orders to remember for the venue of their fills (default 10,000; the oldest go first). */
  readonly trackedOrders?: number;
}

export const NodeMetricsConfigSchema = z.strictObject({
  prefix: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a valid Prometheus metric name prefix')
    .or(z.literal(''))
    .optional(),
  defaultLabels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a valid Prometheus label name'), z.string()).optional(),
  processMetrics: z.boolean().optional(),
  latencyBuckets: z
    .array(z.number().positive().finite())
    .min(1)
    .refine((b) => b.every((x, i) => i === 0 || x > b[i - 1]!), 'must be strictly increasing')
    .optional(),
  trackedOrders: z.number().int().positive().optional(),
});

/** Options of {@link serveMetrics}. */
export interface ServeMetricsConfig {
  /** TCP port; 0 picks a free one (read it from `MetricsServer.port`). */
  readonly port: number;
  /** Interface to listen on (default `127.0.0.1`: only this machine can scrape). */
  readonly host?: string;
  /** Path of the endpoint (default `/metrics`). */
  readonly path?: string;
  /** Where a failed collection is reported (default: nowhere). */
  readonly logger?: Logger;
}

export const ServeMetricsConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535),
  host: z.string().min(1).optional(),
  path: z.string().regex(/^\/[^?#\s]*$/, 'must start with "/" and have no query').optional(),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).error === 'function', 'must be a Logger').optional(),
});

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The port it listens on (the one picked, for port 0). */
  readonly port: number;
  readonly host: string;
  /** The endpoint's URL, such as `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops listening, ends open connections and releases the port. */
  close(): Promise<void>;
}

/** What {@link serveMetrics} serves: a prom-client `Registry`, or the {@link NodeMetrics} of a node. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** The metrics of one node, in their own prom-client registry. */
export interface NodeMetrics extends MetricsSource {
  /** The registry holding them (never prom-client's global one); merge it with `Registry.merge` to serve more. */
  readonly registry: Registry;
  /** The exposition text, as a scrape sees it. */
  metrics(): Promise<string>;
  /** Serves the metrics over HTTP. */
  serveMetrics(config: ServeMetricsConfig): Promise<MetricsServer>;
  /** Stops following the node's events and closes the servers started by `serveMetrics`. */
  close(): Promise<void>;
}

/**
 * Registers a node's metrics in a new prom-client registry and keeps them up to date from its view.
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `rxtrade_orders_submitted_total` | counter | `venue` |
 * | `rxtrade_orders_rejected_total` | counter | `venue` (`none` for risk denials without one), `by` |
 * | `rxtrade_fills_total` | counter | `venue`, `instrument` |
 * | `rxtrade_order_ack_latency_seconds` | histogram | `venue` |
 * | … | | see docs/observability.md |
 *
 * @example
 * ```ts
 * const metrics = nodeMetrics(node);
 * const server = await metrics.serveMetrics({ port: 9464 });
 * // curl http://127.0.0.1:9464/metrics
 * await metrics.close();
 * ```
 */
export function nodeMetrics(view: LiveNodeView, config: NodeMetricsConfig = {}): NodeMetrics {
  const options = parseWith(NodeMetricsConfigSchema, config, 'NodeMetricsConfig');
  const p = options.prefix ?? 'rxtrade_';
  const registry = new Registry();
  registry.setDefaultLabels({ ...(options.defaultLabels ?? {}), node: view.nodeId });
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: p });

  // One snapshot per scrape: prom-client runs every metric's synchronous `collect` in the same tick,
  // so the first takes the snapshot and the rest reuse it until the tick ends.
  let cached: NodeSnapshot | undefined;
  const snapshot = (): NodeSnapshot => {
    if (cached === undefined) {
      cached = view.snapshot();
      queueMicrotask(() => {
        cached = undefined;
      });
    }
    return cached;
  };

  const submitted = new Counter({ name: `${p}orders_submitted_total`, help: 'Orders handed to a venue adapter.', labelNames: ['venue'], registers });
  const rejected = new Counter({
    name: `${p}orders_rejected_total`,
    help: 'Orders rejected by a venue (by="venue") or denied by the risk engine (by="risk").',
    labelNames: ['venue', 'by'],
    registers,
  });
  const fills = new Counter({ name: `${p}fills_total`, help: 'Fills applied by the node.', labelNames: ['venue', 'instrument'], registers });
  const ackLatency = new Histogram({
    name: `${p}order_ack_latency_seconds`,
    help: 'Time from handing an order to the venue to its first acknowledgement.',
    labelNames: ['venue'],
    buckets: [...(options.latencyBuckets ?? ACK_LATENCY_BUCKETS)],
    registers,
  });
  const reconciliations = new Counter({ name: `${p}reconciliations_total`, help: 'Reconciliations with a venue that finished.', labelNames: ['venue'], registers });
  const discrepancies = new Counter({
    name: `${p}reconciliation_discrepancies_total`,
    help: 'Differences found by reconciliation: what the venue knew that the node did not.',
    labelNames: ['venue'],
    registers,
  });
  const breakerTrips = new Counter({ name: `${p}breaker_trips_total`, help: 'Circuit breaker trips.', labelNames: ['breaker'], registers });
  const killSwitch = new Counter({ name: `${p}kill_switch_activations_total`, help: 'Kill switch activations.', labelNames: ['source'], registers });

  new Gauge({
    name: `${p}node_state`,
    help: 'The node state: 1 for the current one, 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      const current = snapshot().state;
      for (const state of Object.values(NodeState)) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}trading_state`,
    help: "The risk engine's trading state: 1 for the current one, 0 for the others.",
    labelNames: ['state'],
    registers,
    collect() {
      const current = snapshot().tradingState;
      this.reset();
      for (const state of new Set<string>([...TRADING_STATES, current])) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}orders_in_flight`,
    help: 'Orders submitted and not yet acknowledged.',
    registers,
    collect() {
      this.set(snapshot().openOrders.filter((o) => o.inFlight).length);
    },
  });
  new Gauge({
    name: `${p}open_orders`,
    help: 'Open orders the node tracks, in flight included.',
    registers,
    collect() {
      this.set(snapshot().openOrders.length);
    },
  });
  new Gauge({
    name: `${p}feed_staleness_seconds`,
    help: 'Seconds since the last message of each feed, at the node clock (absent before the first message).',
    labelNames: ['feed'],
    registers,
    collect() {
      const snap = snapshot();
      this.reset();
      for (const feed of snap.feeds) {
        if (feed.lastMessageTs !== undefined) this.set({ feed: feed.name }, Math.max(0, snap.ts - feed.lastMessageTs) / 1000);
      }
    },
  });
  new Gauge({
    name: `${p}feed_status`,
    help: 'The health of each feed: 1 for its current status, 0 for the others.',
    labelNames: ['feed', 'status'],
    registers,
    collect() {
      this.reset();
      for (const feed of snapshot().feeds) for (const status of FEED_STATUSES) this.set({ feed: feed.name, status }, feed.status === status ? 1 : 0);
    },
  });
  new Counter({
    name: `${p}feed_reconnects_total`,
    help: 'Reconnects of each feed since the node started.',
    labelNames: ['feed'],
    registers,
    collect() {
      // The node counts them; the counter mirrors its count (a node restart resets both, as a counter should).
      this.reset();
      for (const feed of snapshot().feeds) this.inc({ feed: feed.name }, Math.max(0, feed.reconnects));
    },
  });
  new Gauge({
    name: `${p}position_quantity`,
    help: 'Signed position quantity per instrument (negative is short).',
    labelNames: ['instrument'],
    registers,
    collect() {
      this.reset();
      for (const position of snapshot().positions) setNumber(this, { instrument: position.instrumentId }, position.quantity);
    },
  });
  const moneyGauge = (name: string, help: string, field: 'realizedPnl' | 'unrealizedPnl' | 'equity' | 'cash'): void => {
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ['currency'],
      registers,
      collect() {
        const snap = snapshot();
        this.reset();
        setNumber(this, { currency: snap.baseCurrency }, snap[field]);
      },
    });
  };
  moneyGauge('realized_pnl', 'Realized profit and loss, in the base currency.', 'realizedPnl');
  moneyGauge('unrealized_pnl', 'Unrealized profit and loss at the last prices seen, in the base currency.', 'unrealizedPnl');
  moneyGauge('equity', 'Account equity, in the base currency.', 'equity');
  moneyGauge('cash', 'Cash, in the base currency.', 'cash');
  new Gauge({
    name: `${p}breaker_tripped`,
    help: 'Each circuit breaker: 1 while tripped, 0 otherwise.',
    labelNames: ['breaker'],
    registers,
    collect() {
      this.reset();
      for (const breaker of snapshot().breakers) this.set({ breaker: breaker.name }, breaker.tripped ? 1 : 0);
    },
  });

  // Fills carry no venue: take it from the order's submission, or else from the instrument id's
  // `SYMBOL.VENUE` suffix.
  const maxTracked = options.trackedOrders ?? 10_000;
  const venueByOrder = new Map<string, string>();
  const venueOfFill = (clientOrderId: string, instrumentId: string): string => {
    const known = venueByOrder.get(clientOrderId);
    if (known !== undefined) return known;
    const dot = instrumentId.lastIndexOf('.');
    return dot >= 0 && dot < instrumentId.length - 1 ? instrumentId.slice(dot + 1) : 'unknown';
  };

  const listeners: { [K in keyof NodeEvents]?: NodeEvents[K] } = {
    submitted: (order) => {
      submitted.inc({ venue: order.venue });
      venueByOrder.delete(order.clientOrderId);
      venueByOrder.set(order.clientOrderId, order.venue);
      if (venueByOrder.size > maxTracked) venueByOrder.delete(venueByOrder.keys().next().value!);
    },
    acknowledged: (ack) => {
      if (Number.isFinite(ack.latencyMs) && ack.latencyMs >= 0) ackLatency.observe({ venue: ack.venue }, ack.latencyMs / 1000);
    },
    rejected: (reject) => {
      rejected.inc({ venue: reject.venue ?? 'none', by: reject.by });
    },
    fill: (fill) => {
      fills.inc({ venue: venueOfFill(fill.clientOrderId, fill.instrumentId), instrument: fill.instrumentId });
    },
    reconciliation: (result) => {
      reconciliations.inc({ venue: result.venue });
      discrepancies.inc({ venue: result.venue }, result.differences.length);
    },
    breaker: (breaker) => {
      if (breaker.tripped) breakerTrips.inc({ breaker: breaker.name });
    },
    killSwitch: (kill) => {
      killSwitch.inc({ source: kill.source });
    },
  };
  const on = view.events.on.bind(view.events) as (event: string, fn: (...args: never[]) => void) => unknown;
  const off = view.events.off.bind(view.events) as (event: string, fn: (...args: never[]) => void) => unknown;
  for (const [event, fn] of Object.entries(listeners)) on(event, fn as (...args: never[]) => void);

  const servers = new Set<MetricsServer>();
  return {
    registry,
    get contentType() {
      return registry.contentType;
    },
    metrics: () => registry.metrics(),
    serveMetrics: async (serveConfig) => {
      const server = await serveMetrics(registry, serveConfig);
      servers.add(server);
      return {
        port: server.port,
        host: server.host,
        url: server.url,
        close: async () => {
          servers.delete(server);
          await server.close();
        },
      };
    },
    close: async () => {
      for (const [event, fn] of Object.entries(listeners)) off(event, fn as (...args: never[]) => void);
      const open = [...servers];
      servers.clear();
      await Promise.all(open.map((s) => s.close()));
    },
  };
}

function setNumber<L extends string>(gauge: Gauge<L>, labels: Partial<Record<L, string>>, decimal: string | undefined): void {
  if (decimal === undefined) return;
  const value = Number(decimal);
  if (decimal.trim() !== '' && Number.isFinite(value)) gauge.set(labels, value);
}

/**
 * Serves Prometheus metrics over HTTP with `node:http`: `GET` (or `HEAD`) on `path` answers the
 * exposition text; other paths answer 404, other methods 405. Listens on `127.0.0.1` unless told
 * otherwise, so that only this machine can scrape.
 *
 * @param source a prom-client `Registry` or a node's {@link NodeMetrics}.
 * @example
 * ```ts
 * const server = await serveMetrics(metrics, { port: 0 });
 * const text = await (await fetch(server.url)).text();
 * await server.close();
 * ```
 */
export async function serveMetrics(source: MetricsSource, config: ServeMetricsConfig): Promise<MetricsServer> {
  const options = parseWith(ServeMetricsConfigSchema, config, 'ServeMetricsConfig');
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/metrics';
  const logger = options.logger ?? silentLogger;

  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?', 1)[0];
    if (pathname !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
      return;
    }
    source.metrics().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': source.contentType, 'Content-Length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger.error('metrics collection failed', { error: redactSecrets(err instanceof Error ? err.message : String(err)) });
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`serveMetrics: cannot listen on ${host}:${options.port}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    url: `http://${urlHost}:${port}${path}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
