/**
 * Opens the dashboard of a fake node in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with every request to another origin blocked: no console or page errors (a CSP
 * violation is one), no network beyond the dashboard, every panel drawn from the snapshot, live updates
 * without a reload, and the kill switch flow. Screenshots go to packages/connectors/.dashboard-screenshots/.
 *
 * Skipped when /usr/bin/chromium is missing, unless RXTRADE_REQUIRE_SERVICES=1 (CI), where it fails.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeOrder } from '../live-node-view';
import { FakeNodeView, sampleSnapshot } from './__fixtures__/fake-node-view';
import { serveDashboard, type DashboardServer } from './serve-dashboard';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.RXTRADE_REQUIRE_SERVICES === '1';
const missing = !existsSync(CHROMIUM);
if (missing && !required) console.warn(`skipping the dashboard browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const screenshots = fileURLToPath(new URL('../../../.dashboard-screenshots/', import.meta.url));
const TOKEN = 'browser-test-token-5f2c9a71d04e';

// Runs in the page (as strings: the repository's type check has no DOM library).
const TABLE_TEXT = (id: string): string => `Array.from(document.querySelectorAll('#${id} tr')).map((tr) => Array.from(tr.children).map((td) => td.textContent.trim()))`;
const CHART = `(() => {
  const svg = document.getElementById('equity-chart');
  const curve = svg.querySelector('path.curve');
  const box = svg.getBoundingClientRect();
  return { state: window.rxtradeDashboard.chart, d: curve ? curve.getAttribute('d') : '', width: box.width, height: box.height, labels: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent), ticks: Array.from(svg.querySelectorAll('text.tick')).map((t) => t.textContent) };
})()`;

/**
 * Polls an expression in the page until it is true. (Playwright's `waitForFunction` compiles its
 * predicate with `new Function` inside the page, which the dashboard's CSP forbids, as it should.)
 */
