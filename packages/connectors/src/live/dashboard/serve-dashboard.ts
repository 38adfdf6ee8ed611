/**
 * The live node's dashboard: one self-contained page, a JSON snapshot, a Server-Sent Events stream that
 * pushes a snapshot whenever the node reports an event (at most one per `updateIntervalMs`), and a kill
 * switch behind a bearer token. It reads only a {@link LiveNodeView}, on `node:http`, and serves a fixed
 * set of routes (no files), so nothing outside them can be reached.
 *
 * Security model: loopback only unless a token is set; every response carries a Content-Security-Policy
 * (the page's one script and stylesheet by nonce), `nosniff` and no-framing headers; requests whose
 * `Host` is not this server are refused (DNS rebinding); the kill switch requires the token in an
 * `Authorization` header (never a cookie, so another site cannot make a browser send it), a JSON body,
 * a same-origin `Origin` when one is sent, and locks out an address after repeated wrong tokens.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { LiveClock, parseWith, silentLogger, ValidationError, type Clock, type Logger, type TimerHandle } from '@rxtrade/core';
import type { LiveNodeView, NodeEvents } from '../live-node-view';
import { redactSecrets } from '../observability/redact';
import { BearerToken } from './bearer-token';
import { DashboardConfigSchema, type DashboardConfig } from './dashboard-config';
import { renderDashboardPage } from './dashboard-page';
import { FailedAttempts } from './failed-attempts';
import { EVENT_LINES, type NodeEventLine } from './node-event-line';

/** A running dashboard. */
export interface DashboardServer {
  /** Where to open it, e.g. `http://127.0.0.1:8090/`. */
  readonly url: string;
  /** The address it is bound to. */
  readonly host: string;
  /** The port it listens on (the one picked when `port` was 0). */
  readonly port: number;
  /** Event streams open now. */
  readonly clients: number;
  /** Ends every event stream, stops listening to the node and closes the server. */
  close(): Promise<void>;
}

const NODE_EVENTS: readonly (keyof NodeEvents)[] = ['state', 'submitted', 'acknowledged', 'rejected', 'fill', 'feed', 'reconciliation', 'breaker', 'killSwitch'];
const ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/': ['GET', 'HEAD'],
  '/api/snapshot': ['GET', 'HEAD'],
  '/events': ['GET'],
  '/api/kill-switch': ['POST'],
};
const METHODS = ['GET', 'HEAD', 'POST'];
/** Largest kill switch request body, in bytes. */
const MAX_BODY_BYTES = 4096;
/** An event stream whose unsent output grows past this is dropped (a client that stopped reading). */
const MAX_CLIENT_BUFFER_BYTES = 1 << 20;
/** Event log lines kept for pages that connect later. */
const RECENT_LINES = 50;
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const KillSwitchBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });

interface Client {
  readonly res: ServerResponse;
}

/**
 * Serves a dashboard of `view` over HTTP until `close()`.
 *
 * @param view the node, as its {@link LiveNodeView}: the dashboard reads nothing else.
 * @param options see {@link DashboardConfigSchema}; a bad or unknown option throws a `ValidationError` naming it.
 * @throws ValidationError when an option is invalid, or `host` is not a loopback address and no `token` is set.
 * @example
 * ```ts
 * const dashboard = await serveDashboard(node, { port: 8090, token: process.env.DASHBOARD_TOKEN });
 * console.log(`dashboard at ${dashboard.url}`);
 * // …
 * await dashboard.close();
 * ```
 */
