/**
 * A live node with everything that can hold a secret switched on (a venue with credentials, a logger,
 * alerts to four webhooks that fail in every way, the dashboard with a token, the metrics endpoint),
 * and a {@link Capture} of all it shows the world: log lines, node events, alert bodies, dashboard
 * responses and event stream frames, the metrics exposition, errors thrown and rejected.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { Subject, map } from 'rxjs';
import { BacktestClock, instrumentRegistry, type Bar, type Logger, type OrderCommand, type PipelineContext } from '@rxtrade/core';
import { SimulatedVenue } from '@rxtrade/execution';
import { LiveNode } from '../../node/live-node';
import { RISK_WAIVER, type LiveNodeConfig } from '../../node/live-node-config';
import { goog, tempDir } from '../../node/__fixtures__/node-kit';
import type { NodeEvents } from '../../live-node-view';
import { LeakyDataClient, LeakyVenue } from './leaky-venue';
import { Capture, SECRETS, webhookTargets, type AlertTargets } from './planted';

export const T0 = Date.UTC(2024, 0, 2);
export const DAY = 86_400_000;

export const bar = (day: number, close = 100): Bar =>
  ({ type: 'Bar', instrumentId: goog.id, ts: T0 + day * DAY, open: close, high: close + 1, low: close - 1, close, volume: 1_000 }) as Bar;

export const show = (v: unknown): string => inspect(v, { depth: 12, breakLength: Infinity });

/**
 * A local stand-in for Slack (accepts), Telegram (500, echoing the path with the bot token), Discord
 * (401, echoing the webhook token) and a JSON endpoint (403, echoing the `Authorization` it got).
 */
