import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BacktestClock, ValidationError } from '@rxtrade/core';
import type { NodeEvents } from '../live-node-view';
import { pinoLogger } from '../observability/pino-logger';
import { FakeNodeView } from './__fixtures__/fake-node-view';
import { serveDashboard, type DashboardServer } from './serve-dashboard';

const TOKEN = 'k1ll-Sw1tch-T0ken-0123456789abcdef';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Everything any response carried, so the last test can check that the token never left the server. */
const seen: string[] = [];
const logged: string[] = [];
const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => void logged.push(message + JSON.stringify(fields)),
  info: (message: string, fields?: Record<string, unknown>) => void logged.push(message + JSON.stringify(fields)),
  warn: (message: string, fields?: Record<string, unknown>) => void logged.push(message + JSON.stringify(fields)),
  error: (message: string, fields?: Record<string, unknown>) => void logged.push(message + JSON.stringify(fields)),
};

function call(server: DashboardServer, method: string, path: string, o: { headers?: Record<string, string>; body?: string; freshSocket?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // freshSocket: no socket from Node's keep-alive pool (one kept from an earlier request fails with
    // "socket hang up" once the server is closed, instead of the refused connection a new one gets).
    const agent = o.freshSocket === true ? { agent: false as const } : {};
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers: { Host: `127.0.0.1:${server.port}`, ...o.headers }, ...agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const reply = { status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        seen.push(JSON.stringify(reply.headers), reply.body);
        resolve(reply);
      });
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const kill = (server: DashboardServer, headers: Record<string, string>, body = JSON.stringify({ reason: 'drawdown limit' })): Promise<Reply> =>
  call(server, 'POST', '/api/kill-switch', { headers: { 'Content-Type': 'application/json', ...headers }, body });

async function waitFor(what: string, condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface SseMessage {
  event: string;
  data: string;
  at: number;
}

/** An open `/events` stream, parsed as it arrives. */
class Stream {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  ended = false;
  res!: IncomingMessage;
  #buffer = '';

  static open(server: DashboardServer): Promise<Stream> {
    const s = new Stream();
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/events', headers: { Host: `127.0.0.1:${server.port}` } }, (res) => {
        s.res = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => s.#parse(chunk));
        res.on('end', () => (s.ended = true));
        res.on('error', () => (s.ended = true));
        resolve(s);
      });
      req.on('error', reject);
      req.end();
    });
  }

  snapshots(): { recentFills: { tradeId: string }[]; tradingState: string; nodeId: string }[] {
    return this.messages.filter((m) => m.event === 'snapshot').map((m) => JSON.parse(m.data) as never);
  }

  close(): void {
    this.res.destroy();
  }

  #parse(chunk: string): void {
    seen.push(chunk);
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.messages.push({ event, data: data.join('\n'), at: Date.now() });
    }
  }
}

const listenerCounts = (view: FakeNodeView): number[] =>
  (['state', 'submitted', 'acknowledged', 'rejected', 'fill', 'feed', 'reconciliation', 'breaker', 'killSwitch'] as (keyof NodeEvents)[]).map((e) => view.events.listenerCount(e));