export async function serveDashboard(view: LiveNodeView, options: DashboardConfig = {}): Promise<DashboardServer> {
  const config = parseWith(DashboardConfigSchema, options, 'dashboard');
  const token = config.token === undefined ? undefined : new BearerToken(config.token);
  const log: Logger = config.logger ?? silentLogger;
  const title = config.title ?? 'rxtrade live node';
  const clock: Clock = config.clock ?? new LiveClock();
  const attempts = new FailedAttempts(config.maxFailedAttempts, config.failedAttemptWindowMs, () => clock.now());
  const clients = new Set<Client>();
  const recentLines: string[] = [];
  let allowedHosts = new Set<string>();
  let lastPush = -Infinity;
  let pushTimer: { cancel(): void } | undefined;
  let heartbeat: TimerHandle | undefined;
  let closed: Promise<void> | undefined;

  // --- the event stream ----------------------------------------------------------------------------

  const write = (client: Client, chunk: string): void => {
    if (client.res.writableLength > MAX_CLIENT_BUFFER_BYTES) {
      log.warn('dashboard: dropped an event stream that stopped reading', { buffered: client.res.writableLength });
      client.res.destroy();
      clients.delete(client);
      return;
    }
    client.res.write(chunk);
  };
  const snapshotMessage = (): string | undefined => {
    try {
      return `event: snapshot\ndata: ${JSON.stringify(view.snapshot())}\n\n`;
    } catch (err) {
      log.warn('dashboard: the node failed to build a snapshot', { err: errorMessage(err) });
      return undefined;
    }
  };
  const push = (): void => {
    pushTimer = undefined;
    if (clients.size === 0) return;
    lastPush = clock.now();
    const message = snapshotMessage();
    if (message !== undefined) for (const c of [...clients]) write(c, message);
  };
  // Coalesces the events of one burst (an order's fill, position and equity) and throttles to one push per interval.
  // A push that is due goes out once the current burst of events is over (setImmediate: no time passes);
  // a later one waits on the clock.
  const schedulePush = (): void => {
    if (pushTimer !== undefined || clients.size === 0) return;
    const due = lastPush + config.updateIntervalMs;
    if (due <= clock.now()) {
      const immediate = setImmediate(push);
      pushTimer = { cancel: () => clearImmediate(immediate) };
    } else pushTimer = clock.setTimer(due, push);
  };
  // A heartbeat comment every heartbeatIntervalMs of the clock. Armed again after each one has run, from
  // the time the clock shows then: a virtual clock that jumps ahead sends one heartbeat, not one per
  // interval it skipped.
  let stopped = false;
  const armHeartbeat = (): void => {
    if (stopped) return;
    heartbeat = clock.setTimer(clock.now() + config.heartbeatIntervalMs, () => {
      for (const c of [...clients]) write(c, ': heartbeat\n\n');
      void Promise.resolve().then(armHeartbeat);
    });
  };
  armHeartbeat();

  const listeners = NODE_EVENTS.map((name) => {
    const describe = EVENT_LINES[name] as ((e: unknown) => NodeEventLine) | undefined;
    const listener = (payload: unknown): void => {
      if (describe !== undefined) {
        const described = describe(payload);
        // The node's reasons are scrubbed already; another view's may not be.
        const line = `event: event\ndata: ${JSON.stringify({ ...described, text: redactSecrets(described.text) })}\n\n`;
        recentLines.push(line);
        if (recentLines.length > RECENT_LINES) recentLines.shift();
        for (const c of [...clients]) write(c, line);
      }
      schedulePush();
    };
    view.events.on(name, listener);
    return [name, listener] as const;
  });

  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    if (clients.size >= config.maxClients) return sendJson(res, 503, { error: `too many open event streams (at most ${config.maxClients})` });
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const client: Client = { res };
    clients.add(client);
    const drop = (): void => void clients.delete(client);
    // The response closes when the client goes away (the request's own 'close' may come earlier, once it is read).
    res.on('close', drop);
    res.on('error', drop);
    write(client, 'retry: 3000\n\n');
    for (const line of recentLines) write(client, line);
    const message = snapshotMessage();
    if (message !== undefined) write(client, message);
  };

  // --- the kill switch -----------------------------------------------------------------------------

  const killSwitch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const address = req.socket.remoteAddress ?? 'unknown';
    if (token === undefined) {
      req.resume();
      return sendJson(res, 403, { error: 'the kill switch is disabled: this dashboard was started without a token' });
    }
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if ((origin !== undefined && origin.toLowerCase() !== `http://${(req.headers.host ?? '').toLowerCase()}`) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      req.resume();
      log.warn('dashboard: refused a cross-origin kill switch request', { remoteAddress: address });
      return sendJson(res, 403, { error: 'cross-origin requests are refused' });
    }
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      req.resume();
      return sendJson(res, 415, { error: 'the body must be JSON (Content-Type: application/json)' });
    }
    const retryMs = attempts.retryAfterMs(address);
    if (retryMs > 0) {
      req.resume();
      return sendJson(res, 429, { error: `too many failed attempts; retry in ${Math.ceil(retryMs / 1000)} s` }, { 'Retry-After': String(Math.ceil(retryMs / 1000)) });
    }
    if (!token.matches(req.headers.authorization)) {
      req.resume();
      attempts.fail(address);
      log.warn('dashboard: refused a kill switch request with a missing or wrong token', { remoteAddress: address, authorization: req.headers.authorization === undefined ? 'missing' : 'wrong' });
      return sendJson(res, 401, { error: 'a valid token is required (Authorization: Bearer <token>)' }, { 'WWW-Authenticate': 'Bearer realm="rxtrade-dashboard"' });
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) return sendJson(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, { Connection: 'close' });
    let reason: string;
    try {
      reason = parseWith(KillSwitchBodySchema, JSON.parse(body) as unknown, 'body').reason;
    } catch (err) {
      return sendJson(res, 400, { error: err instanceof ValidationError ? err.message : 'the body is not valid JSON' });
    }
    try {
      view.killSwitch(reason, 'dashboard');
    } catch (err) {
      log.warn('dashboard: the kill switch failed', { err: errorMessage(err) });
      return sendJson(res, 500, { error: `the kill switch failed: ${errorMessage(err)}` });
    }
    log.info('dashboard: kill switch pulled', { remoteAddress: address, reason });
    sendJson(res, 200, { ok: true, ts: clock.now() });
  };

  // --- routing -------------------------------------------------------------------------------------

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? '';
    if (!METHODS.includes(method)) return sendJson(res, 405, { error: 'method not allowed' }, { Allow: METHODS.join(', ') });
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      return sendJson(res, 421, { error: 'this server does not answer for that Host (add the name to allowedHosts)' });
    }
    const path = (req.url ?? '').split('?')[0]!;
    const allowed = Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path]! : undefined;
    if (allowed === undefined) return sendJson(res, 404, { error: 'not found' });
    if (!allowed.includes(method)) return sendJson(res, 405, { error: 'method not allowed' }, { Allow: allowed.join(', ') });
    if (path === '/') {
      const nonce = randomBytes(16).toString('base64');
      const html = renderDashboardPage({ title, nonce, killSwitchEnabled: token !== undefined });
      return send(res, 200, 'text/html; charset=utf-8', html, {
        'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      });
    }
    if (path === '/api/snapshot') {
      try {
        return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(view.snapshot()));
      } catch (err) {
        log.warn('dashboard: the node failed to build a snapshot', { err: errorMessage(err) });
        return sendJson(res, 500, { error: 'the node failed to build a snapshot' });
      }
    }
    if (path === '/events') return openStream(req, res);
    void killSwitch(req, res).catch((err: unknown) => {
      log.warn('dashboard: kill switch request failed', { err: errorMessage(err) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  };

  const server = createServer({ maxHeaderSize: 8192, requestTimeout: 15_000, headersTimeout: 10_000 }, (req, res) => {
    setCommonHeaders(res);
    try {
      handle(req, res);
    } catch (err) {
      log.warn('dashboard: request failed', { err: errorMessage(err) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  const unlisten = (): void => {
    for (const [name, listener] of listeners) view.events.off(name, listener);
    stopped = true;
    heartbeat?.cancel();
    pushTimer?.cancel();
    pushTimer = undefined;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: config.port, host: config.host }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    unlisten();
    throw new Error(`dashboard: cannot listen on ${config.host}:${config.port}: ${errorMessage(err)}`, { cause: err });
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dashboard: the server has no TCP address');
  const port = address.port;
  allowedHosts = hostHeaders(address.address, port, config.allowedHosts);
  const urlHost = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const url = `http://${isIP(urlHost) === 6 ? `[${urlHost}]` : urlHost}:${port}/`;
  log.info('dashboard: listening', { url, killSwitch: token === undefined ? 'disabled' : 'enabled' });

  return {
    url,
    host: address.address,
    port,
    get clients() {
      return clients.size;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        unlisten();
        for (const c of clients) c.res.end();
        clients.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Every `Host` header value that reaches this server legitimately. */
function hostHeaders(bound: string, port: number, extra: readonly string[]): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', ...extra.map((h) => h.replace(/^\[(.*)\]$/, '$1'))]);
  if (bound === '0.0.0.0' || bound === '::') {
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address.replace(/%.*$/, ''));
  } else names.add(bound);
  const out = new Set<string>();
  for (const n of names) {
    const h = (isIP(n) === 6 ? `[${n}]` : n).toLowerCase();
    out.add(`${h}:${port}`);
    if (port === 80) out.add(h);
  }
  return out;
}

function setCommonHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', API_CSP);
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': String(bytes.length) });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

/** The body as UTF-8, or undefined when it is longer than `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
