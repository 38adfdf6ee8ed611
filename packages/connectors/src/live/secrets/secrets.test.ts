/**
 * No secret leaves a live node: a node with known secrets planted wherever one can come from (a venue's
 * credentials and its errors, webhook URLs and headers, the dashboard token, a database URL) is driven
 * through every error path, and everything it shows (log lines, errors thrown and rejected with their
 * stacks, properties and causes, node events, alert bodies, dashboard answers and event stream frames,
 * the metrics exposition) is searched for each secret in every encoding. A failure lists each leak:
 * where it was seen, which secret, and the text around it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStatus, Decimal, type Logger } from '@rxtrade/core';
import { nodeJournalFs, type JournalFs } from '@rxtrade/execution';
import { removeTempDirs, goog } from '../node/__fixtures__/node-kit';
import { pinoLogger } from '../observability/pino-logger';
import { webhookAlerts } from '../observability/webhook-alerts';
import { serveDashboard } from '../dashboard/serve-dashboard';
import { FakeNodeView } from '../dashboard/__fixtures__/fake-node-view';
import { LeakRig, WebhookSink, bar, call, openEvents, show } from './__fixtures__/leak-rig';
import { exchangeError } from './__fixtures__/leaky-venue';
import { BASIC, Capture, PG_URL, SECRETS, encodings } from './__fixtures__/planted';
import { Writable } from 'node:stream';

let sink: WebhookSink;
beforeAll(async () => {
  sink = await WebhookSink.start();
});
afterAll(async () => {
  await sink.close();
  removeTempDirs();
});

/** Fails with the list of leaks, one per line. */
function expectNoLeaks(cap: Capture, atLeast = 1): void {
  expect(cap.texts.length).toBeGreaterThanOrEqual(atLeast);
  const leaks = cap.leaks();
  expect(leaks.map((l) => `${l.secret} in ${l.source}: …${l.excerpt}…`).join('\n')).toBe('');
}

const settle = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The order the scenarios' pipelines place: a resting buy. */
const restingBuy = (rig: LeakRig): void => rig.commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 50 }));

describe('the capture finds what it must', () => {
  it('sees a planted secret in each of its encodings (the search cannot pass vacuously)', () => {
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const form of encodings(secret)) {
        const cap = new Capture();
        cap.add('probe', `x ${form} y`);
        expect(cap.leaks().map((l) => l.secret), `${name} as ${form}`).toContain(name);
      }
    }
    const cap = new Capture();
    cap.addError('probe', exchangeError('submit'), show);
    cap.add('basic', `Authorization: Basic ${BASIC}`);
    const found = new Set(cap.leaks().map((l) => l.secret));
    for (const s of ['apiKey', 'apiSecret', 'signature', 'bearer', 'basicPass', 'urlPassword']) expect(found).toContain(s);
  });
});