describe('serveDashboard', () => {
  const open: DashboardServer[] = [];
  const start = async (view: FakeNodeView, options: Parameters<typeof serveDashboard>[1] = {}): Promise<DashboardServer> => {
    const server = await serveDashboard(view, { logger, ...options });
    open.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  describe('options', () => {
    it('refuses to bind to a non-loopback address without a token, before listening or subscribing', async () => {
      const view = new FakeNodeView();
      for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
        const err = await serveDashboard(view, { host }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe('dashboard.host');
        expect((err as Error).message).toContain(`binding to ${host}, a non-loopback address, requires a token`);
      }
      expect(listenerCounts(view).every((n) => n === 0)).toBe(true);
    });

    it('rejects unknown options and bad tokens, naming the field and never echoing the token', async () => {
      const view = new FakeNodeView();
      await expect(serveDashboard(view, { prot: 8080 } as never)).rejects.toThrow(/dashboard\.prot: unknown option; did you mean "port"\?/);
      for (const token of ['short-secret', 'a token with spaces in it', `${TOKEN}\u00e9`]) {
        const err = (await serveDashboard(view, { token }).catch((e: unknown) => e)) as ValidationError;
        expect(err).toBeInstanceOf(ValidationError);
        expect(err.field).toBe('dashboard.token');
        expect(err.message).not.toContain(token);
        expect(JSON.stringify(err.issues)).not.toContain(token);
      }
      await expect(serveDashboard(view, { updateIntervalMs: 0 })).rejects.toThrow(/dashboard\.updateIntervalMs/);
    });

    it('binds to all interfaces when a token is set, and is reached through loopback and the interface addresses', async () => {
      const server = await start(new FakeNodeView(), { host: '0.0.0.0', token: TOKEN });
      expect(server.host).toBe('0.0.0.0');
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      expect((await call(server, 'GET', '/api/snapshot')).status).toBe(200);
      const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
      if (external !== undefined) expect((await call(server, 'GET', '/api/snapshot', { headers: { Host: `${external.address}:${server.port}` } })).status).toBe(200);
      expect((await call(server, 'GET', '/api/snapshot', { headers: { Host: `attacker.example:${server.port}` } })).status).toBe(421);
    });

    it('binds to 127.0.0.1 on a free port by default and says where', async () => {
      const server = await start(new FakeNodeView());
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      expect(logged.some((l) => l.includes(server.url) && l.includes('listening'))).toBe(true);
    });
  });

  describe('routes', () => {
    it('serves the page with a nonce-based CSP that matches its only script and stylesheet', async () => {
      const server = await start(new FakeNodeView(), { title: 'Desk <b>&</b> "A"' });
      const page = await call(server, 'GET', '/');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('DENY');
      const csp = String(page.headers['content-security-policy']);
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)![1]!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain(`style-src 'nonce-${nonce}'`);
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.body.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
      expect(page.body.match(/<style\b[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
      expect(page.body).toContain('<title>Desk &lt;b&gt;&amp;&lt;/b&gt; &quot;A&quot;</title>');
      expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
      // A fresh nonce per response.
      const again = await call(server, 'GET', '/');
      expect(again.headers['content-security-policy']).not.toBe(csp);
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const server = await start(new FakeNodeView());
      const get = await call(server, 'GET', '/api/snapshot');
      const head = await call(server, 'HEAD', '/api/snapshot');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
    });

    it('returns the view snapshot as JSON', async () => {
      const view = new FakeNodeView();
      const server = await start(view);
      const reply = await call(server, 'GET', '/api/snapshot?x=1');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(reply.body)).toEqual(JSON.parse(JSON.stringify(view.current)));
    });

    it('serves fixed routes only: no traversal, no other files, no other methods', async () => {
      const view = new FakeNodeView();
      const server = await start(view);
      for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '//etc/passwd', '/index.html', '/api/snapshot/', '/api', '/events/../api/snapshot', '/src/live/dashboard/serve-dashboard.ts']) {
        const reply = await call(server, 'GET', path);
        expect(reply.status, path).toBe(404);
        expect(reply.body, path).toBe('{"error":"not found"}');
      }
      for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
        const reply = await call(server, method, '/');
        expect(reply.status, method).toBe(405);
        expect(reply.headers.allow).toBe('GET, HEAD, POST');
      }
      expect((await call(server, 'POST', '/api/snapshot')).status).toBe(405);
      const get = await call(server, 'GET', '/api/kill-switch');
      expect(get.status).toBe(405);
      expect(get.headers.allow).toBe('POST');
      expect(view.killSwitchCalls).toEqual([]);
    });

    it('refuses oversized request headers', async () => {
      const server = await start(new FakeNodeView());
      const reply = await call(server, 'GET', '/api/snapshot', { headers: { 'X-Padding': 'x'.repeat(9000) } });
      expect(reply.status).toBe(431);
      expect(reply.body).toBe('');
      expect((await call(server, 'GET', '/api/snapshot', { headers: { 'X-Padding': 'x'.repeat(4000) } })).status).toBe(200);
    });

    it('refuses requests for another Host (DNS rebinding) and accepts the loopback names', async () => {
      const server = await start(new FakeNodeView(), { allowedHosts: ['desk.internal'] });
      for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
        const reply = await call(server, 'GET', '/api/snapshot', { headers: { Host: host } });
        expect(reply.status, host).toBe(421);
        expect(reply.body).not.toContain('"nodeId"');
      }
      for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`, `desk.internal:${server.port}`]) {
        expect((await call(server, 'GET', '/api/snapshot', { headers: { Host: host } })).status, host).toBe(200);
      }
    });
  });

  describe('kill switch', () => {
    it('is disabled without a token: 403 and no call, even with a bearer header', async () => {
      const view = new FakeNodeView();
      const server = await start(view);
      const reply = await kill(server, { Authorization: `Bearer ${TOKEN}` });
      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.body).error).toMatch(/disabled: this dashboard was started without a token/);
      expect((await call(server, 'GET', '/')).body).toContain('data-kill-switch="disabled"');
      expect(view.killSwitchCalls).toEqual([]);
    });

    it('answers 401 to a missing or wrong token without calling the node, and 200 to the right one', async () => {
      const view = new FakeNodeView();
      const server = await start(view, { token: TOKEN, maxFailedAttempts: 10 });
      const wrong = [undefined, 'Bearer wrong-token-wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Bearer  ${TOKEN} extra`];
      for (const [i, authorization] of wrong.entries()) {
        const reply = await kill(server, authorization === undefined ? {} : { Authorization: authorization });
        expect(reply.status, `attempt ${i}`).toBe(401);
        expect(reply.headers['www-authenticate']).toBe('Bearer realm="rxtrade-dashboard"');
      }
      expect(view.killSwitchCalls).toEqual([]);
      const ok = await kill(server, { Authorization: `bearer ${TOKEN}`, 'Content-Type': 'application/json; charset=utf-8' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ ok: true });
      expect(view.killSwitchCalls).toEqual([{ reason: 'drawdown limit', source: 'dashboard' }]);
      expect(logged.some((l) => l.includes('kill switch pulled') && l.includes('drawdown limit'))).toBe(true);
    });

    it('requires a JSON body with a reason, within the size limit', async () => {
      const view = new FakeNodeView();
      const server = await start(view, { token: TOKEN });
      const auth = { Authorization: `Bearer ${TOKEN}` };
      expect((await kill(server, { ...auth, 'Content-Type': 'text/plain' })).status).toBe(415);
      expect((await kill(server, { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' }, 'reason=x')).status).toBe(415);
      const noReason = await kill(server, auth, '{}');
      expect(noReason.status).toBe(400);
      expect(JSON.parse(noReason.body).error).toMatch(/^body\.reason: /);
      const extra = await kill(server, auth, JSON.stringify({ reason: 'x', force: true }));
      expect(JSON.parse(extra.body).error).toMatch(/body\.force: unknown option/);
      expect((await kill(server, auth, '{not json')).status).toBe(400);
      const big = await kill(server, auth, JSON.stringify({ reason: 'x'.repeat(5000) }));
      expect(big.status).toBe(413);
      expect(view.killSwitchCalls).toEqual([]);
    });

    it('refuses other origins and cross-site fetches, accepts its own origin', async () => {
      const view = new FakeNodeView();
      const server = await start(view, { token: TOKEN });
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const crossOrigin: Record<string, string>[] = [{ Origin: 'http://evil.example' }, { Origin: `http://localhost:${server.port + 1}` }, { Origin: 'null' }, { Origin: `https://127.0.0.1:${server.port}` }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }];
      for (const headers of crossOrigin) {
        const reply = await kill(server, { ...auth, ...headers });
        expect(reply.status, JSON.stringify(headers)).toBe(403);
        expect(JSON.parse(reply.body).error).toBe('cross-origin requests are refused');
      }
      expect(view.killSwitchCalls).toEqual([]);
      const ok = await kill(server, { ...auth, Origin: `http://127.0.0.1:${server.port}`, 'Sec-Fetch-Site': 'same-origin' });
      expect(ok.status).toBe(200);
      expect(view.killSwitchCalls).toHaveLength(1);
    });

    it('locks an address out after repeated wrong tokens, the right token included, until the window passes on its clock', async () => {
      const view = new FakeNodeView();
      const clock = new BacktestClock(Date.UTC(2024, 4, 1));
      const server = await start(view, { token: TOKEN, maxFailedAttempts: 3, failedAttemptWindowMs: 300, clock });
      for (let i = 0; i < 3; i++) expect((await kill(server, { Authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
      const locked = await kill(server, { Authorization: `Bearer ${TOKEN}` });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBe(1);
      expect(view.killSwitchCalls).toEqual([]);
      clock.advanceTo(clock.now() + 299);
      expect((await kill(server, { Authorization: `Bearer ${TOKEN}` })).status).toBe(429);
      clock.advanceTo(clock.now() + 1);
      const ok = await kill(server, { Authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).ts).toBe(clock.now());
      expect(view.killSwitchCalls).toHaveLength(1);
    });

    it('reports a kill switch that throws as 500 with its message', async () => {
      const view = new FakeNodeView();
      view.killSwitch = () => {
        throw new Error('risk engine unreachable');
      };
      const server = await start(view, { token: TOKEN });
      const reply = await kill(server, { Authorization: `Bearer ${TOKEN}` });
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.body).error).toBe('the kill switch failed: risk engine unreachable');
    });
  });

  describe('event stream', () => {
    it('sends a snapshot on connect and after each view event, with event log lines', async () => {
      const view = new FakeNodeView();
      const server = await start(view, { updateIntervalMs: 10 });
      const stream = await Stream.open(server);
      expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.res.headers['cache-control']).toBe('no-store');
      await waitFor('the first snapshot', () => stream.snapshots().length === 1);
      expect(stream.snapshots()[0]!.nodeId).toBe('node-1');
      view.addFill({ ts: view.current.ts, clientOrderId: 'O-1003', tradeId: 'T-999', instrumentId: 'BTCUSDT.BINANCE', side: 'SELL', quantity: '0.1', price: '64500', commission: '0.5' });
      await waitFor('a snapshot with the new fill', () => stream.snapshots().some((s) => s.recentFills.some((f) => f.tradeId === 'T-999')));
      view.current.state = 'DEGRADED';
      view.events.emit('state', { from: 'RUNNING', to: 'DEGRADED', reason: 'feed bars:ETHUSDT.BINANCE stale', ts: view.current.ts });
      await waitFor('the state line', () => stream.messages.some((m) => m.event === 'event'));
      const line = JSON.parse(stream.messages.find((m) => m.event === 'event')!.data);
      expect(line).toEqual({ type: 'state', ts: view.current.ts, text: 'RUNNING → DEGRADED: feed bars:ETHUSDT.BINANCE stale', tone: 'warn' });
      // A page that connects later gets the recent lines too.
      const late = await Stream.open(server);
      await waitFor('the late snapshot', () => late.snapshots().length === 1);
      expect(late.messages.filter((m) => m.event === 'event')).toHaveLength(1);
      stream.close();
      late.close();
    });

    it('throttles snapshots to one per update interval of its clock, coalescing bursts', async () => {
      const view = new FakeNodeView();
      const clock = new BacktestClock(Date.UTC(2024, 4, 1));
      const server = await start(view, { updateIntervalMs: 150, clock });
      const stream = await Stream.open(server);
      await waitFor('the first snapshot', () => stream.snapshots().length === 1);
      const built = view.snapshots;
      const burst = (): void => {
        for (let i = 0; i < 20; i++) view.events.emit('acknowledged', { clientOrderId: `O-${i}`, venue: 'BINANCE', latencyMs: 3, ts: 0 });
      };
      burst(); // pushed at once: nothing was pushed in the last interval
      await waitFor('the burst snapshot', () => stream.snapshots().length === 2);
      burst(); // within the interval: held back until the clock has moved 150 ms
      clock.advanceTo(clock.now() + 60);
      burst();
      clock.advanceTo(clock.now() + 89);
      await new Promise((r) => setTimeout(r, 20));
      expect(stream.snapshots()).toHaveLength(2);
      clock.advanceTo(clock.now() + 1);
      await waitFor('the throttled snapshot', () => stream.snapshots().length === 3);
      // 60 events, 2 snapshots built for the stream.
      expect(view.snapshots - built).toBe(2);
      stream.close();
    });

    it('sends heartbeat comments on an idle stream, one per interval of its clock and one per jump of a virtual clock', async () => {
      const clock = new BacktestClock(Date.UTC(2024, 4, 1));
      const server = await start(new FakeNodeView(), { heartbeatIntervalMs: 20, clock });
      const stream = await Stream.open(server);
      const beats = (): number => stream.comments.filter((c) => c === ': heartbeat').length;
      clock.advanceTo(clock.now() + 19);
      await new Promise((r) => setTimeout(r, 10));
      expect(beats()).toBe(0);
      clock.advanceTo(clock.now() + 1);
      await waitFor('a heartbeat', () => beats() === 1);
      clock.advanceTo(clock.now() + 1_000); // fifty intervals at once: one heartbeat, not fifty
      await waitFor('a second heartbeat', () => beats() === 2);
      await new Promise((r) => setTimeout(r, 10));
      expect(beats()).toBe(2);
      stream.close();
    });

    it('sends heartbeats on the wall clock by default', async () => {
      const server = await start(new FakeNodeView(), { heartbeatIntervalMs: 20 });
      const stream = await Stream.open(server);
      await waitFor('two heartbeats', () => stream.comments.filter((c) => c === ': heartbeat').length >= 2);
      stream.close();
    });

    it('removes clients that disconnect, and builds no snapshots for nobody', async () => {
      const view = new FakeNodeView();
      const server = await start(view, { updateIntervalMs: 10 });
      const before = listenerCounts(view);
      expect(before.every((n) => n === 1)).toBe(true);
      for (let round = 0; round < 10; round++) {
        const streams = await Promise.all([Stream.open(server), Stream.open(server), Stream.open(server)]);
        await waitFor('three clients', () => server.clients === 3);
        await waitFor('their snapshots', () => streams.every((s) => s.snapshots().length === 1));
        for (const s of streams) s.close();
        await waitFor('no clients', () => server.clients === 0);
      }
      expect(listenerCounts(view)).toEqual(before);
      const built = view.snapshots;
      view.events.emit('fill', view.current.recentFills[0]!);
      await new Promise((r) => setTimeout(r, 30));
      expect(view.snapshots).toBe(built);
    });

    it('refuses streams beyond maxClients with 503', async () => {
      const server = await start(new FakeNodeView(), { maxClients: 2 });
      const a = await Stream.open(server);
      const b = await Stream.open(server);
      const refused = await call(server, 'GET', '/events');
      expect(refused.status).toBe(503);
      a.close();
      await waitFor('a free slot', () => server.clients === 1);
      const c = await Stream.open(server);
      expect(c.res.statusCode).toBe(200);
      b.close();
      c.close();
    });

    it('close() ends open streams and unsubscribes from the node', async () => {
      const view = new FakeNodeView();
      const server = await serveDashboard(view, { updateIntervalMs: 10 });
      const stream = await Stream.open(server);
      await waitFor('the first snapshot', () => stream.snapshots().length === 1);
      await server.close();
      await waitFor('the stream to end', () => stream.ended);
      expect(server.clients).toBe(0);
      expect(listenerCounts(view).every((n) => n === 0)).toBe(true);
      await server.close(); // idempotent
      await expect(call(server, 'GET', '/', { freshSocket: true })).rejects.toThrow(/ECONNREFUSED/);
    });
  });

  it('logs through the node logger (pinoLogger), the kill switch included, the token never', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const view = new FakeNodeView();
    const server = await start(view, { token: TOKEN, logger: pinoLogger({ nodeId: 'node-1', destination }) });
    await kill(server, { Authorization: 'Bearer guess-guess-guess-guess' });
    await kill(server, { Authorization: `Bearer ${TOKEN}` });
    await waitFor('three log lines', () => lines.length >= 3);
    const records = lines.map((l) => JSON.parse(l) as { level: number | string; msg: string; nodeId: string; remoteAddress?: string; reason?: string });
    expect(records.map((r) => r.msg)).toEqual(['dashboard: listening', 'dashboard: refused a kill switch request with a missing or wrong token', 'dashboard: kill switch pulled']);
    expect(records.every((r) => r.nodeId === 'node-1')).toBe(true);
    expect(records[2]).toMatchObject({ remoteAddress: '127.0.0.1', reason: 'drawdown limit' });
    seen.push(...lines);
  });

  it('never puts the token in a response, a stream or a log line', async () => {
    // Runs last: `seen` and `logged` hold every response, stream chunk and log line of the tests above.
    const view = new FakeNodeView();
    const server = await start(view, { token: TOKEN });
    await kill(server, { Authorization: `Bearer ${TOKEN}z` });
    await kill(server, { Authorization: `Bearer ${TOKEN}` });
    await call(server, 'GET', '/');
    expect(seen.length).toBeGreaterThan(50);
    expect(logged.some((l) => l.includes('missing or wrong token'))).toBe(true);
    for (const text of [...seen, ...logged]) expect(text).not.toContain(TOKEN.slice(0, 12));
  });
});