async function until(page: import('playwright-core').Page, expression: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missing && !required)('dashboard in headless Chromium', () => {
  let browser: import('playwright-core').BrowserContext;
  let profile: string;
  const servers: DashboardServer[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(`RXTRADE_REQUIRE_SERVICES=1 but ${CHROMIUM} is not installed`);
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'rxtrade-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1360, height: 900 },
      deviceScaleFactor: 1,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function open(server: DashboardServer) {
    const page = await browser.newPage();
    const errors: string[] = [];
    const foreign: string[] = [];
    const local: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) {
        local.push(`${route.request().method()} ${url.slice(server.url.length - 1)}`);
        return route.continue();
      }
      foreign.push(url);
      return route.abort();
    });
    await page.goto(server.url, { waitUntil: 'load' });
    await until(page, 'window.rxtradeDashboard && window.rxtradeDashboard.snapshots >= 1');
    return { page, errors, foreign, local };
  }

  it('draws the node, its book and its equity, updates live, and pulls the kill switch with the token', async () => {
    const view = new FakeNodeView();
    const server = await serveDashboard(view, { token: TOKEN, updateIntervalMs: 50, title: 'BTC/ETH desk' });
    servers.push(server);
    const { page, errors, foreign, local } = await open(server);

    const header = (await page.textContent('header'))!;
    expect(header).toContain('BTC/ETH desk');
    expect(header).toContain('node-1');
    expect(await page.textContent('#node-state')).toBe('nodeRUNNING');
    expect(await page.getAttribute('#node-state .badge', 'class')).toBe('badge tone-ok');
    expect(await page.textContent('#trading-state')).toBe('tradingACTIVE');
    expect(await page.textContent('#kpi-equity')).toBe('109,123.45 USDT');
    expect(await page.getAttribute('#kpi-unrealized', 'class')).toBe('value neg');

    expect(await page.evaluate(TABLE_TEXT('positions'))).toEqual([
      ['BTCUSDT.BINANCE', '0.75', '64,210.5', '-310.75', '1,500.00'],
      ['ETHUSDT.BINANCE', '-4', '3,120.25', '100.00', '334.20'],
    ]);
    expect(await page.evaluate(TABLE_TEXT('orders'))).toEqual([
      ['O-1001', '88123', 'BTCUSDT.BINANCE', 'BUY', 'LIMIT', 'ACCEPTED', '0.5', '0.1', '63,000'],
      ['O-1002', '—', 'ETHUSDT.BINANCE', 'SELL', 'MARKET', 'SUBMITTED IN FLIGHT', '2', '0', 'market'],
    ]);
    expect(await page.getAttribute('#orders tr:nth-child(2)', 'class')).toBe('inflight');
    // Newest first.
    expect((await page.evaluate(TABLE_TEXT('fills')) as string[][]).map((r) => r[7])).toEqual(['T-503', 'T-502', 'T-501']);
    expect(await page.evaluate(TABLE_TEXT('breakers'))).toEqual([
      ['max-drawdown', 'OK', ''],
      ['order-rate', 'TRIPPED', '31 orders in 10 s (limit 30)'],
    ]);
    expect(await page.evaluate(TABLE_TEXT('feeds'))).toEqual([
      ['bars:BTCUSDT.BINANCE', 'HEALTHY', '2.0 s ago', '0'],
      ['bars:ETHUSDT.BINANCE', 'STALE', '1 min ago', '1'],
      ['venue:BINANCE', 'HEALTHY', '0.5 s ago', '2'],
    ]);

    const chart = (await page.evaluate(CHART)) as { state: { samples: number; points: number; min: number; max: number }; d: string; width: number; height: number; labels: string[]; ticks: string[] };
    const eq = view.current.equityCurve.equity;
    expect(chart.state).toEqual({ samples: 240, points: 240, min: Math.min(...eq), max: Math.max(...eq) });
    expect(chart.d.match(/[ML]/g)).toHaveLength(240);
    expect(chart.width).toBeGreaterThan(600);
    expect(chart.height).toBe(240);
    expect(chart.labels).toContain('2026-01-05 10:31:00 UTC');
    expect(chart.labels).toContain('2026-01-05 14:30:00 UTC');
    // The value axis: round numbers, evenly spaced by 1, 2, 2.5 or 5 times a power of ten, around the curve.
    const ticks = chart.ticks.map((t) => Number(t.replaceAll(',', '')));
    const step = ticks[1]! - ticks[0]!;
    expect(ticks.slice(1).map((t, i) => t - ticks[i]!)).toEqual(ticks.slice(1).map(() => step));
    expect([1, 2, 2.5, 5]).toContain(step / 10 ** Math.floor(Math.log10(step)));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(7);
    expect(ticks[0]).toBeLessThanOrEqual(Math.min(...eq));
    expect(ticks[0]).toBeGreaterThan(Math.min(...eq) - step);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(Math.max(...eq));
    expect(ticks.at(-1)).toBeLessThan(Math.max(...eq) + step);
    await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true });

    // Live: a fill and a state change reach the page without a reload.
    view.addFill({ ts: view.current.ts + 5_000, clientOrderId: 'O-1001', tradeId: 'T-504', instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.4', price: '63000', commission: '2.52' });
    await until(page, `${TABLE_TEXT('fills')}.length === 4`);
    expect(await page.evaluate(TABLE_TEXT('fills'))).toContainEqual(['14:30:05', 'BTCUSDT.BINANCE', 'BUY', '0.4', '63,000', '2.52', 'O-1001', 'T-504']);
    // An order the venue reported that this node did not place (reconciliation lists it as external).
    view.current.openOrders = [...view.current.openOrders, { ...view.current.openOrders[0]!, clientOrderId: 'ext-77', venueOrderId: '99001', external: true } as NodeOrder];
    view.current.state = 'DEGRADED';
    view.current.feeds = view.current.feeds.map((f) => (f.name === 'venue:BINANCE' ? { ...f, status: 'DISCONNECTED' } : f));
    view.events.emit('state', { from: 'RUNNING', to: 'DEGRADED', reason: 'venue BINANCE disconnected', ts: view.current.ts + 6_000 });
    await until(page, `document.querySelector('#node-state').textContent === 'nodeDEGRADED'`);
    expect(await page.getAttribute('#node-state .badge', 'class')).toBe('badge tone-warn');
    expect((await page.evaluate(TABLE_TEXT('orders')) as string[][])[2]).toEqual(['ext-77', '99001', 'BTCUSDT.BINANCE', 'BUY', 'LIMIT', 'ACCEPTED EXTERNAL', '0.5', '0.1', '63,000']);
    expect(await page.textContent('#events li')).toBe('14:30:06state RUNNING → DEGRADED: venue BINANCE disconnected');

    view.current.ts += 10_000;
    // The kill switch: confirmation dialog, a wrong token refused, then the right one.
    await page.click('#kill-open');
    expect(await page.isVisible('#kill-dialog')).toBe(true);
    await page.fill('#kill-reason', 'venue disconnected with open orders');
    await page.fill('#kill-token', 'not-the-token-0000');
    await page.screenshot({ path: join(screenshots, 'dashboard-kill-dialog.png') });
    await page.click('#kill-confirm');
    await until(page, `document.getElementById('kill-message').textContent.includes('valid token')`);
    expect(await page.inputValue('#kill-token')).toBe('');
    expect(view.killSwitchCalls).toEqual([]);
    await page.fill('#kill-token', TOKEN);
    await page.click('#kill-confirm');
    await until(page, `document.querySelector('#trading-state').textContent === 'tradingHALTED' && document.getElementById('kill-result').textContent !== ''`);
    expect(view.killSwitchCalls).toEqual([{ reason: 'venue disconnected with open orders', source: 'dashboard' }]);
    expect(await page.isVisible('#kill-dialog')).toBe(false);
    expect(await page.textContent('#kill-result')).toMatch(/^Kill switch pulled at 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC: trading halted\.$/);
    expect(await page.getAttribute('#trading-state .badge', 'class')).toBe('badge tone-bad');
    expect(await page.textContent('#events li')).toBe('14:30:10kill switch pulled by dashboard: venue disconnected with open orders');
    await page.screenshot({ path: join(screenshots, 'dashboard-halted.png'), fullPage: true });

    // The refused attempt is the only thing the console reported (Chromium logs every 4xx response).
    expect(errors).toEqual(['console.error: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    expect(foreign).toEqual([]);
    expect(local).toEqual(['GET /', 'GET /events', 'POST /api/kill-switch', 'POST /api/kill-switch']);
    expect(page.url()).toBe(server.url);
    await page.close();
  });

  it('shows the kill switch as disabled, and why, when no token is configured', async () => {
    const view = new FakeNodeView();
    view.current.recentFills = [];
    view.current.openOrders = [];
    view.current.positions = [];
    view.current.equityCurve = { ts: [], equity: [] };
    const server = await serveDashboard(view, { updateIntervalMs: 50 });
    servers.push(server);
    const { page, errors, foreign } = await open(server);
    expect(await page.isDisabled('#kill-open')).toBe(true);
    expect(await page.textContent('#kill-help')).toMatch(/^Disabled: this dashboard was started without a token/);
    expect(await page.evaluate(TABLE_TEXT('fills'))).toEqual([['No fills yet']]);
    expect(await page.evaluate(TABLE_TEXT('orders'))).toEqual([['No open orders']]);
    expect(await page.evaluate(TABLE_TEXT('positions'))).toEqual([['No open positions']]);
    expect(await page.textContent('#equity-chart')).toBe('No equity samples yet');
    await page.screenshot({ path: join(screenshots, 'dashboard-no-token.png'), fullPage: true });
    // A narrow window: the panels stack, and no panel is wider than the window.
    view.current.equityCurve = sampleSnapshot().equityCurve;
    view.events.emit('feed', { ...view.current.feeds[1]!, ts: view.current.ts });
    await page.setViewportSize({ width: 700, height: 900 });
    await until(page, 'window.rxtradeDashboard.chart.points > 0');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(700);
    expect(await page.textContent('#events li')).toBe('14:30:00feed bars:ETHUSDT.BINANCE STALE (1 reconnect)');
    await page.screenshot({ path: join(screenshots, 'dashboard-narrow.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });
});