describe.each(['pino', 'plain'] as const)('a live node logging through %s keeps every secret out of its output', (logVia) => {
  it('config validation errors do not echo the secret-bearing values they refuse', () => {
    const rig = new LeakRig('config', sink, logVia);
    const bad = (extra: Parameters<LeakRig['config']>[0]): void => {
      expect(() => rig.build(extra)).toThrow();
    };
    const o = rig.config().observability!;
    // A webhook URL without a scheme, one with the wrong scheme, a token that is not printable ASCII,
    // a header that is not a string, an unknown key holding a secret, a journal dir given a URL.
    bad({ observability: { ...o, alerts: { targets: [{ kind: 'slack', url: `hooks.slack.com/services/T0/B0/${SECRETS.slackHook}` }] } } });
    bad({ observability: { ...o, alerts: { targets: [{ kind: 'telegram', url: `ftp://api.telegram.org/bot${SECRETS.telegramToken}/sendMessage`, chatId: 1 }] } } });
    bad({ observability: { ...o, alerts: { targets: [{ kind: 'json', url: 'https://ops.example.com/x', headers: { authorization: [`Bearer ${SECRETS.jsonHeader}`] as unknown as string } }] } } });
    bad({ observability: { ...o, dashboard: { token: `${SECRETS.dashboardToken} ${SECRETS.apiSecret}` } } });
    bad({ observability: { ...o, dashboard: { token: SECRETS.dashboardToken, tokn: SECRETS.dashboardToken } as never } });
    bad({ observability: { ...o, dashboard: { token: 12345 as unknown as string } } });
    bad({ journal: { dir: PG_URL, fsync: 'sometimes' as never } });
    bad({ journal: { postgres: { connectionString: PG_URL, name: '' } } });
    bad({ journal: { dir: 'x', postgres: { connectionString: PG_URL, name: 'n', pasword: SECRETS.pgPassword } as never } });
    bad({ venues: [{ id: 'X', apiKey: SECRETS.apiKey, secret: SECRETS.apiSecret } as never] });
    expectNoLeaks(rig.cap, 10);
  });

  it('a data client whose connect fails: the start rejection, the ERROR state, its alerts and its dashboard', async () => {
    const rig = new LeakRig('connect', sink, logVia);
    rig.data.failConnect.first = true;
    rig.hold();
    const node = rig.build();
    const started = rig.start();
    await waitFor(() => node.dashboardServer !== undefined && node.state === 'RUNNING');
    const stream = await openEvents(rig.cap, 'connect', node.dashboardServer!.url);
    await settle();
    rig.release();
    expect(await started).toBeInstanceOf(Error);
    await stream.ended;
    expect(node.state).toBe('ERROR');
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it('a data stream that errors, a disconnect that fails on stop, the watchdog reconnecting into failures', async () => {
    const rig = new LeakRig('data', sink, logVia);
    rig.data.failConnect.again = true;
    rig.data.failDisconnect = true;
    const node = rig.build({ watchdog: { staleAfterMs: 5 * 86_400_000, backoff: { initialDelayMs: 10, maxDelayMs: 20 }, reconnect: true } });
    expect(await rig.start()).toBeUndefined();
    rig.data.push(bar(0));
    await node.idle();
    rig.data.status.next(ConnectionStatus.DISCONNECTED);
    for (let i = 1; i <= 5; i++) {
      rig.clock.advanceTo(rig.clock.now() + 1_000);
      await settle(2);
    }
    expect(rig.data.connects).toBeGreaterThan(1);
    await rig.stop();
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it('a data stream that errors without a watchdog', async () => {
    const rig = new LeakRig('stream', sink, logVia);
    const node = rig.build();
    expect(await rig.start()).toBeUndefined();
    rig.data.fail();
    await settle();
    await rig.stop();
    expect(node.state).toBe('STOPPED');
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it.each(['submit', 'cancel', 'modify'] as const)('a venue %s that throws fails the node without showing the request', async (op) => {
    const rig = new LeakRig(op, sink, logVia);
    const node = rig.build();
    expect(await rig.start()).toBeUndefined();
    const stream = await openEvents(rig.cap, op, node.dashboardServer!.url);
    rig.data.push(bar(0));
    await node.idle();
    if (op === 'submit') rig.venue.faults.add('submit');
    restingBuy(rig);
    await node.idle().catch(() => undefined);
    if (op !== 'submit') {
      const order = node.kernel.orderManager.openOrders()[0]!;
      rig.venue.faults.add(op);
      const base = { clientOrderId: order.clientOrderId, strategyId: order.strategyId, instrumentId: goog.id };
      rig.commands.next((ctx) =>
        op === 'cancel' ? { type: 'CancelOrder', ...base, ts: ctx.clock.now() } : ({ type: 'ModifyOrder', ...base, quantity: undefined, price: new Decimal(49), triggerPrice: undefined, ts: ctx.clock.now() }),
      );
    }
    await waitFor(() => node.state === 'ERROR');
    await stream.ended;
    await rig.stop();
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it.each(['openOrders', 'positions', 'balances', 'fillsSince', 'queryOrder'] as const)('a venue query (%s) that throws during the start reconciliation', async (op) => {
    // A first run leaves an order working and a fill in its journal, so the second start asks for fills and about the order.
    const first = new LeakRig(`${op} (first run)`, sink, logVia);
    first.build({ onStop: 'leave' });
    expect(await first.start()).toBeUndefined();
    first.data.push(bar(0));
    await first.node.idle();
    restingBuy(first);
    first.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    await first.node.idle();
    first.data.push(bar(1));
    await first.node.idle();
    await first.stop();
    const rig = new LeakRig(op, sink, logVia, { rig: first, sameVenue: true });
    rig.venue.faults.add(op);
    rig.build();
    // The order manager retries a query on the node's clock: virtual time is moved until it gives up.
    let outcome: unknown = 'pending';
    const started = rig.start().then((e) => (outcome = e));
    for (let i = 0; i < 200 && outcome === 'pending'; i++) {
      await settle(1);
      rig.clock.advanceTo(rig.clock.now() + 1_000);
    }
    await started;
    if (op === 'queryOrder') expect(rig.node.kernel.anomalies.map((a) => a.reason)).toContain('RECONCILIATION_FAILED');
    else expect(outcome).toBeInstanceOf(Error);
    await rig.stop();
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it('venue queries that throw after a reconnect', async () => {
    const rig = new LeakRig('reconnect', sink, logVia);
    const node = rig.build();
    expect(await rig.start()).toBeUndefined();
    rig.data.push(bar(0));
    restingBuy(rig);
    await node.idle();
    rig.venue.faults.add('openOrders').add('queryOrder').add('fillsSince');
    rig.venue.status.next(ConnectionStatus.DISCONNECTED);
    rig.venue.status.next(ConnectionStatus.CONNECTED);
    await waitFor(() => node.state === 'ERROR');
    await rig.stop();
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it('a ReconciliationMismatchError', async () => {
    // A first run buys one share; the second meets a venue that holds none.
    const first = new LeakRig('mismatch (first run)', sink, logVia);
    first.build();
    expect(await first.start()).toBeUndefined();
    first.data.push(bar(0));
    await first.node.idle();
    first.commands.next((ctx) => ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: 1 }));
    await first.node.idle();
    first.data.push(bar(1));
    await first.node.idle();
    expect(first.node.ledger.positionQuantity(goog.id).toString()).toBe('1');
    await first.stop();
    const rig = new LeakRig('mismatch', sink, logVia, { rig: first, sameVenue: false });
    rig.build();
    const error = await rig.start();
    expect(error).toBeInstanceOf(Error);
    rig.finish();
    expectNoLeaks(rig.cap);
  });

  it('a journal that cannot open, and one whose writes fail (a database URL in the error)', async () => {
    const dbError = (): Error => Object.assign(new Error(`connect ECONNREFUSED for ${PG_URL}`), { code: 'ECONNREFUSED', connectionString: PG_URL });
    const failing = (what: 'mkdir' | 'fdatasync' | 'close'): JournalFs => ({ ...nodeJournalFs, [what]: () => Promise.reject(dbError()) });
    const open = new LeakRig('journal open', sink, logVia);
    open.build({ journal: { dir: open.dir, fsync: 'always', fs: failing('mkdir') } });
    expect(await open.start()).toBeInstanceOf(Error);
    open.finish();
    expectNoLeaks(open.cap);

    const write = new LeakRig('journal write', sink, logVia);
    let armed = false;
    const fs: JournalFs = { ...nodeJournalFs, fdatasync: (fd) => (armed ? Promise.reject(dbError()) : nodeJournalFs.fdatasync(fd)) };
    const node = write.build({ journal: { dir: write.dir, fsync: 'always', fs } });
    expect(await write.start()).toBeUndefined();
    armed = true;
    write.data.push(bar(0));
    restingBuy(write);
    await waitFor(() => node.state === 'ERROR');
    await write.stop();
    write.finish();
    expectNoLeaks(write.cap);

    // A PostgreSQL journal whose server does not answer: its URL holds the password.
    const pg = new LeakRig('postgres journal', sink, logVia);
    pg.build({ journal: { postgres: { connectionString: `postgres://journal:${SECRETS.pgPassword}@127.0.0.1:${sink.closedPort}/rxtrade`, name: 'leak-test' } } });
    expect(await pg.start()).toBeInstanceOf(Error);
    pg.finish();
    expectNoLeaks(pg.cap);

    const close = new LeakRig('journal close', sink, logVia);
    let closing = false;
    const closeFs: JournalFs = { ...nodeJournalFs, close: (fd) => (closing ? Promise.reject(dbError()) : nodeJournalFs.close(fd)) };
    close.build({ journal: { dir: close.dir, fsync: 'always', fs: closeFs } });
    expect(await close.start()).toBeUndefined();
    closing = true;
    await close.stop();
    close.finish();
    expectNoLeaks(close.cap);
  });

  it('the dashboard (wrong, missing and right tokens, the kill switch) and the metrics endpoint', async () => {
    const rig = new LeakRig('dashboard', sink, logVia);
    const node = rig.build();
    expect(await rig.start()).toBeUndefined();
    const url = node.dashboardServer!.url;
    const stream = await openEvents(rig.cap, 'dashboard', url);
    const cap = rig.cap;
    const near = `${SECRETS.dashboardToken.slice(0, -1)}x`;
    const kill = (source: string, headers: Record<string, string>, body = JSON.stringify({ reason: 'operator' })) =>
      call(cap, source, `${url}api/kill-switch`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await call(cap, 'GET /', url);
    await call(cap, 'GET /api/snapshot', `${url}api/snapshot`);
    expect((await kill('kill switch without a token', {})).status).toBe(401);
    expect((await kill('kill switch with a wrong token', { authorization: `Bearer ${near}` })).status).toBe(401);
    expect((await kill('kill switch with Basic', { authorization: `Basic ${BASIC}` })).status).toBe(401);
    expect((await kill('kill switch cross-origin', { authorization: `Bearer ${SECRETS.dashboardToken}`, origin: 'http://evil.example' })).status).toBe(403);
    expect((await kill('kill switch with a bad body', { authorization: `Bearer ${SECRETS.dashboardToken}` }, JSON.stringify({ reason: '', token: SECRETS.dashboardToken }))).status).toBe(400);
    expect((await kill('kill switch', { authorization: `Bearer ${SECRETS.dashboardToken}` })).status).toBe(200);
    const metrics = node.metricsServer!.url;
    expect((await call(cap, 'GET /metrics', metrics)).status).toBe(200);
    await call(cap, 'GET /nope', new URL('/nope', metrics).href);
    await call(cap, 'POST /metrics', metrics, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.bearer}` } });
    await node.idle();
    await rig.stop();
    await stream.ended;
    rig.finish();
    expectNoLeaks(rig.cap);
  });
});

describe('the observability tools on their own', () => {
  it('webhook alerts that fail with 4xx, 5xx and network errors report without URLs, tokens or header values', async () => {
    const cap = new Capture();
    const logger: Logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((l) => [l, (m: string, f?: Record<string, unknown>) => cap.add('alerts logger', `${m} ${show(f)}`)]),
    ) as unknown as Logger;
    const view = new FakeNodeView();
    const alerts = webhookAlerts(view, { targets: sink.targets(), retry: { attempts: 3, baseDelayMs: 0 }, timeoutMs: 2_000, logger, knownSecrets: [SECRETS.apiKey] });
    view.killSwitch(`venue said: invalid key ${SECRETS.apiKey} for https://api.exchange.test/x?timestamp=1&signature=${SECRETS.signature}`, 'risk');
    await alerts.flush();
    cap.add('alerts stats', JSON.stringify(alerts.stats()));
    await alerts.close();
    for (const b of sink.bodies.splice(0)) cap.add('alert body', b);
    expect(alerts.stats().map((s) => [s.sent, s.failed])).toEqual([[1, 0], [0, 1], [0, 1], [0, 1], [0, 1]]);
    expectNoLeaks(cap);
  });

  it('pinoLogger and serveDashboard keep their own secrets out of validation errors', async () => {
    const cap = new Capture();
    const destination = new Writable({ write: (c: Buffer, _e, done) => (cap.add('pino', c.toString()), done()) });
    expect(() => pinoLogger({ nodeId: 'x', destination, knownSecrets: [SECRETS.apiSecret, 42 as unknown as string] })).toThrow();
    await serveDashboard(new FakeNodeView(), { token: `short ${SECRETS.dashboardToken}` }).catch((e: unknown) => cap.addError('serveDashboard', e, show));
    await serveDashboard(new FakeNodeView(), { host: '0.0.0.0', title: SECRETS.apiKey, port: -1 }).catch((e: unknown) => cap.addError('serveDashboard', e, show));
    expectNoLeaks(cap);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await settle(2);
  }
}
