import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BacktestClock, type Logger, type TimerEvent, type TimerHandle } from '@rxtrade/core';
import { FakeNodeView } from './__fixtures__/fake-node-view';
import { alertRetryDelay, parseRetryAfter, webhookAlerts, type WebhookAlerts } from './webhook-alerts';
import { pinoLogger } from './pino-logger';

/** The virtual clock's start. */
const T = Date.UTC(2024, 4, 1);

interface Received {
  readonly path: string;
  readonly at: number;
  readonly contentType: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}
interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Wait this long before answering. */
  readonly holdMs?: number;
}

/** A webhook receiver on 127.0.0.1 that answers each path from a script (200 when the script is spent). */
class FakeWebhooks {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Reply[]>();
  private server: Server | undefined;
  port = 0;

  script(path: string, ...replies: Reply[]): void {
    this.scripts.set(path, replies);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  bodies(path: string): unknown[] {
    return this.received.filter((r) => r.path === path).map((r) => r.body);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.received.push({ path, at: performance.now(), contentType: req.headers['content-type'], headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const reply = this.scripts.get(path)?.shift() ?? { status: 200, body: 'ok' };
      const answer = () => res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
      if (reply.holdMs) setTimeout(answer, reply.holdMs).unref();
      else answer();
    });
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

const TG_TOKEN = '7012345678:AAF-x9TelegramSecretTokenPart_abcdefg';
const SLACK_PATH = '/services/T0SECRET1/B0SECRET2/slackSecretTokenXyz123';
const DISCORD_PATH = '/api/webhooks/112233445566778899/discordSecretToken-abc_123';

let servers: FakeWebhooks[] = [];
let alertsToClose: WebhookAlerts[] = [];
afterEach(async () => {
  await Promise.all(alertsToClose.map((a) => a.close(100)));
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  alertsToClose = [];
});
async function receiver(): Promise<FakeWebhooks> {
  const s = await new FakeWebhooks().start();
  servers.push(s);
  return s;
}
function track(a: WebhookAlerts): WebhookAlerts {
  alertsToClose.push(a);
  return a;
}

describe('webhookAlerts', () => {
  it('formats the kill switch alert for each kind of target exactly', async () => {
    const hooks = await receiver();
    const view = new FakeNodeView('btc-1');
    view.data.ts = Date.UTC(2024, 4, 1, 12, 30, 0);
    const alerts = track(
      webhookAlerts(view, {
        targets: [
          { kind: 'json', url: hooks.url('/json'), headers: { authorization: 'Bearer json-hook-secret-1' } },
          { kind: 'slack', url: hooks.url(SLACK_PATH) },
          { kind: 'discord', url: hooks.url(DISCORD_PATH), username: 'rxtrade' },
          { kind: 'telegram', url: hooks.url(`/bot${TG_TOKEN}/sendMessage`), chatId: -1001234567890 },
          { kind: 'telegram', url: hooks.url(`/bot${TG_TOKEN}/sendMessage?html`), chatId: '@desk', parseMode: 'HTML' },
        ],
      }),
    );
    view.killSwitch('drawdown <5%> & @everyone', 'dashboard');
    await alerts.flush();

    const time = '2024-05-01T12:30:00.000Z';
    expect(hooks.bodies('/json')).toEqual([
      {
        source: 'rxtrade',
        nodeId: 'btc-1',
        kind: 'killSwitch',
        severity: 'critical',
        title: 'kill switch pulled (dashboard)',
        text: 'drawdown <5%> & @everyone',
        ts: view.data.ts,
        time,
        details: { reason: 'drawdown <5%> & @everyone', source: 'dashboard', ts: view.data.ts },
      },
    ]);
    expect(hooks.received.find((r) => r.path === '/json')!.headers['authorization']).toBe('Bearer json-hook-secret-1');
    expect(hooks.bodies(SLACK_PATH)).toEqual([
      {
        text: '[CRITICAL] btc-1: kill switch pulled (dashboard)\ndrawdown &lt;5%&gt; &amp; @everyone',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '*[CRITICAL] btc-1: kill switch pulled (dashboard)*\ndrawdown &lt;5%&gt; &amp; @everyone' } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `node btc-1 | killSwitch | ${time}` }] },
        ],
      },
    ]);
    expect(hooks.bodies(DISCORD_PATH)).toEqual([
      {
        username: 'rxtrade',
        content: '[CRITICAL] btc-1: kill switch pulled (dashboard)',
        embeds: [{ title: 'kill switch pulled (dashboard)', description: 'drawdown <5%> & @everyone', color: 0xd0021b, timestamp: time, footer: { text: 'node btc-1 | killSwitch' } }],
        allowed_mentions: { parse: [] },
      },
    ]);
    expect(hooks.bodies(`/bot${TG_TOKEN}/sendMessage`)).toEqual([
      { chat_id: -1001234567890, text: `[CRITICAL] btc-1: kill switch pulled (dashboard)\ndrawdown <5%> & @everyone\nnode btc-1 | killSwitch | ${time}` },
    ]);
    expect(hooks.bodies(`/bot${TG_TOKEN}/sendMessage?html`)).toEqual([
      {
        chat_id: '@desk',
        text: `<b>[CRITICAL] btc-1: kill switch pulled (dashboard)</b>\ndrawdown &lt;5%&gt; &amp; @everyone\n<i>node btc-1 | killSwitch | ${time}</i>`,
        parse_mode: 'HTML',
      },
    ]);
    expect(hooks.received.every((r) => r.contentType === 'application/json')).toBe(true);
    expect(alerts.stats().map((s) => [s.name, s.sent, s.failed, s.retries, s.pending])).toEqual([
      ['json#0', 1, 0, 0, 0],
      ['slack#1', 1, 0, 0, 0],
      ['discord#2', 1, 0, 0, 0],
      ['telegram#3', 1, 0, 0, 0],
      ['telegram#4', 1, 0, 0, 0],
    ]);
  });

  it('alerts on breaker trips and resets, state changes and reconciliation differences, filtered by severity', async () => {
    const hooks = await receiver();
    const view = new FakeNodeView('n');
    const all = track(webhookAlerts(view, { targets: [{ kind: 'json', url: hooks.url('/all') }] }));
    const urgent = track(webhookAlerts(view, { targets: [{ kind: 'json', url: hooks.url('/urgent') }], minSeverity: 'warning', events: ['state', 'breaker', 'reconciliation'] }));
    view.setState('DEGRADED', 'bars:BTCUSDT.BINANCE stale for 30 s');
    view.setState('RUNNING', 'feed recovered');
    view.events.emit('breaker', { name: 'drawdown', tripped: true, reason: 'drawdown 5.2% > 5%', ts: 1 });
    view.events.emit('breaker', { name: 'drawdown', tripped: false, reason: undefined, ts: 2 });
    view.events.emit('reconciliation', { venue: 'BINANCE', differences: [], ts: 3 });
    view.events.emit('reconciliation', { venue: 'BINANCE', differences: ['order c1 open at venue, unknown to node', 'fill t7 missing'], ts: 4 });
    view.killSwitch('manual', 'api');
    await Promise.all([all.flush(), urgent.flush()]);
    const summary = (path: string) => hooks.bodies(path).map((b) => { const { severity, title, text } = b as Record<string, string>; return [severity, title, text]; });
    expect(summary('/all')).toEqual([
      ['warning', 'state RUNNING -> DEGRADED', 'bars:BTCUSDT.BINANCE stale for 30 s'],
      ['info', 'state DEGRADED -> RUNNING', 'feed recovered'],
      ['critical', 'breaker drawdown tripped', 'drawdown 5.2% > 5%'],
      ['info', 'breaker drawdown reset', ''],
      ['warning', 'reconciliation with BINANCE found 2 differences', '- order c1 open at venue, unknown to node\n- fill t7 missing'],
      ['critical', 'kill switch pulled (api)', 'manual'],
    ]);
    expect(summary('/urgent')).toEqual([
      ['warning', 'state RUNNING -> DEGRADED', 'bars:BTCUSDT.BINANCE stale for 30 s'],
      ['critical', 'breaker drawdown tripped', 'drawdown 5.2% > 5%'],
      ['warning', 'reconciliation with BINANCE found 2 differences', '- order c1 open at venue, unknown to node\n- fill t7 missing'],
    ]);
  });