export class WebhookSink {
  readonly bodies: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** A port nothing listens on: network errors. */
    readonly closedPort: number,
  ) {}

  static async start(): Promise<WebhookSink> {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        const url = req.url ?? '';
        if (url.startsWith('/services/')) return void res.writeHead(200).end('ok');
        if (url.startsWith('/bot')) return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 500, description: `Internal Server Error at ${url}` }));
        if (url.startsWith('/api/webhooks/')) return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Invalid Webhook Token ${url.split('/').pop()}`, code: 50027 }));
        const auth = req.headers.authorization ?? '';
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'forbidden', received: auth, token: auth.split(' ')[1] ?? '' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sink = new WebhookSink(server, (server.address() as AddressInfo).port, closedPort);
    (sink as { bodies: string[] }).bodies = bodies;
    return sink;
  }

  targets(): AlertTargets[] {
    return webhookTargets(this.port, this.closedPort);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An HTTP answer, as text. */
export interface Answer {
  readonly status: number;
  readonly text: string;
}

/** One request to the node's dashboard or metrics endpoint; the answer (headers and body) goes into the capture. */
export function call(cap: Capture, source: string, url: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: o.method ?? 'GET', headers: { Host: u.host, ...o.headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => {
        cap.add(`${source}: headers`, JSON.stringify(res.headers));
        cap.add(`${source}: body`, text);
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Opens the dashboard's event stream; every frame goes into the capture until the node closes it. */
export function openEvents(cap: Capture, source: string, url: string): Promise<{ readonly ended: Promise<void> }> {
  const u = new URL('events', url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, headers: { Host: u.host } }, (res) => {
      const ended = new Promise<void>((done) => {
        res.on('data', (c: Buffer) => cap.add(`${source}: event stream frame`, c.toString('utf8')));
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => done());
      });
      resolve({ ended });
    });
    req.on('error', reject);
    req.end();
  });
}

/** How the node logs: through its own pino logger (`observability.logger`) or an application's plain logger. */
export type LogVia = 'pino' | 'plain';

/** A node ready to start, with everything it shows captured. */
export class LeakRig {
  readonly cap = new Capture();
  readonly clock: BacktestClock;
  readonly sim: SimulatedVenue;
  readonly venue: LeakyVenue;
  readonly data = new LeakyDataClient();
  readonly commands = new Subject<(ctx: PipelineContext) => OrderCommand>();
  readonly dir: string;
  node!: LiveNode;
  private releaseGate: () => void = () => undefined;

  constructor(
    readonly name: string,
    private readonly sink: WebhookSink,
    readonly logVia: LogVia = 'pino',
    /** A rig whose journal this one restarts on; `sameVenue` keeps its simulated venue (and clock) as well. */
    from?: { readonly rig: LeakRig; readonly sameVenue: boolean },
  ) {
    this.dir = from?.rig.dir ?? tempDir();
    this.clock = from?.sameVenue === true ? from.rig.clock : new BacktestClock(T0 - DAY);
    this.sim = from?.sameVenue === true ? from.rig.sim : new SimulatedVenue({ clock: this.clock, instruments: instrumentRegistry([goog]) });
    this.venue = new LeakyVenue(this.sim);
  }

  /** Holds the data client's first connect until {@link release}, so the test can open the event stream of a running node. */
  hold(): void {
    this.data.gate = new Promise<void>((resolve) => (this.releaseGate = resolve));
  }

  release(): void {
    this.releaseGate();
  }

  config(extra: Partial<LiveNodeConfig> = {}): LiveNodeConfig {
    const cap = this.cap;
    const name = this.name;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        cap.add(`${name}: log line`, chunk.toString('utf8'));
        done();
      },
    });
    const plain: Logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [level, (message: string, fields?: Record<string, unknown>) => cap.add(`${name}: application logger`, `${level} ${message} ${show(fields)}`)]),
    ) as unknown as Logger;
    return {
      nodeId: 'leak-test',
      venues: [this.venue],
      dataClients: [this.data],
      subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
      instruments: [goog],
      ledger: { startingCash: 100_000 },
      risk: { waive: RISK_WAIVER },
      journal: { dir: this.dir, fsync: 'never' },
      signals: false,
      clock: this.clock,
      ...(this.logVia === 'plain' ? { logger: plain } : {}),
      observability: {
        ...(this.logVia === 'pino' ? { logger: { level: 'debug' as const, destination } } : {}),
        metrics: { port: 0 },
        alerts: { targets: this.sink.targets(), retry: { attempts: 2, baseDelayMs: 0 }, timeoutMs: 2_000 },
        dashboard: { port: 0, token: SECRETS.dashboardToken, updateIntervalMs: 10 },
      },
      ...extra,
    };
  }

  /** Builds the node (construction errors are captured and rethrown) and follows its events. */
  build(extra: Partial<LiveNodeConfig> = {}): LiveNode {
    try {
      this.node = new LiveNode(this.config(extra));
    } catch (error) {
      this.cap.addError(`${this.name}: new LiveNode() error`, error, show);
      throw error;
    }
    const events: (keyof NodeEvents)[] = ['state', 'submitted', 'acknowledged', 'rejected', 'fill', 'feed', 'reconciliation', 'breaker', 'killSwitch'];
    for (const e of events) this.node.events.on(e, (payload: unknown) => this.cap.add(`${this.name}: node event ${e}`, JSON.stringify(payload)));
    return this.node;
  }

  /** Starts the node; a rejection is captured (and returned). */
  async start(): Promise<unknown> {
    const commands = this.commands;
    try {
      await this.node.start((ctx) => commands.pipe(map((make) => make(ctx))));
      return undefined;
    } catch (error) {
      this.cap.addError(`${this.name}: start() rejection`, error, show);
      return error;
    }
  }

  /** Stops the node; a rejection is captured. */
  async stop(): Promise<void> {
    await this.node.stop().catch((error: unknown) => this.cap.addError(`${this.name}: stop() rejection`, error, show));
  }

  /** What the node still shows after the scenario: its snapshot, the kernel's anomalies, the sink's alert bodies. */
  finish(): void {
    try {
      this.cap.add(`${this.name}: snapshot`, JSON.stringify(this.node.snapshot()));
      this.cap.add(`${this.name}: kernel anomalies`, show(this.node.kernel.anomalies));
    } catch (error) {
      this.cap.addError(`${this.name}: reading the node`, error, show);
    }
    for (const b of this.sink.bodies.splice(0)) this.cap.add(`${this.name}: alert body`, b);
  }
}