/** A virtual clock that records every wait asked of it. */
class WaitRecordingClock extends BacktestClock {
  readonly waits: number[] = [];
  override setTimer(at: number, callback: (event: TimerEvent) => void): TimerHandle {
    this.waits.push(at - this.now());
    return super.setTimer(at, callback);
  }
}

/** Moves the virtual clock to each timer as it is set, until `done` settles: retries without real waits. */
async function driveClock(clock: BacktestClock, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const next = clock.nextTimerAt();
    if (next !== undefined) clock.advanceTo(next);
  }
  await done;
}

describe('on a virtual clock', () => {
  it('retries 5xx with jittered exponential backoff and gives up after the last attempt', async () => {
    const hooks = await receiver();
    hooks.script('/flaky', { status: 500 }, { status: 502 }, { status: 200 });
    hooks.script('/down', { status: 503 }, { status: 503 }, { status: 503 });
    const view = new FakeNodeView('n');
    const logger = recordingLogger();
    const clock = new WaitRecordingClock(T);
    const alerts = track(
      webhookAlerts(view, {
        targets: [{ kind: 'json', url: hooks.url('/flaky') }, { kind: 'slack', url: hooks.url('/down') }],
        retry: { attempts: 3, baseDelayMs: 40, maxDelayMs: 1000 },
        random: () => 0.5,
        logger,
        clock,
      }),
    );
    view.killSwitch('x', 'api');
    await driveClock(clock, alerts.flush());
    const at = (path: string) => hooks.received.filter((r) => r.path === path).map((r) => r.at);
    expect(at('/flaky')).toHaveLength(3);
    expect(at('/down')).toHaveLength(3);
    // Waits, on each target: 40 ms * (1/2 + 0.5/2) = 30 ms, then 80 ms * 0.75 = 60 ms, of virtual time.
    expect(clock.waits.sort((a, b) => a - b)).toEqual([30, 30, 60, 60]);
    expect(clock.now() - T).toBeGreaterThanOrEqual(90);
    expect(alerts.stats().map((s) => [s.sent, s.failed, s.retries])).toEqual([[1, 0, 2], [0, 1, 2]]);
    expect(logger.lines).toEqual([
      'error alert delivery failed {"target":"slack#1","kind":"slack","host":"127.0.0.1:' + hooks.port + '","alert":"killSwitch","severity":"critical","attempts":3,"status":503,"reason":"HTTP 503"}',
    ]);
  });

  it('honours Retry-After on 429, in the header or in a Discord or Telegram body', async () => {
    const hooks = await receiver();
    hooks.script('/header', { status: 429, headers: { 'retry-after': '1' } });
    hooks.script('/discord', { status: 429, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.25, global: false }) });
    hooks.script(`/bot${TG_TOKEN}/sendMessage`, { status: 429, body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } }) });
    const view = new FakeNodeView('n');
    const clock = new WaitRecordingClock(T);
    const alerts = track(
      webhookAlerts(view, {
        targets: [
          { kind: 'json', url: hooks.url('/header') },
          { kind: 'discord', url: hooks.url('/discord') },
          { kind: 'telegram', url: hooks.url(`/bot${TG_TOKEN}/sendMessage`), chatId: 1 },
        ],
        retry: { attempts: 2, baseDelayMs: 2, maxDelayMs: 2 },
        random: () => 0.5,
        clock,
      }),
    );
    view.killSwitch('x', 'api');
    await driveClock(clock, alerts.flush());
    // Retry-After: 1 s; Discord's 0.25 s; Telegram's 0 leaves the backoff, 2 ms * 0.75.
    expect(clock.waits.sort((a, b) => a - b)).toEqual([1.5, 250, 1000]);
    expect(hooks.received.map((r) => r.path).sort()).toEqual(['/discord', '/discord', '/header', '/header', `/bot${TG_TOKEN}/sendMessage`, `/bot${TG_TOKEN}/sendMessage`].sort());
    expect(alerts.stats().every((s) => s.sent === 1 && s.retries === 1)).toBe(true);
  });
});

  it('gives up at once on a Retry-After beyond the limit and on 4xx, reporting without the URL or its token', async () => {
    const hooks = await receiver();
    hooks.script('/slow', { status: 429, headers: { 'retry-after': '3600' } });
    // A body that echoes the credential back must not carry it into the log.
    hooks.script(`/bot${TG_TOKEN}/sendMessage`, { status: 401, body: JSON.stringify({ ok: false, error_code: 401, description: `Unauthorized: bot ${TG_TOKEN}` }) });
    hooks.script(SLACK_PATH, { status: 404, body: `no_service ${SLACK_PATH}` });
    const view = new FakeNodeView('n');
    const out: string[] = [];
    const logger = pinoLogger({ nodeId: 'n', destination: { write: (s: string) => void out.push(s) } });
    const alerts = track(
      webhookAlerts(view, {
        targets: [
          { kind: 'json', url: hooks.url('/slow') },
          { kind: 'telegram', url: hooks.url(`/bot${TG_TOKEN}/sendMessage`), chatId: 1 },
          { kind: 'slack', url: hooks.url(SLACK_PATH), name: 'desk-slack' },
        ],
        retry: { attempts: 5, baseDelayMs: 1 },
        logger,
      }),
    );
    view.killSwitch('x', 'api');
    await alerts.flush();
    expect(hooks.received).toHaveLength(3);
    const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l['target'], l['attempts'], l['status']])).toEqual(
      expect.arrayContaining([['json#0', 1, 429], ['telegram#1', 1, 401], ['desk-slack', 1, 404]]),
    );
    expect(lines.find((l) => l['target'] === 'json#0')!['reason']).toBe('HTTP 429; Retry-After of 3600 s exceeds maxRetryAfterMs');
    const text = out.join('');
    for (const secret of [TG_TOKEN, 'AAF-x9TelegramSecretTokenPart_abcdefg', SLACK_PATH, 'slackSecretTokenXyz123', 'T0SECRET1', 'B0SECRET2']) expect(text).not.toContain(secret);
  });

  it('retries network errors and reports them without the URL', async () => {
    const hooks = await receiver();
    const url = hooks.url(DISCORD_PATH);
    await hooks.stop(); // nothing listens there any more
    const view = new FakeNodeView('n');
    const logger = recordingLogger();
    const alerts = track(webhookAlerts(view, { targets: [{ kind: 'discord', url }], retry: { attempts: 3, baseDelayMs: 1 }, logger }));
    view.killSwitch('x', 'api');
    await alerts.flush();
    expect(alerts.stats()[0]).toMatchObject({ sent: 0, failed: 1, retries: 2 });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('ECONNREFUSED');
    expect(logger.lines[0]).not.toContain('discordSecretToken');
    expect(logger.lines[0]).not.toContain('112233445566778899');
  });

  it('never blocks the node: a full queue drops its oldest alert and counts it', async () => {
    const hooks = await receiver();
    hooks.script('/slow', { status: 200, holdMs: 250 });
    const view = new FakeNodeView('n');
    const logger = recordingLogger();
    const alerts = track(webhookAlerts(view, { targets: [{ kind: 'json', url: hooks.url('/slow') }], queueSize: 2, logger }));
    const started = performance.now();
    for (let i = 1; i <= 5; i++) view.killSwitch(`k${i}`, 'api');
    // Emitting returned long before the first answer (250 ms), with one post in flight and two waiting.
    expect(performance.now() - started).toBeLessThan(200);
    expect(alerts.stats()[0]).toMatchObject({ pending: 3, dropped: 2 });
    await alerts.flush();
    expect(hooks.bodies('/slow').map((b) => (b as { text: string }).text)).toEqual(['k1', 'k4', 'k5']);
    expect(alerts.stats()[0]).toMatchObject({ sent: 3, dropped: 2, failed: 0, pending: 0 });
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^warn alert queue full: oldest alert dropped .*"dropped":1/);
  });

  it('stops following the node on close and abandons what it cannot send in time', async () => {
    const hooks = await receiver();
    hooks.script('/hang', { status: 200, holdMs: 3_000 });
    const view = new FakeNodeView('n');
    const logger = recordingLogger();
    const alerts = webhookAlerts(view, { targets: [{ kind: 'json', url: hooks.url('/hang') }], logger });
    view.killSwitch('a', 'api');
    view.killSwitch('b', 'api');
    const started = performance.now();
    await alerts.close(50);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(view.events.listenerCount('killSwitch')).toBe(0);
    expect(alerts.stats()[0]).toMatchObject({ sent: 0, failed: 2, pending: 0 });
  });

  it('rejects unknown options and bad URLs without echoing the URL', () => {
    const view = new FakeNodeView('n');
    expect(() => webhookAlerts(view, { targets: [{ kind: 'slack', url: 'https://hooks.slack.com/x', chat: 1 }] } as never)).toThrow(/targets\[0\]\.chat: unknown option/);
    expect(() => webhookAlerts(view, { targets: [] })).toThrow(/targets/);
    expect(() => webhookAlerts(view, { targets: [{ kind: 'json', url: 'ftp://u:pw-secret-9@host/x' }] })).toThrow(/targets\[0\]\.url/);
    try {
      webhookAlerts(view, { targets: [{ kind: 'json', url: 'ftp://u:pw-secret-9@host/x' }] });
    } catch (err) {
      expect(String(err)).not.toContain('pw-secret-9');
    }
    expect(() => webhookAlerts(view, { targets: [{ kind: 'json', url: 'https://x.test' }], retry: { attemps: 3 } } as never)).toThrow(/retry\.attemps: unknown option; did you mean "attempts"/);
  });
});

describe('alertRetryDelay and parseRetryAfter', () => {
  it('doubles up to the ceiling with half of each wait random', () => {
    expect([1, 2, 3, 4, 5].map((n) => alertRetryDelay(n, 100, 500, () => 0))).toEqual([50, 100, 200, 250, 250]);
    expect([1, 2, 3, 4, 5].map((n) => alertRetryDelay(n, 100, 500, () => 0.5))).toEqual([75, 150, 300, 375, 375]);
    expect(alertRetryDelay(1, 100, 500, () => 0.999)).toBeCloseTo(99.95, 10);
  });
  it('reads seconds, HTTP dates and JSON bodies', () => {
    const now = Date.UTC(2024, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('120', '', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', '', now)).toBe(30_000);
    expect(parseRetryAfter(null, '{"retry_after":1.5}', now)).toBe(1500);
    expect(parseRetryAfter(null, '{"ok":false,"parameters":{"retry_after":7}}', now)).toBe(7000);
    expect(parseRetryAfter(null, 'busy', now)).toBeUndefined();
  });
});
